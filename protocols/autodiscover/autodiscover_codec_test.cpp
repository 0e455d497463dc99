#include "protocols/autodiscover/autodiscover_codec.h"

#include <catch2/catch.hpp>

using namespace cxa::protocols;

namespace {

std::string Answer(const std::string& account) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?><Autodiscover "
         "xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006\">"
         "<Response xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/"
         "responseschema/2006a\"><User><DisplayName>Alice</DisplayName></User><Account>" +
         account + "</Account></Response></Autodiscover>";
}

}  // namespace

TEST_CASE("Autodiscover: the POX request names the address in the 2006 request schema",
          "[autodiscover]") {
  std::string req = BuildPoxRequest("a&b@contoso.com");
  CHECK(req.find("<EMailAddress>a&amp;b@contoso.com</EMailAddress>") != std::string::npos);
  CHECK(req.find("http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006") !=
        std::string::npos);
  CHECK(req.find("responseschema/2006a</AcceptableResponseSchema>") != std::string::npos);
}

TEST_CASE("Autodiscover: settings give the Outlook Anywhere parameters", "[autodiscover]") {
  auto a = ParsePoxAnswer(Answer(
      "<Action>settings</Action>"
      "<Protocol><Type>EXCH</Type><Server>guid@contoso.com</Server>"
      "<EwsUrl>https://mail.contoso.com/EWS/Exchange.asmx</EwsUrl></Protocol>"
      "<Protocol><Type>EXPR</Type><Server>mail.contoso.com</Server><SSL>On</SSL>"
      "<AuthPackage>Ntlm</AuthPackage><CertPrincipalName>msstd:mail.contoso.com</CertPrincipalName>"
      "</Protocol><Protocol><Type>WEB</Type><Internal><OWAUrl>https://int/owa/</OWAUrl></Internal>"
      "<External><OWAUrl AuthenticationMethod=\"Fba\">https://mail.contoso.com/owa/</OWAUrl>"
      "</External></Protocol>"));
  REQUIRE(a.ok());
  CHECK(a->kind == PoxAnswer::kSettings);
  CHECK(a->display_name == "Alice");
  OutlookAnywhereSettings s = OutlookAnywhereFrom(*a);
  CHECK(s.has_expr);
  CHECK(s.has_exch);
  CHECK(s.proxy == "mail.contoso.com");
  CHECK(s.ssl);
  CHECK(s.auth_package == "Ntlm");
  CHECK(s.rpc_server == "guid@contoso.com");
  CHECK(s.cert_principal_name == "msstd:mail.contoso.com");
  CHECK(s.ews_url == "https://mail.contoso.com/EWS/Exchange.asmx");
  CHECK(s.owa_url == "https://mail.contoso.com/owa/");
}

TEST_CASE("Autodiscover: the MAPI over HTTP endpoints of the mapiHttp protocol element",
          "[autodiscover][mapi]") {
  const std::string store = "https://mail.contoso.com/mapi/emsmdb/?MailboxId=0b3c@contoso.com";
  const std::string book = "https://mail.contoso.com/mapi/nspi/?MailboxId=0b3c@contoso.com";
  auto full = ParsePoxAnswer(
      "<?xml version=\"1.0\"?><Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/"
      "autodiscover/responseschema/2006\"><Response xmlns=\"http://schemas.microsoft.com/exchange/"
      "autodiscover/outlook/responseschema/2006a\"><User><DisplayName>Alice</DisplayName>"
      "<LegacyDN>/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/"
      "cn=alice</LegacyDN></User><Account><Action>settings</Action>"
      "<Protocol Type=\"mapiHttp\" Version=\"1\"><MailStore><InternalUrl>https://ex01.corp/mapi/"
      "emsmdb/?MailboxId=0b3c@contoso.com</InternalUrl><ExternalUrl>" +
      store + "</ExternalUrl></MailStore><AddressBook><ExternalUrl>" + book +
      "</ExternalUrl></AddressBook></Protocol></Account></Response></Autodiscover>");
  REQUIRE(full.ok());
  CHECK(full->legacy_dn ==
        "/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=alice");
  MapiHttpSettings m = MapiHttpFrom(*full);
  CHECK(m.advertised);
  CHECK(m.mailstore_url == store);  // ExternalUrl preferred
  CHECK(m.addressbook_url == book);
  CHECK_FALSE(m.internal_only);
  CHECK_FALSE(m.mailbox_id_missing);
  CHECK(full->Find("MAPIHTTP")->version == "1");
  // No EXPR beside it (Exchange 2019 leaves it out when the client asked for MAPI over HTTP).
  CHECK_FALSE(OutlookAnywhereFrom(*full).has_expr);

  auto internal = ParsePoxAnswer(
      Answer("<Action>settings</Action><Protocol Type=\"mapiHttp\" Version=\"1\"><MailStore>"
             "<InternalUrl>https://ex01.corp/mapi/emsmdb/</InternalUrl></MailStore></Protocol>"));
  REQUIRE(internal.ok());
  MapiHttpSettings i = MapiHttpFrom(*internal);
  CHECK(i.advertised);
  CHECK(i.internal_only);
  CHECK(i.mailbox_id_missing);
  CHECK(i.addressbook_url.empty());

  auto rpc_only = ParsePoxAnswer(
      Answer("<Action>settings</Action><Protocol><Type>EXPR</Type><Server>m</Server></Protocol>"));
  REQUIRE(rpc_only.ok());
  CHECK_FALSE(MapiHttpFrom(*rpc_only).advertised);
  CHECK(rpc_only->legacy_dn.empty());
}

TEST_CASE("Autodiscover: defaults and the external EXHTTP block", "[autodiscover]") {
  SECTION("no CertPrincipalName means msstd:<proxy>; SSL Off is kept") {
    auto a = ParsePoxAnswer(Answer(
        "<Protocol><Type>EXPR</Type><Server>oa.contoso.com</Server><SSL>Off</SSL></Protocol>"));
    REQUIRE(a.ok());
    auto s = OutlookAnywhereFrom(*a);
    CHECK(s.cert_principal_name == "msstd:oa.contoso.com");
    CHECK_FALSE(s.ssl);
    CHECK(s.auth_package.empty());
    CHECK_FALSE(s.has_exch);
  }
  SECTION("without EXPR the second (external) EXHTTP block names the proxy") {
    auto a = ParsePoxAnswer(
        Answer("<Protocol Type=\"EXHTTP\"><Server>int.contoso.local</Server></Protocol>"
               "<Protocol Type=\"EXHTTP\"><Server>ext.contoso.com</Server>"
               "<AuthPackage>Negotiate</AuthPackage></Protocol>"));
    REQUIRE(a.ok());
    auto s = OutlookAnywhereFrom(*a);
    CHECK(s.from_exhttp);
    CHECK_FALSE(s.has_expr);
    CHECK(s.proxy == "ext.contoso.com");
  }
  SECTION("no EXPR at all") {
    auto a = ParsePoxAnswer(Answer("<Protocol><Type>EXCH</Type><Server>x</Server></Protocol>"));
    REQUIRE(a.ok());
    CHECK(OutlookAnywhereFrom(*a).proxy.empty());
  }
}

TEST_CASE("Autodiscover: redirects and errors", "[autodiscover]") {
  auto addr = ParsePoxAnswer(
      Answer("<Action>redirectAddr</Action><RedirectAddr>bob@fabrikam.com</RedirectAddr>"));
  REQUIRE(addr.ok());
  CHECK(addr->kind == PoxAnswer::kRedirectAddr);
  CHECK(addr->redirect == "bob@fabrikam.com");
  auto url = ParsePoxAnswer(
      Answer("<Action>redirectUrl</Action><RedirectUrl>https://x/autodiscover/autodiscover.xml"
             "</RedirectUrl>"));
  REQUIRE(url.ok());
  CHECK(url->kind == PoxAnswer::kRedirectUrl);
  CHECK_FALSE(ParsePoxAnswer(Answer("<Action>redirectAddr</Action>")).ok());
  CHECK_FALSE(ParsePoxAnswer(Answer("<Action>explode</Action>")).ok());

  auto err = ParsePoxAnswer(
      "<Autodiscover><Response><Error Time=\"1\" Id=\"2\"><ErrorCode>600</ErrorCode>"
      "<Message>Invalid Request</Message><DebugData/></Error></Response></Autodiscover>");
  REQUIRE(err.ok());
  CHECK(err->kind == PoxAnswer::kError);
  CHECK(err->error_code == "600");
  CHECK(err->error_message == "Invalid Request");
  CHECK_FALSE(PoxErrorMeaning("500").empty());
  CHECK(PoxErrorMeaning("999").empty());
  // An Error under Account counts too.
  auto nested = ParsePoxAnswer(Answer("<Error><ErrorCode>500</ErrorCode></Error>"));
  REQUIRE(nested.ok());
  CHECK(nested->error_code == "500");
}

TEST_CASE("Autodiscover: what is not an answer", "[autodiscover]") {
  CHECK_FALSE(ParsePoxAnswer("").ok());
  CHECK_FALSE(ParsePoxAnswer("<html><body>It works</body></html>").ok());
  CHECK_FALSE(ParsePoxAnswer("<Autodiscover><Response/></Autodiscover>").ok());
  // A mobile-sync (MS-ASCMD) answer has no Account or Error in this shape.
  CHECK_FALSE(ParsePoxAnswer("<Autodiscover><Response><Culture>en:us</Culture></Response>"
                             "</Autodiscover>")
                  .ok());
  std::string deep = "<Autodiscover><Response><Account>";
  for (int i = 0; i < 100; ++i) deep += "<a>";
  for (int i = 0; i < 100; ++i) deep += "</a>";
  deep += "</Account></Response></Autodiscover>";
  CHECK_FALSE(ParsePoxAnswer(deep).ok());
  // Entities in a DTD are not expanded (billion laughs stays inert).
  auto bomb = ParsePoxAnswer(
      "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x \"xxxxxxxxxx\"><!ENTITY y \"&x;&x;&x;\">]>"
      "<Autodiscover><Response><Account><Action>&y;</Action></Account></Response></Autodiscover>");
  CHECK_FALSE(bomb.ok());
}

TEST_CASE("Autodiscover: addresses and URLs", "[autodiscover]") {
  CHECK(EmailDomain("Alice@Contoso.COM") == "contoso.com");
  CHECK(EmailDomain("alice") == "");
  CHECK(EmailDomain("@contoso.com") == "");
  CHECK(EmailDomain("a@contoso..com") == "");
  CHECK(EmailDomain("a@con/toso.com") == "");
  CHECK(IsAutodiscoverHttpsUrl("https://autodiscover.contoso.com/Autodiscover/Autodiscover.xml"));
  CHECK_FALSE(
      IsAutodiscoverHttpsUrl("http://autodiscover.contoso.com/autodiscover/autodiscover.xml"));
  CHECK_FALSE(IsAutodiscoverHttpsUrl("https://evil.example/owa/"));
  CHECK_FALSE(IsAutodiscoverHttpsUrl("not a url"));
}
