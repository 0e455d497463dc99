// The hostile world (fixtures/servers/hostile-world.xml): an attacker who owns a domain and holds
// a publicly trusted certificate for it, and every way of pointing Autodiscover and the RPC proxy
// steps at it. The attacker's request log proves that no credential reaches it unless the
// operator allows the host (--allow-credentials-to), and that it does with the opt-in.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "loopback.h"

using namespace cxa::testing;
using nlohmann::json;

namespace {

using Ids = std::vector<std::string>;

FixtureServer& World() { return FixtureServer::Get("hostile-world.xml"); }

// outlook-anywhere for EMAIL with the lab account, every name aimed at the hostile world.
ScenarioRun Oa(const std::string& email, std::vector<std::string> extra = {}) {
  auto& fs = World();
  auto port = [&](const char* site) { return std::to_string(fs.Port(site)); };
  std::vector<std::string> args = LabRunArgs("outlook-anywhere");
  args.insert(args.end(),
              {"--input", "email=" + email, "--input", "user=LAB\\labuser", "--password-env",
               "CXA_PW", "--connect-to", ":443:127.0.0.1:" + port("world-default"), "--connect-to",
               "autodiscover.p80.test:80:127.0.0.1:" + port("p80-forged"), "--connect-to",
               ":80:127.0.0.1:" + port("world-http-none"), "--srv-record",
               "_autodiscover._tcp.srv.test=autodiscover.attacker.test:443"});
  for (const char* d :
       {"v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "p80", "attacker"}) {
    args.insert(args.end(), {"--srv-record", std::string("_autodiscover._tcp.") + d + ".test="});
  }
  args.insert(args.end(), extra.begin(), extra.end());
  return RunScenario(args, {"CXA_PW=cxa-lab-S3cret"}, "", 90);
}

// Every finding ID of a step and its children.
void Collect(const json& step, Ids& out) {
  for (const auto& f : step["findings"]) out.push_back(f["id"]);
  if (step.contains("children")) {
    for (const auto& c : step["children"]) Collect(c, out);
  }
}
Ids AllIds(const ScenarioRun& r) {
  Ids v;
  for (const auto& s : r.report["steps"]) Collect(s, v);
  return v;
}
// Whether any string in the parsed report holds a control character other than a newline (the
// JSON text escapes them, so the raw output cannot tell).
bool HasControlCharacter(const json& j) {
  if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    return std::any_of(s.begin(), s.end(), [](char c) {
      auto u = static_cast<unsigned char>(c);
      return (u < 0x20 && c != '\n') || u == 0x7f;
    });
  }
  if (j.is_structured()) {
    for (const auto& v : j) {
      if (HasControlCharacter(v)) return true;
    }
  }
  return false;
}
bool Has(const Ids& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// The lines of the attacker's sites in the request log since `before`.
std::vector<std::string> AttackerLines(size_t before) {
  std::string log = World().RequestLog().substr(before);
  std::vector<std::string> lines;
  size_t at = 0;
  while (at < log.size()) {
    size_t nl = log.find('\n', at);
    std::string line = log.substr(at, nl - at);
    at = nl == std::string::npos ? log.size() : nl + 1;
    if (line.rfind("attacker-", 0) == 0) lines.push_back(line);
  }
  return lines;
}
bool AnyCredential(const std::vector<std::string>& lines) {
  return std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
    return l.find("credentials=none") == std::string::npos;
  });
}

}  // namespace

TEST_CASE("hostile world: Autodiscover and the RPC proxy never hand credentials to another domain",
          "[e2e][loopback][hostile-world]") {
  struct Case {
    const char* email;
    const char* how;
    const char* finding;  // a finding the run must show
  };
  auto c = GENERATE(values<Case>({
      {"alice@v1.test", "an anonymous 302 from the domain's web site",
       "autodiscover.redirect.other_domain"},
      {"alice@v2.test", "an anonymous redirectAddr", "autodiscover.redirect.other_domain"},
      {"alice@v3.test", "an anonymous redirectUrl", "autodiscover.redirect.other_domain"},
      {"alice@v4.test", "an anonymous settings answer naming another proxy",
       "auth.credentials.withheld"},
      {"alice@v8.test", "an authenticated redirectAddr", "autodiscover.redirect.other_domain"},
      {"alice@v9.test", "an authenticated redirectUrl", "autodiscover.redirect.other_domain"},
      {"alice@p80.test", "a forged answer on port 80", "autodiscover.redirect.other_domain"},
      {"alice@srv.test", "an SRV record", "autodiscover.redirect.other_domain"},
  }));
  INFO(c.email << ": " << c.how);

  size_t before = World().RequestLog().size();
  ScenarioRun r = Oa(c.email);
  auto lines = AttackerLines(before);
  INFO(r.cmd.out);
  CHECK(r.cmd.exit_code == 1);
  Ids ids = AllIds(r);
  CHECK(Has(ids, c.finding));
  CHECK(Has(ids, "auth.credentials.withheld"));
  CHECK_FALSE(lines.empty());         // the attacker was asked (anonymously): it is reported
  CHECK_FALSE(AnyCredential(lines));  // ... and received no credential

  // The operator's opt-in: the same run sends the credentials there.
  before = World().RequestLog().size();
  ScenarioRun allowed = Oa(c.email, {"--allow-credentials-to", "*.attacker.test"});
  lines = AttackerLines(before);
  CHECK(AnyCredential(lines));
  CHECK_FALSE(Has(AllIds(allowed), "auth.credentials.withheld"));
}

TEST_CASE("hostile world: redirect addresses that are not addresses are refused, opt-in or not",
          "[e2e][loopback][hostile-world]") {
  struct Case {
    const char* email;
    const char* what;
  };
  auto c = GENERATE(values<Case>({
      {"alice@v5.test", "a single-label domain"},
      {"alice@v6.test", "CR LF and a header"},
      {"alice@v7.test", "a public suffix"},
  }));
  INFO(c.email << ": " << c.what);
  size_t before = World().RequestLog().size();
  ScenarioRun r = Oa(c.email, {"--allow-credentials-to", "*"});
  CHECK(r.cmd.exit_code == 1);
  Ids ids = AllIds(r);
  CHECK(Has(ids, "autodiscover.redirect.refused"));
  CHECK(r.Step("autodiscover")["outcome"] == "failed");
  // Nothing followed the redirect: no other request, and no control character in the report.
  CHECK(AttackerLines(before).empty());
  CHECK_FALSE(HasControlCharacter(r.report));
  CHECK(World().RequestLog().substr(before).find("X-Evil") == std::string::npos);
}

TEST_CASE("hostile world: --allow-credentials-to is validated before anything is sent",
          "[e2e][loopback][hostile-world]") {
  CommandResult r = RunCommand({CxaBinary(), "run", "outlook-anywhere", "--input",
                                "email=alice@v1.test", "--allow-credentials-to", "*.com"},
                               "", 30);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("--allow-credentials-to"));
}

TEST_CASE("hostile world: a redirect into the operator's own network is not followed",
          "[e2e][loopback][hostile-world]") {
  // v10.test's anonymous answer names https://127.0.0.1:1/...: a port no --connect-to covers,
  // so nobody aimed it there and cxa must not connect (the address kinds refused are unit-tested
  // in transport_test: link-local metadata services, RFC 1918, ULA, ...).
  ScenarioRun r = Oa("alice@v10.test", {"--allow-credentials-to", "*"});
  INFO(r.cmd.out);
  Ids ids = AllIds(r);
  CHECK(Has(ids, "net.address.private"));
  CHECK_FALSE(Has(ids, "net.connect.refused"));  // no connection was even tried
}

TEST_CASE("hostile world: an OWA logon form that posts to another domain gets no password",
          "[e2e][loopback][hostile-world]") {
  auto& fs = World();
  auto owa = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = LabRunArgs("owa");
    args.insert(
        args.end(),
        {"--input", "url=owa.contoso.test", "--input", "user=alice@contoso.test", "--password-env",
         "CXA_PW", "--connect-to", ":443:127.0.0.1:" + std::to_string(fs.Port("world-default")),
         "--connect-to", ":80:127.0.0.1:" + std::to_string(fs.Port("world-http-none"))});
    args.insert(args.end(), extra.begin(), extra.end());
    return RunScenario(args, {"CXA_PW=cxa-lab-S3cret"}, "", 60);
  };
  size_t before = fs.RequestLog().size();
  ScenarioRun r = owa({});
  INFO(r.cmd.out);
  CHECK(r.cmd.exit_code == 1);
  CHECK(r.Fact("logon", "form_action") == "https://attacker.test/owa/auth.owa");
  CHECK(r.Ids("signin") == Ids{"auth.credentials.withheld"});
  CHECK(AttackerLines(before).empty());  // not even asked

  before = fs.RequestLog().size();
  ScenarioRun allowed = owa({"--allow-credentials-to", "attacker.test"});
  auto lines = AttackerLines(before);
  REQUIRE(lines.size() == 1);
  CHECK_THAT(lines[0], Catch::StartsWith("attacker-autodiscover POST /owa/auth.owa"));
  CHECK(AnyCredential(lines));
}
