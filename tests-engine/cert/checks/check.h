// The shape of a certificate check. Each file in checks/ owns a few finding IDs: its catalogue
// entries (next to the code that emits them) and the function that emits them.
//
// A check reads the Evaluation (the chain as sent, the path that was validated, the OpenSSL
// errors collected along it) and appends findings. It emits only its own IDs. The OpenSSL error
// codes a check claims are listed with it, so that any code nobody claims still surfaces
// (as cert.chain.invalid) instead of vanishing.
#pragma once

#include <openssl/x509.h>

#include <span>
#include <string>
#include <vector>

#include "cert/cert_evaluator.h"

namespace cxa::cert {

struct VerifyError {
  int code;   // X509_V_ERR_*
  int depth;  // position in the validated path, 0 = leaf
};

struct Evaluation {
  const CertInput& input;
  const TrustPolicy& policy;
  const TrustStore& anchors;  // policy.Anchors(), resolved once per evaluation
  std::vector<X509*> sent;    // parsed sent chain; nullptr where a certificate did not parse
  std::vector<X509*> extras;  // parsed extra intermediates
  std::vector<X509*> path;    // the validated (or best attempted) path, leaf first
  std::vector<VerifyError> errors;
  bool anchored = false;  // the path ends in a trust anchor
  std::time_t time = 0;
  // Position, in the chain as sent, of the certificate judged as the server's: 0, unless the
  // first one is a CA or misses the name while a later end-entity certificate covers it (a
  // bundle in reverse order); -1 when nothing usable was sent.
  int leaf_sent = 0;

  bool Has(int code) const;
  const VerifyError* First(int code) const;
  bool IsAnchor(X509* c) const;
  int SentIndex(X509* c) const;  // -1 when not sent
  bool IsExtra(X509* c) const;   // came from extra intermediates and was not sent
  // Index of a certificate in the report list (path first, then unused sent certificates).
  int ReportIndex(X509* c) const;
  std::vector<X509*> UnusedSent() const;
};

using CheckFn = void (*)(const Evaluation&, std::vector<Finding>&);

struct CertCheck {
  std::string_view name;
  std::span<const int> claims;  // OpenSSL error codes this check explains
  CheckFn run;
};

// Every check, in report order, and every catalogue entry they own.
std::span<const CertCheck> AllChecks();

// Per-area entry points (one file each).
extern const CertCheck kParseCheck, kChainTrustCheck, kChainStructureCheck, kChainShapeCheck,
    kValidityCheck, kNameCheck, kCryptoCheck, kUsageCheck, kProfileCheck, kUnclaimedCheck;
std::span<const FindingInfo> ChainTrustFindings();
std::span<const FindingInfo> ChainStructureFindings();
std::span<const FindingInfo> ChainShapeFindings();
std::span<const FindingInfo> ValidityFindings();
std::span<const FindingInfo> NameFindings();
std::span<const FindingInfo> CryptoFindings();
std::span<const FindingInfo> UsageFindings();
std::span<const FindingInfo> ProfileFindings();

// True for an OpenSSL strict-mode profile error that mainstream clients accept: reported as
// cert.profile.deviation (a warning) and not held against the chain's trust.
bool IsProfileDeviation(int code);

// True when `errors` hold anything but profile deviations: the chain is not acceptable.
inline bool Blocking(const std::vector<VerifyError>& errors) {
  for (const VerifyError& e : errors) {
    if (!IsProfileDeviation(e.code)) return true;
  }
  return false;
}

inline bool Claims(std::span<const int> claims, int code) {
  for (int c : claims) {
    if (c == code) return true;
  }
  return false;
}

// Formatting helpers shared by the checks.
std::string Subject(X509* c);
std::string Issuer(X509* c);
std::string Join(const std::vector<std::string>& v, std::string_view sep = ", ");

}  // namespace cxa::cert
