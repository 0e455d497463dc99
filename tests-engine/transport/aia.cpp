#include "transport/aia.h"

#include <algorithm>

#include "transport/revocation_check.h"

namespace cxa {
namespace {

std::string TopAiaUrl(const cert::CertReport& r) {
  std::string url;
  for (const auto& c : r.summary.certificates) {
    if (c.on_path) url = c.aia_ca_issuers;  // the last certificate on the path
  }
  return url;
}

}  // namespace

bool ChainUndecided(const std::vector<Finding>& findings) {
  return std::any_of(findings.begin(), findings.end(),
                     [](const Finding& f) { return f.id == "cert.chain.incomplete"; });
}

std::vector<HttpExchange> FollowAia(cert::CertInput& in, cert::CertReport& report,
                                    HttpTransport& transport, const cert::CertEvaluator& evaluator,
                                    const cert::TrustPolicy& policy, const AiaSettings& settings) {
  std::vector<HttpExchange> fetched;
  std::vector<std::string> seen;
  for (int hop = 0; hop < settings.max_hops && ChainUndecided(report.findings); ++hop) {
    std::string url = TopAiaUrl(report);
    if (url.empty()) break;
    if (!settings.enabled) {
      in.aia_note = "AIA fetching is off (--no-aia)";
    } else if (url.rfind("http://", 0) != 0) {
      in.aia_note = "only http:// AIA URLs are fetched (" + url + ")";
    } else if (std::find(seen.begin(), seen.end(), url) != seen.end()) {
      in.aia_note = "the AIA URLs loop";
    } else {
      seen.push_back(url);
      HttpRequest req;
      req.url = url;
      req.timeouts = settings.timeouts;
      req.limits.max_body_bytes = settings.max_bytes;
      req.verify_time = in.time;
      req.public_only = true;  // the URL comes from a certificate: never into private networks
      req.record_certificates_only = true;
      HttpExchange got = transport.Perform(req);
      std::vector<cert::Der> certs;
      if (got.error) {
        in.aia_note = "fetching " + url + " failed: " + got.error->message;
      } else if (!got.response || got.response->status != 200) {
        in.aia_note = "fetching " + url + " answered HTTP " +
                      std::to_string(got.response ? got.response->status : 0);
      } else {
        certs = cert::ParseIssuerResponse(got.response->body);
        if (certs.empty()) in.aia_note = url + " did not return a certificate";
      }
      fetched.push_back(std::move(got));
      if (!certs.empty()) {
        for (auto& c : certs) in.extra_intermediates.push_back(std::move(c));
        in.extra_source = "aia";
        report = evaluator.Evaluate(in, policy);
        continue;
      }
    }
    report = evaluator.Evaluate(in, policy);
    break;
  }
  return fetched;
}

AiaResult CompleteChainViaAia(HttpExchange& ex, HttpTransport& transport,
                              const cert::CertEvaluator& evaluator, const cert::TrustPolicy& policy,
                              const AiaSettings& settings) {
  AiaResult result;
  if (!ex.tls || !ex.tls->report || ex.tls->chain.empty()) return result;
  cert::CertReport report = *ex.tls->report;
  cert::CertInput in;
  in.chain = ex.tls->chain;
  in.host = ex.request.cert_name;
  in.time = ex.request.verify_time;
  // Judged again, the chain keeps its staple and the revocation answers the run has.
  in.revocation = RevocationInputFor(ex.request, *ex.tls);
  result.fetched = FollowAia(in, report, transport, evaluator, policy, settings);
  ex.tls->report = std::move(report);
  result.intermediates = std::move(in.extra_intermediates);
  result.note = std::move(in.aia_note);
  return result;
}

}  // namespace cxa
