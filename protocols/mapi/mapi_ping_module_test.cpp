// The mapi-ping module in process: scripted answers of a MAPI over HTTP endpoint (and of what
// stands in front of it) to an anonymous PING. Asserts IDs, facts and what cxa sent.
#include <catch2/catch.hpp>

#include "protocols/mapi/mapi_modules.h"
#include "testing/module_harness.h"

using namespace cxa;
using namespace cxa::testing;
using cxa::protocols::kMapiPingModule;

namespace {

const char* const kEmsmdb =
    "https://mail.contoso.test/mapi/emsmdb/?MailboxId=0b3c4d5e-0000-4000-8000-000000000001@"
    "contoso.test";

StepResult Ping(ModuleHarness& h, int status, Headers headers, std::string url = kEmsmdb,
                std::string body = "") {
  h.transport.handler = [=](const HttpRequest& req) {
    return ModuleHarness::Answer(req, status, body, headers);
  };
  return h.Run(kMapiPingModule, {{"url", url}});
}

}  // namespace

TEST_CASE("mapi-ping module: the 401 Outlook expects, and its challenges", "[unit][mapi]") {
  ModuleHarness h;
  StepResult r = Ping(h, 401,
                      {{"WWW-Authenticate", "Negotiate"},
                       {"WWW-Authenticate", "NTLM"},
                       {"X-ServerApplication", "Exchange/15.02.1544.004"}});
  CHECK(r.outcome == Outcome::kPassed);
  CHECK(r.findings.empty());
  CHECK(r.facts["endpoint"] == "emsmdb");
  CHECK(r.facts["status"] == "401");
  CHECK(r.facts["schemes"] == "Negotiate NTLM");
  CHECK(r.facts["server_application"] == "Exchange/15.02.1544.004");
  // What was sent: a PING POST without body and without credentials.
  REQUIRE(h.transport.requests.size() == 1);
  const HttpRequest& sent = h.transport.requests[0];
  CHECK(sent.method == "POST");
  CHECK(sent.body.empty());
  CHECK_FALSE(sent.carries_credentials);
  bool ping = false, id = false;
  for (const auto& [k, v] : sent.headers) {
    CHECK(k != "Authorization");
    ping = ping || (k == "X-RequestType" && v == "PING");
    id = id || (k == "X-RequestId" && v.size() == 40 && v.substr(38) == ":1");
  }
  CHECK(ping);
  CHECK(id);

  SECTION("hybrid modern auth: Bearer with its authorization_uri") {
    StepResult hma = Ping(h, 401,
                          {{"WWW-Authenticate", "Negotiate, NTLM"},
                           {"WWW-Authenticate",
                            "Bearer client_id=\"00000002-0000-0ff1-ce00-000000000000\", "
                            "authorization_uri=\"https://login.windows.net/common/oauth2/"
                            "authorize\""}});
    CHECK(hma.findings.empty());
    CHECK(hma.facts["schemes"] == "Negotiate NTLM Bearer");
    CHECK(hma.facts["authorization_uri"] == "https://login.windows.net/common/oauth2/authorize");
  }
  SECTION("Bearer without authorization_uri, Basic") {
    StepResult odd = Ping(h, 401,
                          {{"WWW-Authenticate", "Bearer"},
                           {"WWW-Authenticate", "Basic realm=\"mail.contoso.test\""}});
    CHECK(ModuleHarness::Has(odd, "mapi.oauth.no_authorization_uri"));
    CHECK(ModuleHarness::Has(odd, "mapi.auth.basic_offered"));
    CHECK(odd.outcome == Outcome::kWarning);
  }
  SECTION("schemes Outlook cannot answer, or none") {
    CHECK(ModuleHarness::Has(Ping(h, 401, {{"WWW-Authenticate", "Digest realm=\"x\""}}),
                             "mapi.auth.scheme_missing"));
    StepResult none = Ping(h, 401, {});
    CHECK(ModuleHarness::Has(none, "mapi.auth.no_schemes"));
    CHECK(none.outcome == Outcome::kFailed);
  }
}

TEST_CASE("mapi-ping module: answers other than 401", "[unit][mapi]") {
  ModuleHarness h;
  StepResult open = Ping(h, 200, {{"X-ResponseCode", "0"}});
  CHECK(ModuleHarness::Has(open, "mapi.ping.anonymous_allowed"));
  CHECK(open.outcome == Outcome::kFailed);
  CHECK(ModuleHarness::Has(Ping(h, 404, {}), "mapi.http.not_found"));
  CHECK(ModuleHarness::Has(Ping(h, 400, {}, "https://mail.contoso.test/mapi/nspi/"),
                           "mapi.http.bad_request"));
  CHECK(h.transport.requests.back().url == "https://mail.contoso.test/mapi/nspi/");
  StepResult fba = Ping(h, 302, {{"Location", "https://mail.contoso.test/owa/auth/logon.aspx"}});
  CHECK(ModuleHarness::Has(fba, "mapi.http.redirected"));
  CHECK(fba.facts["location"] == "https://mail.contoso.test/owa/auth/logon.aspx");
  StepResult down = Ping(h, 503, {}, kEmsmdb, "<html>Service Unavailable</html>");
  CHECK(ModuleHarness::Has(down, "mapi.http.unexpected_status"));
}

TEST_CASE("mapi-ping module: the endpoint URL is checked before anything is sent", "[unit][mapi]") {
  CHECK_FALSE(kMapiPingModule.create({{"url", "http://mail.contoso.test/mapi/emsmdb/"}}).ok());
  CHECK_FALSE(kMapiPingModule.create({{"url", "mail.contoso.test"}}).ok());
  CHECK(kMapiPingModule.create({{"url", kEmsmdb}}).ok());
}
