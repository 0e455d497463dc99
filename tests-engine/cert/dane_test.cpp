#include "cert/dane.h"

#include <catch2/catch.hpp>

#include "testing/lab_chain.h"

using namespace cxa;
using namespace cxa::cert;

namespace {

// The digest of certificate `index` (1-based) of a lab chain, taken with the openssl command.
std::string OpensslDigest(const std::string& pki_case, int index, int selector, const char* md) {
  return testing::TlsaDigest(testing::FixturesDir() + "/pki/" + pki_case + "/chain.pem", index,
                             selector, md);
}

TlsaRecord Record(const std::string& text) {
  auto r = ParseTlsa(text);
  REQUIRE(r);
  return *r;
}

DaneMatch Match(const std::vector<std::string>& records, const std::string& pki_case,
                const std::string& name = "mail.contoso.test") {
  std::vector<TlsaRecord> parsed;
  for (const auto& r : records) parsed.push_back(Record(r));
  CertInput in = testing::LabChainInput(pki_case, name);
  return MatchTlsa(parsed, in.chain, name, in.time);
}

}  // namespace

TEST_CASE("TLSA presentation form", "[unit][dane]") {
  TlsaRecord r = Record("3 1 1 0A0b 0c");
  CHECK(r.usage == 3);
  CHECK(r.selector == 1);
  CHECK(r.matching == 1);
  CHECK(r.data == std::vector<unsigned char>{0x0a, 0x0b, 0x0c});
  CHECK(r.Params() == "3 1 1");
  for (const char* bad : {"", "3 1 1", "3 1 1 abc", "3 1 1 zz", "3 1", "256 1 1 00", "a 1 1 00",
                          "3 1 1 0x00", "1234 1 1 00"}) {
    INFO(bad);
    CHECK_FALSE(ParseTlsa(bad));
  }
}

TEST_CASE("TLSA records SMTP clients cannot use", "[unit][dane]") {
  const std::string sha256(64, 'a');
  CHECK(TlsaUnusable(Record("3 1 1 " + sha256)).empty());
  CHECK(TlsaUnusable(Record("2 0 2 " + sha256 + sha256)).empty());
  CHECK(TlsaUnusable(Record("3 0 0 00")).empty());
  CHECK_FALSE(TlsaUnusable(Record("0 1 1 " + sha256)).empty());  // PKIX-TA
  CHECK_FALSE(TlsaUnusable(Record("1 1 1 " + sha256)).empty());  // PKIX-EE
  CHECK_FALSE(TlsaUnusable(Record("4 1 1 " + sha256)).empty());
  CHECK_FALSE(TlsaUnusable(Record("3 2 1 " + sha256)).empty());
  CHECK_FALSE(TlsaUnusable(Record("3 1 3 " + sha256)).empty());
  CHECK_FALSE(TlsaUnusable(Record("3 1 1 00")).empty());  // a SHA-256 digest of one byte
  CHECK_FALSE(TlsaUnusable(Record("3 1 2 " + sha256)).empty());
}

TEST_CASE("DANE-EE matches the leaf whatever its name, issuer and dates", "[unit][dane]") {
  const std::string spki = OpensslDigest("good", 1, 1, "sha256");
  CHECK(Match({"3 1 1 " + spki}, "good").matched);
  CHECK(Match({"3 1 1 " + spki}, "good").record == "3 1 1");
  CHECK(Match({"3 0 1 " + OpensslDigest("good", 1, 0, "sha256")}, "good").matched);
  CHECK(Match({"3 1 2 " + OpensslDigest("good", 1, 1, "sha512")}, "good").matched);
  // Names and dates do not matter for DANE-EE (RFC 7672 §3.1.1): a self-signed, expired or
  // wrongly named leaf matches its own record.
  for (const char* c : {"self-signed", "expired", "wrong-name"}) {
    INFO(c);
    CHECK(Match({"3 1 1 " + OpensslDigest(c, 1, 1, "sha256")}, c).matched);
  }
  // A record of another key does not match; a record for the issuer is not a DANE-EE match.
  DaneMatch other = Match({"3 1 1 " + OpensslDigest("self-signed", 1, 1, "sha256")}, "good");
  CHECK_FALSE(other.matched);
  CHECK_FALSE(other.reason.empty());
  CHECK_FALSE(Match({"3 1 1 " + OpensslDigest("good", 2, 1, "sha256")}, "good").matched);
  // Unusable records are ignored even when their data would match.
  CHECK_FALSE(Match({"1 1 1 " + spki}, "good").matched);
  // One matching record among others is enough.
  CHECK(Match({"3 1 1 " + std::string(64, '0'), "3 1 1 " + spki}, "good").matched);
}

TEST_CASE("DANE-TA matches a certificate above the leaf, then checks the path and the name",
          "[unit][dane]") {
  const std::string ta = "2 1 1 " + OpensslDigest("good", 2, 1, "sha256");
  CHECK(Match({ta}, "good").matched);
  CHECK(Match({"2 0 1 " + OpensslDigest("good", 2, 0, "sha256")}, "good").matched);
  // The name is checked for DANE-TA (RFC 7672 §3.1.2).
  DaneMatch named = Match({ta}, "good", "other.contoso.test");
  CHECK_FALSE(named.matched);
  CHECK(named.reason.find("other.contoso.test") != std::string::npos);
  // The leaf is never a trust anchor for usage 2.
  CHECK_FALSE(Match({"2 1 1 " + OpensslDigest("good", 1, 1, "sha256")}, "good").matched);
  // An expired leaf under the matched anchor fails.
  CHECK_FALSE(Match({"2 1 1 " + OpensslDigest("expired", 2, 1, "sha256")}, "expired").matched);
}

TEST_CASE("DANE with no certificate", "[unit][dane]") {
  std::vector<TlsaRecord> records = {Record("3 1 1 " + std::string(64, 'a'))};
  DaneMatch m = MatchTlsa(records, {}, "mail.contoso.test", 0);
  CHECK_FALSE(m.matched);
  CHECK_FALSE(m.reason.empty());
}
