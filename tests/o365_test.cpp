// The o365-sso scenario end to end against fixtures/servers/o365.xml: realm discovery, the AD FS
// endpoint under strict public trust that no flag relaxes, MEX, federation metadata, sign-in, and
// batch runs over many domains.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "loopback.h"

using namespace cxa::testing;
using nlohmann::json;

namespace {

using SsoRun = ScenarioRun;

// --connect-to for every AD FS host of fixtures/servers/o365.xml.
std::vector<std::string> StsRoutes(FixtureServer& fs) {
  std::vector<std::string> args;
  auto route = [&](const std::string& host, const std::string& site) {
    args.insert(args.end(),
                {"--connect-to", host + ":443:127.0.0.1:" + std::to_string(fs.Port(site))});
  };
  route("sts.contoso.test", "sts-good");
  route("sts.fabrikam.test", "sts-self-signed");
  route("sts.northwind.test", "sts-missing-intermediate");
  route("sts.adatum.test", "sts-expired");
  for (const char* h :
       {"expiring", "lapsed", "rollover", "down", "nouser", "garbled", "mexevil", "harvest"}) {
    route(std::string(h) + ".bulk.test", "sts-bulk");
  }
  return args;
}

std::vector<std::string> SsoArgs(FixtureServer& fs) {
  std::string realm = std::to_string(fs.Port("realm"));
  std::vector<std::string> args = {CxaBinary(),
                                   "run",
                                   "o365-sso",
                                   "--realm-endpoint",
                                   "https://login.cxa.test:" + realm,
                                   "--resolve",
                                   "login.cxa.test:" + realm + ":127.0.0.1",
                                   "--public-roots",
                                   LabRoots(),
                                   "--no-aia"};
  auto sts = StsRoutes(fs);
  args.insert(args.end(), sts.begin(), sts.end());
  return args;
}

SsoRun Sso(const std::string& user, std::vector<std::string> extra = {},
           const std::vector<std::string>& env = {}) {
  auto& fs = FixtureServer::Get("o365.xml");
  std::vector<std::string> args = SsoArgs(fs);
  args.insert(args.end(), {"--input", "user=" + user, "--format", "json"});
  args.insert(args.end(), extra.begin(), extra.end());
  return RunScenario(args, env, "", 60);
}

}  // namespace

TEST_CASE("o365-sso passes for a domain federated to a healthy AD FS", "[e2e][loopback][o365]") {
  SsoRun r = Sso("alice@contoso.test");
  CHECK(r.cmd.exit_code == 0);
  CHECK(r.Step("realm")["facts"]["namespace_type"] == "Federated");
  CHECK(r.Step("realm")["facts"]["sts_host"] == "sts.contoso.test");
  CHECK(r.Step("realm")["facts"]["idp"] == "adfs");
  CHECK(r.Step("adfs")["outcome"] == "passed");
  CHECK(r.Step("adfs")["facts"]["certificate_subject"] == "CN=sts.contoso.test");
}

TEST_CASE("a self-signed AD FS certificate fails even with --ignore-trust",
          "[e2e][loopback][o365]") {
  SsoRun r = Sso("bob@fabrikam.test", {"--ignore-trust"});
  CHECK(r.cmd.exit_code == 1);
  CHECK(r.Step("adfs")["outcome"] == "failed");
  CHECK(r.Step("adfs")["stage"] == "certificate");
  CHECK(r.Ids("adfs") ==
        std::vector<std::string>{"cert.chain.self_signed", "tls.certificate.rejected"});
  CHECK(r.Step("adfs")["trust_policy"]["refused_relaxation"] == "report-only");
}

TEST_CASE("realm discovery outcomes have their own findings", "[e2e][loopback][o365]") {
  struct Case {
    const char* user;
    const char* id;
    const char* adfs_outcome;
  };
  auto c = GENERATE(values<Case>({{"dave@managed.test", "realm.namespace.managed", "skipped"},
                                  {"erin@unknown.test", "realm.namespace.unknown", "skipped"},
                                  {"frank@throttled.test", "realm.lookup.unavailable", "skipped"},
                                  {"grace@jsononly.test", "realm.namespace.managed", "skipped"},
                                  {"carol@tailspin.test", "realm.idp.third_party", "passed"}}));
  INFO(c.user);
  SsoRun r = Sso(c.user);
  CHECK(r.Ids("realm") == std::vector<std::string>{c.id});
  CHECK(r.Step("adfs")["outcome"] == c.adfs_outcome);
}

TEST_CASE("expect=any turns a managed domain into information", "[e2e][loopback][o365]") {
  SsoRun r = Sso("dave@managed.test", {"--input", "expect=any"});
  CHECK(r.cmd.exit_code == 0);
  CHECK(r.Step("realm")["findings"][0]["severity"] == "info");
}

TEST_CASE("the cloud and realm endpoint flags are checked before any I/O", "[e2e][o365]") {
  CHECK(RunCommand({CxaBinary(), "run", "o365-sso", "--input", "user=a@b.test", "--cloud", "mars"})
            .exit_code == 2);
  CHECK(RunCommand({CxaBinary(), "run", "tls-endpoint", "--input", "host=x", "--cloud", "usgov"})
            .exit_code == 2);
  CHECK(RunCommand({CxaBinary(), "run", "o365-sso", "--input", "user=a@b.test", "--realm-endpoint",
                    "http://plain.test"})
            .exit_code == 2);
}

TEST_CASE("a healthy AD FS: MEX, metadata and token-signing pass, sign-in waits for a password",
          "[e2e][loopback][o365]") {
  SsoRun r = Sso("alice@contoso.test");
  CHECK(r.cmd.exit_code == 0);
  CHECK(r.Step("mex")["outcome"] == "passed");
  CHECK(r.Step("mex")["facts"]["usernamemixed_url"] ==
        "https://sts.contoso.test/adfs/services/trust/13/usernamemixed");
  CHECK(r.Step("mex")["facts"]["usernamemixed_wstrust"] == "1.3");
  CHECK(r.Step("metadata")["outcome"] == "passed");
  CHECK(r.Step("metadata")["facts"]["entity_id"] == "http://sts.contoso.test/adfs/services/trust");
  CHECK(r.Step("metadata")["facts"]["token_signing_count"] == 1);
  CHECK(r.Step("metadata")["facts"]["token_signing_days_left"].get<int>() > 250);
  CHECK(r.Step("signin")["outcome"] == "skipped");
  CHECK_THAT(r.Step("signin")["reason"].get<std::string>(), Catch::Contains("no password"));
}

TEST_CASE("sign-in with the lab password succeeds, a wrong one is rejected, neither is shown",
          "[e2e][loopback][o365]") {
  SsoRun ok =
      Sso("alice@contoso.test", {"--password-env", "CXA_TEST_PW"}, {"CXA_TEST_PW=cxa-lab-S3cret"});
  CHECK(ok.cmd.exit_code == 0);
  CHECK(ok.Ids("signin") == std::vector<std::string>{"adfs.signin.ok"});
  CHECK(ok.Step("signin")["facts"]["token_issuer"] ==
        "http://sts.contoso.test/adfs/services/trust");
  CHECK(ok.cmd.out.find("cxa-lab-S3cret") == std::string::npos);
  CHECK(ok.cmd.err.find("cxa-lab-S3cret") == std::string::npos);

  auto& fs = FixtureServer::Get("o365.xml");
  std::vector<std::string> args = SsoArgs(fs);
  args.insert(args.end(),
              {"--input", "user=alice@contoso.test", "--password-stdin", "--format", "json"});
  CommandResult wrong = RunCommand(args, "not-the-password\n");
  CHECK(wrong.exit_code == 1);
  json report = json::parse(wrong.out);
  CHECK(report["steps"][4]["findings"][0]["id"] == "adfs.signin.rejected");
  CHECK(report["steps"][4]["facts"]["fault_code"] == "a:FailedAuthentication");
  CHECK(wrong.out.find("not-the-password") == std::string::npos);
}

TEST_CASE("the password is never sent to an AD FS whose certificate is rejected",
          "[e2e][loopback][o365]") {
  auto& fs = FixtureServer::Get("o365.xml");
  SsoRun r = Sso("bob@fabrikam.test", {"--password-env", "CXA_TEST_PW", "--ignore-trust"},
                 {"CXA_TEST_PW=cxa-lab-S3cret"});
  CHECK(r.cmd.exit_code == 1);
  CHECK(r.Step("adfs")["outcome"] == "failed");
  for (const char* step : {"mex", "metadata", "signin"}) {
    CHECK(r.Step(step)["outcome"] == "skipped");
  }
  // The server never saw a single request on that site: the handshake was aborted before any.
  CHECK(fs.RequestLog().find("sts-self-signed ") == std::string::npos);
}

TEST_CASE("AD FS certificate failures: missing intermediate, expired", "[e2e][loopback][o365]") {
  SsoRun mi = Sso("nina@northwind.test");
  CHECK(mi.cmd.exit_code == 1);
  CHECK(mi.Step("adfs")["stage"] == "certificate");
  CHECK(mi.Ids("adfs") ==
        std::vector<std::string>{"cert.chain.incomplete", "tls.certificate.rejected"});
  SsoRun ex = Sso("adam@adatum.test");
  CHECK(ex.cmd.exit_code == 1);
  // The AD FS step checks revocation (fetch): the lab's certificates name no CRL or responder.
  CHECK(ex.Ids("adfs") ==
        std::vector<std::string>{"cert.validity.expired", "cert.revocation.no_info",
                                 "cert.revocation.no_info", "tls.certificate.rejected"});
}

TEST_CASE("MEX and federation metadata faults have their own findings", "[e2e][loopback][o365]") {
  struct Case {
    const char* user;
    const char* mex;       // first finding of the mex step, or ""
    const char* metadata;  // first finding of the metadata step, or ""
    const char* severity;  // of the metadata finding
    int exit_code;
  };
  auto c = GENERATE(values<Case>({
      {"x@expiring.test", "", "adfs.token_signing.expiring_soon", "warning", 0},
      {"x@lapsed.test", "", "adfs.token_signing.expired", "error", 1},
      {"x@rollover.test", "", "adfs.token_signing.expiring_soon", "info", 0},
      {"x@down.test", "adfs.mex.unreachable", "adfs.metadata.unreachable", "error", 1},
      {"x@nouser.test", "adfs.mex.no_usernamemixed", "", "", 0},
      {"x@garbled.test", "adfs.mex.malformed", "adfs.metadata.malformed", "error", 1},
  }));
  INFO(c.user);
  SsoRun r = Sso(c.user);
  CHECK(r.cmd.exit_code == c.exit_code);
  auto first = [&](const char* step) {
    auto ids = r.Ids(step);
    return ids.empty() ? std::string() : ids[0];
  };
  CHECK(first("mex") == c.mex);
  CHECK(first("metadata") == c.metadata);
  if (*c.severity) CHECK(r.Step("metadata")["findings"][0]["severity"] == c.severity);
  CHECK(r.Step("adfs")["outcome"] == "passed");
}

TEST_CASE("a third-party IdP skips the AD FS checks with the reason", "[e2e][loopback][o365]") {
  SsoRun r = Sso("carol@tailspin.test");
  CHECK(r.Step("mex")["outcome"] == "skipped");
  CHECK_THAT(r.Step("mex")["reason"].get<std::string>(),
             Catch::Contains("realm.idp is 'third-party'"));
}

TEST_CASE("a MEX document that names a sign-in endpoint on another host gets no password",
          "[e2e][loopback][o365]") {
  // Realm discovery named mexevil.bulk.test (a credential destination); its MEX names
  // harvest.bulk.test, which nobody vouched for: the WS-Trust password is withheld there.
  auto& fs = FixtureServer::Get("o365.xml");
  auto wstrust_sent = [&](size_t from) {
    return fs.RequestLog().substr(from).find("credentials=wstrust") != std::string::npos;
  };
  size_t before = fs.RequestLog().size();
  SsoRun r =
      Sso("alice@mexevil.test", {"--password-env", "CXA_TEST_PW"}, {"CXA_TEST_PW=cxa-lab-S3cret"});
  INFO(r.cmd.out);
  CHECK(r.cmd.exit_code == 1);
  CHECK_THAT(r.Step("mex")["facts"]["usernamemixed_url"].get<std::string>(),
             Catch::StartsWith("https://harvest.bulk.test/"));
  CHECK(r.Ids("signin") == std::vector<std::string>{"auth.credentials.withheld"});
  CHECK_FALSE(wstrust_sent(before));

  before = fs.RequestLog().size();
  SsoRun allowed =
      Sso("alice@mexevil.test",
          {"--password-env", "CXA_TEST_PW", "--allow-credentials-to", "harvest.bulk.test"},
          {"CXA_TEST_PW=cxa-lab-S3cret"});
  CHECK(allowed.Ids("signin") == std::vector<std::string>{"adfs.signin.ok"});
  CHECK(wstrust_sent(before));
}

TEST_CASE("an AD FS published on another port is tested on that port, sign-in included",
          "[e2e][loopback][o365]") {
  // Realm discovery names https://ported.bulk.test:PORT/...; the name resolves for PORT, and 443
  // leads nowhere (refused), so a step that dropped the port cannot pass.
  auto& fs = FixtureServer::Get("o365.xml");
  const std::string port = std::to_string(fs.Port("sts-ported"));
  size_t before = fs.RequestLog().size();
  SsoRun r = Sso("alice@ported.test",
                 {"--resolve", "ported.bulk.test:" + port + ":127.0.0.1", "--resolve",
                  "ported.bulk.test:443:127.0.0.1", "--password-env", "CXA_TEST_PW"},
                 {"CXA_TEST_PW=cxa-lab-S3cret"});
  INFO(r.cmd.out);
  CHECK(r.cmd.exit_code == 0);
  CHECK(r.Step("realm")["facts"]["sts_host"] == "ported.bulk.test");
  CHECK(FactText(r.Step("realm")["facts"]["sts_port"]) == port);
  for (const char* step : {"adfs", "mex", "metadata"}) {
    INFO(step);
    CHECK(r.Step(step)["outcome"] == "passed");
  }
  CHECK_THAT(r.Step("adfs")["title"].get<std::string>(),
             Catch::Contains("ported.bulk.test:" + port));
  CHECK(FactText(r.Step("adfs")["facts"]["port"]) == port);
  CHECK(r.Step("mex")["facts"]["usernamemixed_url"] ==
        "https://ported.bulk.test:" + port + "/adfs/services/trust/13/usernamemixed");
  CHECK(r.Ids("signin") == std::vector<std::string>{"adfs.signin.ok"});
  std::string log = fs.RequestLog().substr(before);
  CHECK(log.find("sts-ported GET /adfs/services/trust/mex") != std::string::npos);
  CHECK(log.find("sts-ported GET /FederationMetadata/") != std::string::npos);
  CHECK(log.find("sts-ported POST /adfs/services/trust/13/usernamemixed") != std::string::npos);
}

TEST_CASE("a batch checks one AD FS host once per port", "[e2e][loopback][o365][batch]") {
  // ported.test and ported443.test name the same host on two ports: two endpoints, two checks.
  auto& fs = FixtureServer::Get("o365.xml");
  const std::string port = std::to_string(fs.Port("sts-ported"));
  std::filesystem::create_directories(BinaryDir() + "/test-logs");
  std::string targets = BinaryDir() + "/test-logs/ported-targets.txt";
  {
    std::ofstream out(targets);
    out << "user\nx@ported.test\ny@ported443.test\nz@ported.test\n";
  }
  std::vector<std::string> args = SsoArgs(fs);
  args.insert(args.end(), {"--resolve", "ported.bulk.test:" + port + ":127.0.0.1", "--connect-to",
                           "ported.bulk.test:443:127.0.0.1:" + std::to_string(fs.Port("sts-bulk")),
                           "--targets", targets, "--format", "jsonl"});
  CommandResult r = RunCommand(args, "", 60);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  std::map<std::string, std::string> adfs_port;  // target -> the port the adfs step reached
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    json rec = json::parse(line);
    for (const auto& s : rec["report"]["steps"]) {
      if (s["id"] == "adfs") adfs_port[rec["target"]] = FactText(s["facts"]["port"]);
    }
  }
  CHECK(adfs_port["x@ported.test"] == port);
  CHECK(adfs_port["z@ported.test"] == port);
  CHECK(adfs_port["y@ported443.test"] != port);
}
