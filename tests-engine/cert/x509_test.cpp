#include "cert/x509.h"

#include <catch2/catch.hpp>

#include "testing/fixtures.h"

using namespace cxa;
using namespace cxa::cert;

TEST_CASE("PEM bundles split into DER certificates, text around them ignored", "[unit][x509]") {
  auto ders = SplitPem(testing::ReadText(testing::FixturesDir() + "/pki/good/chain.pem"));
  REQUIRE(ders.ok());
  REQUIRE(ders->size() == 2);
  X509Ptr leaf = ParseDer((*ders)[0]);
  REQUIRE(leaf);
  CHECK(CommonName(leaf.get()) == "mail.contoso.test");
  CHECK(DnsNames(leaf.get()) ==
        std::vector<std::string>{"mail.contoso.test", "autodiscover.contoso.test"});
  CHECK(KeyDescription(leaf.get()) == "EC P-256");
  CHECK(AiaCaIssuers(leaf.get()) == "http://pki.cxa.test/public-inter.cer");
  CHECK_FALSE(IsCa(leaf.get()));
  CHECK(Sha256Hex(leaf.get()).size() == 64);
  // DER input works as well.
  std::string der((*ders)[0].begin(), (*ders)[0].end());
  auto one = SplitPem(der);
  REQUIRE(one.ok());
  CHECK(one->size() == 1);
}

TEST_CASE("garbage and damaged PEM give clear errors, never a crash", "[unit][x509]") {
  CHECK_FALSE(SplitPem("").ok());
  CHECK_FALSE(SplitPem("hello world").ok());
  CHECK_FALSE(SplitPem("-----BEGIN CERTIFICATE-----\nAAAA").ok());
  CHECK_FALSE(SplitPem("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n").ok());
  CHECK_FALSE(SplitPem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n").ok());
  std::string many;
  auto good = testing::ReadText(testing::FixturesDir() + "/pki/self-signed/chain.pem");
  for (int i = 0; i < 5; ++i) many += good;
  CHECK_FALSE(SplitPem(many, 3).ok());
  CHECK(ParseDer({0x30, 0x03, 0x02, 0x01, 0x01}) == nullptr);
  CHECK(ParseDer({}) == nullptr);
}

TEST_CASE("DNS names match like web clients do", "[unit][x509]") {
  CHECK(DnsNameMatches("mail.contoso.com", "MAIL.contoso.com"));
  CHECK(DnsNameMatches("mail.contoso.com", "mail.contoso.com."));
  CHECK(DnsNameMatches("*.contoso.com", "mail.contoso.com"));
  CHECK_FALSE(DnsNameMatches("*.contoso.com", "a.mail.contoso.com"));
  CHECK_FALSE(DnsNameMatches("*.contoso.com", "contoso.com"));
  CHECK_FALSE(DnsNameMatches("m*.contoso.com", "mail.contoso.com"));
  CHECK_FALSE(DnsNameMatches("mail.contoso.com", "mail.contoso.co"));
}

TEST_CASE("AIA answers are read as DER, PKCS#7 or PEM", "[unit][x509]") {
  std::string ca = testing::FixturesDir() + "/pki/ca/";
  auto pem = ParseIssuerResponse(testing::ReadText(ca + "public-inter.pem"));
  REQUIRE(pem.size() == 1);
  auto p7 = ParseIssuerResponse(testing::ReadText(ca + "public-inter.p7c"));
  REQUIRE(p7.size() == 1);
  CHECK(p7[0] == pem[0]);
  std::string der(pem[0].begin(), pem[0].end());
  CHECK(ParseIssuerResponse(der) == pem);
  CHECK(ParseIssuerResponse("<html>not found</html>").empty());
  CHECK(ParseIssuerResponse("").empty());
}
