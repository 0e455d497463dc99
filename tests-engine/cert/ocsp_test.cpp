#include "cert/ocsp.h"

#include <catch2/catch.hpp>

#include "cert/crl.h"
#include "cert/x509.h"
#include "core/time_util.h"
#include "testing/fixtures.h"
#include "testing/process.h"

using namespace cxa;
using namespace cxa::testing;

namespace {

// The committed revocation case (fixtures/pki/revocation), judged two days after its anchor.
std::string Rev(const std::string& name) { return FixturesDir() + "/pki/revocation/" + name; }

cert::X509Ptr Cert(const std::string& name) {
  auto ders = cert::SplitPem(ReadText(Rev(name)));
  REQUIRE(ders.ok());
  return cert::ParseDer(ders->front());
}

std::time_t When() { return *ParseTime("2031-01-03T00:00:00Z"); }

}  // namespace

TEST_CASE("OCSP responses are judged against the issuer, the certificate and the time",
          "[unit][ocsp]") {
  auto good = Cert("good.pem"), revoked = Cert("revoked.pem"), ca = Cert("rev-ca.pem");
  using cert::OcspVerdict;
  CHECK(cert::CheckOcspResponse(ReadText(Rev("good.ocsp")), good.get(), ca.get(), When()).verdict ==
        OcspVerdict::kGood);
  auto r = cert::CheckOcspResponse(ReadText(Rev("revoked.ocsp")), revoked.get(), ca.get(), When());
  CHECK(r.verdict == OcspVerdict::kRevoked);
  CHECK(r.reason == "keyCompromise");
  CHECK(r.revoked_at == *ParseTime("2030-12-22T00:00:00Z"));
  CHECK(cert::CheckOcspResponse(ReadText(Rev("delegated.ocsp")), good.get(), ca.get(), When())
            .signer.rfind("delegated responder", 0) == 0);
  CHECK(
      cert::CheckOcspResponse(ReadText(Rev("rogue.ocsp")), good.get(), ca.get(), When()).verdict ==
      OcspVerdict::kBadSignature);
  CHECK(
      cert::CheckOcspResponse(ReadText(Rev("stale.ocsp")), good.get(), ca.get(), When()).verdict ==
      OcspVerdict::kStale);
  CHECK(cert::CheckOcspResponse(ReadText(Rev("unknown.ocsp")), good.get(), ca.get(), When())
            .verdict == OcspVerdict::kUnknown);
  // About another certificate of the same CA.
  CHECK(cert::CheckOcspResponse(ReadText(Rev("good.ocsp")), revoked.get(), ca.get(), When())
            .verdict == OcspVerdict::kNotForCert);
  CHECK(cert::CheckOcspResponse(ReadText(Rev("unauthorized.ocsp")), good.get(), ca.get(), When())
            .verdict == OcspVerdict::kResponderError);
  CHECK(cert::CheckOcspResponse("", good.get(), ca.get(), When()).verdict ==
        OcspVerdict::kUnreadable);
  CHECK(cert::CheckOcspResponse(std::string(5000, '\x30'), good.get(), ca.get(), When()).verdict ==
        OcspVerdict::kUnreadable);
}

TEST_CASE("the OCSP request names the certificate as openssl reads it", "[unit][ocsp]") {
  auto good = Cert("good.pem"), ca = Cert("rev-ca.pem");
  std::string der = cert::OcspRequestFor(good.get(), ca.get());
  REQUIRE(!der.empty());
  CommandResult r =
      RunCommand({"/usr/bin/openssl", "ocsp", "-reqin", "/dev/stdin", "-req_text"}, der);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("Serial Number: " + cert::Describe(good.get()).serial,
                                    Catch::CaseSensitive::No));
  CHECK_THAT(r.out, Catch::Contains("Hash Algorithm: sha1"));
  CHECK_THAT(r.out, !Catch::Contains("Nonce"));  // replays send the recorded bytes
}

TEST_CASE("CRLs are judged: listed, current, signed by the issuer, usable", "[unit][crl]") {
  auto good = Cert("good.pem"), revoked = Cert("revoked.pem"), ca = Cert("rev-ca.pem");
  auto root = Cert("../ca/public-root.pem");
  using cert::CrlVerdict;
  std::string crl = ReadText(Rev("rev-ca.crl"));
  CHECK(cert::CheckCrl(crl, good.get(), ca.get(), When()).verdict == CrlVerdict::kGood);
  auto r = cert::CheckCrl(crl, revoked.get(), ca.get(), When());
  CHECK(r.verdict == CrlVerdict::kRevoked);
  CHECK(r.reason == "keyCompromise");
  CHECK(r.entries == 1);
  CHECK(cert::CheckCrl(ReadText(Rev("rev-ca-expired.crl")), good.get(), ca.get(), When()).verdict ==
        CrlVerdict::kExpired);
  CHECK(cert::CheckCrl(ReadText(Rev("rev-ca-badsig.crl")), good.get(), ca.get(), When()).verdict ==
        CrlVerdict::kBadSignature);
  CHECK(cert::CheckCrl(crl, ca.get(), root.get(), When()).verdict == CrlVerdict::kWrongIssuer);
  CHECK(cert::CheckCrl(ReadText(Rev("good.pem")), good.get(), ca.get(), When()).verdict ==
        CrlVerdict::kUnreadable);
  // PEM is read as well as DER.
  CommandResult pem = RunCommand(
      {"/usr/bin/openssl", "crl", "-inform", "DER", "-in", Rev("rev-ca.crl"), "-outform", "PEM"});
  REQUIRE(pem.exit_code == 0);
  CHECK(cert::CheckCrl(pem.out, revoked.get(), ca.get(), When()).verdict == CrlVerdict::kRevoked);
  // An issuer whose key usage lacks cRLSign cannot vouch for a CRL.
  auto leaf_as_issuer = Cert("ocsp-signer.pem");
  CHECK(cert::CheckCrl(crl, good.get(), leaf_as_issuer.get(), When()).verdict != CrlVerdict::kGood);
}
