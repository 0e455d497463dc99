#include "report/report.h"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace cxa;

namespace {

RunReport Sample() {
  RunReport r;
  r.tool_version = "0.1.0";
  r.scenario = "tls-endpoint";
  r.scenario_title = "TLS endpoint";
  r.inputs = {{"host", "mail.contoso.test"}};
  StepResult s;
  s.step_id = "tls";
  s.module = "tls";
  s.title = "TLS endpoint mail.contoso.test:443";
  s.stage = Stage::kCertificate;
  s.facts["tls_version"] = "TLSv1.3";
  Finding f;
  f.id = "cert.chain.self_signed";
  f.severity = Severity::kError;
  f.message = "self-signed";
  f.remediation = "buy one";
  f.cert_index = 0;
  s.findings.push_back(f);
  s.DeriveOutcome();
  r.steps.push_back(s);
  return r;
}

}  // namespace

TEST_CASE("the JSON report carries the versioned schema fields", "[unit][report]") {
  nlohmann::json j = report::ToJson(Sample());
  CHECK(j["schema_version"] == 3);
  CHECK(j["scenario"]["name"] == "tls-endpoint");
  CHECK(j["exit_code"] == 1);
  CHECK(j["outcome"] == "failed");
  CHECK(j["summary"]["failed"] == 1);
  const auto& step = j["steps"][0];
  CHECK(step["outcome"] == "failed");
  CHECK(step["stage"] == "certificate");
  CHECK(step["facts"]["tls_version"] == "TLSv1.3");
  CHECK(step["findings"][0]["id"] == "cert.chain.self_signed");
  CHECK(step["findings"][0]["severity"] == "error");
  CHECK(step["findings"][0]["cert_index"] == 0);
  CHECK(step["certificate"].is_null());
  CHECK(step["reason"].is_null());
  CHECK(step["findings"][0]["detail"].is_null());  // absent text is null, not ""
  CHECK(j["cause"]["finding"] == "cert.chain.self_signed");
  CHECK(j["cause"]["step"] == "tls");
}

TEST_CASE("JSON facts are typed by their names", "[unit][report]") {
  using report::FactJson;
  CHECK(FactJson("port", "443") == 443);
  CHECK(FactJson("sts_port", "8443") == 8443);
  CHECK(FactJson("certificate_days_left", "-3") == -3);
  CHECK(FactJson("connection_timeout_ms", "120000") == 120000);
  CHECK(FactJson("token_signing_count", "2") == 2);
  CHECK(FactJson("certificate_trusted", "false") == false);
  CHECK(FactJson("brand", "2024") == "2024");  // a string by name, whatever it looks like
  CHECK(FactJson("brand", "").is_null());
  CHECK(FactJson("port", "44x").is_null());  // never a string where the schema says integer
  CHECK(FactJson("certificate_trusted", "maybe").is_null());
}

TEST_CASE("the text report leads with the verdict and its cause", "[unit][report]") {
  std::string text = report::RenderText(Sample(), {});
  // The banner: verdict, step, finding ID; then what to do.
  CHECK(text.rfind("FAILED at tls: cert.chain.self_signed", 0) == 0);
  CHECK(text.find("What to do: buy one") < text.find("\n\n"));
  CHECK_THAT(text, Catch::Contains("✖ TLS endpoint mail.contoso.test:443"));
  CHECK_THAT(text, Catch::Contains("(exit 1)"));
  CHECK(text.find("What to do: buy one") == text.rfind("What to do: buy one"));  // said once
  CHECK(text.find("\033[") == std::string::npos);  // no colour unless asked
  CHECK(report::RenderText(Sample(), {true}).find("\033[") != std::string::npos);

  // --brief: the banner and one line per step.
  std::string brief = report::RenderText(Sample(), {false, report::Detail::kBrief});
  CHECK(std::count(brief.begin(), brief.end(), '\n') == 2);
  CHECK(brief.rfind("FAILED at tls: cert.chain.self_signed", 0) == 0);
  const std::string step_line = brief.substr(brief.find('\n') + 1);
  CHECK(step_line.rfind("✖ TLS endpoint mail.contoso.test:443", 0) == 0);
  CHECK_THAT(step_line, Catch::Contains("[tls: failed at certificate check]"));
}

TEST_CASE("the text report: a passed step is one line, -v shows its facts", "[unit][report]") {
  RunReport r = Sample();
  r.steps[0].findings.clear();
  r.steps[0].DeriveOutcome();
  r.steps[0].timings = {{"total", 12.4}};
  r.steps[0].trust_policy = {"strict-public", "roots.pem", "", 30, ""};
  std::string text = report::RenderText(r, {});
  CHECK(text.rfind("PASSED: TLS endpoint — the step passed\n", 0) == 0);
  CHECK_THAT(text, Catch::Contains("✔ TLS endpoint mail.contoso.test:443  [tls, 12 ms]\n"));
  CHECK_THAT(text, Catch::Contains("trust: strict-public"));
  CHECK(text.find("TLSv1.3") == std::string::npos);
  std::string verbose = report::RenderText(r, {false, report::Detail::kVerbose});
  CHECK_THAT(verbose, Catch::Contains("negotiated TLSv1.3"));
  CHECK_THAT(verbose, Catch::Contains("timings: total 12.4 ms"));
}
