// Encoding and profile: certificates that do not decode, and RFC 5280 profile violations that
// OpenSSL's strict mode rejects.
#include "cert/checks/check.h"
#include "cert/x509.h"

namespace cxa::cert {
namespace {

constexpr FindingInfo kMalformed{
    "cert.parse.malformed",
    Severity::kError,
    "Certificate cannot be decoded",
    "A certificate sent by the server (or given as input) is not valid DER X.509, or no "
    "certificate was sent at all. Clients cannot use it.",
    "Export the certificate again from the CA or the server (PEM or DER, complete), and check that "
    "the chain file on the server is not truncated or mixed with other content.",
    "RFC 5280 §4.1; ITU-T X.690"};

constexpr FindingInfo kProfile{
    "cert.profile.invalid",
    Severity::kError,
    "Certificate violates the X.509 profile",
    "A certificate breaks a rule of the Internet X.509 profile that strict clients enforce: for "
    "example a CA without a critical basicConstraints, an empty subject without a critical SAN, "
    "a missing key identifier, or an unknown critical extension.",
    "Re-issue the certificate with a standard template from the CA; for an internal CA, fix the "
    "CA's certificate template.",
    "RFC 5280 §4.1, §4.2"};

constexpr FindingInfo kDeviation{
    "cert.profile.deviation",
    Severity::kWarning,
    "Certificate deviates from the X.509 profile (clients accept it)",
    "A certificate breaks a rule of the Internet X.509 profile (RFC 5280) or of the CA/Browser "
    "Forum's issuance rules that mainstream TLS clients do not enforce: Chromium and other "
    "browsers, Windows (Schannel, so Outlook and Exchange), and OpenSSL's default verification "
    "all accept the chain. Validators that apply the profile strictly reject it, so some "
    "clients (scripts, appliances, strict libraries) may still fail.",
    "Nothing breaks for mainstream clients today. When the certificate is next renewed, issue "
    "it (or fix the internal CA's template) so that it follows the profile.",
    "RFC 5280 §4.2; CA/Browser Forum Baseline Requirements §7.1"};

// Profile rules OpenSSL checks only in its strict mode (X509_V_FLAG_X509_STRICT, which cxa
// turns on) and that mainstream clients do not enforce: the chain is still accepted, and the
// finding says who objects. Every other profile error stays an error.
struct Deviation {
  int code;
  const char* objectors;  // who rejects it
};
constexpr Deviation kDeviations[] = {
    {X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER,
     "RFC 5280 requires it; strict validators (OpenSSL's X509_STRICT mode, CA/Browser-Forum "
     "linters and validators such as pyca/cryptography's) reject it"},
    {X509_V_ERR_MISSING_SUBJECT_KEY_IDENTIFIER,
     "RFC 5280 requires it in CA certificates; strict validators (OpenSSL's X509_STRICT mode, "
     "pyca/cryptography's) reject it"},
    {X509_V_ERR_CA_BCONS_NOT_CRITICAL,
     "RFC 5280 requires it to be critical in CA certificates; strict validators (OpenSSL's "
     "X509_STRICT mode, pyca/cryptography's) reject it"},
    {X509_V_ERR_CA_CERT_MISSING_KEY_USAGE,
     "RFC 5280 requires keyUsage in CA certificates; OpenSSL's X509_STRICT mode rejects it"},
    {X509_V_ERR_KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA,
     "keyCertSign belongs to CA certificates only; OpenSSL's X509_STRICT mode rejects it"},
    {X509_V_ERR_PATHLEN_INVALID_FOR_NON_CA,
     "a path length constraint belongs to CA certificates only; OpenSSL's X509_STRICT mode "
     "rejects it"},
    {X509_V_ERR_PATHLEN_WITHOUT_KU_KEY_CERT_SIGN,
     "a path length constraint needs keyCertSign; OpenSSL's X509_STRICT mode rejects it"},
    {X509_V_ERR_AUTHORITY_KEY_IDENTIFIER_CRITICAL,
     "RFC 5280 forbids marking it critical; OpenSSL's X509_STRICT mode rejects it"},
    {X509_V_ERR_SUBJECT_KEY_IDENTIFIER_CRITICAL,
     "RFC 5280 forbids marking it critical; OpenSSL's X509_STRICT mode rejects it"},
    {X509_V_ERR_EMPTY_SUBJECT_SAN_NOT_CRITICAL,
     "RFC 5280 requires a critical subjectAltName when the subject is empty; OpenSSL's "
     "X509_STRICT mode rejects it"},
};

const Deviation* FindDeviation(int code) {
  for (const Deviation& d : kDeviations) {
    if (d.code == code) return &d;
  }
  return nullptr;
}

constexpr FindingInfo kInvalid{
    "cert.chain.invalid",
    Severity::kError,
    "Chain rejected",
    "Path validation rejected the chain for a reason not covered by a more specific finding; the "
    "detail carries OpenSSL's reason.",
    "Read the detail; re-issue the certificate from a standard template if in doubt.",
    "RFC 5280 §6.1"};

constexpr FindingInfo kInfos[] = {kMalformed, kProfile, kDeviation, kInvalid};

constexpr int kClaims[] = {X509_V_ERR_INVALID_EXTENSION,
                           X509_V_ERR_EXTENSIONS_REQUIRE_VERSION_3,
                           X509_V_ERR_EC_KEY_EXPLICIT_PARAMS,
                           X509_V_ERR_CA_BCONS_NOT_CRITICAL,
                           X509_V_ERR_CA_CERT_MISSING_KEY_USAGE,
                           X509_V_ERR_KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA,
                           X509_V_ERR_PATHLEN_INVALID_FOR_NON_CA,
                           X509_V_ERR_PATHLEN_WITHOUT_KU_KEY_CERT_SIGN,
                           X509_V_ERR_ISSUER_NAME_EMPTY,
                           X509_V_ERR_SUBJECT_NAME_EMPTY,
                           X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER,
                           X509_V_ERR_MISSING_SUBJECT_KEY_IDENTIFIER,
                           X509_V_ERR_EMPTY_SUBJECT_ALT_NAME,
                           X509_V_ERR_EMPTY_SUBJECT_SAN_NOT_CRITICAL,
                           X509_V_ERR_AUTHORITY_KEY_IDENTIFIER_CRITICAL,
                           X509_V_ERR_SUBJECT_KEY_IDENTIFIER_CRITICAL,
                           X509_V_ERR_SIGNATURE_ALGORITHM_MISMATCH,
                           X509_V_ERR_SIGNATURE_ALGORITHM_INCONSISTENCY,
                           X509_V_ERR_UNSUPPORTED_SIGNATURE_ALGORITHM,
                           X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION,
                           X509_V_ERR_INVALID_POLICY_EXTENSION,
                           X509_V_ERR_NO_EXPLICIT_POLICY,
                           X509_V_ERR_AKID_SKID_MISMATCH,
                           X509_V_ERR_AKID_ISSUER_SERIAL_MISMATCH,
                           X509_V_ERR_SUBJECT_ISSUER_MISMATCH};

void RunParse(const Evaluation& ev, std::vector<Finding>& out) {
  if (ev.input.chain.empty()) {
    out.push_back(MakeFinding(kMalformed, "no certificate was presented"));
    return;
  }
  for (size_t i = 0; i < ev.sent.size(); ++i) {
    if (ev.sent[i] != nullptr) continue;
    out.push_back(MakeFinding(kMalformed,
                              "certificate " + std::to_string(i) +
                                  " of the chain (0 = leaf) "
                                  "cannot be decoded as X.509",
                              std::to_string(ev.input.chain[i].size()) + " bytes",
                              i == 0 ? std::optional<int>(0) : std::nullopt));
  }
}

void RunProfile(const Evaluation& ev, std::vector<Finding>& out) {
  for (const VerifyError& e : ev.errors) {
    if (!Claims(kClaims, e.code)) continue;
    std::string who = e.depth >= 0 && e.depth < static_cast<int>(ev.path.size())
                          ? "'" + Subject(ev.path[static_cast<size_t>(e.depth)]) + "'"
                          : "a certificate";
    std::string what = who + ": " + X509_verify_cert_error_string(e.code);
    if (const Deviation* d = FindDeviation(e.code)) {
      out.push_back(MakeFinding(kDeviation, what,
                                std::string("Chromium, Windows and OpenSSL's default verification "
                                            "accept it; ") +
                                    d->objectors,
                                e.depth));
    } else {
      out.push_back(MakeFinding(kProfile, what, "", e.depth));
    }
  }
}

void RunUnclaimed(const Evaluation& ev, std::vector<Finding>& out) {
  for (const VerifyError& e : ev.errors) {
    bool claimed = false;
    for (const CertCheck& c : AllChecks()) claimed |= Claims(c.claims, e.code);
    if (claimed) continue;
    out.push_back(MakeFinding(
        kInvalid, std::string("path validation failed: ") + X509_verify_cert_error_string(e.code),
        "OpenSSL error " + std::to_string(e.code) + " at depth " + std::to_string(e.depth),
        e.depth));
  }
}

}  // namespace

bool IsProfileDeviation(int code) { return FindDeviation(code) != nullptr; }

const CertCheck kParseCheck{"parse", {}, RunParse};
const CertCheck kProfileCheck{"profile", kClaims, RunProfile};
const CertCheck kUnclaimedCheck{"unclaimed", {}, RunUnclaimed};
std::span<const FindingInfo> ProfileFindings() { return kInfos; }

}  // namespace cxa::cert
