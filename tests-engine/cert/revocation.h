// Revocation, as the certificate evaluator judges it: the OCSP staple of a handshake and, when
// the operator asks for it, what each certificate's OCSP responder and CRL distribution points
// said. Three states are never merged: a certificate that IS revoked (every client fails), one
// whose status could not be learnt from here (Windows hard-fail clients and Exchange transport
// fail, browsers do not), and one that publishes no revocation information (normal for some
// CAs). The staple is judged on its own too: missing, stale, invalid, or absent although the
// certificate demands it (Must-Staple).
//
// Contract: pure; nothing is fetched here (transport/revocation_fetch.h fetches). The input
// names what was fetched; the judge verifies every answer itself.
#pragma once

#include <ctime>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/finding.h"

typedef struct x509_st X509;

namespace cxa::cert {

// --revocation: off (nothing asked, nothing judged), staple (every handshake asks for an OCSP
// staple and the evaluator judges it; the default), fetch (also each certificate's OCSP
// responder, then its CRL).
enum class RevocationMode { kOff, kStaple, kFetch };
std::string_view RevocationModeName(RevocationMode m);
std::optional<RevocationMode> ParseRevocationMode(std::string_view text);

// What one fetch of revocation data gave.
struct RevocationFetch {
  enum class Kind { kOcsp, kCrl };
  Kind kind = Kind::kOcsp;
  std::string url;          // where it came from; a file name for `cxa cert --crl`
  std::string cert_sha256;  // the certificate it was fetched for; "" = any it applies to
  std::shared_ptr<const std::string> body;  // the answer, when one came
  std::string error;       // why there is no usable answer (transport error, HTTP status)
  bool too_large = false;  // the answer exceeded the size cap
};

struct RevocationInput {
  RevocationMode mode = RevocationMode::kOff;
  bool staple_requested = false;      // the handshake asked for a staple: its absence counts
  std::optional<std::string> staple;  // the OCSP response the server stapled
  std::vector<RevocationFetch> fetched;
};

// What the report shows besides findings.
struct RevocationSummary {
  std::string staple;  // "", "absent", "good", "revoked", "unknown", "stale", "invalid"
  // The path's worst state: "", "good", "revoked", "unknown", "unreachable", "no information",
  // "not checked" (staple mode: certificates above the leaf are not asked about).
  std::string status;
};

// Judges the path (leaf first, each certificate issued by the next; the last is the anchor or
// the best attempt at one) at `time`. Appends findings with cert_index = position on the path.
void JudgeRevocation(const RevocationInput& in, std::span<X509* const> path, std::time_t time,
                     std::vector<Finding>& findings, RevocationSummary& summary);

std::span<const FindingInfo> RevocationFindings();

}  // namespace cxa::cert
