#include "transport/revocation_cache.h"

#include <chrono>
#include <thread>

#include "core/scheduler.h"

namespace cxa {

std::vector<cert::RevocationFetch> RevocationCache::For(const std::string& cert_sha256) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_cert_.find(cert_sha256);
  return it != by_cert_.end() ? it->second : std::vector<cert::RevocationFetch>{};
}

bool RevocationCache::Has(const std::string& cert_sha256) const {
  std::lock_guard<std::mutex> lock(mu_);
  return by_cert_.count(cert_sha256) != 0;
}

void RevocationCache::Put(const std::string& cert_sha256,
                          std::vector<cert::RevocationFetch> fetched) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& f : fetched) fetches_ += f.kind == cert::RevocationFetch::Kind::kOcsp ? 1 : 0;
  by_cert_[cert_sha256] = std::move(fetched);
}

std::optional<cert::RevocationFetch> RevocationCache::Crl(const std::string& url) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = crls_.find(url);
  if (it == crls_.end()) return std::nullopt;
  return it->second;
}

void RevocationCache::PutCrl(const cert::RevocationFetch& crl) {
  std::lock_guard<std::mutex> lock(mu_);
  if (crls_.emplace(crl.url, crl).second) ++fetches_;
}

std::unique_ptr<RevocationCache::Holder> RevocationCache::Hold(const std::string& key) {
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (held_.insert(key).second) return std::make_unique<Holder>(*this, key);
    }
    if (Scheduler* s = Scheduler::Current()) {
      s->Sleep(2);  // the holder may run on this very thread
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
}

RevocationCache::Holder::~Holder() {
  std::lock_guard<std::mutex> lock(cache_.mu_);
  cache_.held_.erase(key_);
}

size_t RevocationCache::fetches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fetches_;
}

}  // namespace cxa
