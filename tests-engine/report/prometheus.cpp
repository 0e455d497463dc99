#include "report/prometheus.h"

#include <cmath>
#include <cstdio>
#include <set>
#include <vector>

#include "core/text.h"
#include "core/time_util.h"

namespace cxa::report {
namespace {

// One metric family and its samples, in the order they were added (duplicates dropped).
struct Family {
  Family(std::string n, std::string h, bool i = false)
      : name(std::move(n)), help(std::move(h)), info(i) {}

  std::string name;  // the family name (an info family's samples add "_info")
  std::string help;
  bool info = false;  // an info metric: value 1, labels carry the data
  std::vector<std::pair<std::string, std::string>> samples;  // {labels}, value
  std::set<std::string> seen;

  void Add(const std::string& labels, const std::string& value) {
    if (seen.insert(labels).second) samples.emplace_back(labels, value);
  }
};

std::string Number(double v) {
  char out[32];
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(out, sizeof out, "%.0f", v);
  } else {
    std::snprintf(out, sizeof out, "%.9g", v);
  }
  return out;
}

// {a="x",b="y"} from name/value pairs; "" when there are none.
std::string Labels(std::initializer_list<std::pair<std::string_view, std::string_view>> labels) {
  std::string out;
  for (const auto& [k, v] : labels) {
    out += (out.empty() ? "{" : ",") + std::string(k) + "=\"" + EscapeLabelValue(v) + "\"";
  }
  return out.empty() ? out : out + "}";
}

struct Families {
  Family success{"cxa_probe_success", "1 when the run passed (with or without warnings)"};
  Family duration{"cxa_probe_duration_seconds", "how long the run took"};
  Family exit_code{"cxa_probe_exit_code", "the exit code cxa run would give (README, Exit codes)"};
  Family outcome{"cxa_probe_outcome", "the run's verdict, one series per possible verdict"};
  Family step_success{
      "cxa_step_success",
      "1 when the step passed (with or without warnings), 0 when it failed or ended in an "
      "error; skipped steps are absent"};
  Family step_duration{"cxa_step_duration_seconds", "how long the step took"};
  Family finding{"cxa_finding",
                 "a finding of the step (cxa explain ID says what it means and what to do)"};
  Family cert{"cxa_cert_not_after_timestamp_seconds",
              "when a certificate of a judged chain expires (position 0 is the leaf)"};
  Family token_signing{"cxa_adfs_token_signing_not_after_timestamp_seconds",
                       "when the AD FS token-signing certificate valid longest expires"};
  Family tls{"cxa_tls", "the TLS version and leaf certificate of a step's connection", true};

  void Step(const StepResult& s, const std::string& id) {
    if (s.outcome != Outcome::kSkipped) {
      const bool ok = s.outcome == Outcome::kPassed || s.outcome == Outcome::kWarning;
      step_success.Add(Labels({{"step", id}}), ok ? "1" : "0");
    }
    for (const auto& t : s.timings) {
      if (t.name == "step") step_duration.Add(Labels({{"step", id}}), Number(t.ms / 1000.0));
    }
    for (const auto& f : s.findings) {
      finding.Add(Labels({{"step", id}, {"id", f.id}, {"severity", SeverityName(f.severity)}}),
                  "1");
    }
    if (s.certificate) {
      const auto& certs = s.certificate->certificates;
      int position = 0;
      for (const auto& c : certs) {
        if (!c.on_path) continue;
        if (auto t = ParseTime(c.not_after)) {
          cert.Add(Labels({{"step", id}, {"position", std::to_string(position)}}),
                   Number(static_cast<double>(*t)));
        }
        ++position;
      }
      auto version = s.facts.find("tls_version");
      if (!certs.empty() && version != s.facts.end()) {
        tls.Add(Labels({{"step", id},
                        {"version", version->second},
                        {"subject", certs.front().subject},
                        {"issuer", certs.front().issuer},
                        {"fingerprint_sha256", certs.front().sha256}}),
                "1");
      }
    }
    if (auto it = s.facts.find("token_signing_not_after"); it != s.facts.end()) {
      if (auto t = ParseTime(it->second)) {
        token_signing.Add(Labels({{"step", id}}), Number(static_cast<double>(*t)));
      }
    }
    for (const auto& child : s.children) Step(child, id + "/" + child.step_id);
  }
};

void Write(const Family& f, Exposition format, std::string& out) {
  if (f.samples.empty()) return;
  const bool om = format == Exposition::kOpenMetrics;
  const std::string sample = f.info ? f.name + "_info" : f.name;
  const std::string family = f.info && om ? f.name : sample;
  std::string help;
  for (char c : f.help) help += c == '\\' ? "\\\\" : c == '\n' ? "\\n" : std::string(1, c);
  out += "# HELP " + family + " " + help + "\n";
  out += "# TYPE " + family + " " + (f.info && om ? "info" : "gauge") + "\n";
  for (const auto& [labels, value] : f.samples) out += sample + labels + " " + value + "\n";
}

}  // namespace

std::string_view ExpositionContentType(Exposition format) {
  return format == Exposition::kOpenMetrics
             ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
             : "text/plain; version=0.0.4; charset=utf-8";
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  for (char c : ValidUtf8(value)) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string RenderPrometheus(const RunReport& report, Exposition format) {
  Families m;
  const RunVerdict verdict = report.Verdict();
  const bool ok = verdict == RunVerdict::kPassed || verdict == RunVerdict::kWarning;
  m.success.Add("", ok ? "1" : "0");
  m.duration.Add("", Number(report.duration_ms / 1000.0));
  m.exit_code.Add("", std::to_string(report.ExitCode()));
  for (RunVerdict v : {RunVerdict::kPassed, RunVerdict::kWarning, RunVerdict::kIncomplete,
                       RunVerdict::kFailed, RunVerdict::kError}) {
    m.outcome.Add(Labels({{"outcome", RunVerdictName(v)}}), v == verdict ? "1" : "0");
  }
  for (const auto& s : report.steps) m.Step(s, s.step_id);
  std::string out;
  for (const Family* f : {&m.success, &m.duration, &m.exit_code, &m.outcome, &m.step_success,
                          &m.step_duration, &m.finding, &m.cert, &m.token_signing, &m.tls}) {
    Write(*f, format, out);
  }
  if (format == Exposition::kOpenMetrics) out += "# EOF\n";
  return out;
}

}  // namespace cxa::report
