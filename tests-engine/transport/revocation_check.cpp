#include "transport/revocation_check.h"

#include <memory>

#include "cert/crl.h"
#include "cert/ocsp.h"
#include "cert/x509.h"

namespace cxa {
namespace {

using cert::RevocationFetch;

// One fetch for the certificate `sha`: an OCSP POST of `ocsp_request`, or a CRL GET.
class Fetcher {
 public:
  Fetcher(const HttpRequest& step, HttpTransport& transport, std::vector<HttpExchange>& made)
      : step_(step), transport_(transport), made_(made) {}

  RevocationFetch Get(RevocationFetch::Kind kind, const std::string& url,
                      const std::string& ocsp_request) {
    RevocationFetch f;
    f.kind = kind;
    f.url = url;
    if (url.rfind("http://", 0) != 0) {
      f.error = "only http:// URLs are fetched";
      return f;
    }
    HttpRequest r;
    r.url = url;
    r.timeouts = step_.timeouts;
    r.verify_time = step_.verify_time;
    r.public_only = true;  // the URL comes from a certificate: never into private networks
    r.limits.max_body_bytes = kind == RevocationFetch::Kind::kOcsp
                                  ? step_.revocation->max_ocsp_bytes
                                  : step_.revocation->max_crl_bytes;
    if (kind == RevocationFetch::Kind::kOcsp) {
      r.method = "POST";
      r.body = ocsp_request;
      r.headers.emplace_back("Content-Type", "application/ocsp-request");
    }
    HttpExchange got = transport_.Perform(r);
    if (got.error) {
      f.too_large = got.error->id == "http.response.too_large";
      f.error = got.error->message;
    } else if (!got.response || got.response->status != 200) {
      f.error = "HTTP " + std::to_string(got.response ? got.response->status : 0);
    } else {
      f.body = std::make_shared<const std::string>(got.response->body);
    }
    made_.push_back(std::move(got));
    return f;
  }

 private:
  const HttpRequest& step_;
  HttpTransport& transport_;
  std::vector<HttpExchange>& made_;
};

bool Decisive(cert::OcspVerdict v) {
  return v == cert::OcspVerdict::kGood || v == cert::OcspVerdict::kRevoked;
}

bool Decisive(cert::CrlVerdict v) {
  return v == cert::CrlVerdict::kGood || v == cert::CrlVerdict::kRevoked;
}

// Everything fetched for `c` (issued by `issuer`): the OCSP responders in order until one gives
// a verified good or revoked; without one, the CRLs likewise (each once per cache).
std::vector<RevocationFetch> FetchFor(X509* c, X509* issuer, const std::string& sha,
                                      const HttpRequest& step, RevocationCache& cache,
                                      Fetcher& fetcher) {
  std::vector<RevocationFetch> got;
  bool decided = false;
  std::string ocsp_request = cert::OcspRequestFor(c, issuer);
  for (const auto& url : cert::OcspUrls(c)) {
    if (decided) break;
    RevocationFetch f = fetcher.Get(RevocationFetch::Kind::kOcsp, url, ocsp_request);
    f.cert_sha256 = sha;
    decided =
        f.body && Decisive(cert::CheckOcspResponse(*f.body, c, issuer, step.verify_time).verdict);
    got.push_back(std::move(f));
  }
  for (const auto& url : cert::CrlUrls(c)) {
    if (decided) break;
    auto hold = cache.Hold("crl " + url);
    std::optional<RevocationFetch> f = cache.Crl(url);
    if (!f) {
      f = fetcher.Get(RevocationFetch::Kind::kCrl, url, "");
      cache.PutCrl(*f);
    }
    f->cert_sha256 = sha;
    decided = f->body && Decisive(cert::CheckCrl(*f->body, c, issuer, step.verify_time).verdict);
    got.push_back(std::move(*f));
  }
  return got;
}

}  // namespace

cert::RevocationInput RevocationInputFor(const HttpRequest& request, const TlsCapture& tls) {
  cert::RevocationInput in;
  if (request.revocation == nullptr) return in;
  in.mode = request.revocation->mode;
  in.staple_requested = tls.staple_requested;
  in.staple = tls.ocsp_staple;
  RevocationCache* cache = request.revocation->cache;
  if (in.mode == cert::RevocationMode::kFetch && cache != nullptr && tls.report) {
    for (const auto& c : tls.report->path) {
      for (auto& f : cache->For(cert::Sha256Hex(c.get()))) in.fetched.push_back(std::move(f));
    }
  }
  return in;
}

void JudgeRevocation(const HttpRequest& request, TlsCapture& tls,
                     const cert::CertEvaluator& evaluator) {
  if (!tls.report || request.trust == nullptr || request.revocation == nullptr) return;
  cert::CertInput in;
  in.time = request.verify_time;
  in.revocation = RevocationInputFor(request, tls);
  tls.revocation_judged = true;
  tls.revocation_evidence = in.revocation.fetched.size();
  evaluator.AddRevocation(in, *request.trust, *tls.report);
}

std::vector<HttpExchange> FetchRevocation(HttpExchange& ex, HttpTransport& transport,
                                          const cert::CertEvaluator& evaluator,
                                          const std::vector<cert::Der>& extra_intermediates) {
  std::vector<HttpExchange> made;
  const HttpRequest& step = ex.request;
  if (step.revocation == nullptr || step.revocation->mode != cert::RevocationMode::kFetch ||
      step.revocation->cache == nullptr || step.trust == nullptr || !ex.tls || !ex.tls->report) {
    return made;
  }
  RevocationCache& cache = *step.revocation->cache;
  const std::vector<std::shared_ptr<X509>> path = ex.tls->report->path;  // kept while fetching
  Fetcher fetcher(step, transport, made);
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    X509* c = path[i].get();
    X509* issuer = path[i + 1].get();
    std::string sha = cert::Sha256Hex(c);
    if (cache.Has(sha)) continue;           // answered before: no waiting
    auto hold = cache.Hold("cert " + sha);  // a batch's other targets wait for this answer
    if (cache.Has(sha)) continue;
    // A good or revoked staple decides the leaf: no need to ask its responder again.
    if (i == 0 && ex.tls->ocsp_staple &&
        Decisive(
            cert::CheckOcspResponse(*ex.tls->ocsp_staple, c, issuer, step.verify_time).verdict)) {
      continue;
    }
    cache.Put(sha, FetchFor(c, issuer, sha, step, cache, fetcher));
  }
  cert::CertInput in;
  in.revocation = RevocationInputFor(step, *ex.tls);
  // The handshake was judged with every answer there is now (a batch's later targets under
  // one CA): its report stands. (A handshake the gate aborted for the chain was not judged.)
  if (ex.tls->revocation_judged && in.revocation.fetched.size() == ex.tls->revocation_evidence) {
    return made;
  }
  in.chain = ex.tls->chain;
  in.host = step.cert_name;
  in.time = step.verify_time;
  in.extra_intermediates = extra_intermediates;
  if (!extra_intermediates.empty()) in.extra_source = "aia";
  ex.tls->revocation_judged = true;
  ex.tls->revocation_evidence = in.revocation.fetched.size();
  ex.tls->report = evaluator.Evaluate(in, *step.trust);
  return made;
}

}  // namespace cxa
