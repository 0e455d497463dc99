#include "cert/cert_evaluator.h"

#include <catch2/catch.hpp>

#include "core/time_util.h"
#include "testing/fixtures.h"
#include "testing/lab_chain.h"

using namespace cxa;
using namespace cxa::cert;

namespace {

TrustPolicy LabPolicy(TrustMode mode = TrustMode::kStrictPublic) {
  TrustPolicy p;
  auto s = TrustStore::FromPemFile(testing::FixturesDir() + "/pki/ca/public-roots.pem", "lab");
  REQUIRE(s.ok());
  p.public_roots = *s;
  p.mode = mode;
  return p;
}

CertInput Input(const std::string& pki_case, const std::string& host = "mail.contoso.test") {
  return testing::LabChainInput(pki_case, host);
}

}  // namespace

TEST_CASE("an empty chain is reported as malformed, not trusted", "[unit][cert]") {
  CertInput in;
  in.time = 0;
  CertReport r = CertEvaluator().Evaluate(in, LabPolicy());
  CHECK_FALSE(r.trusted);
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].id == "cert.parse.malformed");
}

TEST_CASE("the report describes the validated path leaf first", "[unit][cert]") {
  CertReport r = CertEvaluator().Evaluate(Input("good"), LabPolicy());
  CHECK(r.trusted);
  CHECK(r.findings.empty());
  REQUIRE(r.summary.certificates.size() == 3);
  CHECK(r.summary.certificates[0].source == "sent");
  CHECK(r.summary.certificates[0].sent_index == 0);
  CHECK(r.summary.certificates[1].is_ca);
  CHECK(r.summary.certificates[2].source == "anchor");
  CHECK(r.summary.certificates[2].self_signed);
  CHECK_THAT(r.policy, Catch::StartsWith("strict-public"));
}

TEST_CASE("report-only keeps the diagnosis and lowers errors to warnings", "[unit][cert]") {
  CertReport strict = CertEvaluator().Evaluate(Input("expired"), LabPolicy());
  CertReport relaxed =
      CertEvaluator().Evaluate(Input("expired"), LabPolicy(TrustMode::kReportOnly));
  REQUIRE(strict.findings.size() == relaxed.findings.size());
  CHECK(strict.HasErrors());
  CHECK_FALSE(relaxed.HasErrors());
  CHECK(relaxed.findings[0].id == strict.findings[0].id);
  CHECK(relaxed.findings[0].severity == Severity::kWarning);
}

TEST_CASE("a wrong-name finding lists the names the certificate covers", "[unit][cert]") {
  CertReport r = CertEvaluator().Evaluate(Input("wildcard", "a.mail.contoso.test"), LabPolicy());
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].id == "cert.name.mismatch");
  CHECK_THAT(r.findings[0].message, Catch::Contains("*.contoso.test"));
}

TEST_CASE("trust policies resolve per step and strict steps cannot be relaxed", "[unit][cert]") {
  TrustPolicy op = LabPolicy(TrustMode::kReportOnly);
  TrustPolicy step = ResolveStepPolicy(op, true);
  CHECK(step.mode == TrustMode::kStrictPublic);
  CHECK(step.locked);
  CHECK(step.refused == "report-only");
  CHECK(step.Summary().refused == "report-only");
  CHECK(ResolveStepPolicy(op, false).mode == TrustMode::kReportOnly);
}
