#include "protocols/adfs/adfs_codec.h"

#include <catch2/catch.hpp>

#include "cert/x509.h"
#include "testing/fixtures.h"

using namespace cxa::protocols;
using cxa::testing::FixturesDir;
using cxa::testing::ReadText;

namespace {

// A lab document with its fixture-server placeholders filled like the server does.
std::string LabDocument(const std::string& name) {
  std::string text = ReadText(FixturesDir() + "/servers/adfs/" + name);
  for (size_t at; (at = text.find("{{host}}")) != std::string::npos;) {
    text.replace(at, 8, "sts.contoso.test");
  }
  const std::string open = "{{cert-base64:";
  for (size_t at; (at = text.find(open)) != std::string::npos;) {
    size_t end = text.find("}}", at);
    std::string pem =
        ReadText(FixturesDir() + "/pki/" + text.substr(at + open.size(), end - at - open.size()));
    size_t b = pem.find("-----BEGIN CERTIFICATE-----") + 27;
    size_t e = pem.find("-----END CERTIFICATE-----");
    text.replace(at, end + 2 - at, pem.substr(b, e - b));  // base64 with line breaks
  }
  return text;
}

}  // namespace

TEST_CASE("MEX: the username/password endpoints of an AD FS document", "[unit][adfs]") {
  auto mex = ParseMex(LabDocument("mex.xml"));
  REQUIRE(mex.ok());
  REQUIRE(mex->endpoints.size() == 4);
  CHECK(mex->endpoints[0].auth == MexAuth::kOther);
  CHECK(mex->endpoints[1].auth == MexAuth::kUsernamePassword);
  CHECK(mex->endpoints[1].wstrust == "2005");
  CHECK(mex->endpoints[1].address ==
        "https://sts.contoso.test/adfs/services/trust/2005/usernamemixed");
  CHECK(mex->endpoints[2].wstrust == "1.3");
  CHECK(mex->endpoints[3].auth == MexAuth::kWindows);
  auto best = mex->Usernamemixed();
  REQUIRE(best);
  CHECK(best->address == "https://sts.contoso.test/adfs/services/trust/13/usernamemixed");
  CHECK(best->wstrust == "1.3");

  auto none = ParseMex(LabDocument("mex-no-usernamemixed.xml"));
  REQUIRE(none.ok());
  CHECK(none->endpoints.size() == 2);
  CHECK_FALSE(none->Usernamemixed());
}

TEST_CASE("MEX: an endpoint advertised over plain http is not usable", "[unit][adfs]") {
  std::string doc = LabDocument("mex.xml");
  for (size_t at; (at = doc.find("https://sts.contoso.test/adfs/services/trust/13/username")) !=
                  std::string::npos;) {
    doc.replace(at, 5, "http");
  }
  auto mex = ParseMex(doc);
  REQUIRE(mex.ok());
  REQUIRE(mex->Usernamemixed());
  CHECK(mex->Usernamemixed()->wstrust == "2005");  // the https one is left
}

TEST_CASE("MEX: documents that are not WSDL are refused", "[unit][adfs]") {
  CHECK_FALSE(ParseMex("<html><body>Service Unavailable</body></html>").ok());
  CHECK_FALSE(ParseMex("").ok());
  CHECK_FALSE(ParseMex("<wsdl:definitions><wsdl:binding").ok());
  std::string deep = "<definitions>";
  for (int i = 0; i < 100; ++i) deep += "<a>";
  for (int i = 0; i < 100; ++i) deep += "</a>";
  deep += "</definitions>";
  auto r = ParseMex(deep);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error(), Catch::Contains("deeper"));
  // Entities declared in a DOCTYPE are never expanded (no billion laughs).
  auto laughs = ParseMex(
      "<!DOCTYPE d [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
      "<definitions><service><port binding=\"x\">&b;</port></service></definitions>");
  REQUIRE(laughs.ok());
  CHECK(laughs->endpoints.empty());
}

TEST_CASE("federation metadata: entity, endpoints and token-signing certificates", "[unit][adfs]") {
  auto md = ParseFederationMetadata(LabDocument("metadata-rollover.xml"));
  REQUIRE(md.ok());
  CHECK(md->entity_id == "http://sts.contoso.test/adfs/services/trust");
  CHECK(md->passive_endpoints == std::vector<std::string>{"https://sts.contoso.test/adfs/ls/"});
  CHECK(md->sts_endpoints.size() == 1);
  CHECK(md->sso_services.size() == 2);
  // The same two certificates in both descriptors: counted once each.
  REQUIRE(md->signing.size() == 2);
  CHECK(md->signing[0].info.subject == "CN=ADFS Signing - sts.contoso.test");
  CHECK(md->signing[0].role == "SecurityTokenServiceType");
  CHECK(md->signing[0].info.not_after < md->signing[1].info.not_after);
  CHECK(md->problems.empty());
}

TEST_CASE("federation metadata: broken documents and keys", "[unit][adfs]") {
  CHECK_FALSE(ParseFederationMetadata("<EntityDescriptor><RoleDescriptor>").ok());
  CHECK_FALSE(ParseFederationMetadata("<html/>").ok());
  auto md = ParseFederationMetadata(
      "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"e\">"
      "<md:IDPSSODescriptor><md:KeyDescriptor use=\"signing\"><X509Certificate>bm90IGEgY2VydA=="
      "</X509Certificate></md:KeyDescriptor><md:KeyDescriptor use=\"encryption\">"
      "<X509Certificate>!!</X509Certificate></md:KeyDescriptor></md:IDPSSODescriptor>"
      "</md:EntityDescriptor>");
  REQUIRE(md.ok());
  CHECK(md->entity_id == "e");
  CHECK(md->signing.empty());
  CHECK(md->problems.size() == 1);  // the encryption key is not looked at
}

TEST_CASE("WS-Trust: the request carries the escaped credentials and the right action",
          "[unit][adfs]") {
  WsTrustRequest r;
  r.endpoint = "https://sts.contoso.test/adfs/services/trust/13/usernamemixed";
  r.wstrust = "1.3";
  r.username = "alice@contoso.test";
  r.password = "a<b&c\"";
  r.message_id = "urn:uuid:00000000-0000-0000-0000-000000000001";
  r.created = "2030-01-01T00:00:00Z";
  r.expires = "2030-01-01T00:10:00Z";
  std::string xml = BuildWsTrustRequest(r);
  CHECK_THAT(xml, Catch::Contains("<o:Password>a&lt;b&amp;c&quot;</o:Password>"));
  CHECK_THAT(xml, Catch::Contains("<o:Username>alice@contoso.test</o:Username>"));
  CHECK_THAT(xml, Catch::Contains("ws-sx/ws-trust/200512/RST/Issue"));
  CHECK_THAT(xml, Catch::Contains("urn:federation:MicrosoftOnline"));
  CHECK_THAT(xml, Catch::Contains("<a:To s:mustUnderstand=\"1\">" + r.endpoint));
  // The request is well-formed XML a server can parse.
  CHECK_FALSE(ParseWsTrustAnswer(xml).ok());  // an envelope, but not an answer
  r.wstrust = "2005";
  CHECK_THAT(BuildWsTrustRequest(r), Catch::Contains("ws/2005/02/trust/RST/Issue"));
  CHECK(WsTrustAction("2005") == "http://schemas.xmlsoap.org/ws/2005/02/trust/RST/Issue");
}

TEST_CASE("WS-Trust: token responses and faults", "[unit][adfs]") {
  auto ok = ParseWsTrustAnswer(LabDocument("wstrust-token.xml"));
  REQUIRE(ok.ok());
  CHECK(ok->kind == WsTrustAnswer::kToken);
  CHECK(ok->token_type == "urn:oasis:names:tc:SAML:1.0:assertion");
  CHECK(ok->assertion_issuer == "http://sts.contoso.test/adfs/services/trust");

  auto fault = ParseWsTrustAnswer(LabDocument("wstrust-fault.xml"));
  REQUIRE(fault.ok());
  CHECK(fault->kind == WsTrustAnswer::kFault);
  CHECK(fault->fault_code == "a:FailedAuthentication");
  CHECK_THAT(fault->fault_reason, Catch::Contains("could not be authenticated"));

  auto soap11 = ParseWsTrustAnswer(
      "<Envelope><Body><Fault><faultcode>s:Client</faultcode><faultstring>no</faultstring>"
      "</Fault></Body></Envelope>");
  REQUIRE(soap11.ok());
  CHECK(soap11->fault_code == "s:Client");
  CHECK(soap11->fault_reason == "no");

  CHECK_FALSE(ParseWsTrustAnswer("<html>503</html>").ok());
  CHECK_FALSE(ParseWsTrustAnswer("<Envelope><Body><x/></Body></Envelope>").ok());
  CHECK_FALSE(
      ParseWsTrustAnswer("<Envelope><Body><RequestSecurityTokenResponse/></Body></Envelope>").ok());
}

TEST_CASE("base64 decoding for embedded certificates", "[unit][adfs]") {
  using cxa::cert::DecodeBase64;
  CHECK(DecodeBase64("aGk=") == cxa::cert::Der{'h', 'i'});
  CHECK(DecodeBase64(" aG\nk= ") == cxa::cert::Der{'h', 'i'});
  CHECK(DecodeBase64("aGVsbG8h") == cxa::cert::Der{'h', 'e', 'l', 'l', 'o', '!'});
  CHECK_FALSE(DecodeBase64("aGk"));
  CHECK_FALSE(DecodeBase64("a=Gk"));
  CHECK_FALSE(DecodeBase64("****"));
  CHECK_FALSE(DecodeBase64(""));
}
