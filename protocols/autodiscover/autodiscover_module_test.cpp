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
StepResult Discover(ModuleHarness& h, const std::string& body, OptionMap extra = {}) {
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
  extra.emplace("email", "alice@contoso.test");
  extra.emplace("srv", "false");
  return h.Run(protocols::kAutodiscoverModule, extra);
}

// A settings answer as Exchange 2019 gives it to a client that sent X-MapiHttpCapability: 1:
// mapiHttp endpoints, EXCH, and no EXPR.
std::string MapiSettings(const std::string& mapi, bool with_expr = false) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?><Autodiscover xmlns=\"http://schemas."
         "microsoft.com/exchange/autodiscover/responseschema/2006\"><Response xmlns=\"http://"
         "schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a\"><User>"
         "<DisplayName>Alice</DisplayName><LegacyDN>/o=Contoso/cn=Recipients/cn=alice</LegacyDN>"
         "</User><Account><Action>settings</Action>" +
         mapi + "<Protocol><Type>EXCH</Type><Server>8b6c@contoso.test</Server></Protocol>" +
         (with_expr ? "<Protocol><Type>EXPR</Type><Server>mail.contoso.test</Server></Protocol>"
                    : "") +
         "</Account></Response></Autodiscover>";
}

const char* const kMapiElement =
    "<Protocol Type=\"mapiHttp\" Version=\"1\"><MailStore><ExternalUrl>https://"
    "mail.contoso.test/mapi/emsmdb/?MailboxId=8b6c@contoso.test</ExternalUrl></MailStore>"
    "<AddressBook><ExternalUrl>https://mail.contoso.test/mapi/nspi/?MailboxId=8b6c@"
    "contoso.test</ExternalUrl></AddressBook></Protocol>";

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

TEST_CASE("autodiscover: asked as Outlook asks today, the protocol Outlook will use",
          "[unit][module][autodiscover][mapi]") {
  SECTION("MAPI over HTTP advertised, no EXPR: MAPI, and no missing-EXPR finding") {
    ModuleHarness h;
    StepResult r = Discover(h, MapiSettings(kMapiElement), {{"protocol", "auto"}});
    CHECK(r.outcome == Outcome::kPassed);
    CHECK(r.findings.empty());
    CHECK(r.facts["protocol_used"] == "mapi");
    CHECK(r.facts["mapi_mailstore_url"] ==
          "https://mail.contoso.test/mapi/emsmdb/?MailboxId=8b6c@contoso.test");
    CHECK(r.facts["legacy_dn"] == "/o=Contoso/cn=Recipients/cn=alice");
    // The request said so, and the MAPI host may get the password from later steps.
    bool header = false;
    for (const auto& [k, v] : h.transport.requests.back().headers) {
      header = header || (k == "X-MapiHttpCapability" && v == "1");
    }
    CHECK(header);
    REQUIRE_FALSE(r.credential_grants.empty());
    CHECK(r.credential_grants.back().first == "mail.contoso.test");
  }
  SECTION("not advertised: Outlook falls back to RPC over HTTP") {
    ModuleHarness h;
    StepResult r = Discover(h, MapiSettings("", /*with_expr=*/true), {{"protocol", "auto"}});
    CHECK(r.facts["protocol_used"] == "rpc");
    CHECK(ModuleHarness::Has(r, "mapi.autodiscover.not_advertised"));
    CHECK(r.outcome == Outcome::kWarning);
  }
  SECTION("neither: nothing Outlook can use") {
    ModuleHarness h;
    StepResult r = Discover(h, MapiSettings(""), {{"protocol", "auto"}});
    CHECK(r.facts["protocol_used"] == "none");
    CHECK(ModuleHarness::Has(r, "autodiscover.settings.no_expr"));
    CHECK(r.outcome == Outcome::kFailed);
  }
  SECTION("protocol=rpc: no MAPI header, RPC over HTTP") {
    ModuleHarness h;
    StepResult r = Discover(h, MapiSettings("", true), {{"protocol", "rpc"}});
    CHECK(r.facts["protocol_used"] == "rpc");
    for (const auto& [k, v] : h.transport.requests.back().headers) {
      CHECK(k != "X-MapiHttpCapability");
    }
  }
  SECTION("internal URLs only, no MailboxId") {
    ModuleHarness h;
    StepResult r = Discover(h,
                            MapiSettings("<Protocol Type=\"mapiHttp\" Version=\"1\"><MailStore>"
                                         "<InternalUrl>https://ex01.corp/mapi/emsmdb/</InternalUrl>"
                                         "</MailStore></Protocol>"),
                            {{"protocol", "auto"}});
    CHECK(ModuleHarness::Has(r, "mapi.autodiscover.internal_only"));
    CHECK(ModuleHarness::Has(r, "mapi.autodiscover.mailboxid_missing"));
  }
  SECTION("the option is checked") {
    CHECK_FALSE(protocols::kAutodiscoverModule
                    .create({{"email", "a@contoso.test"},
                             {"max_hops", "3"},
                             {"srv", "false"},
                             {"protocol", "smtp"}})
                    .ok());
  }
}
