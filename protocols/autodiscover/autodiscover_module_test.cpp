// autodiscover in process: the POX exchange with a scripted server (401, then the settings).
#include "protocols/autodiscover/autodiscover_module.h"

#include <catch2/catch.hpp>

#include "testing/module_harness.h"

using namespace cxa;
using namespace cxa::testing;

namespace {

std::string Settings(const std::string& proxy, const std::string& server) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?><Autodiscover xmlns=\"http://schemas."
         "microsoft.com/exchange/autodiscover/responseschema/2006\"><Response xmlns=\"http://"
         "schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a\"><User>"
         "<DisplayName>Alice</DisplayName></User><Account><Action>settings</Action><Protocol>"
         "<Type>EXCH</Type><Server>" +
         server + "</Server></Protocol><Protocol><Type>EXPR</Type><Server>" + proxy +
         "</Server><SSL>On</SSL><AuthPackage>Ntlm</AuthPackage></Protocol></Account></Response>"
         "</Autodiscover>";
}

// autodiscover.contoso.test asks for credentials, then answers `body`; the apex does not answer.
StepResult Discover(ModuleHarness& h, const std::string& body) {
  h.password = Secret("pw");
  h.scope.AllowDomain("contoso.test", "the e-mail's domain");
  h.transport.handler = [&](const HttpRequest& r) {
    if (r.url.find("//autodiscover.contoso.test/") == std::string::npos) {
      HttpExchange ex;
      ex.request = r;
      ex.error = TransportError{Stage::kConnect, "net.connect.refused", "scripted"};
      return ex;
    }
    bool signed_in = std::any_of(r.headers.begin(), r.headers.end(),
                                 [](const auto& h) { return h.first == "Authorization"; });
    if (!signed_in) {
      return ModuleHarness::Answer(r, 401, "", {{"WWW-Authenticate", "Basic realm=\"x\""}});
    }
    return ModuleHarness::Answer(r, 200, body, {{"Content-Type", "text/xml"}});
  };
  return h.Run(protocols::kAutodiscoverModule, {{"email", "alice@contoso.test"}, {"srv", "false"}});
}

}  // namespace

TEST_CASE("autodiscover: settings from an authenticated answer", "[unit][module][autodiscover]") {
  ModuleHarness h;
  StepResult r = Discover(
      h, Settings("mail.contoso.test", "8b6c3ad5-5d0f-4a8e-9c61-1f2a3b4c5d6e@contoso.test"));
  CHECK(r.outcome == Outcome::kPassed);
  CHECK(r.facts["proxy"] == "mail.contoso.test");
  CHECK(r.facts["rpc_server"] == "8b6c3ad5-5d0f-4a8e-9c61-1f2a3b4c5d6e@contoso.test");
  CHECK(r.facts["auth_method"] == "basic");
  CHECK(r.facts["rpc_auth"] == "ntlm");
}

TEST_CASE("autodiscover: a server name that is not a host name is the answer's fault",
          "[unit][module][autodiscover]") {
  for (const auto& [proxy, server] : std::vector<std::pair<std::string, std::string>>{
           {"mail .contoso.test", "mbx.contoso.test"},
           {"mail.contoso.test", "mbx.contoso.test/evil"},
           {"https://mail.contoso.test/", "mbx.contoso.test"}}) {
    INFO(proxy << " " << server);
    ModuleHarness h;
    StepResult r = Discover(h, Settings(proxy, server));
    CHECK(r.outcome == Outcome::kFailed);
    auto ids = ModuleHarness::Ids(r);
    CHECK(std::find(ids.begin(), ids.end(), "autodiscover.answer.malformed") != ids.end());
    CHECK(std::find(ids.begin(), ids.end(), "internal.option.invalid") == ids.end());
    // A bad name is never passed on to the later steps.
    if (proxy.find(' ') != std::string::npos || proxy.find('/') != std::string::npos) {
      CHECK(r.facts.count("proxy") == 0);
    } else {
      CHECK(r.facts.count("rpc_server") == 0);
    }
  }
}
