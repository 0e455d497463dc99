// The hma module in process: what an ActiveSync URL answers an empty Bearer.
#include "protocols/hma/hma_module.h"

#include <catch2/catch.hpp>

#include "testing/module_harness.h"

using namespace cxa;
using namespace cxa::testing;
using cxa::protocols::kHmaModule;

namespace {

StepResult Probe(ModuleHarness& h, int status, Headers headers) {
  h.transport.handler = [=](const HttpRequest& req) {
    return ModuleHarness::Answer(req, status, "", headers);
  };
  return h.Run(kHmaModule, {{"url", "https://mail.contoso.test/Microsoft-Server-ActiveSync"}});
}

}  // namespace

TEST_CASE("hma module: the empty-Bearer probe", "[unit][hma]") {
  ModuleHarness h;
  StepResult ok = Probe(h, 401,
                        {{"WWW-Authenticate",
                          "Bearer client_id=\"00000002-0000-0ff1-ce00-"
                          "000000000000\", authorization_uri=\"https://"
                          "login.windows.net/common/oauth2/authorize\""},
                         {"WWW-Authenticate", "Basic realm=\"mail.contoso.test\""}});
  CHECK(ok.outcome == Outcome::kPassed);
  CHECK(ok.facts["authorization_uri"] == "https://login.windows.net/common/oauth2/authorize");
  CHECK(ok.facts["schemes"] == "Bearer Basic");
  // What was sent: an empty Bearer, nothing else that could be a credential.
  REQUIRE(h.transport.requests.size() == 1);
  bool bearer = false;
  for (const auto& [k, v] : h.transport.requests[0].headers) {
    bearer = bearer || (k == "Authorization" && v == "Bearer");
  }
  CHECK(bearer);
  CHECK_FALSE(h.transport.requests[0].carries_credentials);

  CHECK(
      ModuleHarness::Has(Probe(h, 401, {{"WWW-Authenticate", "Negotiate"}}), "hma.bearer.missing"));
  CHECK(ModuleHarness::Has(Probe(h, 401, {{"WWW-Authenticate", "Bearer"}}),
                           "hma.authorization_uri.missing"));
  CHECK(ModuleHarness::Has(Probe(h, 401, {}), "hma.challenge.missing"));
  CHECK(ModuleHarness::Has(Probe(h, 302, {{"Location", "https://sso.contoso.test/"}}),
                           "hma.http.unexpected_status"));
  StepResult offload =
      Probe(h, 401,
            {{"WWW-Authenticate",
              "Bearer authorization_uri=\"https://login.windows.net/x\", "
              "error=\"invalid_token\""},
             {"x-ms-diagnostics",
              "2000003;reason=\"The hostname component of the audience claim value is invalid. "
              "Expected 'https://mail.contoso.test'. Actual 'http://mail.contoso.test'.\";"
              "error_category=\"invalid_resource\""}});
  CHECK(ModuleHarness::Has(offload, "hma.audience.http"));
  CHECK(offload.outcome == Outcome::kFailed);
  CHECK_FALSE(kHmaModule.create({{"url", "http://mail.contoso.test/x"}}).ok());
}
