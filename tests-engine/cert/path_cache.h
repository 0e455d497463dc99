// What OpenSSL concluded about a chain (the path it built and every error on it), remembered per
// chain, anchors and verification time. A batch meets one chain under many names (a hosting
// provider's or an organisation's wildcard certificate, an AD FS farm behind thousands of
// domains): the path and its errors do not depend on the name, which the evaluator checks apart,
// so each distinct chain is verified once. Bounded (least recently used entries go) and
// thread-safe.
#pragma once

#include <openssl/x509.h>

#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cert/checks/check.h"
#include "cert/openssl_ptr.h"
#include "cert/trust_policy.h"

namespace cxa::cert {

class PathCache {
 public:
  explicit PathCache(size_t capacity = 256) : capacity_(capacity) {}

  // A certificate of a remembered path: the n-th sent certificate, the n-th extra intermediate,
  // or an anchor (held).
  struct Link {
    enum class From { kSent, kExtra, kAnchor } from = From::kSent;
    size_t index = 0;
    X509Ptr anchor;
  };
  struct Entry {
    std::vector<Link> path;
    std::vector<VerifyError> errors;
  };

  // The key of an evaluation: the sent chain and the extra intermediates (DER), which sent
  // certificate is the leaf, the anchors and the verification time and depth.
  static std::string Key(const CertInput& input, int leaf_sent, const TrustStore& anchors);

  // A copy of the entry for `key` made with `anchors` (the store must be the same object), or
  // nullopt.
  std::optional<Entry> Find(const std::string& key,
                            const std::shared_ptr<const TrustStore>& anchors);
  void Put(const std::string& key, const std::shared_ptr<const TrustStore>& anchors, Entry entry);

  size_t hits() const { return hits_; }

 private:
  struct Slot {
    std::shared_ptr<const TrustStore> anchors;  // held, so its address is not reused meanwhile
    Entry entry;
    std::list<std::string>::iterator use;
  };
  size_t capacity_;
  std::mutex mu_;
  std::map<std::string, Slot> slots_;
  std::list<std::string> lru_;  // least recently used first
  size_t hits_ = 0;
};

}  // namespace cxa::cert
