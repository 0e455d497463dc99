// Structural path errors: signatures that do not verify, issuers that are not CAs, path length
// and name constraints.
#include <openssl/x509v3.h>

#include "cert/checks/check.h"
#include "cert/x509.h"

namespace cxa::cert {
namespace {

constexpr FindingInfo kBadSignature{
    "cert.chain.bad_signature",
    Severity::kError,
    "Signature does not verify",
    "A certificate's signature does not verify with its issuer's public key: the certificate was "
    "altered, or the server sends an intermediate with the right name but the wrong key (for "
    "example an old intermediate after the CA re-keyed).",
    "Download the current intermediate bundle from the CA that issued the certificate and "
    "replace the intermediates installed on the server.",
    "RFC 5280 §6.1.3 (a)(1)"};

constexpr FindingInfo kNotCa{
    "cert.chain.not_ca",
    Severity::kError,
    "Issuer is not a CA",
    "A certificate in the path issues another certificate but is not marked as a certification "
    "authority (basicConstraints cA=TRUE missing). Typically a server certificate was used to sign "
    "another one, or a home-made CA was created without the CA extensions.",
    "Issue the certificate from a real CA certificate. For an internal CA, recreate the CA with "
    "basicConstraints critical, CA:TRUE and keyUsage keyCertSign.",
    "RFC 5280 §4.2.1.9, §6.1.4 (k)"};

constexpr FindingInfo kPathLength{
    "cert.chain.path_length",
    Severity::kError,
    "Path too long",
    "The path has more intermediate CAs than a CA's pathLenConstraint allows, or more than the "
    "maximum depth accepted.",
    "Issue the certificate from a CA closer to the root, or re-issue the intermediate with an "
    "adequate pathLenConstraint.",
    "RFC 5280 §4.2.1.9, §6.1.4 (l)"};

constexpr FindingInfo kNameConstraints{
    "cert.chain.name_constraints",
    Severity::kError,
    "Name outside the CA's constraints",
    "A CA in the path is only allowed to issue for certain names (nameConstraints), and this "
    "certificate carries a name outside them.",
    "Request the certificate from a CA permitted to issue for this name, or restrict the "
    "certificate's names to the permitted namespace.",
    "RFC 5280 §4.2.1.10"};

constexpr FindingInfo kInfos[] = {kBadSignature, kNotCa, kPathLength, kNameConstraints};

constexpr int kClaims[] = {X509_V_ERR_CERT_SIGNATURE_FAILURE,
                           X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE,
                           X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY,
                           X509_V_ERR_NO_ISSUER_PUBLIC_KEY,
                           X509_V_ERR_INVALID_CA,
                           X509_V_ERR_INVALID_NON_CA,
                           X509_V_ERR_PATH_LENGTH_EXCEEDED,
                           X509_V_ERR_CERT_CHAIN_TOO_LONG,
                           X509_V_ERR_PATH_LOOP,
                           X509_V_ERR_PERMITTED_VIOLATION,
                           X509_V_ERR_EXCLUDED_VIOLATION,
                           X509_V_ERR_SUBTREE_MINMAX,
                           X509_V_ERR_UNSUPPORTED_CONSTRAINT_TYPE,
                           X509_V_ERR_UNSUPPORTED_CONSTRAINT_SYNTAX,
                           X509_V_ERR_UNSUPPORTED_NAME_SYNTAX};

X509* At(const Evaluation& ev, int depth) {
  if (depth < 0 || depth >= static_cast<int>(ev.path.size())) return nullptr;
  return ev.path[static_cast<size_t>(depth)];
}

std::string Named(X509* c) { return c == nullptr ? std::string("?") : "'" + Subject(c) + "'"; }

void Run(const Evaluation& ev, std::vector<Finding>& out) {
  for (const VerifyError& e : ev.errors) {
    if (!Claims(kClaims, e.code)) continue;
    X509* c = At(ev, e.depth);
    switch (e.code) {
      case X509_V_ERR_CERT_SIGNATURE_FAILURE:
      case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
      case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
      case X509_V_ERR_NO_ISSUER_PUBLIC_KEY:
        out.push_back(MakeFinding(
            kBadSignature,
            "the signature of " + Named(c) + " does not verify with the key of its issuer",
            X509_verify_cert_error_string(e.code), e.depth));
        break;
      case X509_V_ERR_INVALID_CA:
      case X509_V_ERR_INVALID_NON_CA:
        out.push_back(MakeFinding(kNotCa,
                                  Named(c) + " issues certificates but is not a CA certificate",
                                  X509_verify_cert_error_string(e.code), e.depth));
        break;
      case X509_V_ERR_PATH_LENGTH_EXCEEDED:
      case X509_V_ERR_CERT_CHAIN_TOO_LONG:
      case X509_V_ERR_PATH_LOOP:
        out.push_back(MakeFinding(kPathLength,
                                  "the path through " + Named(c) + " is longer than allowed",
                                  X509_verify_cert_error_string(e.code), e.depth));
        break;
      default:  // name constraint family
        out.push_back(MakeFinding(kNameConstraints,
                                  Named(c) + " carries a name its issuing CA may not certify",
                                  X509_verify_cert_error_string(e.code), e.depth));
        break;
    }
  }
}

}  // namespace

const CertCheck kChainStructureCheck{"chain-structure", kClaims, Run};
std::span<const FindingInfo> ChainStructureFindings() { return kInfos; }

}  // namespace cxa::cert
