// The outlook scenario end to end against fixtures/servers/outlook.xml: Autodiscover as Outlook
// asks it today, MAPI over HTTP endpoints that work or break in one way each, and the RPC over
// HTTP fallback. Every name on 443 goes to the lab listener; the lab's fixture server logs
// every request, which proves where credentials went.
#include <catch2/catch.hpp>

#include "loopback.h"

using namespace cxa;
using namespace cxa::testing;

namespace {

bool Has(const std::vector<std::string>& v, const std::string& id) {
  return std::find(v.begin(), v.end(), id) != v.end();
}

const char* const kPassword = "cxa-lab-S3cret";

// `cxa run outlook` for EMAIL with the lab account (no password when empty).
ScenarioRun Outlook(const std::string& email, const std::string& password = kPassword,
                    std::vector<std::string> extra = {}) {
  FixtureServer& fs = FixtureServer::Get("outlook.xml");
  std::vector<std::string> args = LabRunArgs("outlook");
  args.insert(args.end(), {"--input", "email=" + email, "--connect-to",
                           ":443:127.0.0.1:" + std::to_string(fs.Port("outlook-autodiscover")),
                           "--srv-record", "_autodiscover._tcp.oa.test="});
  std::vector<std::string> env;
  if (!password.empty()) {
    args.insert(args.end(), {"--input", "user=LAB\\labuser", "--password-env", "CXA_PW"});
    env.push_back("CXA_PW=" + password);
  }
  args.insert(args.end(), extra.begin(), extra.end());
  return RunScenario(args, env, "", 90);
}

}  // namespace

TEST_CASE("outlook: MAPI over HTTP advertised, so Outlook uses it, end to end",
          "[e2e][loopback][outlook][mapi]") {
  ScenarioRun r = Outlook("labuser@oa.test");
  INFO(r.cmd.out);
  CHECK(r.cmd.exit_code == 0);
  CHECK(r.Fact("autodiscover", "protocol_used") == "mapi");
  CHECK(r.Fact("autodiscover", "mapi_mailstore_url") ==
        "https://mail.oa.test/mapi/emsmdb/?MailboxId=0b3c4d5e-6f70-4182-93a4-b5c6d7e8f901@oa.test");
  CHECK(r.Fact("mapi", "schemes") == "Negotiate NTLM Bearer");
  CHECK(r.Fact("mapi", "authorization_uri") == "https://login.windows.net/common/oauth2/authorize");
  // Outlook for iOS and Android: Autodiscover v2 names the ActiveSync URL, whose empty-Bearer
  // probe offers hybrid modern authentication.
  CHECK(r.Fact("autodv2", "activesync_url") == "https://mail.oa.test/Microsoft-Server-ActiveSync");
  CHECK(r.Fact("hma", "authorization_uri") == "https://login.windows.net/common/oauth2/authorize");
  CHECK(r.Fact("mapi", "certificate_trusted") == "true");
  CHECK(r.Fact("mapi-nspi", "status") == "401");
  CHECK(r.Fact("session", "connect") == "ok");
  CHECK(r.Fact("session", "bind") == "ok");
  CHECK(r.Fact("session", "display_name") == "Lab User");
  CHECK(Has(r.Ids("session"), "mapi.session.ok"));
  // The RPC over HTTP steps do not apply: Outlook would not use them.
  CHECK(r.Step("proxy")["outcome"] == "skipped");
  // The summary line says which protocol Outlook uses, and why.
  FixtureServer& fs = FixtureServer::Get("outlook.xml");
  std::vector<std::string> text = LabRunArgs("outlook", "text");
  text.insert(text.end(), {"--input", "email=labuser@oa.test", "--connect-to",
                           ":443:127.0.0.1:" + std::to_string(fs.Port("outlook-autodiscover")),
                           "--srv-record", "_autodiscover._tcp.oa.test=", "--no-color", "--input",
                           "user=LAB\\labuser", "--password-env", "CXA_PW"});
  CommandResult t = RunCommand(text, "", 60, {std::string("CXA_PW=") + kPassword});
  INFO(t.out);
  // (the headline is the fact protocol_reason, on the first line)
  const std::string first = t.out.substr(0, t.out.find('\n'));
  REQUIRE_FALSE(r.Fact("autodiscover", "protocol_reason").empty());
  CHECK(first.find(r.Fact("autodiscover", "protocol_reason")) != std::string::npos);
  // Session cookies are names in the report, never values.
  CHECK(r.cmd.out.find("lab-context-1") == std::string::npos);
  CHECK(r.cmd.out.find(kPassword) == std::string::npos);
}

TEST_CASE("outlook: RPC over HTTP when Autodiscover does not advertise MAPI over HTTP",
          "[e2e][loopback][outlook][mapi]") {
  ScenarioRun r = Outlook("rpconly@oa.test");
  CHECK(r.Fact("autodiscover", "protocol_used") == "rpc");
  CHECK(Has(r.Ids("autodiscover"), "mapi.autodiscover.not_advertised"));
  CHECK(r.Step("mapi")["outcome"] == "skipped");
  CHECK(r.Step("store")["outcome"] == "passed");
  CHECK(r.cmd.exit_code == 0);  // a warning: Outlook still connects
  // protocol=rpc: the same mailbox that has MAPI over HTTP, tested over RPC over HTTP.
  ScenarioRun rpc = Outlook("labuser@oa.test", kPassword, {"--input", "protocol=rpc"});
  CHECK(rpc.Fact("autodiscover", "protocol_used") == "rpc");
  CHECK(rpc.Step("store")["outcome"] == "passed");
}

TEST_CASE("outlook: MAPI over HTTP endpoints that break in one way each",
          "[e2e][loopback][outlook][mapi]") {
  struct Case {
    const char* email;
    const char* step;
    const char* finding;
    int exit_code;
  };
  auto c = GENERATE(values<Case>({
      {"hma@oa.test", "hma", "hma.authorization_uri.missing", 0},
      {"basic@oa.test", "mapi", "mapi.auth.basic_offered", 0},
      {"both@oa.test", "mapi", "mapi.auth.unlike_autodiscover", 0},
      {"internal@oa.test", "autodiscover", "mapi.autodiscover.internal_only", 0},
      {"dropped@oa.test", "session", "mapi.cookie.dropped", 1},
      {"disabled@oa.test", "session", "mapi.response.endpoint_disabled", 1},
      {"unknown@oa.test", "session", "mapi.connect.failed", 1},
      {"notfound@oa.test", "mapi", "mapi.http.not_found", 1},
      {"nochallenge@oa.test", "mapi", "mapi.auth.no_schemes", 1},
      {"reject@oa.test", "session", "mapi.auth.rejected", 1},
      {"anonymous@oa.test", "mapi", "mapi.ping.anonymous_allowed", 1},
      {"selfsigned@oa.test", "mapi", "cert.chain.self_signed", 1},
      {"nothing@oa.test", "autodiscover", "autodiscover.settings.no_expr", 1},
      {"noid@oa.test", "autodiscover", "mapi.autodiscover.mailboxid_missing", 1},
  }));
  INFO(c.email);
  ScenarioRun r = Outlook(c.email);
  INFO(r.cmd.out.substr(0, 4000));
  CHECK(r.cmd.exit_code == c.exit_code);
  if (*c.finding != '\0') CHECK(Has(r.Ids(c.step), c.finding));
  if (std::string(c.email) == "hma@oa.test") {
    CHECK(Has(r.Ids("mapi"), "mapi.oauth.no_authorization_uri"));
    CHECK(r.Fact("mapi", "schemes") == "Negotiate NTLM Bearer");
  }
  if (std::string(c.email) == "both@oa.test") {  // EXPR kept beside mapiHttp (Exchange 2016)
    CHECK(r.Fact("autodiscover", "auth_package") == "Ntlm");
    CHECK(r.Fact("mapi", "schemes") == "Basic");
  }
  if (std::string(c.email) == "basic@oa.test") {
    CHECK_FALSE(Has(r.Ids("mapi"), "mapi.auth.unlike_autodiscover"));
  }
  if (std::string(c.email) == "noid@oa.test") {
    // The URLs lack ?MailboxId=: anonymous requests still get the 401 (authentication comes
    // first), the signed-in Connect an empty 400.
    CHECK(r.Fact("mapi", "status") == "401");
    CHECK(Has(r.Ids("session"), "mapi.session.http_error"));
  }
  if (std::string(c.email) == "unknown@oa.test") {
    CHECK(r.Fact("session", "error") == "ecUnknownUser (0x000003EB)");
  }
  if (std::string(c.email) == "selfsigned@oa.test") {
    // The gate refused the chain: the session never ran, so no password went there.
    CHECK(r.Step("session")["outcome"] == "skipped");
    CHECK(FixtureServer::Get("outlook.xml").RequestLog().find("outlook-self-signed POST") ==
          std::string::npos);
  }
}

TEST_CASE("outlook: without a password the anonymous checks run and the run is not passed",
          "[e2e][loopback][outlook][mapi]") {
  ScenarioRun r = Outlook("labuser@oa.test", "");
  // Autodiscover itself asks for credentials here: the run says what it could not test.
  CHECK(r.cmd.exit_code != 0);
  CHECK(r.report["outcome"] != "passed");
  const std::string log = FixtureServer::Get("outlook.xml").RequestLog();
  CHECK(log.find("credentials=basic") == std::string::npos);
}

TEST_CASE("outlook: every X-ResponseCode a Connect can get has its own finding",
          "[e2e][loopback][outlook][mapi]") {
  const int code = GENERATE(range(1, 19));
  INFO("X-ResponseCode " << code);
  // Its MAPI URLs carry the port of the server that answers with this code.
  const std::string port = std::to_string(
      FixtureServer::Get("outlook.xml").Port("outlook-code-" + std::to_string(code)));
  ScenarioRun r = Outlook("code" + std::to_string(code) + "@oa.test", kPassword,
                          {"--resolve", "mail.oa.test:" + port + ":127.0.0.1"});
  CHECK(r.cmd.exit_code == 1);
  CHECK(r.Fact("session", "response_code") == std::to_string(code));
  const std::vector<std::string> ids = r.Ids("session");
  REQUIRE(ids.size() == 1);
  CHECK(ids[0].rfind("mapi.response.", 0) == 0);
  CHECK(ids[0] != "mapi.response.unnamed");
}

TEST_CASE("outlook: Autodiscover v2 redirects, errors and URLs as servers give them",
          "[e2e][loopback][outlook][autodv2]") {
  struct Case {
    const char* email;
    const char* finding;  // "" none
    int exit_code;
  };
  auto c = GENERATE(values<Case>({
      {"hybrid@oa.test", "", 0},
      {"v2insecure@oa.test", "autodv2.redirect.insecure", 1},
      {"v2loop@oa.test", "autodv2.redirect.loop", 1},
      {"v2error@oa.test", "autodv2.response.error", 1},
      {"v2internal@oa.test", "autodv2.url.internal_name", 1},
  }));
  INFO(c.email);
  ScenarioRun r = Outlook(c.email);
  INFO(r.cmd.out.substr(0, 4000));
  CHECK(r.cmd.exit_code == c.exit_code);
  const std::vector<std::string> ids = r.Ids("autodv2");
  if (*c.finding == '\0') {
    // Exchange Online sends a hybrid mailbox on to the on-premises endpoint with a 302.
    CHECK(ids.empty());
    CHECK(r.Fact("autodv2", "host") == "autodiscover.oa.test");
    CHECK(r.Fact("autodv2", "redirected_to") == "mail.oa.test");
    CHECK(r.Fact("autodv2", "activesync_url") ==
          "https://mail.oa.test/Microsoft-Server-ActiveSync");
    CHECK(r.Step("hma")["outcome"] == "passed");
  } else {
    CHECK(Has(ids, c.finding));
    CHECK(r.Fact("autodv2", "activesync_url").empty());
    CHECK(r.Step("hma")["outcome"] == "skipped");
  }
  // No redirect to plain HTTP was followed.
  CHECK(FixtureServer::Get("outlook.xml").RequestLog().find("http://") == std::string::npos);
}

TEST_CASE("outlook: keep-alives held back by a device in front are told by the pending period",
          "[e2e][loopback][outlook][mapi]") {
  const std::string mode = GENERATE(as<std::string>{}, "slow", "buffered");
  INFO(mode);
  const std::string port =
      std::to_string(FixtureServer::Get("outlook.xml").Port("outlook-" + mode));
  ScenarioRun r =
      Outlook(mode + "@oa.test", kPassword, {"--resolve", "mail.oa.test:" + port + ":127.0.0.1"});
  INFO(r.cmd.out.substr(0, 4000));
  CHECK(r.Fact("session", "connect") == "ok");
  CHECK(r.Fact("session", "pending_period_ms") == "400");
  if (mode == "slow") {
    CHECK(r.Fact("session", "keepalive") == "streamed");
    CHECK_FALSE(Has(r.Ids("session"), "mapi.keepalive.buffered"));
    CHECK(r.cmd.exit_code == 0);
  } else {
    CHECK(r.Fact("session", "keepalive") == "buffered");
    CHECK(Has(r.Ids("session"), "mapi.keepalive.buffered"));
  }
}

TEST_CASE("outlook: a MAPI over HTTP server given by hand, without Autodiscover",
          "[e2e][loopback][outlook][mapi]") {
  // The server's URL carries a port (its own listener): Autodiscover is never asked.
  FixtureServer& fs = FixtureServer::Get("outlook.xml");
  const std::string port = std::to_string(fs.Port("outlook-slow"));
  const std::string before = fs.RequestLog();
  ScenarioRun r = Outlook("labuser@oa.test", kPassword,
                          {"--input", "mapi_server=mail.oa.test:" + port, "--input",
                           "mailbox_id=0b3c4d5e-6f70-4182-93a4-b5c6d7e8f901@oa.test", "--input",
                           "legacy_dn=/o=Lab/ou=Exchange Administrative Group/cn=Recipients/"
                           "cn=labuser",
                           "--resolve", "mail.oa.test:" + port + ":127.0.0.1"});
  INFO(r.cmd.out.substr(0, 4000));
  CHECK(r.cmd.exit_code == 0);
  CHECK(r.Fact("autodiscover", "source") == "manual");
  CHECK(r.Fact("autodiscover", "protocol_used") == "mapi");
  CHECK(r.Fact("autodiscover", "mapi_mailstore_url") ==
        "https://mail.oa.test:" + port +
            "/mapi/emsmdb/?MailboxId=0b3c4d5e-6f70-4182-93a4-b5c6d7e8f901@oa.test");
  CHECK(r.Fact("session", "connect") == "ok");
  const std::string log = fs.RequestLog().substr(before.size());
  CHECK(log.find("/autodiscover/autodiscover.xml") == std::string::npos);

  // Without the legacy DN the endpoints are checked and no session is tried.
  ScenarioRun bare = Outlook("labuser@oa.test", kPassword,
                             {"--input", "mapi_server=https://mail.oa.test:" + port + "/",
                              "--resolve", "mail.oa.test:" + port + ":127.0.0.1"});
  CHECK(bare.Fact("autodiscover", "mapi_mailstore_url") ==
        "https://mail.oa.test:" + port + "/mapi/emsmdb/?MailboxId=labuser@oa.test");
  CHECK(bare.Step("mapi")["outcome"] == "passed");
  CHECK(bare.Step("session")["outcome"] == "skipped");

  // A value that is not a host is refused before anything is sent.
  std::vector<std::string> args = LabRunArgs("outlook");
  args.insert(args.end(), {"--input", "email=labuser@oa.test", "--input", "mapi_server=a b"});
  CommandResult bad = RunCommand(args, "", 30);
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("mapi_server") != std::string::npos);
}
