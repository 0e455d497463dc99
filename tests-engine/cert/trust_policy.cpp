#include "cert/trust_policy.h"

#include <openssl/err.h>

#include <fstream>
#include <sstream>

#include "core/enum_names.h"
#include "core/input_file.h"

namespace cxa::cert {

namespace {
constexpr const char* kSystemBundle = "/etc/ssl/certs/ca-certificates.crt";
}

namespace {

// One DER element at `p` (within `end`): its tag, and where its contents start and end. False
// when it runs past `end` or its length is not a definite one of at most four bytes.
bool Element(const unsigned char*& p, const unsigned char* end, unsigned char& tag,
             const unsigned char*& body, const unsigned char*& next) {
  if (end - p < 2) return false;
  tag = p[0];
  size_t len = p[1];
  const unsigned char* q = p + 2;
  if (len & 0x80) {
    size_t n = len & 0x7F;
    if (n == 0 || n > 4 || static_cast<size_t>(end - q) < n) return false;
    len = 0;
    for (size_t i = 0; i < n; ++i) len = (len << 8) | *q++;
  }
  if (static_cast<size_t>(end - q) < len) return false;
  body = q;
  next = q + len;
  p = next;
  return true;
}

// The hash of a certificate's subject name (X509_NAME_hash_ex, as OpenSSL's hashed directories
// use), read from its DER without decoding the rest of the certificate. nullopt when `der` does
// not have a certificate's shape.
std::optional<unsigned long> SubjectHash(const Der& der) {
  const unsigned char* p = der.data();
  const unsigned char* end = p + der.size();
  unsigned char tag = 0;
  const unsigned char *body = nullptr, *next = nullptr;
  if (!Element(p, end, tag, body, next) || tag != 0x30) return std::nullopt;  // Certificate
  p = body;
  if (!Element(p, next, tag, body, next) || tag != 0x30) return std::nullopt;  // TBSCertificate
  const unsigned char* tbs_end = next;
  p = body;
  const unsigned char* subject = nullptr;
  // [0] version (optional), serialNumber, signature, issuer, validity, subject.
  for (int field = 0; field < 6; ++field) {
    const unsigned char* start = p;
    if (!Element(p, tbs_end, tag, body, next)) return std::nullopt;
    if (field == 0 && tag != 0xA0) field = 1;  // no version: this is the serial number
    if (field == 5) subject = start;
  }
  if (subject == nullptr || tag != 0x30) return std::nullopt;
  const unsigned char* q = subject;
  X509_NAME* name = d2i_X509_NAME(nullptr, &q, static_cast<long>(p - subject));
  if (name == nullptr) return std::nullopt;
  int ok = 0;
  unsigned long hash = X509_NAME_hash_ex(name, nullptr, nullptr, &ok);
  X509_NAME_free(name);
  if (!ok) return std::nullopt;
  return hash;
}

unsigned long NameHash(const X509_NAME* name) {
  int ok = 0;
  unsigned long hash = X509_NAME_hash_ex(name, nullptr, nullptr, &ok);
  return ok ? hash : 0;
}

// OpenSSL's lookup of anchors by subject in a TrustStore's X509_STORE (method data: the store).
int LookupBySubject(X509_LOOKUP* lookup, X509_LOOKUP_TYPE type, const X509_NAME* name,
                    X509_OBJECT* ret) {
  if (type != X509_LU_X509 || name == nullptr) return 0;
  const auto* store = static_cast<const TrustStore*>(X509_LOOKUP_get_method_data(lookup));
  for (X509* c : store->WithSubject(name)) {
    if (X509_NAME_cmp(X509_get_subject_name(c), name) == 0) {
      // As OpenSSL's own lookups do, `ret` borrows the certificate (the store holds it):
      // X509_STORE_CTX_get_by_subject takes its own reference of what it is given.
      if (X509_OBJECT_set1_X509(ret, c) != 1) return 0;
      X509_free(c);
      return 1;
    }
  }
  return 0;
}

X509_LOOKUP_METHOD* AnchorLookup() {
  static X509_LOOKUP_METHOD* method = [] {
    X509_LOOKUP_METHOD* m = X509_LOOKUP_meth_new("cxa trust store");
    X509_LOOKUP_meth_set_get_by_subject(m, LookupBySubject);
    return m;
  }();
  return method;
}

}  // namespace

TrustStore::TrustStore(std::vector<Anchor> anchors, std::string description)
    : anchors_(std::move(anchors)), store_(X509_STORE_new()), description_(std::move(description)) {
  for (size_t i = 0; i < anchors_.size(); ++i) {
    Anchor& a = anchors_[i];
    std::optional<unsigned long> hash =
        a.cert ? std::optional<unsigned long>(NameHash(X509_get_subject_name(a.cert.get())))
               : SubjectHash(a.der);
    if (hash) by_subject_.emplace(*hash, i);
  }
  X509_LOOKUP* lookup = X509_STORE_add_lookup(store_.get(), AnchorLookup());
  if (lookup != nullptr) X509_LOOKUP_set_method_data(lookup, const_cast<TrustStore*>(this));
  ERR_clear_error();
}

X509* TrustStore::Decoded(size_t i) const {
  Anchor& a = anchors_[i];
  if (!a.cert) a.cert = ParseDer(a.der);
  if (a.cert && !a.in_store) {
    X509_STORE_add_cert(store_.get(), a.cert.get());
    a.in_store = true;
    ERR_clear_error();  // duplicates are harmless
  }
  return a.cert.get();
}

std::vector<X509*> TrustStore::WithSubject(const X509_NAME* name) const {
  std::vector<X509*> out;
  unsigned long hash = NameHash(name);
  std::lock_guard lock(mu_);
  auto [from, to] = by_subject_.equal_range(hash);
  for (auto it = from; it != to; ++it) {
    X509* c = Decoded(it->second);
    if (c != nullptr && X509_NAME_cmp(X509_get_subject_name(c), name) == 0) out.push_back(c);
  }
  return out;
}

std::vector<X509*> TrustStore::All() const {
  std::vector<X509*> out;
  std::lock_guard lock(mu_);
  for (size_t i = 0; i < anchors_.size(); ++i) {
    if (X509* c = Decoded(i)) out.push_back(c);
  }
  return out;
}

bool TrustStore::Contains(X509* cert) const {
  for (X509* a : WithSubject(X509_get_subject_name(cert))) {
    if (X509_cmp(a, cert) == 0) return true;
  }
  return false;
}

std::shared_ptr<const TrustStore> TrustStore::FromCerts(std::vector<X509Ptr> certs,
                                                        std::string description) {
  std::vector<Anchor> anchors;
  for (auto& c : certs) {
    if (!c) continue;
    Anchor a;
    a.der = ToDer(c.get());
    a.cert = std::move(c);
    anchors.push_back(std::move(a));
  }
  return std::shared_ptr<const TrustStore>(
      new TrustStore(std::move(anchors), std::move(description)));
}

std::shared_ptr<const TrustStore> TrustStore::Empty() { return FromCerts({}, "no anchors"); }

Result<std::shared_ptr<const TrustStore>> TrustStore::FromDers(std::vector<Der> ders,
                                                               std::string description) {
  std::vector<Anchor> anchors;
  for (size_t i = 0; i < ders.size(); ++i) {
    if (!SubjectHash(ders[i])) {
      return Fail(description + ": certificate " + std::to_string(i + 1) + " is malformed");
    }
    Anchor a;
    a.der = std::move(ders[i]);
    anchors.push_back(std::move(a));
  }
  return std::shared_ptr<const TrustStore>(
      new TrustStore(std::move(anchors), std::move(description)));
}

Result<std::shared_ptr<const TrustStore>> TrustStore::FromPemText(std::string_view text,
                                                                  std::string description) {
  auto ders = SplitPem(text);
  if (!ders) return Fail(description + ": " + ders.error());
  return FromDers(std::move(*ders), std::move(description));
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
  auto text = ReadInputFile(kSystemBundle, kMaxCertificateFile);
  auto ders = text ? SplitPem(*text) : Result<std::vector<Der>>(Fail(text.error()));
  if (!ders) {
    return Fail(std::string("cannot load the system public roots from ") + kSystemBundle +
                " (install Debian's ca-certificates, or pass --public-roots FILE)");
  }
  size_t n = ders->size();
  return FromDers(std::move(*ders), "system public roots (" + std::string(kSystemBundle) + ", " +
                                        std::to_string(n) + " certificates)");
}

std::shared_ptr<const TrustStore> TrustStore::Merge(const TrustStore& a, const TrustStore& b) {
  std::vector<X509Ptr> v;
  for (const auto* s : {&a, &b}) {
    for (X509* c : s->All()) {
      X509_up_ref(c);
      v.emplace_back(c);
    }
  }
  return FromCerts(std::move(v), a.description() + " + " + b.description());
}

namespace {
constexpr EnumNames<TrustMode, 3> kModes{{"strict-public", "public+custom", "report-only"}};
}  // namespace

std::string_view TrustModeName(TrustMode m) { return kModes.Name(m); }

std::optional<TrustMode> ParseTrustMode(std::string_view s) { return kModes.Parse(s); }

TrustPolicy::TrustPolicy(const TrustPolicy& other) { *this = other; }

TrustPolicy& TrustPolicy::operator=(const TrustPolicy& other) {
  if (this == &other) return *this;
  mode = other.mode;
  public_roots = other.public_roots;
  custom_roots = other.custom_roots;
  expiry_warning_days = other.expiry_warning_days;
  locked = other.locked;
  refused = other.refused;
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

PolicySummary TrustPolicy::Summary() const {
  PolicySummary s;
  s.mode = TrustModeName(mode);
  if (public_roots) s.public_roots = public_roots->description();
  if (custom_roots && mode != TrustMode::kStrictPublic) {
    s.custom_anchors = custom_roots->description();
  }
  s.expiry_warning_days = expiry_warning_days;
  s.refused = refused;
  return s;
}

TrustPolicy ResolveStepPolicy(const TrustPolicy& operator_policy, bool step_requires_strict) {
  TrustPolicy p = operator_policy;
  if (!step_requires_strict) return p;
  p.locked = true;
  if (p.mode != TrustMode::kStrictPublic) {
    p.refused = TrustModeName(p.mode);
  }
  p.mode = TrustMode::kStrictPublic;
  return p;
}

}  // namespace cxa::cert
