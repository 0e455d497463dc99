#include "cert/path_cache.h"

namespace cxa::cert {
namespace {

PathCache::Entry Copy(const PathCache::Entry& e) {
  PathCache::Entry out;
  out.errors = e.errors;
  for (const auto& link : e.path) {
    PathCache::Link l{link.from, link.index, nullptr};
    if (link.anchor && X509_up_ref(link.anchor.get()) == 1) l.anchor.reset(link.anchor.get());
    out.path.push_back(std::move(l));
  }
  return out;
}

void Append(std::string& key, const Der& der) {
  key += std::to_string(der.size()) + ":";
  key.append(reinterpret_cast<const char*>(der.data()), der.size());
}

}  // namespace

std::string PathCache::Key(const CertInput& input, int leaf_sent, const TrustStore& anchors) {
  std::string key = std::to_string(reinterpret_cast<uintptr_t>(&anchors)) + "|" +
                    std::to_string(input.time) + "|" + std::to_string(input.max_depth) + "|" +
                    std::to_string(leaf_sent) + "|";
  for (const auto& der : input.chain) Append(key, der);
  key += "|";
  for (const auto& der : input.extra_intermediates) Append(key, der);
  return key;
}

std::optional<PathCache::Entry> PathCache::Find(const std::string& key,
                                                const std::shared_ptr<const TrustStore>& anchors) {
  std::lock_guard lock(mu_);
  auto it = slots_.find(key);
  if (it == slots_.end() || it->second.anchors != anchors) return std::nullopt;
  lru_.splice(lru_.end(), lru_, it->second.use);
  ++hits_;
  return Copy(it->second.entry);
}

void PathCache::Put(const std::string& key, const std::shared_ptr<const TrustStore>& anchors,
                    Entry entry) {
  std::lock_guard lock(mu_);
  if (auto it = slots_.find(key); it != slots_.end()) {
    lru_.erase(it->second.use);
    slots_.erase(it);
  }
  while (!lru_.empty() && slots_.size() >= capacity_) {
    slots_.erase(lru_.front());
    lru_.pop_front();
  }
  lru_.push_back(key);
  slots_.emplace(key, Slot{anchors, std::move(entry), std::prev(lru_.end())});
}

}  // namespace cxa::cert
