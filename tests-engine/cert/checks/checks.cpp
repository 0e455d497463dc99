// The explicit list of certificate checks (report order) and the cert.* catalogue.
#include <openssl/x509.h>

#include "cert/checks/check.h"
#include "cert/revocation.h"
#include "cert/x509.h"

namespace cxa::cert {

std::span<const CertCheck> AllChecks() {
  static const CertCheck kAll[] = {
      kParseCheck,  kChainTrustCheck, kChainStructureCheck, kValidityCheck,   kNameCheck,
      kCryptoCheck, kUsageCheck,      kProfileCheck,        kChainShapeCheck, kUnclaimedCheck};
  return kAll;
}

std::span<const FindingInfo> CertFindings() {
  static const std::vector<FindingInfo> all = [] {
    std::vector<FindingInfo> v;
    for (auto part : {ChainTrustFindings(), ChainStructureFindings(), ChainShapeFindings(),
                      ValidityFindings(), NameFindings(), CryptoFindings(), UsageFindings(),
                      ProfileFindings(), RevocationFindings()}) {
      v.insert(v.end(), part.begin(), part.end());
    }
    return v;
  }();
  return all;
}

std::string Subject(X509* c) { return NameText(X509_get_subject_name(c)); }
std::string Issuer(X509* c) { return NameText(X509_get_issuer_name(c)); }

std::string Join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += sep;
    out += v[i];
  }
  return out;
}

}  // namespace cxa::cert
