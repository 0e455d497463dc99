// o365-realm in process: realm answers as Microsoft's endpoint gives them, through a scripted
// transport.
#include "protocols/o365-realm/realm_module.h"

#include <catch2/catch.hpp>

#include "testing/module_harness.h"

using namespace cxa;
using namespace cxa::testing;

namespace {

std::string RealmXml(const std::string& type, const std::string& auth_url = "") {
  std::string x = "<?xml version=\"1.0\"?><RealmInfo Success=\"true\"><NameSpaceType>" + type +
                  "</NameSpaceType><DomainName>contoso.test</DomainName>";
  if (!auth_url.empty()) {
    x += "<AuthURL>" + auth_url +
         "</AuthURL><MEXURL>https://sts.contoso.test:8443/adfs/"
         "services/trust/mex</MEXURL>";
  }
  return x + "</RealmInfo>";
}

}  // namespace

TEST_CASE("o365-realm: a federated domain names its AD FS host and the port of its URL",
          "[unit][module][realm]") {
  ModuleHarness h;
  h.transport.handler = [](const HttpRequest& r) {
    return ModuleHarness::Answer(
        r, 200,
        RealmXml("Federated",
                 "https://sts.contoso.test:8443/adfs/ls/?username=a%40contoso.test&amp;wa=x"));
  };
  StepResult r = h.Run(protocols::kO365RealmModule, {{"user", "alice@contoso.test"}});
  CHECK(r.outcome == Outcome::kPassed);
  CHECK(r.facts["sts_host"] == "sts.contoso.test");
  CHECK(r.facts["sts_port"] == "8443");
  CHECK(r.facts["idp"] == "adfs");
  CHECK(r.facts["auth_url"].find("username") == std::string::npos);  // no user in facts
  REQUIRE(r.credential_grants.size() == 1);
  CHECK(r.credential_grants[0].first == "sts.contoso.test");
  CHECK_THAT(h.transport.requests[0].url, Catch::EndsWith("login=alice%40contoso.test&xml=1"));
}

TEST_CASE("o365-realm: managed, unknown and unusable answers", "[unit][module][realm]") {
  struct Case {
    const char* what;
    int status;
    std::string xml_body;
    std::string json_body;
    const char* id;
  };
  const Case cases[] = {
      {"managed", 200, RealmXml("Managed"), "", "realm.namespace.managed"},
      {"unknown", 200, RealmXml("Unknown"), "", "realm.namespace.unknown"},
      {"throttled", 429, "<html>slow down</html>", "<html>slow down</html>",
       "realm.lookup.unavailable"},
      {"xml broken, json managed", 200, "<html>not xml</html>",
       "{\"NameSpaceType\":\"Managed\",\"DomainName\":\"contoso.test\"}",
       "realm.namespace.managed"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    ModuleHarness h;
    h.transport.handler = [&](const HttpRequest& r) {
      bool xml = r.url.find("xml=1") != std::string::npos;
      return ModuleHarness::Answer(r, c.status, xml ? c.xml_body : c.json_body);
    };
    StepResult r = h.Run(protocols::kO365RealmModule, {{"user", "alice@contoso.test"}});
    CHECK(ModuleHarness::Ids(r) == std::vector<std::string>{c.id});
    CHECK(r.facts.count("sts_host") == 0);
  }
}
