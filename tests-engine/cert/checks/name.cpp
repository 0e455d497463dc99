// Does the server certificate cover the name the client connects to? Names are judged against
// subjectAltName only (like every current client); a certificate with its name only in the
// subject CN is reported as such.
#include <algorithm>

#include "cert/checks/check.h"
#include "cert/x509.h"

namespace cxa::cert {
namespace {

constexpr FindingInfo kMismatch{
    "cert.name.mismatch",
    Severity::kError,
    "Name not covered by the certificate",
    "The server certificate does not list the host name (or IP address) the client connects to "
    "among its subject alternative names. Browsers warn; Outlook, ActiveSync devices and "
    "federation "
    "clients refuse the connection.",
    "Re-issue the certificate with the missing name as a subject alternative name (a SAN "
    "certificate can carry mail, autodiscover and federation names at once), or publish the "
    "service under a name the certificate covers. A wildcard covers exactly one label: "
    "*.contoso.com covers mail.contoso.com but neither contoso.com nor a.b.contoso.com.",
    "RFC 6125 §6.4; RFC 2818 §3.1; Remote Connectivity Analyzer: SSL Certificate Name Mismatch"};

constexpr FindingInfo kCnOnly{
    "cert.name.cn_only",
    Severity::kError,
    "Name only in the subject CN",
    "The certificate has no subjectAltName extension; its name is only in the subject common "
    "name, which current browsers, Apple and Android clients and Python/Go libraries no longer "
    "read.",
    "Re-issue the certificate with every name as a subjectAltName dNSName entry.",
    "RFC 6125 §6.4.4; CA/Browser Forum Baseline Requirements §7.1.4.2"};

constexpr FindingInfo kInfos[] = {kMismatch, kCnOnly};
constexpr int kClaims[] = {X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH,
                           X509_V_ERR_EMAIL_MISMATCH};

std::string WildcardHint(const std::vector<std::string>& names, const std::string& host) {
  for (const auto& n : names) {
    if (n.rfind("*.", 0) != 0) continue;
    std::string base = n.substr(2);
    if (host == base) return "; '" + n + "' does not cover the bare domain " + host;
    if (host.size() > base.size() + 1 &&
        host.compare(host.size() - base.size() - 1, base.size() + 1, "." + base) == 0) {
      return "; '" + n + "' covers exactly one label in place of '*', not '" +
             host.substr(0, host.size() - base.size() - 1) + "'";
    }
  }
  return "";
}

void Run(const Evaluation& ev, std::vector<Finding>& out) {
  if (ev.path.empty()) return;
  X509* leaf = ev.path.front();
  const std::string& host = ev.input.host;
  bool has_san = HasSubjectAltName(leaf);
  std::string cn = CommonName(leaf);
  bool cn_matches = !host.empty() && !cn.empty() && DnsNameMatches(cn, host);
  if (!has_san) {
    out.push_back(MakeFinding(
        kCnOnly, "the certificate has no subjectAltName; its only name is the CN '" + cn + "'", "",
        0));
  }
  bool mismatch = ev.Has(X509_V_ERR_HOSTNAME_MISMATCH) || ev.Has(X509_V_ERR_IP_ADDRESS_MISMATCH) ||
                  ev.Has(X509_V_ERR_EMAIL_MISMATCH);
  if (!mismatch || (!has_san && cn_matches)) return;
  std::vector<std::string> covered = DnsNames(leaf);
  for (const auto& ip : IpAddresses(leaf)) covered.push_back(ip);
  std::string lower_host = host;
  std::transform(lower_host.begin(), lower_host.end(), lower_host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string list = covered.empty() ? std::string("no names") : Join(covered);
  out.push_back(MakeFinding(kMismatch,
                            "the certificate is not valid for '" + host + "'; it covers: " + list,
                            "subject CN: '" + cn + "'" + WildcardHint(covered, lower_host), 0));
}

}  // namespace

const CertCheck kNameCheck{"name", kClaims, Run};
std::span<const FindingInfo> NameFindings() { return kInfos; }

}  // namespace cxa::cert
