#include "core/references.h"

#include <array>
#include <cctype>
#include <utility>

#include "core/text.h"

namespace cxa {
namespace {

using Doc = std::pair<std::string_view, std::string_view>;  // citation prefix, URL

// Documents cited by name. A citation matches an entry when it is the name itself or the name
// followed by a space and a place in the document ("MS-RPCH 2.2.3.5").
constexpr std::array kDocuments{
    Doc{"MS-RPCH",
        "https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-rpch/"
        "c0f4c9c5-1a61-4d10-b8e2-005378d1d212"},
    Doc{"MS-OXDISCO",
        "https://learn.microsoft.com/en-us/openspecs/exchange_server_protocols/ms-oxdisco/"
        "d912502b-c0e2-41a1-8b0e-f714ba523e08"},
    Doc{"MS-OXDSCLI",
        "https://learn.microsoft.com/en-us/openspecs/exchange_server_protocols/ms-oxdscli/"
        "c70a5210-4171-4693-86c5-bbe470c6342b"},
    Doc{"C706", "https://pubs.opengroup.org/onlinepubs/9629399/chap12.htm"},
    Doc{"CRYPT_E_REVOCATION_OFFLINE",
        "https://microsoft.github.io/windows-docs-rs/doc/windows/Win32/Foundation/"
        "constant.CRYPT_E_REVOCATION_OFFLINE.html"},
    Doc{"certutil",
        "https://learn.microsoft.com/en-us/windows-server/administration/windows-commands/"
        "certutil"},
    Doc{"CA/Browser Forum Baseline Requirements",
        "https://cabforum.org/working-groups/server/baseline-requirements/requirements/"},
    Doc{"NIST SP 800-131A", "https://csrc.nist.gov/pubs/sp/800/131/a/r2/final"},
    Doc{"ITU-T X.690", "https://www.itu.int/rec/T-REC-X.690"},
    Doc{"CWE-113", "https://cwe.mitre.org/data/definitions/113.html"},
    Doc{"WS-Trust 1.3", "https://docs.oasis-open.org/ws-sx/ws-trust/v1.3/ws-trust.html"},
    Doc{"WS-MetadataExchange", "https://www.w3.org/TR/ws-metadata-exchange/"},
    Doc{"WS-Federation 1.2",
        "https://docs.oasis-open.org/wsfed/federation/v1.2/os/ws-federation-1.2-spec-os.html"},
    Doc{"Set-OutlookAnywhere",
        "https://learn.microsoft.com/en-us/powershell/module/exchange/set-outlookanywhere"},
    Doc{"Set-OwaVirtualDirectory",
        "https://learn.microsoft.com/en-us/powershell/module/exchange/set-owavirtualdirectory"},
    Doc{"Exchange Autodiscover reference",
        "https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/"
        "autodiscover-web-service-reference-for-exchange"},
    Doc{"Exchange hybrid certificate requirements",
        "https://learn.microsoft.com/en-us/exchange/certificate-requirements"},
    Doc{"Exchange Online TLS for mail",
        "https://learn.microsoft.com/en-us/purview/"
        "exchange-online-uses-tls-to-secure-email-connections"},
    Doc{"Enable-ExchangeCertificate",
        "https://learn.microsoft.com/en-us/powershell/module/exchange/enable-exchangecertificate"},
    Doc{"MS-OXCMAPIHTTP",
        "https://learn.microsoft.com/en-us/openspecs/exchange_server_protocols/ms-oxcmapihttp/"
        "d502edcf-0b22-42f2-8500-019f00d60245"},
    Doc{"MS-OXCRPC",
        "https://learn.microsoft.com/en-us/openspecs/exchange_server_protocols/ms-oxcrpc/"
        "137f0ce2-31fd-4952-8a7d-6c0b242e4b6a"},
    Doc{"Set-MapiVirtualDirectory",
        "https://learn.microsoft.com/en-us/powershell/module/exchange/set-mapivirtualdirectory"},
    Doc{"Set-AuthServer",
        "https://learn.microsoft.com/en-us/powershell/module/exchange/set-authserver"},
    Doc{"Enable-SmtpDaneInbound",
        "https://learn.microsoft.com/en-us/powershell/module/exchange/enable-smtpdaneinbound"},
    Doc{"Microsoft Entra: renew federation certificates",
        "https://learn.microsoft.com/en-us/entra/identity/hybrid/connect/"
        "how-to-connect-fed-o365-certs"},
};

// The Remote Connectivity Analyzer's own articles, cited as
// "Remote Connectivity Analyzer: <article title>".
constexpr std::string_view kAnalyzerPrefix = "Remote Connectivity Analyzer: ";
constexpr std::string_view kAnalyzerBase =
    "https://learn.microsoft.com/en-us/connectivity-analyzer/";
constexpr std::array kAnalyzerArticles{
    Doc{"SSL Certificate Trust Failure", "ssl-certificate-trust-failure"},
    Doc{"Missing Intermediate Certificates in Chain", "missing-intermediate-certificates-chain"},
    Doc{"SSL Certificate Name Mismatch", "ssl-certificate-name-mismatch"},
    Doc{"The Host Name Could Not be Resolved in DNS", "host-name-could-not-be-resolved-dns"},
    Doc{"A Network Error Occurred while Communicating with Remote Host",
        "network-error-occurred-while-communicating-with-remote-host"},
    Doc{"Unknown Username or bad password", "unknown-username-bad-password"},
    Doc{"RPC Server Unavailable Error was Thrown by the RPC Runtime",
        "rpc-server-unavailable-error-thrown-rpc-runtime"},
    Doc{"Access is Denied Error was Thrown by the RPC Runtime",
        "access-denied-error-thrown-rpc-runtime"},
    Doc{"RPC over HTTP Connection is Not Allowed", "rpc-over-http-connection-not-allowed"},
    Doc{"All Required Authentication Methods Could Not be Found",
        "all-required-authentication-methods-could-not-be-found"},
    Doc{"No Supported Authentication Methods Found in Response",
        "no-supported-authentication-methods-found-response"},
    Doc{"Anonymous Authentication Enabled for Virtual Directory",
        "anonymous-authentication-enabled-virtual-directory"},
    Doc{"Mutual Authentication Could Not be Established",
        "mutual-authentication-could-not-be-established"},
    Doc{"Mutual Authentication Established by Subject Alternative Name",
        "mutual-authentication-established-subject-alternative-name"},
    Doc{"Missing EXPR Element in Autodiscover XML Response",
        "missing-expr-element-autodiscover-xml-response"},
    Doc{"Missing EXCH Element in Autodiscover XML Response",
        "missing-exch-element-autodiscover-xml-response"},
    Doc{"Missing AuthPackage Element in Autodiscover XML Response",
        "missing-authpackage-element-autodiscover-xml-response"},
    Doc{"The Outlook Autodiscover Provider Returned an Error Status in the XML Response",
        "outlook-autodiscover-provider-returned-error-status-xml-response"},
    Doc{"Could Not Find Autodiscover Service Location (SRV) Record in DNS",
        "could-not-find-autodiscover-service-location-srv-record-dns"},
    Doc{"An Unexpected Redirect Response was Received", "an-unexpected-redirect-response-received"},
    Doc{"A Positive HTTP Response Other than a Redirect Response was Received",
        "positive-http-response-other-than-redirect-response-received"},
    Doc{"An HTTP 403.4 was Returned Because SSL was Required on the Virtual Directory",
        "an-http-403-4-returned-because-ssl-required-virtual-directory"},
    Doc{"Name Space is not Federated", "name-space-not-federated"},
    Doc{"The domain is a federated domain but the user is not known by Office 365",
        "domain-federated-domain-but-user-user-contoso-com-not-known-office-365"},
    Doc{"Active Directory Federated Services (AD FS) server is down or unreachable",
        "active-directory-federated-services-ad-fs-server-down-unreachable"},
    Doc{"Token Signing Certificate Expired", "token-signing-certificate-expired"},
    Doc{"ADFS SSL Certificate Trust", "adfs-ssl-certificate-trust"},
    Doc{"ADFS SSL Certificate Expired", "adfs-ssl-certificate-expired"},
    Doc{"UPN issues when authenticating", "upn-issues-when-authenticating"},
    Doc{"No MX Records were Found for the Specified SMTP Domain",
        "no-mx-records-were-found-specified-smtp-domain"},
    Doc{"Expected Service Banner was not Received when Connecting",
        "expected-service-banner-not-received-when-connecting"},
    Doc{"ActiveSync URL was in an Invalid format", "activesync-externalurl-not-expected-format"},
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// "RFC 5280 §6.1.3 (a)" -> https://www.rfc-editor.org/rfc/rfc5280.html#section-6.1.3
std::string RfcUrl(std::string_view c) {
  constexpr std::string_view kRfc = "RFC ";
  if (c.substr(0, kRfc.size()) != kRfc) return {};
  c.remove_prefix(kRfc.size());
  size_t n = 0;
  while (n < c.size() && IsDigit(c[n])) ++n;
  if (n == 0 || (n < c.size() && c[n] != ' ' && c[n] != ',')) return {};
  std::string url = "https://www.rfc-editor.org/rfc/rfc" + std::string(c.substr(0, n)) + ".html";
  std::string trimmed = Trim(c.substr(n));
  std::string_view rest = trimmed;
  constexpr std::string_view kSection = "§";
  if (rest.substr(0, kSection.size()) == kSection) {
    rest.remove_prefix(kSection.size());
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    size_t end = 0;
    while (end < rest.size() && (IsDigit(rest[end]) || rest[end] == '.')) ++end;
    while (end > 0 && rest[end - 1] == '.') --end;
    if (end > 0) url += "#section-" + std::string(rest.substr(0, end));
  }
  return url;
}

// "getrlimit(2)" -> the Linux man-pages project's page.
std::string ManPageUrl(std::string_view c) {
  if (c.size() < 4 || c.back() != ')' || !IsDigit(c[c.size() - 2]) || c[c.size() - 3] != '(') {
    return {};
  }
  std::string_view name = c.substr(0, c.size() - 3);
  for (char ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_') return {};
  }
  const char section = c[c.size() - 2];
  return "https://man7.org/linux/man-pages/man" + std::string(1, section) + "/" +
         std::string(name) + "." + std::string(1, section) + ".html";
}

std::string DocumentUrl(std::string_view c) {
  if (c.substr(0, kAnalyzerPrefix.size()) == kAnalyzerPrefix) {
    std::string_view title = c.substr(kAnalyzerPrefix.size());
    for (const auto& [t, slug] : kAnalyzerArticles) {
      if (t == title) return std::string(kAnalyzerBase) + std::string(slug);
    }
    return {};
  }
  for (const auto& [name, url] : kDocuments) {
    if (c == name ||
        (c.size() > name.size() && c.substr(0, name.size()) == name && c[name.size()] == ' ')) {
      return std::string(url);
    }
  }
  return {};
}

}  // namespace

std::vector<Citation> Citations(std::string_view reference) {
  std::vector<Citation> out;
  for (std::string& c : Split(reference, ';')) {
    std::string url = RfcUrl(c);
    if (url.empty()) url = ManPageUrl(c);
    if (url.empty()) url = DocumentUrl(c);
    out.push_back({std::move(c), std::move(url)});
  }
  return out;
}

}  // namespace cxa
