// Purpose: the server certificate must allow TLS server authentication (EKU) and the key usages
// a TLS handshake needs; CA certificates must allow certificate signing.
#include <openssl/x509v3.h>

#include "cert/checks/check.h"
#include "cert/x509.h"

namespace cxa::cert {
namespace {

constexpr FindingInfo kNoServerAuth{
    "cert.usage.no_server_auth",
    Severity::kError,
    "Not valid for TLS server authentication",
    "The certificate's extended key usage does not include serverAuth (for example a code-signing, "
    "client or document-signing certificate was bound to the web site), or a CA in the path is "
    "restricted to other purposes.",
    "Request a certificate from the Web Server template (internal CA) or a TLS/SSL product (public "
    "CA); its extended key usage must contain Server Authentication.",
    "RFC 5280 §4.2.1.12; CA/Browser Forum Baseline Requirements §7.1.2.3"};

constexpr FindingInfo kKeyUsage{
    "cert.usage.key_usage",
    Severity::kError,
    "Key usage does not allow this use",
    "The keyUsage extension forbids what the certificate is used for: a server certificate without "
    "digitalSignature / keyEncipherment, or a CA certificate without keyCertSign.",
    "Re-issue the certificate with the key usages its role needs (server: digitalSignature, plus "
    "keyEncipherment for RSA key exchange; CA: keyCertSign and cRLSign).",
    "RFC 5280 §4.2.1.3"};

constexpr FindingInfo kInfos[] = {kNoServerAuth, kKeyUsage};
constexpr int kClaims[] = {X509_V_ERR_INVALID_PURPOSE, X509_V_ERR_KEYUSAGE_NO_CERTSIGN,
                           X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE,
                           X509_V_ERR_KEYUSAGE_NO_CRL_SIGN};

bool EkuLacksServerAuth(X509* c) {
  uint32_t flags = X509_get_extension_flags(c);
  if ((flags & EXFLAG_XKUSAGE) == 0) return false;
  uint32_t xku = X509_get_extended_key_usage(c);
  return (xku & XKU_SSL_SERVER) == 0 && (xku & XKU_ANYEKU) == 0;
}

void Run(const Evaluation& ev, std::vector<Finding>& out) {
  for (const VerifyError& e : ev.errors) {
    if (!Claims(kClaims, e.code)) continue;
    if (e.depth < 0 || e.depth >= static_cast<int>(ev.path.size())) continue;
    X509* c = ev.path[static_cast<size_t>(e.depth)];
    bool not_ca = false;  // a non-CA issuer also fails keyCertSign: one finding says it all
    for (const VerifyError& o : ev.errors) {
      not_ca |= o.depth == e.depth &&
                (o.code == X509_V_ERR_INVALID_CA || o.code == X509_V_ERR_INVALID_NON_CA);
    }
    if (not_ca) continue;
    if (e.code == X509_V_ERR_INVALID_PURPOSE && EkuLacksServerAuth(c)) {
      out.push_back(MakeFinding(kNoServerAuth,
                                "'" + Subject(c) +
                                    "' does not allow TLS server authentication (extended key "
                                    "usage without serverAuth)",
                                "", e.depth));
    } else {
      out.push_back(MakeFinding(kKeyUsage,
                                "the key usage of '" + Subject(c) + "' does not allow its use here",
                                X509_verify_cert_error_string(e.code), e.depth));
    }
  }
}

}  // namespace

const CertCheck kUsageCheck{"usage", kClaims, Run};
std::span<const FindingInfo> UsageFindings() { return kInfos; }

}  // namespace cxa::cert
