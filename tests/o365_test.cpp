// The o365-sso scenario end to end: realm discovery against the lab's realm endpoint, then the
// AD FS endpoint it names, under strict public trust that no flag relaxes.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "loopback.h"

using namespace cxa::testing;
using nlohmann::json;

namespace {

struct SsoRun {
  CommandResult cmd;
  json report;
  const json& Step(const std::string& id) const {
    for (const auto& s : report["steps"]) {
      if (s["id"] == id) return s;
    }
    FAIL("no step " << id);
    return report;
  }
  std::vector<std::string> Ids(const std::string& step) const {
    std::vector<std::string> v;
    for (const auto& f : Step(step)["findings"]) v.push_back(f["id"]);
    return v;
  }
};

SsoRun Sso(const std::string& user, std::vector<std::string> extra = {}) {
  auto& fs = FixtureServer::Get("o365.xml");
  std::string realm = std::to_string(fs.Port("realm"));
  std::vector<std::string> args = {
      CxaBinary(),
      "run",
      "o365-sso",
      "--input",
      "user=" + user,
      "--realm-endpoint",
      "https://login.cxa.test:" + realm,
      "--resolve",
      "login.cxa.test:" + realm + ":127.0.0.1",
      "--connect-to",
      "sts.contoso.test:443:127.0.0.1:" + std::to_string(fs.Port("sts-good")),
      "--connect-to",
      "sts.fabrikam.test:443:127.0.0.1:" + std::to_string(fs.Port("sts-self-signed")),
      "--public-roots",
      LabRoots(),
      "--format",
      "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  SsoRun r;
  r.cmd = RunCommand(args);
  INFO(r.cmd.err);
  REQUIRE(r.cmd.out.rfind("{", 0) == 0);
  r.report = json::parse(r.cmd.out);
  return r;
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
  CHECK_THAT(r.Step("adfs")["trust_policy"].get<std::string>(), Catch::Contains("refused"));
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
