#include "protocols/o365-realm/realm_codec.h"
#include "transport/url.h"

#include <catch2/catch.hpp>

using namespace cxa;
using namespace cxa::protocols;

TEST_CASE("realm XML answers parse leniently", "[unit][realm]") {
  auto fed = ParseRealmXml(
      "<RealmInfo Success=\"true\"><State>3</State><UserState>2</UserState>"
      "<Login>nn@contoso.test</Login><NameSpaceType>Federated</NameSpaceType>"
      "<DomainName>contoso.test</DomainName><FederationGlobalVersion>-1</FederationGlobalVersion>"
      "<AuthURL>https://sts.contoso.test/adfs/ls/?username=nn%40contoso.test&amp;wa=wsignin1.0"
      "&amp;wtrealm=urn%3afederation%3aMicrosoftOnline&amp;wctx=</AuthURL>"
      "<IsFederatedNS>true</IsFederatedNS><STSAuthURL>https://sts.contoso.test/adfs/services/"
      "trust/2005/usernamemixed</STSAuthURL><MEXURL>https://sts.contoso.test/adfs/services/trust/"
      "mex</MEXURL><FederationBrandName>Contoso</FederationBrandName><SomethingNew>x</SomethingNew>"
      "</RealmInfo>");
  REQUIRE(fed.ok());
  CHECK(fed->namespace_type == "Federated");
  CHECK(fed->domain == "contoso.test");
  CHECK(fed->brand == "Contoso");
  CHECK(fed->auth_url ==
        "https://sts.contoso.test/adfs/ls/?username=nn%40contoso.test&wa=wsignin1.0"
        "&wtrealm=urn%3afederation%3aMicrosoftOnline&wctx=");
  CHECK(UrlHost(fed->auth_url) == "sts.contoso.test");
  CHECK(IsAdfsUrl(fed->auth_url));
  CHECK(fed->mex_url == "https://sts.contoso.test/adfs/services/trust/mex");

  auto managed = ParseRealmXml(
      "<RealmInfo Success=\"true\"><NameSpaceType>Managed</NameSpaceType></RealmInfo>");
  REQUIRE(managed.ok());
  CHECK(managed->namespace_type == "Managed");
  CHECK(managed->auth_url.empty());
}

TEST_CASE("realm answers that are not realm answers are refused", "[unit][realm]") {
  CHECK_FALSE(ParseRealmXml("<html><body>Too many requests</body></html>").ok());
  CHECK_FALSE(ParseRealmXml("").ok());
  CHECK_FALSE(ParseRealmXml("<RealmInfo><Login>x</Login></RealmInfo>").ok());
  CHECK_FALSE(ParseRealmXml("<RealmInfo><NameSpaceType>Managed").ok());
  // Entity declarations are never expanded (no billion laughs).
  auto bomb = ParseRealmXml(
      "<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
      "<RealmInfo><NameSpaceType>&b;</NameSpaceType></RealmInfo>");
  if (bomb.ok()) CHECK(bomb->namespace_type.size() < 16);
  CHECK_FALSE(ParseRealmJson("[1,2]").ok());
  CHECK_FALSE(ParseRealmJson("{\"Login\":\"x\"}").ok());
  CHECK_FALSE(ParseRealmJson("not json").ok());
}

TEST_CASE("realm JSON answers parse, other IdPs are recognised", "[unit][realm]") {
  auto j = ParseRealmJson(
      "{\"State\":3,\"NameSpaceType\":\"Federated\",\"DomainName\":\"fabrikam.test\","
      "\"AuthURL\":\"https://fabrikam.okta.test/app/office365/sso/wsfed/passive?wa=wsignin1.0\","
      "\"FederationBrandName\":\"Fabrikam\"}");
  REQUIRE(j.ok());
  CHECK(j->namespace_type == "Federated");
  CHECK(UrlHost(j->auth_url) == "fabrikam.okta.test");
  CHECK_FALSE(IsAdfsUrl(j->auth_url));
  CHECK(UrlHost("https://user@[::1]:8443/x") == "::1");
  CHECK(UrlHost("no-scheme") == "");
  CHECK(UrlEncode("nn@contoso.test") == "nn%40contoso.test");
}

TEST_CASE("realm JSON answers nested absurdly deep are refused", "[unit][realm]") {
  std::string deep(100000, '[');
  auto r = ParseRealmJson(deep);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error(), Catch::Contains("deeper"));
  CHECK(ParseRealmJson("{\"NameSpaceType\":\"Managed\",\"x\":[[[\"]]]]]]\"]]]}").ok());
}

TEST_CASE("the user name realm discovery echoes in AuthURL can be dropped", "[unit][realm]") {
  CHECK(WithoutQueryParameter("https://sts.x/adfs/ls/?username=a%40x&wa=wsignin1.0&wctx=",
                              "username") == "https://sts.x/adfs/ls/?wa=wsignin1.0&wctx=");
  CHECK(WithoutQueryParameter("https://sts.x/adfs/ls/?username=a", "username") ==
        "https://sts.x/adfs/ls/");
  CHECK(WithoutQueryParameter("https://sts.x/p", "username") == "https://sts.x/p");
  CHECK(WithoutQueryParameter("https://sts.x/p?a=1&usernamex=2", "username") ==
        "https://sts.x/p?a=1&usernamex=2");
}
