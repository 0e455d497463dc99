#include "cert/trust_policy.h"

#include <openssl/err.h>

#include <fstream>
#include <sstream>

#include "core/input_file.h"

namespace cxa::cert {

namespace {
constexpr const char* kSystemBundle = "/etc/ssl/certs/ca-certificates.crt";
}

TrustStore::TrustStore(std::vector<X509Ptr> certs, std::string description)
    : anchors_(std::move(certs)), store_(X509_STORE_new()), description_(std::move(description)) {
  for (auto& c : anchors_) X509_STORE_add_cert(store_.get(), c.get());
  ERR_clear_error();  // duplicates are harmless
}

std::shared_ptr<const TrustStore> TrustStore::FromCerts(std::vector<X509Ptr> certs,
                                                        std::string description) {
  return std::shared_ptr<const TrustStore>(
      new TrustStore(std::move(certs), std::move(description)));
}

std::shared_ptr<const TrustStore> TrustStore::Empty() { return FromCerts({}, "no anchors"); }

Result<std::shared_ptr<const TrustStore>> TrustStore::FromPemText(std::string_view text,
                                                                  std::string description) {
  auto ders = SplitPem(text);
  if (!ders) return Fail(description + ": " + ders.error());
  std::vector<X509Ptr> certs;
  for (size_t i = 0; i < ders->size(); ++i) {
    X509Ptr c = ParseDer((*ders)[i]);
    if (!c) return Fail(description + ": certificate " + std::to_string(i + 1) + " is malformed");
    certs.push_back(std::move(c));
  }
  return FromCerts(std::move(certs), std::move(description));
}

Result<std::shared_ptr<const TrustStore>> TrustStore::FromPemFile(const std::string& path,
                                                                  std::string description) {
  auto text = ReadInputFile(path, kMaxCertificateFile);
  if (!text) return Fail(text.error());
  auto r = FromPemText(*text, description);
  if (!r) return Fail(path + ": " + r.error().substr(description.size() + 2));
  return r;
}

Result<std::shared_ptr<const TrustStore>> TrustStore::System() {
  auto r = FromPemFile(kSystemBundle, "");
  if (!r) {
    return Fail(std::string("cannot load the system public roots from ") + kSystemBundle +
                " (install Debian's ca-certificates, or pass --public-roots FILE)");
  }
  return FromCerts(
      [&] {
        std::vector<X509Ptr> v;
        for (const auto& a : (*r)->anchors()) {
          X509_up_ref(a.get());
          v.emplace_back(a.get());
        }
        return v;
      }(),
      "system public roots (" + std::string(kSystemBundle) + ", " +
          std::to_string((*r)->anchors().size()) + " certificates)");
}

std::shared_ptr<const TrustStore> TrustStore::Merge(const TrustStore& a, const TrustStore& b) {
  std::vector<X509Ptr> v;
  for (const auto* s : {&a, &b}) {
    for (const auto& c : s->anchors()) {
      X509_up_ref(c.get());
      v.emplace_back(c.get());
    }
  }
  return FromCerts(std::move(v), a.description() + " + " + b.description());
}

bool TrustStore::Contains(X509* cert) const {
  for (const auto& a : anchors_) {
    if (X509_cmp(a.get(), cert) == 0) return true;
  }
  return false;
}

std::string_view TrustModeName(TrustMode m) {
  switch (m) {
    case TrustMode::kStrictPublic:
      return "strict-public";
    case TrustMode::kPublicPlusCustom:
      return "public+custom";
    case TrustMode::kReportOnly:
      return "report-only";
  }
  return "strict-public";
}

std::optional<TrustMode> ParseTrustMode(std::string_view s) {
  if (s == "strict-public") return TrustMode::kStrictPublic;
  if (s == "public+custom") return TrustMode::kPublicPlusCustom;
  if (s == "report-only") return TrustMode::kReportOnly;
  return std::nullopt;
}

TrustPolicy::TrustPolicy(const TrustPolicy& other) { *this = other; }

TrustPolicy& TrustPolicy::operator=(const TrustPolicy& other) {
  if (this == &other) return *this;
  mode = other.mode;
  public_roots = other.public_roots;
  custom_roots = other.custom_roots;
  expiry_warning_days = other.expiry_warning_days;
  locked = other.locked;
  note = other.note;
  cache_ = std::make_unique<Cache>();
  return *this;
}

std::shared_ptr<const TrustStore> TrustPolicy::Anchors() const {
  std::lock_guard<std::mutex> lock(cache_->mu);
  Cache& c = *cache_;
  if (c.merged && c.mode == mode && c.public_roots == public_roots.get() &&
      c.custom_roots == custom_roots.get()) {
    return c.merged;
  }
  c.mode = mode;
  c.public_roots = public_roots.get();
  c.custom_roots = custom_roots.get();
  if (!public_roots) {
    c.merged = custom_roots ? custom_roots : TrustStore::Empty();
  } else if (mode == TrustMode::kStrictPublic || !custom_roots) {
    c.merged = public_roots;
  } else {
    c.merged = TrustStore::Merge(*public_roots, *custom_roots);
  }
  return c.merged;
}

std::string TrustPolicy::Describe() const {
  std::string s(TrustModeName(mode));
  s += "; public roots: " + (public_roots ? public_roots->description() : std::string("none"));
  if (custom_roots && mode != TrustMode::kStrictPublic) {
    s += "; custom anchors: " + custom_roots->description();
  }
  s += "; expiry warning: " + std::to_string(expiry_warning_days) + " days";
  if (!note.empty()) s += "; " + note;
  return s;
}

TrustPolicy ResolveStepPolicy(const TrustPolicy& operator_policy, bool step_requires_strict) {
  TrustPolicy p = operator_policy;
  if (!step_requires_strict) return p;
  p.locked = true;
  if (p.mode != TrustMode::kStrictPublic) {
    p.note = "the operator asked for " + std::string(TrustModeName(p.mode)) +
             ", refused: this step requires a publicly trusted certificate";
  }
  p.mode = TrustMode::kStrictPublic;
  return p;
}

}  // namespace cxa::cert
