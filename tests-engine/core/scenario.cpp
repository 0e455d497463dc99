#include "core/scenario.h"

#include <algorithm>
#include <fstream>
#include <optional>
#include <pugixml.hpp>
#include <set>
#include <sstream>

#include "core/input_file.h"
#include "core/text.h"

namespace cxa {
namespace {

class Loader {
 public:
  Loader(std::string_view text, std::string path, ModuleTable modules)
      : text_(text), path_(std::move(path)), modules_(modules) {}

  Result<Scenario> Load() {
    pugi::xml_document doc;
    pugi::xml_parse_result pr =
        doc.load_buffer(text_.data(), text_.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!pr) {
      return Fail(Where(static_cast<ptrdiff_t>(pr.offset)) +
                  "not well-formed XML: " + pr.description());
    }
    pugi::xml_node root = doc.document_element();
    if (std::string_view(root.name()) != "scenario") {
      return Fail(At(root) + "the root element must be <scenario>, found <" + root.name() + ">");
    }
    Scenario sc;
    sc.path = path_;
    if (auto e = Attrs(root, {"name", "title", "batch-needs"}); !e.empty()) return Fail(e);
    sc.name = root.attribute("name").value();
    sc.title = root.attribute("title").value();
    if (sc.name.empty()) return Fail(At(root) + "<scenario> needs a name attribute");
    if (!IsId(sc.name))
      return Fail(At(root) + "scenario name '" + sc.name + "' must be kebab-case");
    if (sc.title.empty()) sc.title = sc.name;

    // step id -> facts its module exports
    std::map<std::string, std::set<std::string>> facts_of;
    for (pugi::xml_node n : root.children()) {
      if (n.type() != pugi::node_element) continue;
      std::string_view el = n.name();
      if (el == "summary") {
        if (auto e = Attrs(n, {}); !e.empty()) return Fail(e);
        sc.summary = Collapse(n.text().get());
      } else if (el == "input") {
        if (!sc.steps.empty()) return Fail(At(n) + "<input> must come before the first <step>");
        auto r = ParseInput(n, sc);
        if (!r) return Fail(r.error());
        sc.inputs.push_back(std::move(*r));
      } else if (el == "step") {
        if (!sc.columns.empty()) return Fail(At(n) + "<step> must come before <summary-column>");
        auto r = ParseStep(n, sc, facts_of);
        if (!r) return Fail(r.error());
        sc.steps.push_back(std::move(*r));
      } else if (el == "headline") {
        if (auto e = Attrs(n, {"value"}); !e.empty()) return Fail(e);
        sc.headline = n.attribute("value").value();
        if (sc.headline.empty()) return Fail(At(n) + "<headline> needs a value");
        if (auto e = CheckRefs(sc.headline, n, sc, facts_of); !e.empty()) return Fail(e);
      } else if (el == "summary-column") {
        if (auto e = Attrs(n, {"title", "value", "verdict"}); !e.empty()) return Fail(e);
        SummaryColumn c;
        c.title = n.attribute("title").value();
        c.value = n.attribute("value").value();
        c.verdict_step = n.attribute("verdict").value();
        if (c.title.empty() || c.value.empty() == c.verdict_step.empty()) {
          return Fail(At(n) + "<summary-column> needs a title and one of value or verdict");
        }
        if (auto e = CheckRefs(c.value, n, sc, facts_of); !e.empty()) return Fail(e);
        if (!c.verdict_step.empty() && !facts_of.count(c.verdict_step)) {
          return Fail(At(n) + "verdict names '" + c.verdict_step + "', which is not a step");
        }
        sc.columns.push_back(std::move(c));
      } else {
        return Fail(At(n) + "unknown element <" + std::string(el) +
                    "> (expected summary, input, step, headline or summary-column)");
      }
    }
    if (sc.steps.empty()) return Fail(At(root) + "the scenario has no <step>");
    if (pugi::xml_attribute needs = root.attribute("batch-needs")) {
      sc.batch_needs = needs.value();
      if (sc.FindInput(sc.batch_needs) == nullptr) {
        return Fail(At(root) + "batch-needs names '" + sc.batch_needs + "', which is no input");
      }
    }
    if (const InputDecl* t = sc.TargetInput(); t && !t->target_port.empty()) {
      const InputDecl* p = sc.FindInput(t->target_port);
      if (p == nullptr || (p->type != OptionType::kInt && p->type != OptionType::kPort)) {
        return Fail(At(root) + "target-port names '" + t->target_port +
                    "', which is not a port input");
      }
    }
    return sc;
  }

 private:
  std::string Where(ptrdiff_t offset) const {
    size_t end = std::min(static_cast<size_t>(std::max<ptrdiff_t>(offset, 0)), text_.size());
    int line = 1 + static_cast<int>(std::count(text_.begin(), text_.begin() + end, '\n'));
    return path_ + ":" + std::to_string(line) + ": ";
  }
  std::string At(const pugi::xml_node& n) const { return Where(n.offset_debug()); }
  int LineOf(const pugi::xml_node& n) const {
    size_t end =
        std::min(static_cast<size_t>(std::max<ptrdiff_t>(n.offset_debug(), 0)), text_.size());
    return 1 + static_cast<int>(std::count(text_.begin(), text_.begin() + end, '\n'));
  }

  std::string Attrs(const pugi::xml_node& n,
                    std::initializer_list<std::string_view> allowed) const {
    for (pugi::xml_attribute a : n.attributes()) {
      if (std::find(allowed.begin(), allowed.end(), std::string_view(a.name())) == allowed.end()) {
        std::string list;
        for (auto s : allowed) list += (list.empty() ? "" : ", ") + std::string(s);
        return At(n) + "unknown attribute '" + a.name() + "' on <" + n.name() + ">" +
               (list.empty() ? "" : " (allowed: " + list + ")");
      }
    }
    return "";
  }

  static bool IsId(std::string_view s) {
    if (s.empty()) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
  }

  static std::string Collapse(std::string_view s) {
    std::istringstream in{std::string(s)};
    std::string w, out;
    while (in >> w) out += (out.empty() ? "" : " ") + w;
    return out;
  }

  Result<InputDecl> ParseInput(const pugi::xml_node& n, const Scenario& sc) const {
    if (auto e = Attrs(n, {"name", "required", "default", "type", "secret", "doc", "target",
                           "target-port", "credentials"});
        !e.empty()) {
      return Fail(e);
    }
    InputDecl in;
    in.name = n.attribute("name").value();
    if (!IsId(in.name)) return Fail(At(n) + "<input> needs a name of a-z, 0-9, '-' or '_'");
    if (sc.FindInput(in.name)) return Fail(At(n) + "input '" + in.name + "' is declared twice");
    std::string req = n.attribute("required").as_string("false");
    if (req != "true" && req != "false") return Fail(At(n) + "required must be true or false");
    in.required = req == "true";
    std::string secret = n.attribute("secret").as_string("false");
    if (secret != "true" && secret != "false") return Fail(At(n) + "secret must be true or false");
    in.secret = secret == "true";
    std::string type = n.attribute("type").as_string("string");
    if (type == "string") {
      in.type = OptionType::kString;
    } else if (type == "int") {
      in.type = OptionType::kInt;
    } else if (type == "bool") {
      in.type = OptionType::kBool;
    } else if (type == "port") {
      in.type = OptionType::kPort;
    } else if (type == "email") {
      in.type = OptionType::kEmail;
    } else if (type == "upn-or-domain") {
      in.type = OptionType::kUpnOrDomain;
    } else if (type == "host") {
      in.type = OptionType::kHost;
    } else {
      return Fail(At(n) + "unknown input type '" + type +
                  "' (string, int, port, email, upn-or-domain, host or bool)");
    }
    in.default_value = n.attribute("default").value();
    if (in.required && n.attribute("default")) {
      return Fail(At(n) + "input '" + in.name + "' is required and cannot have a default");
    }
    if (!in.default_value.empty()) {
      if (auto e = CheckOptionValue(in.type, in.default_value); !e.empty()) {
        return Fail(At(n) + "default of input '" + in.name + "': " + e);
      }
    }
    in.doc = Collapse(n.attribute("doc").value());
    std::string target = n.attribute("target").as_string("false");
    if (target != "true" && target != "false") return Fail(At(n) + "target must be true or false");
    in.target = target == "true";
    in.target_port = n.attribute("target-port").value();
    if (!in.target_port.empty() && !in.target) {
      return Fail(At(n) + "target-port goes with target=\"true\"");
    }
    in.credentials = n.attribute("credentials").value();
    if (!in.credentials.empty() && in.credentials != "domain" && in.credentials != "host") {
      return Fail(At(n) + "credentials must be domain or host, got '" + in.credentials + "'");
    }
    if (in.target) {
      for (const auto& other : sc.inputs) {
        if (other.target) return Fail(At(n) + "only one input can take the --targets lines");
      }
    }
    return in;
  }

  // Checks every ${...} reference in `value`.
  std::string CheckRefs(const std::string& value, const pugi::xml_node& n, const Scenario& sc,
                        const std::map<std::string, std::set<std::string>>& facts_of) const {
    size_t pos = 0;
    while ((pos = value.find("${", pos)) != std::string::npos) {
      size_t end = value.find('}', pos);
      if (end == std::string::npos) return At(n) + "unterminated '${' in '" + value + "'";
      std::string ref = value.substr(pos + 2, end - pos - 2);
      ref = ref.substr(0, ref.find('|'));  // ${step.fact|default}
      size_t dot = ref.find('.');
      if (dot == std::string::npos) {
        return At(n) + "reference '${" + ref + "}' must be ${input.NAME} or ${STEP.FACT}";
      }
      std::string scope = ref.substr(0, dot), name = ref.substr(dot + 1);
      if (scope == "input") {
        if (!sc.FindInput(name)) return At(n) + "reference to undeclared input '" + name + "'";
      } else {
        auto it = facts_of.find(scope);
        if (it == facts_of.end()) {
          return At(n) + "reference '${" + ref + "}': no earlier step has the id '" + scope + "'";
        }
        if (!it->second.count(name)) {
          std::string list;
          for (const auto& f : it->second) list += (list.empty() ? "" : ", ") + f;
          return At(n) + "reference '${" + ref + "}': step '" + scope + "' exports no fact '" +
                 name + "' (it exports: " + list + ")";
        }
      }
      pos = end + 1;
    }
    return "";
  }

  Result<StepDecl> ParseStep(const pugi::xml_node& n, const Scenario& sc,
                             std::map<std::string, std::set<std::string>>& facts_of) const {
    if (auto e =
            Attrs(n, {"id", "module", "title", "trust", "needs", "if", "optional", "revocation"});
        !e.empty()) {
      return Fail(e);
    }
    StepDecl st;
    st.line = LineOf(n);
    st.id = n.attribute("id").value();
    if (!IsId(st.id) || st.id == "input") {
      return Fail(At(n) + "<step> needs an id of a-z, 0-9, '-' or '_' (and not 'input')");
    }
    if (facts_of.count(st.id)) return Fail(At(n) + "step id '" + st.id + "' is used twice");
    st.module = n.attribute("module").value();
    const ModuleDescriptor* mod = nullptr;
    for (const ModuleDescriptor* m : modules_) {
      if (m->name == st.module) mod = m;
    }
    if (mod == nullptr) {
      std::vector<std::string> names;
      for (const ModuleDescriptor* m : modules_) names.emplace_back(m->name);
      return Fail(At(n) + "unknown module '" + st.module + "'" + DidYouMean(st.module, names) +
                  " (known: " + Join(names, ", ") + ")");
    }
    st.title = n.attribute("title").as_string(std::string(mod->summary).c_str());
    if (auto e = CheckRefs(st.title, n, sc, facts_of); !e.empty()) return Fail(e);
    std::string trust = n.attribute("trust").as_string("operator");
    if (trust != "operator" && trust != "strict-public") {
      return Fail(At(n) + "trust must be 'operator' or 'strict-public', got '" + trust + "'");
    }
    st.strict_trust = trust == "strict-public";
    if (pugi::xml_attribute rev = n.attribute("revocation")) {
      st.revocation = cert::ParseRevocationMode(rev.value());
      if (!st.revocation) {
        return Fail(At(n) + "revocation must be 'off', 'staple' or 'fetch', got '" +
                    std::string(rev.value()) + "'");
      }
    }
    std::string optional = n.attribute("optional").as_string("false");
    if (optional != "true" && optional != "false") {
      return Fail(At(n) + "optional must be 'true' or 'false', got '" + optional + "'");
    }
    st.optional = optional == "true";
    std::istringstream needs(n.attribute("needs").value());
    for (std::string id; needs >> id;) {
      if (!facts_of.count(id))
        return Fail(At(n) + "needs '" + id + "', which is not an earlier step");
      st.needs.push_back(id);
    }
    if (pugi::xml_attribute cond = n.attribute("if")) {
      std::string v = cond.value();
      size_t eq = v.find('=');
      if (eq == std::string::npos || eq == 0) {
        return Fail(At(n) + "if must be STEP.FACT=VALUE, got '" + v + "'");
      }
      st.if_fact = v.substr(0, eq);
      st.if_value = v.substr(eq + 1);
      if (auto e = CheckRefs("${" + st.if_fact + "}", n, sc, facts_of); !e.empty()) return Fail(e);
      if (st.if_fact.rfind("input.", 0) == 0) {
        return Fail(At(n) + "if must name a fact of an earlier step, not an input");
      }
    }
    for (pugi::xml_node o : n.children()) {
      if (o.type() != pugi::node_element) continue;
      if (std::string_view(o.name()) != "option") {
        return Fail(At(o) + "unknown element <" + o.name() + "> in <step> (expected option)");
      }
      if (auto e = Attrs(o, {"name", "value"}); !e.empty()) return Fail(e);
      std::string name = o.attribute("name").value();
      if (!o.attribute("value"))
        return Fail(At(o) + "<option name=\"" + name + "\"> needs a value");
      std::string value = o.attribute("value").value();
      const OptionSpec* spec = nullptr;
      for (const auto& s : mod->options) {
        if (s.name == name) spec = &s;
      }
      if (spec == nullptr) {
        std::string list;
        for (const auto& s : mod->options) list += (list.empty() ? "" : ", ") + std::string(s.name);
        return Fail(At(o) + "module '" + st.module + "' has no option '" + name +
                    "' (options: " + list + ")");
      }
      if (st.options.count(name)) return Fail(At(o) + "option '" + name + "' is given twice");
      if (auto e = CheckRefs(value, o, sc, facts_of); !e.empty()) return Fail(e);
      if (value.find("${") == std::string::npos) {
        if (auto e = CheckOptionValue(spec->type, value); !e.empty()) {
          return Fail(At(o) + "option '" + name + "': " + e);
        }
      }
      st.options[name] = value;
    }
    for (const auto& s : mod->options) {
      if (s.required && !st.options.count(std::string(s.name))) {
        return Fail(At(n) + "step '" + st.id + "' lacks the required option '" +
                    std::string(s.name) + "' of module '" + st.module + "'");
      }
    }
    auto& facts = facts_of[st.id];
    for (const auto& f : mod->facts) facts.insert(std::string(f.name));
    return st;
  }

  std::string_view text_;
  std::string path_;
  ModuleTable modules_;
};

}  // namespace

const InputDecl* Scenario::TargetInput() const {
  for (const auto& i : inputs) {
    if (i.target) return &i;
  }
  return nullptr;
}

const InputDecl* Scenario::FindInput(std::string_view n) const {
  for (const auto& i : inputs) {
    if (i.name == n) return &i;
  }
  return nullptr;
}

Result<Scenario> LoadScenarioText(std::string_view text, const std::string& path,
                                  ModuleTable modules) {
  if (text.size() > 1024 * 1024) return Fail(path + ": scenario file larger than 1 MiB");
  return Loader(text, path, modules).Load();
}

Result<Scenario> LoadScenarioFile(const std::string& path, ModuleTable modules) {
  auto text = ReadInputFile(path, kMaxScenarioFile);
  if (!text) return Fail(text.error() + " (the scenario file)");
  return LoadScenarioText(*text, path, modules);
}

Result<std::map<std::string, std::string>> ResolveInputs(
    const Scenario& sc, const std::vector<std::pair<std::string, std::string>>& given) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : given) {
    const InputDecl* d = sc.FindInput(k);
    if (d == nullptr) {
      std::string list;
      for (const auto& i : sc.inputs) list += (list.empty() ? "" : ", ") + i.name;
      return Fail("scenario '" + sc.name + "' has no input '" + k + "' (inputs: " + list + ")");
    }
    if (out.count(k)) return Fail("input '" + k + "' is given twice");
    if (auto e = CheckOptionValue(d->type, v); !e.empty()) return Fail("input '" + k + "': " + e);
    out[k] = v;
  }
  for (const auto& d : sc.inputs) {
    if (out.count(d.name)) continue;
    if (d.required) {
      return Fail("scenario '" + sc.name + "' needs the input '" + d.name + "' (--input " + d.name +
                  "=VALUE): " + d.doc);
    }
    out[d.name] = d.default_value;
  }
  return out;
}

std::string Expand(std::string_view text, const std::map<std::string, std::string>& inputs,
                   const Facts& facts, std::vector<std::string>* missing) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = text.find("${", pos);
    if (start == std::string_view::npos) break;
    size_t end = text.find('}', start);
    if (end == std::string_view::npos) break;
    out.append(text.substr(pos, start - pos));
    std::string ref(text.substr(start + 2, end - start - 2));
    std::optional<std::string> fallback;  // ${step.fact|default}
    if (size_t bar = ref.find('|'); bar != std::string::npos) {
      fallback = ref.substr(bar + 1);
      ref.resize(bar);
    }
    if (ref.rfind("input.", 0) == 0) {
      auto it = inputs.find(ref.substr(6));
      if (it != inputs.end()) out += it->second;
    } else {
      auto it = facts.find(ref);
      if (it != facts.end()) {
        out += it->second;
      } else if (fallback) {
        out += *fallback;
      } else if (missing != nullptr) {
        missing->push_back(ref);
      }
    }
    pos = end + 1;
  }
  out.append(text.substr(pos));
  return out;
}

std::string ExpandTitle(std::string_view title, const std::map<std::string, std::string>& inputs,
                        const Facts& facts) {
  for (size_t start = title.find("${"); start != std::string_view::npos;
       start = title.find("${", start + 2)) {
    size_t end = title.find('}', start);
    if (end == std::string_view::npos) break;
    std::vector<std::string> missing;
    std::string value = Expand(title.substr(start, end + 1 - start), inputs, facts, &missing);
    if (!missing.empty() || value.empty()) {
      size_t cut = title.rfind(' ', start);
      std::string head =
          Expand(title.substr(0, cut == std::string_view::npos ? 0 : cut), inputs, facts, nullptr);
      static constexpr std::string_view kConnectors[] = {"of", "at",   "for", "through", "on",
                                                         "to", "from", "via", "with"};
      for (bool trimmed = true; trimmed;) {
        trimmed = false;
        while (!head.empty() && (head.back() == ' ' || head.back() == ':')) head.pop_back();
        for (std::string_view c : kConnectors) {
          if (head.size() > c.size() && head.ends_with(c) &&
              head[head.size() - c.size() - 1] == ' ') {
            head.resize(head.size() - c.size());
            trimmed = true;
          }
        }
      }
      if (!head.empty()) return head;
      break;
    }
  }
  return Expand(title, inputs, facts, nullptr);
}

}  // namespace cxa
