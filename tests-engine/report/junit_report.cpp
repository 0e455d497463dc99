// JUnit XML in the layout CI servers read (the Apache Ant schema that Jenkins and GitLab accept;
// docs/junit.xsd): one testsuite per scenario run, one testcase per step. A failed step carries a
// <failure> whose type is its first error finding's ID and whose text lists every finding; an
// internal error is an <error>; a required step that was not run (an incomplete run) is a
// <failure> of type cxa.not_tested; an optional or not applicable step is <skipped>.
#include <pugixml.hpp>
#include <sstream>

#include "report/report.h"

namespace cxa::report {
namespace {

std::string Seconds(double ms) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(3);
  s << ms / 1000.0;
  return s.str();
}

double StepMs(const StepResult& s) {
  for (const auto& t : s.timings) {
    if (t.name == "step") return t.ms;
  }
  return 0;
}

std::string FindingLines(const StepResult& s) {
  std::string out;
  for (const auto& f : s.findings) {
    out += "[" + std::string(SeverityName(f.severity)) + "] " + f.id + ": " + f.message + "\n";
    if (f.severity != Severity::kInfo && !f.remediation.empty()) {
      out += "    what to do: " + f.remediation + "\n";
    }
  }
  for (const auto& c : s.children) out += FindingLines(c);
  return out;
}

// One run as a <testsuite> under `suites`: named `name`, numbered `id`.
void AppendSuite(pugi::xml_node suites, const RunReport& r, int id, const std::string& name) {
  pugi::xml_node suite = suites.append_child("testsuite");
  // A required step that was not run fails its test case: a CI server must not count an
  // incomplete run as green. Optional and not-applicable steps are <skipped>.
  auto untested = [](const StepResult& s) {
    return s.outcome == Outcome::kSkipped && s.not_run && !s.optional;
  };
  int failures = 0, errors = 0, skipped = 0;
  for (const auto& s : r.steps) {
    failures += s.outcome == Outcome::kFailed || untested(s);
    errors += s.outcome == Outcome::kError;
    skipped += s.outcome == Outcome::kSkipped && !untested(s);
  }
  suite.append_attribute("name") = name.c_str();
  suite.append_attribute("package") = ("cxa." + r.scenario).c_str();
  suite.append_attribute("id") = id;
  suite.append_attribute("timestamp") = r.started_at.substr(0, 19).c_str();
  suite.append_attribute("hostname") = "cxa";
  suite.append_attribute("tests") = static_cast<int>(r.steps.size());
  suite.append_attribute("failures") = failures;
  suite.append_attribute("errors") = errors;
  suite.append_attribute("skipped") = skipped;
  suite.append_attribute("time") = Seconds(r.duration_ms).c_str();
  pugi::xml_node props = suite.append_child("properties");
  auto prop = [&](const std::string& k, const std::string& v) {
    pugi::xml_node p = props.append_child("property");
    p.append_attribute("name") = k.c_str();
    p.append_attribute("value") = v.c_str();
  };
  prop("cxa.version", r.tool_version);
  prop("cxa.mode", r.mode);
  for (const auto& [k, v] : r.inputs) prop("input." + k, v);

  std::string out_text;
  for (const auto& s : r.steps) {
    pugi::xml_node tc = suite.append_child("testcase");
    tc.append_attribute("classname") = ("cxa." + r.scenario).c_str();
    tc.append_attribute("name") = (s.step_id + ": " + s.title).c_str();
    tc.append_attribute("time") = Seconds(StepMs(s)).c_str();
    std::string lines = FindingLines(s);
    std::string first_error;
    for (const auto& f : s.findings) {
      if (f.severity == Severity::kError && first_error.empty()) first_error = f.id;
    }
    if (s.outcome == Outcome::kFailed || s.outcome == Outcome::kError) {
      pugi::xml_node f = tc.append_child(s.outcome == Outcome::kFailed ? "failure" : "error");
      std::string ids;
      for (const auto& fi : s.findings) {
        if (fi.severity == Severity::kError) ids += (ids.empty() ? "" : " ") + fi.id;
      }
      f.append_attribute("message") =
          (ids.empty() ? s.skip_reason
                       : ids + " (stopped at " + std::string(StageName(s.stage)) + ")")
              .c_str();
      f.append_attribute("type") = (first_error.empty() ? "cxa.step" : first_error).c_str();
      f.append_child(pugi::node_pcdata).set_value(lines.c_str());
    } else if (untested(s)) {
      pugi::xml_node f = tc.append_child("failure");
      f.append_attribute("message") = ("not tested: " + std::string(s.SkipWhy())).c_str();
      f.append_attribute("type") = "cxa.not_tested";
      f.append_child(pugi::node_pcdata).set_value(s.skip_reason.c_str());
    } else if (s.outcome == Outcome::kSkipped) {
      tc.append_child("skipped").append_attribute("message") = s.skip_reason.c_str();
    }
    if (!lines.empty()) out_text += s.step_id + ":\n" + lines;
  }
  suite.append_child("system-out").append_child(pugi::node_pcdata).set_value(out_text.c_str());
  suite.append_child("system-err");
}

}  // namespace

std::string RenderJunit(const RunReport& r) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  AppendSuite(doc.append_child("testsuites"), r, 0, r.scenario);
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

std::string RenderJunitSuite(const RunReport& r, int id, const std::string& name) {
  pugi::xml_document doc;
  AppendSuite(doc.append_child("testsuites"), r, id, name);
  std::ostringstream out;
  doc.first_child().first_child().print(out, "  ", pugi::format_default, pugi::encoding_utf8, 1);
  return out.str();
}

}  // namespace cxa::report
