#include "report/prometheus.h"

#include <catch2/catch.hpp>

#include "core/text.h"

using namespace cxa;
using namespace cxa::report;

namespace {

bool HasLine(const std::string& text, const std::string& line) {
  for (const auto& l : Split(text, '\n')) {
    if (l == line) return true;
  }
  return false;
}

Finding Found(const char* id, Severity severity, const char* message) {
  Finding f;
  f.id = id;
  f.severity = severity;
  f.message = message;
  return f;
}

// A run with a step that connected (a chain of two), one that failed, a child, and one that
// does not apply.
RunReport Sample() {
  RunReport r;
  r.scenario = "tls-endpoint";
  r.duration_ms = 1500;
  StepResult tls;
  tls.step_id = "tls";
  tls.outcome = Outcome::kFailed;
  tls.facts["tls_version"] = "TLSv1.3";
  tls.timings = {{"total", 12}, {"step", 250}};
  tls.findings.push_back(Found("cert.chain.self_signed", Severity::kError, "self-signed"));
  tls.findings.push_back(Found("cert.chain.self_signed", Severity::kError, "again"));
  CertificateSummary cs;
  CertificateInfo leaf;
  leaf.subject = "CN=mail.contoso.test,O=\"Quote\\Back\nslash\xff\"";
  leaf.issuer = "CN=Issuer";
  leaf.sha256 = "ab12";
  leaf.not_after = "2030-01-01T00:00:00Z";
  CertificateInfo unused;
  unused.on_path = false;
  unused.not_after = "2031-01-01T00:00:00Z";
  CertificateInfo root;
  root.not_after = "2035-06-01T00:00:00Z";
  cs.certificates = {leaf, unused, root};
  tls.certificate = cs;
  StepResult child;
  child.step_id = "candidate-1";
  child.outcome = Outcome::kWarning;
  child.findings.push_back(Found("autodiscover.candidate.failed", Severity::kWarning, "x"));
  tls.children.push_back(child);
  StepResult adfs;
  adfs.step_id = "metadata";
  adfs.facts["token_signing_not_after"] = "2027-03-04T05:06:07Z";
  StepResult skipped;
  skipped.step_id = "later";
  skipped.outcome = Outcome::kSkipped;
  StepResult not_run = skipped;
  not_run.step_id = "signin";
  not_run.not_run = true;
  r.steps = {tls, adfs, skipped, not_run};
  return r;
}

}  // namespace

TEST_CASE("The Prometheus exposition of a run", "[unit][report][prometheus]") {
  const std::string m = RenderPrometheus(Sample());
  CHECK(HasLine(m, "cxa_probe_success 0"));
  CHECK(HasLine(m, "cxa_probe_duration_seconds 1.5"));
  CHECK(HasLine(m, "cxa_probe_exit_code 1"));
  CHECK(HasLine(m, "cxa_probe_outcome{outcome=\"failed\"} 1"));
  CHECK(HasLine(m, "cxa_probe_outcome{outcome=\"passed\"} 0"));
  CHECK(HasLine(m, "cxa_step_success{step=\"tls\"} 0"));
  CHECK(HasLine(m, "cxa_step_success{step=\"metadata\"} 1"));
  // Skipped steps have no series (whether they mattered, the run's outcome says).
  CHECK(m.find("step=\"later\"") == std::string::npos);
  CHECK(m.find("step=\"signin\"") == std::string::npos);
  CHECK(HasLine(m, "cxa_step_duration_seconds{step=\"tls\"} 0.25"));
  CHECK(HasLine(m, "cxa_finding{step=\"tls\",id=\"cert.chain.self_signed\",severity=\"error\"} 1"));
  CHECK(HasLine(m,
                "cxa_finding{step=\"tls/candidate-1\",id=\"autodiscover.candidate.failed\","
                "severity=\"warning\"} 1"));
  // The leaf is position 0; a sent certificate off the path is left out.
  CHECK(HasLine(m, "cxa_cert_not_after_timestamp_seconds{step=\"tls\",position=\"0\"} 1893456000"));
  CHECK(HasLine(m, "cxa_cert_not_after_timestamp_seconds{step=\"tls\",position=\"1\"} 2064268800"));
  CHECK(m.find("position=\"2\"") == std::string::npos);
  CHECK(HasLine(m,
                "cxa_adfs_token_signing_not_after_timestamp_seconds{step=\"metadata\"} "
                "1804136767"));
  // A hostile subject stays one label value: quote, backslash and newline escaped, bad UTF-8
  // replaced.
  CHECK(HasLine(m,
                "cxa_tls_info{step=\"tls\",version=\"TLSv1.3\",subject=\"CN=mail.contoso.test,"
                "O=\\\"Quote\\\\Back\\nslash\xEF\xBF\xBD\\\"\",issuer=\"CN=Issuer\","
                "fingerprint_sha256=\"ab12\"} 1"));
  // One finding per step, id and severity, however often it was reported.
  CHECK(m.find("again") == std::string::npos);
  size_t count = 0;
  for (size_t at = 0; (at = m.find("id=\"cert.chain.self_signed\"", at)) != std::string::npos;
       ++at) {
    ++count;
  }
  CHECK(count == 1);
  // One TYPE per family, before its samples; every line ends with a newline; no timestamps.
  CHECK(HasLine(m, "# TYPE cxa_finding gauge"));
  CHECK(m.back() == '\n');
  CHECK(m.find("# EOF") == std::string::npos);
}

TEST_CASE("OpenMetrics: info families and the EOF marker", "[unit][report][prometheus]") {
  const std::string m = RenderPrometheus(Sample(), Exposition::kOpenMetrics);
  CHECK(HasLine(m, "# TYPE cxa_tls info"));
  CHECK(m.find("cxa_tls_info{step=\"tls\"") != std::string::npos);
  CHECK(m.size() > 6);
  CHECK(m.substr(m.size() - 6) == "# EOF\n");
  CHECK(ExpositionContentType(Exposition::kOpenMetrics).find("openmetrics") !=
        std::string_view::npos);
  CHECK(ExpositionContentType(Exposition::kText) == "text/plain; version=0.0.4; charset=utf-8");
}

TEST_CASE("Label values are escaped as the exposition formats require",
          "[unit][report][prometheus]") {
  CHECK(EscapeLabelValue("plain") == "plain");
  CHECK(EscapeLabelValue("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
  CHECK(EscapeLabelValue("\xc3\x28") == "\xEF\xBF\xBD(");
}
