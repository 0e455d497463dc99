// The mapi-session module in process: a scripted MAPI over HTTP server (bodies laid out as
// MS-OXCMAPIHTTP §2.2.4 and §2.2.5 specify) and the ways load balancers and servers break a
// session. Asserts IDs, facts and what cxa sent.
#include <catch2/catch.hpp>

#include "protocols/mapi/mapi_modules.h"
#include "testing/module_harness.h"

using namespace cxa;
using namespace cxa::testing;
using cxa::protocols::kMapiSessionModule;

namespace {

const char* const kStore = "https://mail.contoso.test/mapi/emsmdb/?MailboxId=8b6c@contoso.test";
const char* const kBook = "https://mail.contoso.test/mapi/nspi/?MailboxId=8b6c@contoso.test";

std::string Bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}

// Connect success: status 0, error `error`, PollsMax 60000, RetryCount 6, RetryDelay 10000,
// DnPrefix "/o=X", DisplayName "Al", no auxiliary buffer.
std::string ConnectBody(int error = 0) {
  return Bytes({0,
                0,
                0,
                0,
                error & 0xFF,
                (error >> 8) & 0xFF,
                0,
                0,
                0x60,
                0xea,
                0,
                0,
                6,
                0,
                0,
                0,
                0x10,
                0x27,
                0,
                0,
                '/',
                'o',
                '=',
                'X',
                0,
                'A',
                0,
                'l',
                0,
                0,
                0,
                0,
                0,
                0,
                0});
}
std::string BindBody() {
  std::string b = Bytes({0, 0, 0, 0, 0, 0, 0, 0});
  b += std::string(16, '\x5a');
  return b + Bytes({0, 0, 0, 0});
}
std::string StatusBody() { return Bytes({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}); }

struct Server {
  bool set_cookies = true;
  int ping_code = 0;     // X-ResponseCode of the PING inside the session
  int connect_code = 0;  // X-ResponseCode of the Connect
  int connect_error = 0;
  bool accept_password = true;
  bool echo = true;
  bool framed = true;
  std::vector<HttpRequest> seen;
};

std::string HeaderOf(const HttpRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

StepResult RunSession(ModuleHarness& h, Server& s, OptionMap extra = {}) {
  h.password = Secret("pw");
  h.scope.AllowDomain("contoso.test", "the e-mail's domain");
  h.transport.handler = [&](const HttpRequest& r) {
    s.seen.push_back(r);
    if (!s.accept_password)
      return ModuleHarness::Answer(r, 401, "", {{"WWW-Authenticate", "NTLM"}});
    const std::string type = HeaderOf(r, "X-RequestType");
    int code = type == "Connect" ? s.connect_code : type == "PING" ? s.ping_code : 0;
    Headers headers = {{"Content-Type", code == 0 ? "application/mapi-http" : "text/html"},
                       {"X-RequestType", type},
                       {"X-ResponseCode", std::to_string(code)},
                       {"X-ExpirationInfo", "900000"},
                       {"X-ServerApplication", "Exchange/15.02.1544.004"}};
    if (s.echo) {
      headers.emplace_back("X-RequestId", HeaderOf(r, "X-RequestId"));
      headers.emplace_back("X-ClientInfo", HeaderOf(r, "X-ClientInfo"));
    }
    if ((type == "Connect" || type == "Bind") && s.set_cookies) {
      headers.emplace_back("Set-Cookie", "MapiContext=ctx-secret; path=/mapi/; secure; HttpOnly");
      headers.emplace_back("Set-Cookie", "MapiSequence=1-abc; path=/mapi/");
    }
    if (code != 0) return ModuleHarness::Answer(r, 200, "<html>failure</html>", headers);
    std::string body = type == "Connect" ? ConnectBody(s.connect_error)
                       : type == "Bind"  ? BindBody()
                       : type == "PING"  ? ""
                                         : StatusBody();
    std::string inner = s.framed ? "PROCESSING\r\nPENDING\r\nDONE\r\nX-ElapsedTime: 2\r\n"
                                   "X-StartTime: Tue, 25 Nov 2026 10:00:00 GMT\r\n\r\n" +
                                       body
                                 : body;
    return ModuleHarness::Answer(r, 200, inner, headers);
  };
  OptionMap o = {{"mailstore_url", kStore},
                 {"addressbook_url", kBook},
                 {"user_dn", "/o=Contoso/cn=Recipients/cn=alice"},
                 {"user", "alice@contoso.test"}};
  for (auto& [k, v] : extra) o[k] = v;
  return h.Run(kMapiSessionModule, o);
}

}  // namespace

TEST_CASE("mapi-session module: Connect, PING in the session, Disconnect, Bind, Unbind",
          "[unit][mapi]") {
  ModuleHarness h;
  Server s;
  StepResult r = RunSession(h, s);
  CHECK(r.outcome == Outcome::kPassed);
  CHECK(ModuleHarness::Has(r, "mapi.session.ok"));
  CHECK(r.facts["connect"] == "ok");
  CHECK(r.facts["bind"] == "ok");
  CHECK(r.facts["display_name"] == "Al");
  CHECK(r.facts["polls_max_ms"] == "60000");
  CHECK(r.facts["pending"] == "1");
  CHECK(r.facts["cookies"] == "MapiContext MapiSequence");  // names, never values
  REQUIRE(s.seen.size() == 5);
  std::vector<std::string> types;
  for (const auto& q : s.seen) types.push_back(HeaderOf(q, "X-RequestType"));
  CHECK(types == std::vector<std::string>{"Connect", "PING", "Disconnect", "Bind", "Unbind"});
  // The Connect body names the user's DN; the later requests carry the session's cookies and
  // count up in X-RequestId; every request carries the credentials (NTLM by the transport).
  CHECK(s.seen[0].body.rfind("/o=Contoso/cn=Recipients/cn=alice", 0) == 0);
  CHECK(HeaderOf(s.seen[0], "Cookie").empty());
  CHECK(HeaderOf(s.seen[1], "Cookie") == "MapiContext=ctx-secret; MapiSequence=1-abc");
  CHECK(HeaderOf(s.seen[1], "X-RequestId").substr(38) == ":2");
  for (const auto& q : s.seen) {
    CHECK(q.carries_credentials);
    CHECK(q.ntlm_user == "alice@contoso.test");
  }
  for (const auto& [k, v] : r.facts) CHECK(v.find("ctx-secret") == std::string::npos);
}

TEST_CASE("mapi-session module: what breaks a session", "[unit][mapi]") {
  ModuleHarness h;
  Server s;
  SECTION("a load balancer that loses the session: PING answered missing cookie") {
    s.ping_code = 13;
    StepResult r = RunSession(h, s);
    CHECK(ModuleHarness::Has(r, "mapi.cookie.dropped"));
    CHECK(r.facts["response_code"] == "13");
  }
  SECTION("no Set-Cookie on the Connect") {
    s.set_cookies = false;
    CHECK(ModuleHarness::Has(RunSession(h, s), "mapi.cookie.none"));
  }
  SECTION("every X-ResponseCode has its finding") {
    s.connect_code = 16;
    StepResult r = RunSession(h, s);
    CHECK(ModuleHarness::Has(r, "mapi.response.endpoint_disabled"));
    CHECK(r.outcome == Outcome::kFailed);
  }
  SECTION("the mailbox refuses the Connect") {
    s.connect_error = 0x3EB;
    StepResult r = RunSession(h, s);
    CHECK(ModuleHarness::Has(r, "mapi.connect.failed"));
    CHECK(r.facts["error"] == "ecUnknownUser (0x000003EB)");
  }
  SECTION("credentials rejected") {
    s.accept_password = false;
    CHECK(ModuleHarness::Has(RunSession(h, s), "mapi.auth.rejected"));
  }
  SECTION("headers not echoed, framing missing") {
    s.echo = false;
    StepResult unechoed = RunSession(h, s);
    CHECK(ModuleHarness::Has(unechoed, "mapi.response.header_missing"));
    Server raw;
    raw.framed = false;
    CHECK(ModuleHarness::Has(RunSession(h, raw), "mapi.response.framing_invalid"));
  }
  SECTION("Basic when asked, or when it is the only scheme offered") {
    StepResult r = RunSession(h, s, {{"auth", "basic"}});
    CHECK(r.outcome == Outcome::kPassed);
    CHECK(HeaderOf(s.seen[0], "Authorization").rfind("Basic ", 0) == 0);
    Server only_basic;
    RunSession(h, only_basic, {{"schemes", "Basic"}});
    CHECK(HeaderOf(only_basic.seen[0], "Authorization").rfind("Basic ", 0) == 0);
    Server negotiate;
    RunSession(h, negotiate, {{"schemes", "Negotiate Basic"}});
    CHECK(HeaderOf(negotiate.seen[0], "Authorization").empty());
    CHECK(negotiate.seen[0].ntlm_user == "alice@contoso.test");
  }
}

TEST_CASE("mapi-session module: credentials go only where the rule allows", "[unit][mapi]") {
  ModuleHarness h;
  Server s;
  StepResult r = RunSession(h, s,
                            {{"mailstore_url",
                              "https://mail.fabrikam.test/mapi/emsmdb/"
                              "?MailboxId=8b6c@contoso.test"}});
  CHECK(ModuleHarness::Has(r, "auth.credentials.withheld"));
  CHECK(s.seen.empty());
  // Without a password the step does not run at all.
  ModuleHarness nopw;
  auto step = kMapiSessionModule.create({{"mailstore_url", kStore},
                                         {"user_dn", "/o=X"},
                                         {"user", "alice@contoso.test"},
                                         {"auth", "ntlm"}});
  REQUIRE(step.ok());
  StepResult skipped = nopw.RunStep(**step, nopw.transport);
  CHECK(skipped.outcome == Outcome::kSkipped);
  CHECK(nopw.transport.requests.empty());
  CHECK_FALSE(
      kMapiSessionModule
          .create({{"mailstore_url", "http://x/mapi/emsmdb/"}, {"user_dn", "/o=X"}, {"user", "a"}})
          .ok());
  CHECK_FALSE(
      kMapiSessionModule.create({{"mailstore_url", kStore}, {"user_dn", ""}, {"user", "a"}}).ok());
}
