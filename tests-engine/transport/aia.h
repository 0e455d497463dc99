// Missing intermediate or private root? When the chain a server sent stops at a certificate
// whose issuer is unknown, and that certificate names its issuer's URL (AIA caIssuers), fetch
// the issuer (plain HTTP GET through the transport: bounded in size, time and hops) and evaluate
// again with it as an extra intermediate. The evaluator then tells `missing_intermediate`
// (a public root is reached) from `untrusted_root` (a private root is reached).
#pragma once

#include "cert/cert_evaluator.h"
#include "transport/http_transport.h"

namespace cxa {

// The evaluator could not decide the chain: it stops at a certificate whose issuer is neither
// sent nor an anchor (cert.chain.incomplete), so only its AIA issuer can tell a missing
// intermediate from a private root.
bool ChainUndecided(const std::vector<Finding>& findings);

struct AiaSettings {
  bool enabled = true;
  int max_hops = 3;
  size_t max_bytes = 64 * 1024;
  Timeouts timeouts;
};

struct AiaResult {
  std::vector<HttpExchange> fetched;     // the AIA requests made (reports, recordings)
  std::vector<cert::Der> intermediates;  // certificates they returned
  std::string note;                      // why the chain stays undecided, if it does
};

// While `report` (the evaluation of `in` under `policy`) says the chain is incomplete, fetches
// the AIA issuer of the last certificate on the path and evaluates again. Updates `report`, adds
// what was fetched to `in.extra_intermediates` and sets `in.aia_note` when the chain stays
// undecided (AIA off, a failed fetch, a loop). Returns the requests made. Used by live steps
// (below) and by `cxa cert --chain`, so an offline chain file is judged as a live one is.
std::vector<HttpExchange> FollowAia(cert::CertInput& in, cert::CertReport& report,
                                    HttpTransport& transport, const cert::CertEvaluator& evaluator,
                                    const cert::TrustPolicy& policy, const AiaSettings& settings);

// Replaces exchange.tls->report with the AIA-informed evaluation when it helps.
AiaResult CompleteChainViaAia(HttpExchange& exchange, HttpTransport& transport,
                              const cert::CertEvaluator& evaluator, const cert::TrustPolicy& policy,
                              const AiaSettings& settings);

}  // namespace cxa
