// Revocation on the transport's side: what a handshake's judgement of revocation is made of
// (the request's mode, the staple the capture holds, the answers the run's cache holds for the
// path's certificates), and the fetches of fetch mode: each certificate's OCSP responders
// (POST, bounded in time and size), then, without a decisive answer, its CRLs (GET, size-capped,
// once per URL per run or batch), through the same transport as everything else (proxy,
// --resolve, --connect-to, recording and replay).
#pragma once

#include <vector>

#include "cert/cert_evaluator.h"
#include "transport/http_transport.h"
#include "transport/revocation_cache.h"

namespace cxa {

// The evidence `tls` and the request's context give for judging `tls.report`'s path.
cert::RevocationInput RevocationInputFor(const HttpRequest& request, const TlsCapture& tls);

// Judges revocation into tls.report (which the evaluator made without it): what the trust gate
// does after the chain, and what replay does after judging a recorded chain.
void JudgeRevocation(const HttpRequest& request, TlsCapture& tls,
                     const cert::CertEvaluator& evaluator);

// Fetch mode (request.revocation): fetches what the path of ex.tls->report points to for every
// certificate the run's cache does not know yet, stores it there and judges ex's chain again
// (with `extra_intermediates`, e.g. from AIA). Returns the requests made; nothing when the mode
// is not fetch or there was no handshake.
std::vector<HttpExchange> FetchRevocation(HttpExchange& ex, HttpTransport& transport,
                                          const cert::CertEvaluator& evaluator,
                                          const std::vector<cert::Der>& extra_intermediates);

}  // namespace cxa
