// adfs-mex in process: which URL it fetches, and what it makes of the answers.
#include <catch2/catch.hpp>

#include "protocols/adfs/adfs_modules.h"
#include "testing/fixtures.h"
#include "testing/module_harness.h"

using namespace cxa;
using namespace cxa::testing;

TEST_CASE("adfs-mex: fetches the URL realm discovery named, else host, port and path",
          "[unit][module][adfs]") {
  std::string mex = ReadText(FixturesDir() + "/servers/adfs/mex.xml");
  for (const auto& [options, url] : std::vector<std::pair<OptionMap, std::string>>{
           {{{"host", "sts.contoso.test"}}, "https://sts.contoso.test/adfs/services/trust/mex"},
           {{{"host", "sts.contoso.test"}, {"port", "8443"}},
            "https://sts.contoso.test:8443/adfs/services/trust/mex"},
           {{{"host", "sts.contoso.test"}, {"url", "https://sts.contoso.test:444/mex?x=1"}},
            "https://sts.contoso.test:444/mex?x=1"}}) {
    INFO(url);
    ModuleHarness h;
    h.transport.handler = [&](const HttpRequest& r) {
      std::string body = mex;
      for (size_t at; (at = body.find("{{host}}")) != std::string::npos;) {
        body.replace(at, 8, "sts.contoso.test");
      }
      return ModuleHarness::Answer(r, 200, body);
    };
    StepResult r = h.Run(protocols::kAdfsMexModule, options);
    REQUIRE(h.transport.requests.size() == 1);
    CHECK(h.transport.requests[0].url == url);
    CHECK(r.outcome == Outcome::kPassed);
    CHECK(r.facts["usernamemixed_url"] ==
          "https://sts.contoso.test/adfs/services/trust/13/usernamemixed");
  }
}

TEST_CASE("adfs-mex: a stopped service, a sign-in page, no username endpoint",
          "[unit][module][adfs]") {
  struct Case {
    const char* what;
    int status;
    std::string body;
    const char* id;
  };
  const Case cases[] = {
      {"503", 503, "<html>Service Unavailable</html>", "adfs.mex.unreachable"},
      {"html", 200, "<html><body>Sign in</body></html>", "adfs.mex.malformed"},
      {"no usernamemixed", 200, ReadText(FixturesDir() + "/servers/adfs/mex-no-usernamemixed.xml"),
       "adfs.mex.no_usernamemixed"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    ModuleHarness h;
    h.transport.handler = [&](const HttpRequest& r) {
      return ModuleHarness::Answer(r, c.status, c.body);
    };
    StepResult r = h.Run(protocols::kAdfsMexModule, {{"host", "sts.contoso.test"}});
    CHECK(ModuleHarness::Ids(r) == std::vector<std::string>{c.id});
  }
}
