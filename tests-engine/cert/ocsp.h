// OCSP (RFC 6960) for the revocation checks: the request cxa sends for one certificate, and the
// judgement of a response (stapled in the handshake or fetched from a responder) about it.
//
// Contract: pure; nothing is fetched. A response is accepted as evidence only when it parses,
// its responseStatus is successful, it is signed by the certificate's issuer or by a responder
// the issuer delegated (a certificate it signed with the OCSP-signing extended key usage, valid
// at the time), and it holds a SingleResponse for this certificate (any CertID hash).
#pragma once

#include <openssl/x509.h>

#include <ctime>
#include <string>
#include <string_view>

namespace cxa::cert {

enum class OcspVerdict {
  kGood,
  kRevoked,
  kUnknown,         // the responder does not know the certificate
  kResponderError,  // responseStatus other than successful (e.g. unauthorized, tryLater)
  kUnreadable,      // not an OCSP response
  kBadSignature,    // signature fails, or signed by a certificate the issuer did not authorise
  kNotForCert,      // no answer about this certificate in it
  kStale,           // nextUpdate before the verification time
  kNotYetValid,     // thisUpdate after the verification time (beyond 5 minutes of skew)
};

std::string_view OcspVerdictName(OcspVerdict v);  // "good", "revoked", "stale", ...

struct OcspAnswer {
  OcspVerdict verdict = OcspVerdict::kUnreadable;
  std::string detail;          // why, for a report: the status name, the signer, the dates
  std::string reason;          // revoked: the reason code's name ("keyCompromise"), if given
  std::time_t revoked_at = 0;  // revoked: revocationTime
  std::time_t this_update = 0;
  std::time_t next_update = 0;  // 0: the response gives none
  std::string signer;           // "the issuing CA" or "delegated responder <subject>"
};

// Judges `der` (an OCSPResponse) about `cert`, issued by `issuer`, at `time`. A revoked status
// stays revoked even in a stale response (revocation is final).
OcspAnswer CheckOcspResponse(std::string_view der, X509* cert, X509* issuer, std::time_t time);

// The DER OCSPRequest for `cert` (SHA-1 CertID, as responders universally accept; no nonce, so
// that a recorded exchange replays byte for byte). Empty when OpenSSL cannot build it.
std::string OcspRequestFor(X509* cert, X509* issuer);

// ASN1_TIME as time_t (UTC); 0 for null or unreadable.
std::time_t Asn1Time(const ASN1_TIME* t);

}  // namespace cxa::cert
