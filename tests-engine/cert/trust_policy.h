// TrustPolicy: which anchors a step trusts and how trust failures count. Data, not code: every
// report prints the effective policy of each step.
//
//   strict-public   public roots only; a trust failure is an error and aborts the connection.
//                   A scenario step that declares it (Outlook Anywhere, AD FS) cannot be relaxed
//                   by any flag.
//   public+custom   public roots plus the operator's --ca-file anchors.
//   report-only     the analyzer's "ignore trust": the same evaluation, but certificate errors
//                   are reported as warnings and the connection proceeds.
#pragma once

#include <openssl/x509_vfy.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cert/x509.h"
#include "core/result.h"
#include "core/step_result.h"

namespace cxa::cert {

// An immutable set of trust anchors. Thread-safe to share.
//
// A bundle's certificates are decoded only when needed: loading indexes each one by the hash of
// its subject name (as OpenSSL's hashed directories do), and OpenSSL's path building, the
// evaluator's own search and Contains decode the anchors of the names they ask for. A run that
// meets one chain decodes the one or two roots it needs instead of the whole system bundle
// (which costs more CPU than the handshake itself).
class TrustStore {
 public:
  // Loads every certificate of a PEM bundle. `description` names the source in reports.
  static Result<std::shared_ptr<const TrustStore>> FromPemFile(const std::string& path,
                                                               std::string description);
  static Result<std::shared_ptr<const TrustStore>> FromPemText(std::string_view text,
                                                               std::string description);
  static std::shared_ptr<const TrustStore> FromCerts(std::vector<X509Ptr> certs,
                                                     std::string description);
  // The operating system's public roots (Debian ca-certificates bundle).
  static Result<std::shared_ptr<const TrustStore>> System();
  static std::shared_ptr<const TrustStore> Empty();
  // A store with the anchors of both.
  static std::shared_ptr<const TrustStore> Merge(const TrustStore& a, const TrustStore& b);

  ~TrustStore() = default;
  TrustStore(const TrustStore&) = delete;
  TrustStore& operator=(const TrustStore&) = delete;

  // The store OpenSSL verifies against: it finds the anchors by subject (decoded on demand).
  X509_STORE* store() const { return store_.get(); }
  const std::string& description() const { return description_; }
  size_t size() const { return anchors_.size(); }
  // The anchors whose subject is `name` (decoded now if they were not; held by the store).
  std::vector<X509*> WithSubject(const X509_NAME* name) const;
  // Every anchor, decoded (for merging stores). Anchors that do not decode are left out.
  std::vector<X509*> All() const;
  bool Contains(X509* cert) const;  // same DER as an anchor

 private:
  struct Anchor {
    Der der;
    X509Ptr cert;  // once decoded (or given)
    bool in_store = false;
  };
  TrustStore(std::vector<Anchor> anchors, std::string description);
  // Anchors from DER certificates, each checked for a certificate's shape (decoded later).
  static Result<std::shared_ptr<const TrustStore>> FromDers(std::vector<Der> ders,
                                                            std::string description);
  // Anchor `i` decoded and added to the X509_STORE; null when it does not decode. Locked.
  X509* Decoded(size_t i) const;

  mutable std::mutex mu_;
  mutable std::vector<Anchor> anchors_;
  std::multimap<unsigned long, size_t> by_subject_;  // subject name hash -> anchor
  X509StorePtr store_;
  std::string description_;
};

enum class TrustMode { kStrictPublic, kPublicPlusCustom, kReportOnly };
std::string_view TrustModeName(TrustMode m);  // strict-public | public+custom | report-only
std::optional<TrustMode> ParseTrustMode(std::string_view s);

struct TrustPolicy {
  TrustMode mode = TrustMode::kStrictPublic;
  std::shared_ptr<const TrustStore> public_roots;  // never null in a usable policy
  std::shared_ptr<const TrustStore> custom_roots;  // --ca-file; ignored by strict-public
  int expiry_warning_days = 30;
  // The step demands strict public trust; the report says when the operator asked otherwise.
  bool locked = false;
  // The mode the operator asked for when a locked step refused it ("" when none).
  std::string refused;

  TrustPolicy() = default;
  TrustPolicy(const TrustPolicy& other);
  TrustPolicy& operator=(const TrustPolicy& other);

  // The anchors this policy trusts (merged lazily, cached; safe to call from several threads).
  std::shared_ptr<const TrustStore> Anchors() const;
  // Whether certificate errors abort the connection (all modes but report-only).
  bool Enforcing() const { return mode != TrustMode::kReportOnly; }
  // The policy as reports show it, and in words (Summary().Describe(), also the key under which
  // a batch shares a step's result).
  PolicySummary Summary() const;
  std::string Describe() const { return Summary().Describe(); }

 private:
  // Cache of Anchors(), valid for the mode and stores it was computed from. Each copy of a
  // policy has its own.
  struct Cache {
    std::mutex mu;
    TrustMode mode = TrustMode::kStrictPublic;
    const TrustStore* public_roots = nullptr;
    const TrustStore* custom_roots = nullptr;
    std::shared_ptr<const TrustStore> merged;
  };
  mutable std::unique_ptr<Cache> cache_ = std::make_unique<Cache>();
};

// The policy a scenario step declares ("operator" = whatever the operator chose, or
// "strict-public" = cannot be relaxed) resolved against the operator's choice.
TrustPolicy ResolveStepPolicy(const TrustPolicy& operator_policy, bool step_requires_strict);

}  // namespace cxa::cert
