// CRLs (RFC 5280 §5) for the revocation checks: the judgement of one CRL about one certificate.
//
// Contract: pure; nothing is fetched. A CRL counts as evidence only when it parses (DER or PEM),
// names the certificate's issuer, is signed by the issuer's key (which must be allowed to sign
// CRLs when it states its key usage), keeps a CRLNumber non-critical and is current at the
// time (nextUpdate not passed). A CRL without CRLNumber (version 1) is accepted, as Windows
// does; RFC 5280 §5.2.3 requires the number. Delta CRLs and indirect CRLs are not followed; a CRL
// that is one is judged on what it lists.
#pragma once

#include <openssl/x509.h>

#include <ctime>
#include <string>
#include <string_view>

namespace cxa::cert {

enum class CrlVerdict {
  kGood,          // current, correctly signed, the serial is not listed
  kRevoked,       // the serial is listed (also in an expired CRL: revocation is final)
  kUnreadable,    // not a CRL
  kWrongIssuer,   // issued by someone else than the certificate's issuer
  kBadSignature,  // the issuer's key does not verify it
  kExpired,       // nextUpdate before the verification time (or no nextUpdate: not current)
  kInvalid,       // breaks the profile so that no client may rely on it: a critical CRLNumber,
                  // an issuer whose keyUsage does not allow signing CRLs
};

std::string_view CrlVerdictName(CrlVerdict v);

struct CrlAnswer {
  CrlVerdict verdict = CrlVerdict::kUnreadable;
  std::string detail;
  std::string reason;  // revoked: the CRL entry's reason code name, if given
  std::time_t revoked_at = 0;
  std::time_t this_update = 0;
  std::time_t next_update = 0;
  int entries = 0;  // how many certificates the CRL lists
};

CrlAnswer CheckCrl(std::string_view bytes, X509* cert, X509* issuer, std::time_t time);

}  // namespace cxa::cert
