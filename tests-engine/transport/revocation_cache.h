// What revocation fetches returned, kept for a run or a whole batch, so that a wave of domains
// under one CA asks each OCSP responder once per certificate and downloads each CRL once, and so
// that the trust gate of a later connection knows what an earlier step learnt (a certificate
// found revoked is refused in the handshake of every later request that meets it).
//
// Thread-safe: the steps of a batch run concurrently.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cert/revocation.h"

namespace cxa {

class RevocationCache {
 public:
  // Everything fetched for the certificate (by the hex SHA-256 of its DER); empty if nothing.
  std::vector<cert::RevocationFetch> For(const std::string& cert_sha256) const;
  bool Has(const std::string& cert_sha256) const;
  void Put(const std::string& cert_sha256, std::vector<cert::RevocationFetch> fetched);

  // A CRL by URL, fetched once for all the certificates that name it.
  std::optional<cert::RevocationFetch> Crl(const std::string& url) const;
  void PutCrl(const cert::RevocationFetch& crl);

  // Serialises the work on one key ("cert SHA", "crl URL") across the runs of a batch: who
  // holds it fetches, the others wait (yielding to a batch's event loop, never blocking its
  // thread: core/scheduler.h) and then find the answer stored. Released when destroyed.
  class Holder {
   public:
    Holder(RevocationCache& cache, std::string key) : cache_(cache), key_(std::move(key)) {}
    ~Holder();
    Holder(const Holder&) = delete;
    Holder& operator=(const Holder&) = delete;

   private:
    RevocationCache& cache_;
    std::string key_;
  };
  [[nodiscard]] std::unique_ptr<Holder> Hold(const std::string& key);

  size_t fetches() const;  // how many answers were stored (OCSP and CRL), for benchmarks

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::vector<cert::RevocationFetch>> by_cert_;
  std::map<std::string, cert::RevocationFetch> crls_;
  std::set<std::string> held_;
  size_t fetches_ = 0;
};

// How a request's handshake judges revocation (HttpRequest::revocation; null = off).
struct RevocationContext {
  cert::RevocationMode mode = cert::RevocationMode::kStaple;
  RevocationCache* cache = nullptr;  // fetch mode: where answers go and come from
  size_t max_ocsp_bytes = 64 * 1024;
  size_t max_crl_bytes = 10 * 1024 * 1024;
};

}  // namespace cxa
