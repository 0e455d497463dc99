// CurlTransport against loopback servers: HTTP exchanges, limits, plain HTTP, the trust gate.
#include <catch2/catch.hpp>

#include "cert/cert_evaluator.h"
#include "core/time_util.h"
#include "loopback.h"
#include "transport/curl_transport.h"

using namespace cxa;
using namespace cxa::testing;

namespace {

cert::TrustPolicy LabPolicy(cert::TrustMode mode = cert::TrustMode::kStrictPublic) {
  cert::TrustPolicy p;
  auto s = cert::TrustStore::FromPemFile(LabRoots(), "lab");
  REQUIRE(s.ok());
  p.public_roots = *s;
  p.mode = mode;
  return p;
}

HttpExchange Get(const std::string& site, const std::string& host, const cert::TrustPolicy& policy,
                 Limits limits = {}) {
  int port = FixtureServer::Get().Port(site);
  cert::CertEvaluator evaluator;
  TransportOptions opts;
  opts.resolve = {host + ":" + std::to_string(port) + ":127.0.0.1"};
  CurlTransport t(opts, evaluator);
  HttpRequest req;
  req.url = "https://" + host + ":" + std::to_string(port) + "/owa/";
  req.trust = &policy;
  req.verify_time = std::time(nullptr);
  req.limits = limits;
  req.timeouts = {5000, 5000, 5000, 15000};
  return t.Perform(req);
}

}  // namespace

TEST_CASE("an HTTPS GET returns status, headers, body and the TLS capture",
          "[e2e][loopback][transport]") {
  auto policy = LabPolicy();
  HttpExchange ex = Get("good", "mail.contoso.test", policy);
  REQUIRE_FALSE(ex.error.has_value());
  REQUIRE(ex.response.has_value());
  CHECK(ex.response->status == 200);
  CHECK(ex.response->http_version == "1.1");
  CHECK(ex.response->Header("server") == std::optional<std::string>("cxa-fixture-server"));
  CHECK_THAT(ex.response->body, Catch::Contains("cxa fixture site good"));
  CHECK(ex.reached == Stage::kHttp);
  REQUIRE(ex.tls.has_value());
  CHECK(ex.tls->chain.size() == 2);
  CHECK(ex.tls->sni == "mail.contoso.test");
  CHECK(ex.tls->version == "TLSv1.3");
  CHECK_FALSE(ex.tls->cipher.empty());
  REQUIRE(ex.tls->report.has_value());
  CHECK(ex.tls->report->trusted);
}

TEST_CASE("the trust gate aborts the handshake before the request", "[e2e][loopback][transport]") {
  auto policy = LabPolicy();
  HttpExchange ex = Get("self-signed", "mail.contoso.test", policy);
  REQUIRE(ex.error.has_value());
  CHECK(ex.error->id == "tls.certificate.rejected");
  CHECK(ex.error->stage == Stage::kCertificate);
  CHECK_FALSE(ex.response.has_value());
  REQUIRE(ex.tls.has_value());
  CHECK(ex.tls->rejected_by_policy);
  CHECK(ex.tls->chain.size() == 1);

  auto relaxed = LabPolicy(cert::TrustMode::kReportOnly);
  HttpExchange ok = Get("self-signed", "mail.contoso.test", relaxed);
  CHECK_FALSE(ok.error.has_value());
  REQUIRE(ok.response.has_value());
  CHECK(ok.response->status == 200);
}

TEST_CASE("response size limits end the transfer with a finding", "[e2e][loopback][transport]") {
  auto policy = LabPolicy();
  Limits small_body;
  small_body.max_body_bytes = 8;
  HttpExchange body = Get("good", "mail.contoso.test", policy, small_body);
  REQUIRE(body.error.has_value());
  CHECK(body.error->id == "http.response.too_large");
  Limits small_headers;
  small_headers.max_header_bytes = 16;
  HttpExchange headers = Get("good", "mail.contoso.test", policy, small_headers);
  REQUIRE(headers.error.has_value());
  CHECK(headers.error->id == "http.headers.too_large");
}

TEST_CASE("plain HTTP works without a trust policy and HTTPS without one is refused",
          "[e2e][loopback][transport]") {
  cert::CertEvaluator evaluator;
  CurlTransport t({}, evaluator);
  HttpRequest req;
  req.url =
      "http://127.0.0.1:" + std::to_string(FixtureServer::Get().Port("aia")) + "/public-inter.cer";
  HttpExchange ex = t.Perform(req);
  REQUIRE(ex.response.has_value());
  CHECK(ex.response->status == 200);
  CHECK(cert::ParseIssuerResponse(ex.response->body).size() == 1);
  CHECK_FALSE(ex.tls.has_value());

  req.url = "http://127.0.0.1:" + std::to_string(FixtureServer::Get().Port("aia")) + "/nope.cer";
  CHECK(t.Perform(req).response->status == 404);

  req.url = "https://127.0.0.1:1/";
  HttpExchange refused = t.Perform(req);
  REQUIRE(refused.error.has_value());
  CHECK(refused.error->id == "internal.transport.failed");  // no policy: a caller bug, no I/O

  req.url = "ftp://127.0.0.1/";
  CHECK(t.Perform(req).error->id == "internal.transport.failed");
}
