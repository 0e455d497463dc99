// cxa list / describe / explain: the catalogue of scenarios, modules and findings.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "builtin_scenarios.h"
#include "cli.h"
#include "core/references.h"
#include "core/scenario.h"
#include "core/text.h"
#include "protocols/registry.h"
#include "report/report.h"

namespace cxa::cli {

namespace {

// Every scenario cxa knows (builtin_scenarios.h search order); none at all is an error.
std::vector<Scenario> KnownScenarios() {
  std::vector<Scenario> out;
  for (const auto& src : AllScenarios()) out.push_back(LoadScenarioArg(src.name));
  if (out.empty())
    throw UsageError{"no scenario found (searched: " + Join(ScenarioSearchPath(), ", ") +
                     ", built-in)"};
  return out;
}

}  // namespace

// A catalogue entry's citations with their URLs (null when the document is unknown).
nlohmann::json CitationsJson(std::string_view reference) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : Citations(reference)) {
    out.push_back({{"citation", c.text},
                   {"url", c.url.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.url)}});
  }
  return out;
}

void PrintScenarioInputs(const Scenario& s, std::ostream& out) {
  out << "\nInputs of " << s.name << " (--input NAME=VALUE):\n";
  for (const auto& in : s.inputs) {
    out << "  " << in.name << " (" << OptionTypeName(in.type) << (in.required ? ", required" : "")
        << (in.default_value.empty() ? "" : ", default " + in.default_value)
        << (in.target ? "; the TARGET after the scenario, one per line with --targets FILE" : "")
        << (in.target && !in.target_port.empty() ? ", HOST:PORT fills " + in.target_port : "")
        << ")\n";
    if (!in.doc.empty()) {
      for (const auto& l : WrapLines(in.doc, 90)) out << "      " << l << "\n";
    }
  }
}

int ListVerb(int argc, char** argv) {
  std::string what = "scenarios", format = "text";
  po::options_description d("Options");
  d.add_options()("what", po::value(&what)->value_name("WHAT"),
                  "scenarios (default), modules or checks")(
      "format", po::value(&format)->value_name("FMT")->default_value("text"), "text or json");
  po::positional_options_description pos;
  pos.add("what", 1);
  po::variables_map vm;
  if (!Parse(argc, argv, d, pos, vm, "Usage: cxa list [scenarios|modules|checks] [--format json]",
             "\n`checks` lists every finding ID cxa can emit; `cxa explain ID` tells more.\n")) {
    return kExitOk;
  }
  if (format != "text" && format != "json") throw UsageError{"--format must be text or json"};
  nlohmann::json j = nlohmann::json::array();
  if (what == "scenarios") {
    for (const auto& s : KnownScenarios()) {
      if (format == "json") {
        j.push_back(
            {{"name", s.name}, {"title", s.title}, {"summary", s.summary}, {"source", s.path}});
      } else {
        std::cout << s.name << "\t" << s.title << "\n";
      }
    }
  } else if (what == "modules") {
    for (const ModuleDescriptor* m : protocols::AllModules()) {
      if (format == "json") {
        nlohmann::json opts = nlohmann::json::array();
        for (const auto& o : m->options) {
          opts.push_back({{"name", o.name},
                          {"type", OptionTypeName(o.type)},
                          {"required", o.required},
                          {"default", o.default_value},
                          {"doc", o.doc}});
        }
        nlohmann::json facts = nlohmann::json::array();
        for (const auto& f : m->facts) facts.push_back({{"name", f.name}, {"doc", f.doc}});
        j.push_back({{"name", m->name},
                     {"summary", m->summary},
                     {"description", m->description},
                     {"options", opts},
                     {"facts", facts}});
      } else {
        std::cout << m->name << "\t" << m->summary << "\n";
        for (const auto& o : m->options) {
          std::cout << "    option " << o.name << " (" << OptionTypeName(o.type)
                    << (o.required ? ", required" : "")
                    << (o.default_value.empty() ? "" : ", default " + std::string(o.default_value))
                    << "): " << o.doc << "\n";
        }
        for (const auto& f : m->facts)
          std::cout << "    fact   " << f.name << ": " << f.doc << "\n";
      }
    }
  } else if (what == "checks") {
    for (const FindingInfo* f : protocols::FullCatalogue().all()) {
      if (format == "json") {
        j.push_back({{"id", f->id},
                     {"severity", SeverityName(f->severity)},
                     {"title", f->title},
                     {"explanation", f->explanation},
                     {"remediation", f->remediation},
                     {"reference", f->reference},
                     {"references", CitationsJson(f->reference)}});
      } else {
        std::cout << f->id << "\t" << SeverityName(f->severity) << "\t" << f->title << "\n";
      }
    }
  } else {
    throw UsageError{"list what? scenarios, modules or checks (got '" + what + "')"};
  }
  if (format == "json")
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return kExitOk;
}

namespace {

constexpr size_t kDescribeWidth = 96;

void Para(std::ostream& out, const std::string& indent, const std::string& text,
          const std::string& label = "") {
  for (const auto& l : WrapLines(text, kDescribeWidth - indent.size(), label)) {
    out << indent << l << "\n";
  }
}

std::string TrustWords(const StepDecl& st) {
  return st.strict_trust ? "strict-public (cannot be relaxed by --ignore-trust or --ca-file)"
                         : "the operator's policy (strict-public unless --ca-file or "
                           "--ignore-trust)";
}

// `cxa describe` as text: a module's description is printed at its first step only.
void DescribeText(const Scenario& s, std::ostream& out) {
  out << s.name << " — " << s.title << "\n";
  if (!s.summary.empty()) {
    out << "\n";
    Para(out, "", s.summary);
  }
  PrintScenarioInputs(s, out);
  out << "\nSteps:\n";
  std::map<std::string, std::string> described;  // module -> the step that described it
  int n = 1;
  for (const auto& st : s.steps) {
    const ModuleDescriptor* m = protocols::FindModule(st.module);
    Para(out, "  ", st.id + " — " + st.title, std::to_string(n++) + ". ");
    const std::string in = "      ";
    if (auto it = described.find(st.module); it != described.end()) {
      Para(out, in, "module " + st.module + ", as described at step " + it->second);
    } else {
      out << in << "module " << st.module << ":\n";
      Para(out, in + "  ", std::string(m->description));
      described[st.module] = st.id;
    }
    Para(out, in, TrustWords(st), "trust: ");
    for (const auto& [k, v] : st.options) Para(out, in, v, k + " = ");
    if (!st.needs.empty()) Para(out, in, Join(st.needs), "needs: ");
    if (!st.if_fact.empty()) Para(out, in, st.if_fact + " = " + st.if_value, "runs only if: ");
    if (!m->findings.empty() && described[st.module] == st.id) {
      std::vector<std::string> ids;
      for (const auto& f : m->findings) ids.emplace_back(f.id);
      out << in << "may report:\n";
      Para(out, in + "  ", Join(ids));
    }
  }
  if (!s.columns.empty()) {
    out << "\nSummary columns of batch runs (--targets FILE; text, jsonl, csv):\n";
    for (const auto& c : s.columns) {
      Para(out, "  ",
           c.verdict_step.empty() ? c.value
                                  : "verdict of step " + c.verdict_step +
                                        " (its first error or warning ID, else its outcome)",
           c.title + ": ");
    }
  }
}

// `cxa describe --format json`: the same, as data (docs/json-report.md, "Scenario description").
nlohmann::json DescribeJson(const Scenario& s) {
  using nlohmann::json;
  json inputs = json::array();
  for (const auto& in : s.inputs) {
    inputs.push_back(
        {{"name", in.name},
         {"type", OptionTypeName(in.type)},
         {"required", in.required},
         {"default", in.default_value.empty() ? json(nullptr) : json(in.default_value)},
         {"secret", in.secret},
         {"target", in.target},
         {"description", in.doc}});
  }
  json steps = json::array();
  for (const auto& st : s.steps) {
    const ModuleDescriptor* m = protocols::FindModule(st.module);
    json findings = json::array();
    for (const auto& f : m->findings) findings.push_back(f.id);
    steps.push_back(
        {{"id", st.id},
         {"title", st.title},
         {"module", st.module},
         {"module_description", m->description},
         {"trust", st.strict_trust ? "strict-public" : "operator"},
         {"options", st.options},
         {"needs", st.needs},
         {"if", st.if_fact.empty() ? json(nullptr)
                                   : json({{"fact", st.if_fact}, {"value", st.if_value}})},
         {"optional", st.optional},
         {"findings", findings}});
  }
  json columns = json::array();
  for (const auto& c : s.columns) {
    columns.push_back(
        {{"title", c.title},
         {"value", c.value.empty() ? json(nullptr) : json(c.value)},
         {"verdict_step", c.verdict_step.empty() ? json(nullptr) : json(c.verdict_step)}});
  }
  return {{"name", s.name},   {"title", s.title}, {"summary", s.summary},
          {"inputs", inputs}, {"steps", steps},   {"summary_columns", columns}};
}

}  // namespace

int DescribeVerb(int argc, char** argv) {
  std::string name, format = "text";
  po::options_description d("Options");
  d.add_options()("scenario", po::value(&name)->value_name("SCENARIO"), "scenario name or file")(
      "format", po::value(&format)->value_name("FMT")->default_value("text"), "text or json");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  if (!Parse(argc, argv, d, pos, vm, "Usage: cxa describe SCENARIO [--format json]",
             "\nPrints the scenario's inputs, its steps in order, each step's module, trust "
             "policy, options and the findings it may report.\n")) {
    return kExitOk;
  }
  if (format != "text" && format != "json") throw UsageError{"--format must be text or json"};
  if (name.empty()) throw UsageError{"which scenario? (cxa list scenarios)"};
  std::optional<Scenario> s = LoadScenarioArg(name);
  if (format == "json") {
    std::cout << DescribeJson(*s).dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
  } else {
    DescribeText(*s, std::cout);
  }
  return kExitOk;
}

int ExplainVerb(int argc, char** argv) {
  std::string id;
  po::options_description d("Options");
  d.add_options()("id", po::value(&id)->value_name("FINDING-ID"), "finding ID");
  po::positional_options_description pos;
  pos.add("id", 1);
  po::variables_map vm;
  if (!Parse(argc, argv, d, pos, vm, "Usage: cxa explain FINDING-ID",
             "\nExample: cxa explain cert.chain.missing_intermediate\n")) {
    return kExitOk;
  }
  if (id.empty()) throw UsageError{"which finding? (cxa list checks)"};
  const FindingInfo* f = protocols::FullCatalogue().Find(id);
  if (f == nullptr) {
    std::vector<std::string> ids;
    for (const FindingInfo* i : protocols::FullCatalogue().all()) ids.emplace_back(i->id);
    throw UsageError{"no finding '" + id + "'" + DidYouMean(id, ids) +
                     " (cxa list checks lists them)"};
  }
  std::cout << report::RenderExplanation(*f);
  return kExitOk;
}

}  // namespace cxa::cli
