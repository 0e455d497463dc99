#include <charconv>
#include <map>

#include "report/report.h"

namespace cxa::report {

using nlohmann::json;

namespace {

// A text field: null when empty.
json Text(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

bool EndsWith(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

}  // namespace

// The type of a fact follows from its name (docs/json-report.md, "Facts"; the schema says the
// same with patternProperties): counts, ports, days, milliseconds and HTTP statuses are
// integers, `*_trusted` is a boolean, everything else a string. An empty value is null; a value
// that does not read as its type (it cannot happen with the facts cxa sets) is null too, so a
// report always matches its schema.
json FactJson(const std::string& name, const std::string& value) {
  if (value.empty()) return nullptr;
  if (FactIsInteger(name)) {
    long long n = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || end != value.data() + value.size()) return nullptr;
    return n;
  }
  if (EndsWith(name, "_trusted")) {
    if (value == "true" || value == "false") return value == "true";
    return nullptr;
  }
  return value;
}

bool FactIsInteger(std::string_view name) {
  static constexpr std::string_view kNames[] = {"port", "status", "pings", "receive_window"};
  static constexpr std::string_view kSuffixes[] = {"_port", "_count", "_days_left", "_ms"};
  for (auto n : kNames) {
    if (name == n) return true;
  }
  for (auto t : kSuffixes) {
    if (EndsWith(name, t)) return true;
  }
  return false;
}

json ToJson(const Finding& f) {
  json j = {{"id", f.id},
            {"severity", SeverityName(f.severity)},
            {"message", f.message},
            {"detail", Text(f.detail)},
            {"remediation", Text(f.remediation)}};
  j["cert_index"] = f.cert_index ? json(*f.cert_index) : json(nullptr);
  return j;
}

json ToJson(const PolicySummary& p) {
  if (p.empty()) return nullptr;
  return {{"mode", p.mode},
          {"public_roots", Text(p.public_roots)},
          {"custom_anchors", Text(p.custom_anchors)},
          {"expiry_warning_days", p.expiry_warning_days},
          {"refused_relaxation", Text(p.refused)}};
}

json ToJson(const CertificateSummary& s) {
  json certs = json::array();
  for (const auto& c : s.certificates) {
    certs.push_back({{"subject", c.subject},
                     {"issuer", c.issuer},
                     {"serial", c.serial},
                     {"sha256", c.sha256},
                     {"not_before", c.not_before},
                     {"not_after", c.not_after},
                     {"key", c.key},
                     {"signature_algorithm", c.signature_algorithm},
                     {"dns_names", c.dns_names},
                     {"ip_addresses", c.ip_addresses},
                     {"aia_ca_issuers", Text(c.aia_ca_issuers)},
                     {"is_ca", c.is_ca},
                     {"self_signed", c.self_signed},
                     {"source", c.source},
                     {"sent_index", c.sent_index >= 0 ? json(c.sent_index) : json(nullptr)},
                     {"on_path", c.on_path}});
  }
  return {{"trusted", s.trusted},
          {"host", s.host},
          {"verification_time", s.verification_time},
          {"certificates", certs}};
}

json ToJson(const StepResult& s) {
  json j = {{"id", s.step_id},
            {"module", s.module},
            {"title", s.title},
            {"outcome", OutcomeName(s.outcome)},
            {"stage", StageName(s.stage)},
            {"trust_policy", ToJson(s.trust_policy)},
            {"reason", Text(s.skip_reason)}};
  j["not_run"] = s.outcome == Outcome::kSkipped && s.not_run;
  j["optional"] = s.optional;
  j["facts"] = json::object();
  for (const auto& [k, v] : s.facts) j["facts"][k] = FactJson(k, v);
  j["findings"] = json::array();
  for (const auto& f : s.findings) j["findings"].push_back(ToJson(f));
  j["certificate"] = s.certificate ? ToJson(*s.certificate) : json(nullptr);
  j["timings_ms"] = json::object();
  for (const auto& t : s.timings) j["timings_ms"][t.name] = t.ms;
  j["children"] = json::array();
  for (const auto& c : s.children) j["children"].push_back(ToJson(c));
  return j;
}

namespace {

// What an incomplete run did not test: the first required step that was not run, and why
// (null when the run is complete).
json NotTested(const RunReport& r) {
  const StepResult* s = r.FirstNotRun();
  if (s == nullptr) return nullptr;
  return {{"step", s->step_id}, {"title", s->title}, {"reason", r.NotRunReason()}};
}

// The finding the verdict rests on (RunReport::Cause), or null.
json Cause(const RunReport& r) {
  RunCause c = r.Cause();
  if (c.finding == nullptr) return nullptr;
  return {{"step", c.step->step_id},
          {"finding", c.finding->id},
          {"severity", SeverityName(c.finding->severity)},
          {"message", c.finding->message}};
}

}  // namespace

json ToJson(const RunReport& r) {
  std::map<std::string, int> counts;
  for (auto o : {Outcome::kPassed, Outcome::kWarning, Outcome::kFailed, Outcome::kSkipped,
                 Outcome::kError}) {
    counts[std::string(OutcomeName(o))] = 0;
  }
  json steps = json::array();
  for (const auto& s : r.steps) {
    counts[std::string(OutcomeName(s.outcome))]++;
    steps.push_back(ToJson(s));
  }
  int exit_code = r.ExitCode();
  json inputs = json::object();
  for (const auto& [k, v] : r.inputs) inputs[k] = v;
  return {{"schema_version", kReportSchemaVersion},
          {"tool", {{"name", "cxa"}, {"version", r.tool_version}}},
          {"scenario", {{"name", r.scenario}, {"title", r.scenario_title}}},
          {"mode", r.mode},
          {"inputs", inputs},
          {"started_at", r.started_at},
          {"duration_ms", r.duration_ms},
          {"outcome", RunVerdictName(r.Verdict())},
          {"exit_code", exit_code},
          {"cause", Cause(r)},
          {"not_tested", NotTested(r)},
          {"summary", counts},
          {"steps", steps}};
}

// Strings are valid UTF-8 where they enter (core/text.h ValidUtf8); `replace` makes sure a
// missed one never throws here.
std::string RenderJson(const RunReport& r) {
  return ToJson(r).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace cxa::report
