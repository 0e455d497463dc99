// CertEvaluator: the one place that judges a certificate chain. Every module, the live trust
// gate inside the TLS handshake, replay and the offline `cxa cert` verb call it.
//
// Contract: pure and deterministic. The same input (chain as sent, name, time, extra
// intermediates, policy) gives the same report; nothing is fetched, nothing is printed.
// OpenSSL builds and verifies the path with web-PKI settings (X509_STRICT, auth level 2,
// purpose sslserver, host names against SANs only, no partial wildcards); when the first path
// fails, the evaluator tries the other paths the certificate pool offers (OpenSSL does not
// backtrack). The checks in checks/ then classify *why* a chain fails and add what OpenSSL does
// not judge (expiry horizon, lifetime, order, root sent, unneeded certificates, CN-only names).
//
// Thread-safety: Evaluate is const and may run concurrently.
#pragma once

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cert/revocation.h"
#include "cert/trust_policy.h"
#include "cert/x509.h"
#include "core/certificate_info.h"
#include "core/finding.h"

namespace cxa::cert {

struct CertInput {
  std::vector<Der> chain;                // as the server sent it, leaf first
  std::string host;                      // expected DNS name or IP address; empty = no name check
  std::time_t time = 0;                  // verification time
  std::vector<Der> extra_intermediates;  // not sent by the server (AIA, --untrusted)
  // Where the extra intermediates came from, for the report: "aia" (fetched from the
  // certificates' caIssuers URLs) or "supplied" (given by the operator).
  std::string extra_source = "supplied";
  // Why there are no extra intermediates when the chain is incomplete, for the finding's text:
  // e.g. "AIA fetching is off (--no-aia)" or "the AIA URL did not answer". Empty = not attempted.
  std::string aia_note;
  int max_depth = 16;  // longest acceptable path (certificates below the anchor)
  // Optional: `chain` already parsed (same order, borrowed for the call; the trust gate passes
  // libssl's objects), which spares decoding every certificate a second time.
  std::vector<X509*> parsed;
  // Revocation evidence to judge (cert/revocation.h); mode off: none is judged.
  RevocationInput revocation;
};

struct CertReport {
  bool trusted = false;  // a path to an anchor validated, name and time included
  CertificateSummary summary;
  std::vector<Finding> findings;
  std::string policy;            // TrustPolicy::Describe() of the evaluation
  RevocationSummary revocation;  // staple and path status, when revocation was judged
  // The validated (or best attempted) path, leaf first, for judging revocation later (the
  // trust gate judges the staple after the chain, AddRevocation) and for fetching what it
  // points to: shared references, so a copy of the report costs no decoding.
  std::vector<std::shared_ptr<X509>> path;

  bool HasErrors() const;
};

class PathCache;

// Stateless in its verdicts; it remembers what OpenSSL concluded about each chain (cert/
// path_cache.h), so copies share that memory and one evaluator serves a whole batch.
class CertEvaluator {
 public:
  CertEvaluator();
  CertReport Evaluate(const CertInput& input, const TrustPolicy& policy) const;
  // Judges input.revocation against report.path (an Evaluate result of the same chain made
  // without revocation) and merges the findings as Evaluate would have: the same report as
  // Evaluate with input.revocation set. Revoked certificates make the report untrusted.
  void AddRevocation(const CertInput& input, const TrustPolicy& policy, CertReport& report) const;

 private:
  std::shared_ptr<PathCache> paths_;
};

// The catalogue of cert.* findings (declared in findings.cpp).
std::span<const FindingInfo> CertFindings();

}  // namespace cxa::cert
