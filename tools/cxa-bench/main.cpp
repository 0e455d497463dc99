// cxa-bench: performance figures measured side by side in one run (never timed assertions).
//
//   cxa-bench cert [--seconds S]   chains/s of the full evaluator vs bare X509_verify_cert on
//                                  the same chains with the same web-PKI flags, in process.
//   cxa-bench handshake --connect ADDR:PORT --domain D [--count N] [--threads T]
//                                  the ceiling of the machine's TLS stack: N bare libssl client
//                                  handshakes (SNI hI.D, one shared SSL_CTX, no verification, no
//                                  HTTP) on T threads; handshakes/s and client CPU per handshake.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <thread>

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

double CpuSeconds() {
  rusage r{};
  getrusage(RUSAGE_SELF, &r);
  return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
         static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

// One TLS handshake over a fresh TCP connection; true when it completed.
bool Handshake(SSL_CTX* ctx, const sockaddr_in& to, const std::string& sni) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  bool ok = false;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0) {
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, sni.c_str());
    ok = SSL_connect(ssl) == 1;
    SSL_free(ssl);
  }
  close(fd);
  ERR_clear_error();
  return ok;
}

int BenchHandshake(const std::string& connect, const std::string& domain, long count, int threads) {
  auto colon = connect.rfind(':');
  sockaddr_in to{};
  to.sin_family = AF_INET;
  if (colon == std::string::npos ||
      inet_pton(AF_INET, connect.substr(0, colon).c_str(), &to.sin_addr) != 1) {
    std::cerr << "cxa-bench handshake: --connect wants IPV4:PORT\n";
    return 2;
  }
  to.sin_port = htons(static_cast<uint16_t>(std::atoi(connect.c_str() + colon + 1)));
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  std::atomic<long> next{0}, done{0};
  double cpu = CpuSeconds();
  auto start = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (long i; (i = next++) < count;) {
        if (Handshake(ctx, to, "h" + std::to_string(i + 1) + "." + domain)) ++done;
      }
    });
  }
  for (auto& t : pool) t.join();
  double wall = std::chrono::duration<double>(Clock::now() - start).count();
  cpu = CpuSeconds() - cpu;
  SSL_CTX_free(ctx);
  // One line for tools/bench: completed handshakes, wall seconds, client CPU seconds.
  std::cout << "handshakes " << done << " of " << count << " wall " << std::fixed
            << std::setprecision(3) << wall << " cpu " << cpu << "\n";
  return done == count ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string what = argc > 1 ? argv[1] : "cert";
  double seconds = 1.0;
  std::string connect, domain = "contoso.test";
  long count = 1000;
  int threads = 4;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atof(argv[i + 1]);
    if (std::strcmp(argv[i], "--connect") == 0) connect = argv[i + 1];
    if (std::strcmp(argv[i], "--domain") == 0) domain = argv[i + 1];
    if (std::strcmp(argv[i], "--count") == 0) count = std::atol(argv[i + 1]);
    if (std::strcmp(argv[i], "--threads") == 0) threads = std::atoi(argv[i + 1]);
  }
  if (what == "cert") return BenchCert(seconds);
  if (what == "handshake" && !connect.empty() && count > 0 && threads > 0) {
    return BenchHandshake(connect, domain, count, threads);
  }
  std::cerr << "usage: cxa-bench cert [--seconds S]\n"
               "       cxa-bench handshake --connect ADDR:PORT [--domain D] [--count N] "
               "[--threads T]\n";
  return 2;
}
