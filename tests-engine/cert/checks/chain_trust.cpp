// Why the chain does not reach a trusted root: self-signed leaf, private root, incomplete chain
// (missing intermediate or private CA, undecided), missing intermediate (decided with extra
// intermediates, e.g. fetched via AIA), and anchors that are not roots.
#include "cert/checks/check.h"
#include "cert/x509.h"

namespace cxa::cert {
namespace {

constexpr FindingInfo kSelfSigned{
    "cert.chain.self_signed",
    Severity::kError,
    "Self-signed certificate",
    "The server presents a certificate that it issued to itself. No client trusts it unless the "
    "certificate was installed on that client by hand; browsers warn, Outlook prompts or fails, "
    "and "
    "Microsoft 365 federation and Outlook Anywhere refuse it outright.",
    "Replace it with a certificate from a public certification authority that covers every name "
    "clients use (for Exchange: the OWA, Autodiscover and Outlook Anywhere names; for AD FS: the "
    "federation service name). Bind it to the site, and serve its intermediates with it.",
    "RFC 5280 §6.1; Remote Connectivity Analyzer: SSL Certificate Trust Failure"};

constexpr FindingInfo kUntrustedRoot{
    "cert.chain.untrusted_root",
    Severity::kError,
    "Chain ends at an untrusted root",
    "The chain is complete but ends at a root that the trust store does not contain: typically an "
    "internal or private PKI (Active Directory Certificate Services) whose root only domain-joined "
    "machines trust. Clients outside the domain, phones, and Microsoft's cloud services fail.",
    "For anything reached from the internet, use a certificate from a public certification "
    "authority. If the private root is intended (a lab, an internal-only name), add it with "
    "--ca-file for this test; clients still need it installed.",
    "RFC 5280 §6.1; Remote Connectivity Analyzer: SSL Certificate Trust Failure"};

constexpr FindingInfo kIncomplete{
    "cert.chain.incomplete",
    Severity::kError,
    "Chain does not reach a trusted root",
    "The chain stops at a certificate whose issuer was neither sent by the server nor found among "
    "the trusted roots. Either the server leaves out an intermediate certificate of a public CA "
    "(clients that cannot fetch it fail), or the issuer is a private CA that no public client "
    "trusts. Without the issuer certificate the two cannot be told apart.",
    "Look up the issuer named in the finding. If it is an intermediate of a public CA, install it "
    "on the server (or load balancer) so the full chain is sent. If it belongs to an internal CA, "
    "replace the certificate with a publicly trusted one.",
    "RFC 5280 §6.1; RFC 8446 §4.4.2 (the server sends the chain); Remote Connectivity Analyzer: "
    "Missing Intermediate Certificates in Chain"};

constexpr FindingInfo kMissingIntermediate{
    "cert.chain.missing_intermediate",
    Severity::kError,
    "Server does not send an intermediate",
    "The certificate chains to a trusted root only with an intermediate certificate that the "
    "server does not send. Windows repairs this by downloading the intermediate from the URL in "
    "the certificate (AIA), so it often goes unnoticed from a Windows desktop; Android, Java, iOS "
    "mail, OpenSSL-based clients and many proxies fail the connection.",
    "Install the named intermediate on the server (or on the load balancer or reverse proxy that "
    "terminates TLS) so the leaf is followed by every intermediate up to, but not including, the "
    "root. On IIS/Exchange, import it into the Intermediate Certification Authorities store.",
    "RFC 8446 §4.4.2; RFC 5280 §4.2.2.1 (authorityInfoAccess); Remote Connectivity Analyzer: "
    "Missing Intermediate Certificates in Chain"};

constexpr FindingInfo kAnchorNotRoot{
    "cert.chain.anchor_not_root",
    Severity::kInfo,
    "Trusted through a non-root anchor",
    "The path ends at a configured trust anchor that is not a self-signed root (for example an "
    "issuing CA given with --ca-file). The chain is accepted as far as that anchor.",
    "Nothing to fix on the server. Clients that trust only the real root need the server to send "
    "the intermediates up to it.",
    "RFC 5280 §6.1.1 (trust anchor information)"};

constexpr FindingInfo kInfos[] = {kSelfSigned, kUntrustedRoot, kIncomplete, kMissingIntermediate,
                                  kAnchorNotRoot};

constexpr int kClaims[] = {
    X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT,       X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
    X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT,
    X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,       X509_V_ERR_CERT_UNTRUSTED};

std::string StoreName(const Evaluation& ev) { return ev.anchors.description(); }

void Run(const Evaluation& ev, std::vector<Finding>& out) {
  if (ev.path.empty()) return;
  X509* leaf = ev.path.front();
  X509* top = ev.path.back();

  if (ev.Has(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT)) {
    out.push_back(MakeFinding(kSelfSigned,
                              "the certificate '" + Subject(leaf) +
                                  "' is self-signed: it is its own issuer and no trust store "
                                  "holds it",
                              "trust store: " + StoreName(ev), 0));
  } else if (const VerifyError* e = ev.First(X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN)) {
    std::string how = ev.IsExtra(top) ? " (found via the AIA URL, not sent by the server)" : "";
    out.push_back(MakeFinding(kUntrustedRoot,
                              "the chain ends at the root '" + Subject(top) + "'" + how +
                                  ", which is not a trusted root: a private or internal CA",
                              "trust store: " + StoreName(ev), e->depth));
  } else if (ev.Has(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT) ||
             ev.Has(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY) ||
             ev.Has(X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE)) {
    std::string url = AiaCaIssuers(top);
    std::string why;
    if (url.empty()) {
      why =
          "'" + Subject(top) + "' names no AIA URL for its issuer, so cxa cannot fetch it to tell";
    } else if (!ev.input.aia_note.empty()) {
      why = "the issuer could not be fetched from its AIA URL " + url + ": " + ev.input.aia_note;
    } else {
      why = "its AIA URL " + url +
            " was not consulted (offline evaluation: pass the issuer with --untrusted, or run "
            "live to fetch it)";
    }
    out.push_back(MakeFinding(
        kIncomplete,
        "the chain stops at '" + Subject(top) + "': its issuer '" + Issuer(top) +
            "' was not sent and is not a trusted root (a missing intermediate or a private CA)",
        why + "; trust store: " + StoreName(ev), static_cast<int>(ev.path.size()) - 1));
  }

  if (ev.anchored) {
    for (size_t i = 0; i < ev.path.size(); ++i) {
      X509* c = ev.path[i];
      if (!ev.IsExtra(c)) continue;
      X509* child = i > 0 ? ev.path[i - 1] : leaf;
      std::string url = AiaCaIssuers(child);
      out.push_back(
          MakeFinding(kMissingIntermediate,
                      "the server does not send the intermediate '" + Subject(c) +
                          "' (issuer of '" + Subject(child) + "'); install it on the server",
                      url.empty() ? "the intermediate came from the supplied extra intermediates"
                                  : "AIA caIssuers URL of '" + Subject(child) + "': " + url,
                      static_cast<int>(i)));
    }
    if (ev.path.size() > 1 && !IsSelfIssued(top) && ev.errors.empty()) {
      out.push_back(MakeFinding(kAnchorNotRoot,
                                "trusted through the configured anchor '" + Subject(top) +
                                    "', which is not a self-signed root",
                                "", static_cast<int>(ev.path.size()) - 1));
    }
  }
}

}  // namespace

const CertCheck kChainTrustCheck{"chain-trust", kClaims, Run};
std::span<const FindingInfo> ChainTrustFindings() { return kInfos; }

}  // namespace cxa::cert
