// Algorithms: weak signature hashes below the root and weak keys anywhere in the path.
#include <openssl/evp.h>
#include <openssl/objects.h>

#include "cert/checks/check.h"
#include "cert/x509.h"

namespace cxa::cert {
namespace {

constexpr FindingInfo kWeakHash{
    "cert.signature.weak_hash",
    Severity::kError,
    "Weak signature hash",
    "A certificate below the root is signed with MD5 or SHA-1. Collisions for both are practical; "
    "browsers, current Windows and OpenSSL at its default security level reject such signatures.",
    "Re-issue the certificate (or obtain the CA's current intermediate) signed with SHA-256 or "
    "stronger.",
    "CA/Browser Forum Baseline Requirements §7.1.3.2; RFC 9155"};

constexpr FindingInfo kWeakKey{
    "cert.key.weak",
    Severity::kError,
    "Weak key",
    "A certificate in the path has an RSA key shorter than 2048 bits (or of an odd size), an "
    "elliptic-curve key smaller than 256 bits, or a DSA key. Such keys are below current "
    "minimums or outside what TLS clients accept.",
    "Generate a new key (RSA 2048 or larger, or ECDSA P-256 or larger) and re-issue the "
    "certificate.",
    "CA/Browser Forum Baseline Requirements §6.1.5; NIST SP 800-131A"};

constexpr FindingInfo kInfos[] = {kWeakHash, kWeakKey};
constexpr int kClaims[] = {X509_V_ERR_CA_MD_TOO_WEAK, X509_V_ERR_EE_KEY_TOO_SMALL,
                           X509_V_ERR_CA_KEY_TOO_SMALL};

// Why the key is weak, or "" when it is not.
std::string WeakKey(X509* c) {
  EVP_PKEY* key = X509_get0_pubkey(c);
  if (key == nullptr) return "";
  int id = EVP_PKEY_get_base_id(key);
  int bits = EVP_PKEY_get_bits(key);
  if (id == EVP_PKEY_DSA) return "DSA keys are not accepted for TLS certificates";
  if (id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS) {
    if (bits < 2048) return "shorter than 2048 bits";
    if (bits % 8 != 0) return "an RSA modulus that is not a whole number of bytes";
  }
  if (id == EVP_PKEY_EC && bits < 256) return "smaller than 256 bits";
  return "";
}

bool WeakHash(X509* c) {
  int md = NID_undef;
  int pk = NID_undef;
  if (OBJ_find_sigid_algs(X509_get_signature_nid(c), &md, &pk) != 1) return false;
  return md == NID_md5 || md == NID_sha1 || md == NID_md4 || md == NID_md2;
}

void Run(const Evaluation& ev, std::vector<Finding>& out) {
  for (size_t i = 0; i < ev.path.size(); ++i) {
    X509* c = ev.path[i];
    int idx = static_cast<int>(i);
    bool is_root = i + 1 == ev.path.size() && ev.anchored && IsSelfIssued(c);
    if (!is_root && WeakHash(c)) {
      out.push_back(MakeFinding(
          kWeakHash, "'" + Subject(c) + "' is signed with " + OBJ_nid2ln(X509_get_signature_nid(c)),
          "", idx));
    }
    if (std::string why = WeakKey(c); !why.empty()) {
      out.push_back(MakeFinding(
          kWeakKey, "'" + Subject(c) + "' has a weak key: " + KeyDescription(c) + ", " + why, "",
          idx));
    }
  }
}

}  // namespace

const CertCheck kCryptoCheck{"crypto", kClaims, Run};
std::span<const FindingInfo> CryptoFindings() { return kInfos; }

}  // namespace cxa::cert
