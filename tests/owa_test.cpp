// The owa scenario end to end against fixtures/servers/owa.xml: one front end per host name.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "loopback.h"

using namespace cxa::testing;
using nlohmann::json;

namespace {

using OwaRun = ScenarioRun;

// Runs owa for HOST (a name of owa.xml) aimed at SITE.
OwaRun Owa(const std::string& host, const std::string& site, std::vector<std::string> extra = {},
           const std::vector<std::string>& env = {}, const std::string& input = "") {
  auto& fs = FixtureServer::Get("owa.xml");
  auto to = [&](const std::string& name, int port, const std::string& s) {
    return std::vector<std::string>{"--connect-to", name + ":" + std::to_string(port) +
                                                        ":127.0.0.1:" + std::to_string(fs.Port(s))};
  };
  std::vector<std::string> args = {
      CxaBinary(), "run",  "owa",       "--input", "url=" + host, "--public-roots", LabRoots(),
      "--format",  "json", "--timeout", "3"};
  for (const auto& v :
       {to(host, 443, site), to("fba.contoso.test", 80, "http-redirect"),
        to("anon.contoso.test", 80, "http-clear"), to("sts.contoso.test", 443, "sts-good")}) {
    args.insert(args.end(), v.begin(), v.end());
  }
  args.insert(args.end(), extra.begin(), extra.end());
  return RunScenario(args, env, input, 60);
}

const std::vector<std::string> kSignIn = {"--input", "user=labuser", "--password-env", "CXA_PW"};

}  // namespace

TEST_CASE("owa: every front end is classified", "[e2e][loopback][owa]") {
  struct Case {
    const char* host;
    const char* site;
    const char* front_end;
    const char* finding;  // first finding of the frontend step, or ""
    int exit_code;
  };
  auto c = GENERATE(values<Case>({
      {"fba.contoso.test", "owa-fba", "fba", "", 0},
      {"fba2010.contoso.test", "owa-fba2010", "fba", "", 0},
      {"fba2007.contoso.test", "owa-fba2007", "fba", "", 0},
      {"basic.contoso.test", "owa-basic", "basic", "", 0},
      {"ntlm.contoso.test", "owa-ntlm", "ntlm", "", 0},
      {"adfs.contoso.test", "owa-adfs", "adfs", "", 0},
      {"cloud.contoso.test", "owa-cloud", "microsoft365", "", 0},
      {"tmg.contoso.test", "owa-tmg", "reverse-proxy", "", 0},
      {"anon.contoso.test", "owa-anonymous", "anonymous", "owa.auth.anonymous", 0},
      {"error.contoso.test", "owa-error", "unexpected", "owa.http.unexpected_status", 1},
  }));
  INFO(c.host);
  OwaRun r = Owa(c.host, c.site);
  CHECK(r.cmd.exit_code == c.exit_code);
  CHECK(r.Step("tls")["outcome"] == "passed");
  CHECK(r.Fact("frontend", "front_end") == c.front_end);
  auto ids = r.Ids("frontend");
  CHECK((ids.empty() ? std::string() : ids[0]) == c.finding);
}

TEST_CASE("owa: facts of the front end, the logon page and port 80", "[e2e][loopback][owa]") {
  OwaRun fba = Owa("fba.contoso.test", "owa-fba");
  CHECK(fba.Fact("frontend", "owa_version") == "15.2.1544.4");
  CHECK(fba.Fact("frontend", "fe_server") == "EXLAB01");
  CHECK(fba.Fact("frontend", "hsts") == "max-age=31536000");
  CHECK(fba.Fact("logon", "form_action") == "/owa/auth.owa");
  CHECK(fba.Fact("logon", "generation") == "2010+");
  CHECK(fba.Fact("http", "http_answer") == "redirect-to-https");
  CHECK(fba.Fact("tls", "tls_version") == "TLSv1.3");
  CHECK(fba.Step("signin")["outcome"] == "skipped");

  OwaRun e2010 = Owa("fba2010.contoso.test", "owa-fba2010");
  CHECK(e2010.Fact("frontend", "owa_version") == "14.3.513.0");
  CHECK(e2010.Fact("logon", "generation") == "2010+");

  OwaRun old = Owa("fba2007.contoso.test", "owa-fba2007");
  CHECK(old.Fact("logon", "generation") == "2007");
  CHECK(old.Fact("frontend", "hsts") == "absent");

  OwaRun ntlm = Owa("ntlm.contoso.test", "owa-ntlm");
  CHECK(ntlm.Fact("frontend", "auth_schemes") == "Negotiate NTLM");
  CHECK(ntlm.Step("logon")["outcome"] == "skipped");
  // Nothing listens on port 80 there: information, never an error.
  CHECK(ntlm.Ids("http") == std::vector<std::string>{"owa.http.plain_unavailable"});
  CHECK(ntlm.Step("http")["findings"][0]["severity"] == "info");

  OwaRun clear = Owa("anon.contoso.test", "owa-anonymous");
  CHECK(clear.Ids("http") == std::vector<std::string>{"owa.http.served_in_clear"});

  OwaRun adfs = Owa("adfs.contoso.test", "owa-adfs");
  CHECK(adfs.Fact("frontend", "adfs_host") == "sts.contoso.test");
  CHECK(adfs.Step("adfs")["outcome"] == "passed");
  CHECK(adfs.Step("adfs")["trust_policy"]["mode"] == "strict-public");
}

TEST_CASE("owa: a redirect to AD FS on another port is followed to that port",
          "[e2e][loopback][owa]") {
  auto& fs = FixtureServer::Get("owa.xml");
  const std::string port = std::to_string(fs.Port("sts-ported"));
  // The name resolves only for the redirect's port; 443 leads to nothing (a refused connection)
  // so a client that dropped the port cannot pass.
  OwaRun r = Owa("adfsport.contoso.test", "owa-adfs-ported",
                 {"--resolve", "sts-ported.contoso.test:" + port + ":127.0.0.1", "--resolve",
                  "sts-ported.contoso.test:443:127.0.0.1"});
  CHECK(r.cmd.exit_code == 0);
  CHECK(r.Fact("frontend", "adfs_host") == "sts-ported.contoso.test");
  CHECK(r.Fact("frontend", "adfs_port") == port);
  CHECK(r.Step("adfs")["outcome"] == "passed");
  CHECK(r.Fact("adfs", "port") == port);
}

TEST_CASE("owa: forms-based and Basic sign-in, right and wrong password", "[e2e][loopback][owa]") {
  OwaRun ok = Owa("fba.contoso.test", "owa-fba", kSignIn, {"CXA_PW=cxa-lab-S3cret"});
  CHECK(ok.cmd.exit_code == 0);
  CHECK(ok.Ids("signin") == std::vector<std::string>{"owa.signin.ok"});
  CHECK(ok.Fact("signin", "session_cookies") == "cadata cadataTTL cadataSig");
  CHECK(ok.cmd.out.find("cxa-lab-S3cret") == std::string::npos);

  OwaRun wrong = Owa("fba.contoso.test", "owa-fba", kSignIn, {"CXA_PW=wrong"});
  CHECK(wrong.cmd.exit_code == 1);
  CHECK(wrong.Ids("signin") == std::vector<std::string>{"owa.signin.rejected"});

  OwaRun basic = Owa("basic.contoso.test", "owa-basic",
                     {"--input", "user=labuser", "--password-stdin"}, {}, "cxa-lab-S3cret\n");
  CHECK(basic.cmd.exit_code == 0);
  CHECK(basic.Ids("signin") == std::vector<std::string>{"owa.signin.ok"});
  OwaRun basic_wrong = Owa("basic.contoso.test", "owa-basic", kSignIn, {"CXA_PW=nope"});
  CHECK(basic_wrong.Ids("signin") == std::vector<std::string>{"owa.signin.rejected"});

  // NTLM: the fixture server checks the NTLMv2 response against the lab account.
  OwaRun ntlm = Owa("ntlm.contoso.test", "owa-ntlm", kSignIn, {"CXA_PW=cxa-lab-S3cret"});
  CHECK(ntlm.cmd.exit_code == 0);
  CHECK(ntlm.Ids("signin") == std::vector<std::string>{"owa.signin.ok"});
  CHECK(ntlm.Fact("signin", "method") == "ntlm");
  OwaRun ntlm_wrong = Owa("ntlm.contoso.test", "owa-ntlm", kSignIn, {"CXA_PW=wrong"});
  CHECK(ntlm_wrong.cmd.exit_code == 1);
  CHECK(ntlm_wrong.Ids("signin") == std::vector<std::string>{"owa.signin.rejected"});

  OwaRun adfs = Owa("adfs.contoso.test", "owa-adfs", kSignIn, {"CXA_PW=cxa-lab-S3cret"});
  CHECK(adfs.Ids("signin") == std::vector<std::string>{"owa.signin.unsupported"});
}

TEST_CASE("owa: a self-signed certificate stops the run before any credential is sent",
          "[e2e][loopback][owa]") {
  auto& fs = FixtureServer::Get("owa.xml");
  size_t before = fs.RequestLog().size();
  OwaRun strict = Owa("mail.contoso.test", "owa-self-signed", kSignIn, {"CXA_PW=cxa-lab-S3cret"});
  CHECK(strict.cmd.exit_code == 1);
  CHECK(strict.Step("tls")["stage"] == "certificate");
  CHECK(strict.Ids("tls") ==
        std::vector<std::string>{"cert.chain.self_signed", "tls.certificate.rejected"});
  for (const char* s : {"http", "frontend", "logon", "signin"}) {
    CHECK(strict.Step(s)["outcome"] == "skipped");
  }
  CHECK(fs.RequestLog().size() == before);  // the server saw nothing at all

  // --ignore-trust: the diagnosis goes on, the trust failure is a warning and the report says
  // why; but it never relaxes where credentials go: the sign-in is withheld and the server
  // receives no sign-in request.
  std::vector<std::string> relaxed = kSignIn;
  relaxed.push_back("--ignore-trust");
  before = fs.RequestLog().size();
  OwaRun r = Owa("mail.contoso.test", "owa-self-signed", relaxed, {"CXA_PW=cxa-lab-S3cret"});
  CHECK(r.cmd.exit_code == 1);
  CHECK(r.Step("tls")["outcome"] == "warning");
  CHECK(r.Step("tls")["findings"][0]["id"] == "cert.chain.self_signed");
  CHECK(r.Step("tls")["findings"][0]["severity"] == "warning");
  CHECK(r.Step("tls")["trust_policy"]["mode"] == "report-only");
  CHECK(r.Step("logon")["outcome"] == "passed");
  CHECK(r.Step("signin")["outcome"] == "failed");
  CHECK_THAT(r.Ids("signin"), Catch::VectorContains(std::string("auth.credentials.withheld")));
  std::string log = fs.RequestLog().substr(before);
  INFO(log);
  CHECK(log.find("auth.owa") == std::string::npos);
  CHECK(log.find("credentials=none") != std::string::npos);  // the anonymous requests arrived
  CHECK(log.find("credentials=form") == std::string::npos);
}

TEST_CASE("owa: redirect loops and slow servers end with a finding in bounded time",
          "[e2e][loopback][owa]") {
  OwaRun loop = Owa("loop.contoso.test", "owa-loop");
  CHECK(loop.cmd.exit_code == 1);
  CHECK(loop.Ids("frontend") == std::vector<std::string>{"owa.http.redirect_loop"});

  OwaRun slow = Owa("slow.contoso.test", "owa-slow");
  CHECK(slow.cmd.exit_code == 1);
  // Ended by cxa's own timeout (--timeout 3), not killed by the harness (which would give -1).
  CHECK(slow.Ids("frontend") == std::vector<std::string>{"http.transfer.timeout"});
}

TEST_CASE("owa: a recorded sign-in holds no password and replays offline", "[e2e][loopback][owa]") {
  std::string dir = BinaryDir() + "/test-logs/owa-recording-" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  OwaRun live = Owa("fba.contoso.test", "owa-fba",
                    {"--input", "user=labuser", "--password-env", "CXA_PW", "--record", dir},
                    {"CXA_PW=cxa-lab-S3cret"});
  CHECK(live.cmd.exit_code == 0);
  std::string transcript = ReadText(dir + "/transcript.xml");
  CHECK(transcript.find("cxa-lab-S3cret") == std::string::npos);
  CHECK(transcript.find("password=[redacted]") != std::string::npos);
  CHECK(transcript.find("cadata=[redacted]") != std::string::npos);
  // Replayed without a password (a placeholder takes its place) and without a server.
  CommandResult replay = RunCommand({CxaBinary(), "run", "owa", "--replay", dir, "--public-roots",
                                     LabRoots(), "--format", "json"});
  CHECK(replay.exit_code == 0);
  CHECK(json::parse(replay.out)["steps"][5]["findings"][0]["id"] == "owa.signin.ok");
  std::filesystem::remove_all(dir);
}

TEST_CASE("owa: a server with only a 1024-bit DHE key exchange is diagnosed, the sign-in withheld",
          "[e2e][loopback][owa][hostile-world]") {
  auto& fs = FixtureServer::Get("owa.xml");
  size_t before = fs.RequestLog().size();
  OwaRun r = Owa("weakdh.contoso.test", "owa-weakdh", kSignIn, {"CXA_PW=cxa-lab-S3cret"});
  CHECK(r.cmd.exit_code == 1);
  CHECK(r.Step("tls")["outcome"] == "passed");  // the diagnosis handshake describes it
  CHECK(r.Fact("frontend", "front_end") == "basic");
  CHECK(r.Step("signin")["outcome"] == "failed");
  CHECK_THAT(r.Ids("signin"), Catch::VectorContains(std::string("auth.credentials.withheld")));
  std::string log = fs.RequestLog().substr(before);
  INFO(log);
  CHECK(log.find("owa-weakdh GET /owa/") != std::string::npos);  // anonymous requests arrived
  CHECK(log.find("credentials=basic") == std::string::npos);     // the password did not
}

TEST_CASE("owa: a server that echoes the password puts it into no report, in any format",
          "[e2e][loopback][owa]") {
  const std::string password = "cxa-lab-S3cret";
  for (const char* format : {"json", "text", "junit", "html"}) {
    INFO(format);
    auto& fs = FixtureServer::Get("owa.xml");
    CommandResult r = RunCommand(
        {CxaBinary(), "run", "owa", "--input", "url=echo.contoso.test", "--input", "user=labuser",
         "--password-env", "CXA_PW", "--public-roots", LabRoots(), "--format", format,
         "--connect-to", "echo.contoso.test:443:127.0.0.1:" + std::to_string(fs.Port("owa-echo")),
         "--connect-to",
         "echo.contoso.test:80:127.0.0.1:" + std::to_string(fs.Port("http-redirect"))},
        "", 60, {"CXA_PW=" + password});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find(password) == std::string::npos);
    CHECK(r.err.find(password) == std::string::npos);
    // The echo was there to redact: the sign-in's status line carried it.
    CHECK_THAT(r.out, Catch::Contains("[redacted]"));
  }
  // The sign-in did happen: the password reached the server (so the echo was real).
  CHECK_THAT(FixtureServer::Get("owa.xml").RequestLog(),
             Catch::Contains("owa-echo POST /owa/auth.owa"));
}
