#include "cert/revocation.h"

#include <algorithm>

#include "cert/crl.h"
#include "cert/ocsp.h"
#include "cert/x509.h"
#include "core/time_util.h"

namespace cxa::cert {
namespace {

constexpr std::string_view kFetchAdvice =
    "On Exchange, the server itself must reach these URLs: allow outbound HTTP (port 80) from "
    "every Exchange and AD FS server to the CA's CRL and OCSP hosts, set the WinHTTP proxy if "
    "outbound traffic goes through one (`netsh winhttp show proxy`), and check with "
    "`certutil -verify -urlfetch <certificate file>` on the server.";

constexpr FindingInfo kRevoked{
    "cert.revocation.revoked",
    Severity::kError,
    "Certificate revoked",
    "The CA has revoked a certificate of the path: its OCSP answer or its CRL lists it. Every "
    "client that checks revocation refuses the connection, Windows clients and Exchange "
    "transport among them; the certificate cannot be made to work again.",
    "Request a new certificate (with a new key if the reason is keyCompromise), bind it on every "
    "server and load balancer that presents the revoked one (Exchange: "
    "`Enable-ExchangeCertificate` for IIS and SMTP), and remove the revoked one.",
    "RFC 5280 §5.3.1, §6.3; RFC 6960 §2.2"};

constexpr FindingInfo kUnreachable{
    "cert.revocation.unreachable",
    Severity::kWarning,
    "Revocation status could not be obtained",
    "None of the certificate's OCSP responders or CRL distribution points gave a usable answer "
    "from where cxa runs. Browsers carry on, but clients that fail hard without revocation "
    "data do not: Exchange's hybrid transport refuses TLS (RevocationOffline), "
    "Get-ExchangeCertificate shows RevocationCheckFailure, curl on Windows (Schannel) fails with "
    "CRYPT_E_NO_REVOCATION_CHECK or CRYPT_E_REVOCATION_OFFLINE (0x80092013).",
    "Make the URLs named in the detail reachable over plain HTTP from the internet (they are "
    "the CA's; a private CA must publish them outside). Then check where the clients sit.",
    "RFC 5280 §4.2.1.13; RFC 6960; CRYPT_E_REVOCATION_OFFLINE; certutil"};

constexpr FindingInfo kNoInfo{
    "cert.revocation.no_info",
    Severity::kInfo,
    "No revocation information published",
    "The certificate names neither an OCSP responder nor a CRL distribution point, so nobody "
    "can learn whether it was revoked. Normal for some short-lived public certificates and for "
    "intermediates of private CAs; Windows clients with strict revocation policies refuse such "
    "a certificate.",
    "Nothing to change if the CA issues it so on purpose. For a private CA, publish a CRL and "
    "name it in the certificates (CDP extension).",
    "RFC 5280 §4.2.1.13, §4.2.2.1"};

constexpr FindingInfo kStatusUnknown{
    "cert.ocsp.status_unknown",
    Severity::kWarning,
    "OCSP responder does not know the certificate",
    "A correctly signed OCSP answer says 'unknown': the responder has no record of this serial. "
    "That happens when the certificate was issued by another CA of the same name, when the "
    "responder lags behind issuance, or for a forged certificate. Clients treat it as a failed "
    "revocation check.",
    "Check with the CA that the certificate is theirs and that their responder knows it; "
    "re-issue if it does not.",
    "RFC 6960 §2.2"};

constexpr FindingInfo kResponderError{
    "cert.ocsp.responder_error",
    Severity::kWarning,
    "OCSP responder gave no usable answer",
    "The OCSP responder answered, but not with a usable status for this certificate: an error "
    "status (unauthorized, tryLater, malformedRequest, internalError), a signature that does "
    "not verify or comes from a certificate the issuer did not authorise, an answer about "
    "another certificate, or an outdated one. Clients then fall back to the CRL or fail.",
    "Tell the CA (or the operator of a private CA's responder) what the detail shows; a private "
    "responder needs the issuer's key or a delegated OCSP-signing certificate and current "
    "revocation data.",
    "RFC 6960 §2.3, §4.2.2.2"};

constexpr FindingInfo kStapleMissing{
    "cert.ocsp.staple_missing",
    Severity::kInfo,
    "No OCSP staple",
    "The server sent no OCSP response in the handshake (OCSP stapling), so each client has to "
    "ask the CA itself. IIS staples by default on bindings without SNI and only fetches the "
    "response if the server can reach the CA's OCSP responder; SNI bindings do not staple "
    "unless enabled.",
    "On IIS, allow the server outbound HTTP to the responder; for SNI bindings set the DWORD "
    "EnableOcspStaplingForSni under HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\"
    "SCHANNEL. Elsewhere enable stapling (nginx: ssl_stapling on). Not needed for a CA without "
    "OCSP.",
    "RFC 6066 §8; RFC 8446 §4.4.2.1"};

constexpr FindingInfo kStapleStale{
    "cert.ocsp.staple_stale",
    Severity::kWarning,
    "OCSP staple outdated",
    "The OCSP response the server staples is past its nextUpdate (or not yet valid): the "
    "server keeps serving an old response because it cannot refresh it. Clients ignore it or, "
    "with Must-Staple, refuse the connection.",
    "Let the server reach the CA's OCSP responder so that it refreshes the staple (IIS: "
    "outbound HTTP from the server; nginx: a resolver and access to the responder), or turn "
    "stapling off until it can.",
    "RFC 6960 §4.2.2.1; RFC 6066 §8"};

constexpr FindingInfo kStapleInvalid{
    "cert.ocsp.staple_invalid",
    Severity::kWarning,
    "OCSP staple not usable",
    "The server staples something that is not a valid OCSP answer about its certificate: "
    "unreadable, an error status, a signature that does not verify, or an answer about another "
    "certificate (typically an old staple kept after the certificate was replaced).",
    "Make the server fetch a fresh response for the certificate it now serves (restart or "
    "re-bind after a certificate change; nginx: remove a stale ssl_stapling_file).",
    "RFC 6960 §4.2.2.2; RFC 6066 §8"};

constexpr FindingInfo kMustStaple{
    "cert.ocsp.must_staple_violated",
    Severity::kWarning,
    "Must-Staple certificate without a good staple",
    "The certificate carries the TLS Feature extension (Must-Staple): it promises that the "
    "server always staples a good OCSP response. The server did not. Firefox refuses the "
    "connection; Windows clients and Outlook do not enforce the promise.",
    "Enable OCSP stapling on every server presenting the certificate and let them reach the "
    "responder, or request a certificate without Must-Staple.",
    "RFC 7633 §4"};

constexpr FindingInfo kCrlExpired{
    "cert.crl.expired",
    Severity::kWarning,
    "CRL out of date",
    "The CRL at the distribution point is past its nextUpdate: the CA stopped publishing it, or "
    "a cache or mirror serves an old copy. Windows treats an outdated CRL like an unreachable "
    "one (CRYPT_E_REVOCATION_OFFLINE).",
    "Have the CA publish a current CRL (a private CA: check the CA service and the publishing "
    "job, `certutil -CRL`), and clear caches in front of the distribution point.",
    "RFC 5280 §5.1.2.5, §6.3.3"};

constexpr FindingInfo kCrlBadSignature{
    "cert.crl.bad_signature",
    Severity::kWarning,
    "CRL signature does not verify",
    "The CRL at the distribution point is not signed by the key of the certificate's issuer. "
    "Clients discard it and treat the status as unknown.",
    "Republish the CRL signed by the issuing CA's current key (after a CA key renewal, the CRL "
    "of each key must be signed by that key).",
    "RFC 5280 §6.3.3 (f), (g)"};

constexpr FindingInfo kCrlInvalid{
    "cert.crl.invalid",
    Severity::kWarning,
    "CRL not usable",
    "The distribution point returns something that is not a CRL of the certificate's issuer: "
    "an HTML error page, another CA's CRL, or damaged bytes.",
    "Serve the issuer's CRL (DER, application/pkix-crl) at the URL the certificates name.",
    "RFC 5280 §4.2.1.13, §5"};

constexpr FindingInfo kCrlTooLarge{
    "cert.crl.too_large",
    Severity::kWarning,
    "CRL too large",
    "The CRL is larger than cxa accepts (the size cap is in the detail). Large CRLs slow every "
    "client down and time out on slow links.",
    "Ask the CA for partitioned CRLs or OCSP; for a private CA, shorten the CRL (expired entries "
    "removed, partitioned distribution points) or publish an OCSP responder.",
    "RFC 5280 §5.2.5"};

constexpr FindingInfo kInfos[] = {kRevoked,        kUnreachable,   kNoInfo,          kStatusUnknown,
                                  kResponderError, kStapleMissing, kStapleStale,     kStapleInvalid,
                                  kMustStaple,     kCrlExpired,    kCrlBadSignature, kCrlInvalid,
                                  kCrlTooLarge};

std::string Who(X509* c) { return NameText(X509_get_subject_name(c)); }

// What is known about one certificate of the path so far.
struct CertState {
  enum class Status { kNone, kGood, kRevoked, kUnknown } status = Status::kNone;
  std::string source;                    // where the decision came from
  std::vector<std::string> unreachable;  // "URL: error"
};

struct Judge {
  const RevocationInput& in;
  std::time_t time;
  std::vector<Finding>& findings;

  void Add(const FindingInfo& info, std::string message, std::string detail, size_t index) {
    findings.push_back(
        MakeFinding(info, std::move(message), std::move(detail), static_cast<int>(index)));
  }

  void Revoked(X509* c, size_t i, const std::string& source, const std::string& detail,
               CertState& st) {
    if (st.status == CertState::Status::kRevoked) return;
    st.status = CertState::Status::kRevoked;
    st.source = source;
    Add(kRevoked, "the CA revoked " + Who(c) + " (" + source + ")", detail, i);
  }

  // The staple: about the leaf only. Returns the staple's state word.
  std::string Staple(X509* leaf, X509* issuer, CertState& st) {
    bool must = MustStaple(leaf);
    if (!in.staple) {
      if (!in.staple_requested) return "";
      if (must) {
        Add(kMustStaple, "the certificate requires a staple (Must-Staple) and the server sent none",
            "", 0);
      } else if (in.mode == RevocationMode::kFetch && !OcspUrls(leaf).empty()) {
        // Only a certificate that names an OCSP responder can be stapled.
        Add(kStapleMissing, "the server sent no OCSP staple", "", 0);
      }
      return "absent";
    }
    OcspAnswer a = CheckOcspResponse(*in.staple, leaf, issuer, time);
    std::string word;
    switch (a.verdict) {
      case OcspVerdict::kGood:
        st.status = CertState::Status::kGood;
        st.source = "stapled OCSP response";
        return "good";
      case OcspVerdict::kRevoked:
        Revoked(leaf, 0, "stapled OCSP response", a.detail, st);
        return "revoked";
      case OcspVerdict::kUnknown:
        Add(kStatusUnknown, "the stapled OCSP response says the status is unknown", a.detail, 0);
        word = "unknown";
        break;
      case OcspVerdict::kStale:
      case OcspVerdict::kNotYetValid:
        Add(kStapleStale,
            std::string("the stapled OCSP response is ") + std::string(OcspVerdictName(a.verdict)),
            a.detail, 0);
        word = "stale";
        break;
      default:
        Add(kStapleInvalid,
            "the stapled OCSP response is not usable: " + std::string(OcspVerdictName(a.verdict)),
            a.detail, 0);
        word = "invalid";
    }
    if (must) {
      Add(kMustStaple,
          "the certificate requires a good staple (Must-Staple); the server's is " + word, "", 0);
    }
    return word;
  }

  void Ocsp(const RevocationFetch& f, X509* c, X509* issuer, size_t i, CertState& st) {
    if (!f.body) {
      st.unreachable.push_back(f.url + ": " + f.error);
      return;
    }
    OcspAnswer a = CheckOcspResponse(*f.body, c, issuer, time);
    switch (a.verdict) {
      case OcspVerdict::kGood:
        if (st.status == CertState::Status::kNone) {
          st.status = CertState::Status::kGood;
          st.source = "OCSP " + f.url;
        }
        return;
      case OcspVerdict::kRevoked:
        Revoked(c, i, "OCSP " + f.url, a.detail, st);
        return;
      case OcspVerdict::kUnknown:
        Add(kStatusUnknown, "the OCSP responder " + f.url + " does not know " + Who(c), a.detail,
            i);
        if (st.status == CertState::Status::kNone) st.status = CertState::Status::kUnknown;
        return;
      default:
        Add(kResponderError,
            "the OCSP responder " + f.url +
                " gave no usable answer: " + std::string(OcspVerdictName(a.verdict)),
            a.detail, i);
    }
  }

  void Crl(const RevocationFetch& f, X509* c, X509* issuer, size_t i, CertState& st) {
    if (f.too_large) {
      Add(kCrlTooLarge, "the CRL at " + f.url + " is too large", f.error, i);
      return;
    }
    if (!f.body) {
      st.unreachable.push_back(f.url + ": " + f.error);
      return;
    }
    CrlAnswer a = CheckCrl(*f.body, c, issuer, time);
    // A CRL the operator gave applies to the certificates its issuer issued, silently elsewhere
    // (an unreadable one is reported once, for the leaf).
    if (f.cert_sha256.empty() && (a.verdict == CrlVerdict::kWrongIssuer ||
                                  (a.verdict == CrlVerdict::kUnreadable && i > 0))) {
      return;
    }
    switch (a.verdict) {
      case CrlVerdict::kGood:
        if (st.status != CertState::Status::kRevoked) {
          st.status = CertState::Status::kGood;
          st.source = "CRL " + f.url;
        }
        return;
      case CrlVerdict::kRevoked:
        Revoked(c, i, "CRL " + f.url, a.detail, st);
        return;
      case CrlVerdict::kExpired:
        Add(kCrlExpired, "the CRL at " + f.url + " is out of date", a.detail, i);
        return;
      case CrlVerdict::kBadSignature:
        Add(kCrlBadSignature, "the CRL at " + f.url + " is not signed by the issuer", a.detail, i);
        return;
      default:
        Add(kCrlInvalid,
            "the CRL at " + f.url + " is not usable: " + std::string(CrlVerdictName(a.verdict)),
            a.detail, i);
    }
  }

  // Fetch mode: everything fetched for certificate i; its state word.
  std::string Fetched(X509* c, X509* issuer, size_t i, CertState& st) {
    std::string sha = Sha256Hex(c);
    for (auto kind : {RevocationFetch::Kind::kOcsp, RevocationFetch::Kind::kCrl}) {
      for (const RevocationFetch& f : in.fetched) {
        if (f.kind != kind) continue;
        // Answers given without a certificate (cxa cert --crl / --ocsp-response) are the
        // leaf's, except a CRL, which counts for every certificate its issuer issued (Crl
        // sorts out the others once it has read it).
        bool mine =
            f.cert_sha256 == sha ||
            (f.cert_sha256.empty() && (i == 0 || (kind == RevocationFetch::Kind::kCrl && f.body)));
        if (!mine) continue;
        if (kind == RevocationFetch::Kind::kOcsp) {
          Ocsp(f, c, issuer, i, st);
        } else {
          Crl(f, c, issuer, i, st);
        }
      }
    }
    switch (st.status) {
      case CertState::Status::kRevoked:
        return "revoked";
      case CertState::Status::kGood:
        return "good";
      case CertState::Status::kUnknown:
        return "unknown";
      case CertState::Status::kNone:
        break;
    }
    if (!st.unreachable.empty()) {
      std::string list;
      for (const auto& u : st.unreachable) list += (list.empty() ? "" : "; ") + u;
      Add(kUnreachable, "the revocation status of " + Who(c) + " could not be obtained", list, i);
      return "unreachable";
    }
    if (OcspUrls(c).empty() && CrlUrls(c).empty()) {
      Add(kNoInfo, Who(c) + " names no OCSP responder and no CRL", "", i);
      return "no information";
    }
    return "unknown";
  }
};

// The worse of two state words for the path summary.
int Rank(std::string_view s) {
  for (int i = 0; std::string_view w :
                  {"good", "not checked", "no information", "unknown", "unreachable", "revoked"}) {
    if (s == w) return i;
    ++i;
  }
  return -1;
}

}  // namespace

std::string_view RevocationModeName(RevocationMode m) {
  switch (m) {
    case RevocationMode::kOff:
      return "off";
    case RevocationMode::kStaple:
      return "staple";
    case RevocationMode::kFetch:
      return "fetch";
  }
  return "?";
}

std::optional<RevocationMode> ParseRevocationMode(std::string_view text) {
  for (auto m : {RevocationMode::kOff, RevocationMode::kStaple, RevocationMode::kFetch}) {
    if (text == RevocationModeName(m)) return m;
  }
  return std::nullopt;
}

void JudgeRevocation(const RevocationInput& in, std::span<X509* const> path, std::time_t time,
                     std::vector<Finding>& findings, RevocationSummary& summary) {
  if (in.mode == RevocationMode::kOff || path.size() < 2) return;
  // Staple mode on a handshake that asked for no staple (a resumed session, a recording made
  // before staples were recorded): nothing to judge.
  if (in.mode == RevocationMode::kStaple && !in.staple_requested && !in.staple) return;
  Judge judge{in, time, findings};
  std::string worst;
  auto note = [&](const std::string& word) {
    if (Rank(word) > Rank(worst)) worst = word;
  };
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    X509* c = path[i];
    X509* issuer = path[i + 1];
    CertState st;
    if (i == 0) summary.staple = judge.Staple(c, issuer, st);
    if (in.mode == RevocationMode::kFetch) {
      note(judge.Fetched(c, issuer, i, st));
    } else if (i == 0 && (summary.staple == "good" || summary.staple == "revoked")) {
      note(summary.staple);
    } else {
      note("not checked");
    }
  }
  summary.status = worst;
}

std::span<const FindingInfo> RevocationFindings() { return kInfos; }

}  // namespace cxa::cert
