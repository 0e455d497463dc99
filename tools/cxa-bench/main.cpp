// cxa-bench: performance figures measured side by side in one run (never timed assertions).
//
//   cxa-bench cert [--seconds S]   chains/s of the full evaluator vs bare X509_verify_cert on
//                                  the same chains with the same web-PKI flags, in process.
#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <cstring>
#include <iomanip>
#include <iostream>

#include "cert/cert_evaluator.h"
#include "core/time_util.h"
#include "testing/fixtures.h"

using namespace cxa;
using Clock = std::chrono::steady_clock;

namespace {

struct Case {
  std::string name;
  std::vector<cert::Der> chain;
};

// Bare OpenSSL: parse the chain, build a context, verify. What a plain client does per handshake.
bool BareVerify(const Case& c, X509_STORE* store, std::time_t when) {
  std::vector<cert::X509Ptr> certs;
  for (const auto& d : c.chain) certs.push_back(cert::ParseDer(d));
  STACK_OF(X509)* pool = sk_X509_new_null();
  for (size_t i = 1; i < certs.size(); ++i) sk_X509_push(pool, certs[i].get());
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, certs[0].get(), pool);
  X509_VERIFY_PARAM* p = X509_STORE_CTX_get0_param(ctx);
  X509_VERIFY_PARAM_set_flags(
      p, X509_V_FLAG_X509_STRICT | X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_USE_CHECK_TIME);
  X509_VERIFY_PARAM_set_time(p, when);
  X509_VERIFY_PARAM_set_auth_level(p, 2);
  X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
  X509_VERIFY_PARAM_set_hostflags(
      p, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS | X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
  X509_VERIFY_PARAM_set1_host(p, "mail.contoso.test", 0);
  bool ok = X509_verify_cert(ctx) == 1;
  X509_STORE_CTX_free(ctx);
  sk_X509_free(pool);
  ERR_clear_error();
  return ok;
}

template <typename Fn>
double Rate(double seconds, Fn&& fn) {
  auto start = Clock::now();
  long n = 0;
  while (std::chrono::duration<double>(Clock::now() - start).count() < seconds) {
    fn();
    ++n;
  }
  return n / std::chrono::duration<double>(Clock::now() - start).count();
}

int BenchCert(double seconds) {
  std::string pki = testing::FixturesDir() + "/pki/";
  auto roots = cert::TrustStore::FromPemFile(pki + "ca/public-roots.pem", "lab");
  if (!roots) {
    std::cerr << roots.error() << "\n";
    return 2;
  }
  cert::TrustPolicy policy;
  policy.public_roots = *roots;
  std::time_t when = *ParseTime("2031-01-01");
  std::vector<Case> cases;
  for (const char* name : {"good", "good-rsa", "self-signed", "wrong-name", "expired",
                           "missing-intermediate", "cross-signed"}) {
    auto d = cert::SplitPem(testing::ReadText(pki + name + "/chain.pem"));
    if (d) cases.push_back({name, *d});
  }
  cert::CertEvaluator evaluator;
  std::cout << "cert: chains/s, one thread, " << seconds << " s per figure\n";
  std::cout << std::left << std::setw(24) << "chain" << std::right << std::setw(14) << "openssl"
            << std::setw(14) << "cxa" << std::setw(10) << "ratio"
            << "\n";
  double sum_bare = 0, sum_cxa = 0;
  for (const auto& c : cases) {
    double bare = Rate(seconds, [&] { BareVerify(c, (*roots)->store(), when); });
    cert::CertInput in;
    in.chain = c.chain;
    in.host = c.name == std::string("good-rsa") ? "sts.contoso.test" : "mail.contoso.test";
    in.time = when;
    double ours = Rate(seconds, [&] { evaluator.Evaluate(in, policy); });
    sum_bare += 1 / bare;
    sum_cxa += 1 / ours;
    std::cout << std::left << std::setw(24) << c.name << std::right << std::fixed
              << std::setprecision(0) << std::setw(14) << bare << std::setw(14) << ours
              << std::setprecision(2) << std::setw(9) << ours / bare << "x\n";
  }
  std::cout << std::left << std::setw(24) << "all (same mix)" << std::right << std::fixed
            << std::setprecision(0) << std::setw(14) << cases.size() / sum_bare << std::setw(14)
            << cases.size() / sum_cxa << std::setprecision(2) << std::setw(9) << sum_bare / sum_cxa
            << "x   (target >= 0.50x)\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string what = argc > 1 ? argv[1] : "cert";
  double seconds = 1.0;
  for (int i = 2; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atof(argv[i + 1]);
  }
  if (what == "cert") return BenchCert(seconds);
  std::cerr << "usage: cxa-bench cert [--seconds S]\n";
  return 2;
}
