#include "report/report.h"

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
  CHECK(j["schema_version"] == 2);
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
}

TEST_CASE("the text report shows each step, its findings and a summary line", "[unit][report]") {
  std::string text = report::RenderText(Sample(), {false, true});
  CHECK_THAT(text, Catch::Contains("✖ TLS endpoint mail.contoso.test:443"));
  CHECK_THAT(text, Catch::Contains("cert.chain.self_signed [cert 0]"));
  CHECK_THAT(text, Catch::Contains("What to do: buy one"));
  CHECK_THAT(text, Catch::Contains("(exit 1)"));
  CHECK(text.find("\033[") == std::string::npos);  // no colour unless asked
  CHECK(report::RenderText(Sample(), {true, true}).find("\033[") != std::string::npos);
}
