// The credential rule (README "Security"): where the operator's password may go.
//
// A credential (a Basic header, an NTLM AUTHENTICATE, a form or WS-Trust password) goes to an
// origin only when
//   1. the URL is https and the connection is one the trust gate accepted *without* relaxation
//      (a certificate that fails the anchors is refused even under --ignore-trust), over TLS 1.2
//      or later with a modern key exchange: the transport enforces this for every request marked
//      `carries_credentials` (CurlTransport, GuardCredentialConnection);
//   2. the host is covered by the run's CredentialScope: within the user's domain (the e-mail's
//      or UPN's domain and its subdomains), named by the operator (an input, or
//      --allow-credentials-to), or vouched for by an earlier answer that was itself
//      authenticated or came over strict public TLS (the AD FS host that Microsoft's realm
//      discovery names, the RPC proxy an authenticated Autodiscover settings answer names).
// Modules obtain the password only through CredentialScope::Release, which applies rule 2. A
// redirect (an HTTP 30x, the port-80 redirect method, an SRV record, a redirectAddr or
// redirectUrl, authenticated or not) and an anonymous settings answer never extend the scope.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/finding.h"

namespace cxa {

// The operator's password. Its value is reachable only through CredentialScope::Release.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  bool empty() const { return value_.empty(); }

 private:
  friend class CredentialScope;
  std::string value_;
};

class CredentialScope {
 public:
  // `domain` and every name below it (the user's e-mail or UPN domain). A single label or a
  // public suffix is never added (returns false).
  bool AllowDomain(std::string_view domain, std::string why);
  // Exactly `host` (an input naming a server; a grant). Returns false for an invalid name.
  bool AllowHost(std::string_view host, std::string why);
  // --allow-credentials-to: "HOST", "*.DOMAIN" (DOMAIN and every name below it) or "*"
  // (anywhere). Returns an error message, or "".
  std::string AllowPattern(std::string_view pattern);

  // Why `host` may receive credentials, or nullopt when it is outside the scope.
  std::optional<std::string> Covers(std::string_view host) const;

  // The password for a request to `url` when the rule allows it (an https URL whose host the
  // scope covers); else nullopt, and `*why` (if given) says what is missing. The caller marks
  // the request `carries_credentials`, so the transport applies rule 1.
  std::optional<std::string> Release(const Secret& secret, std::string_view url,
                                     std::string* why = nullptr) const;

  // One line per entry, for reports and tests: "contoso.com and subdomains (the e-mail ...)".
  std::vector<std::string> Describe() const;

 private:
  struct Entry {
    std::string name;  // lower case, no trailing dot
    bool subdomains = false;
    std::string why;
  };
  std::vector<Entry> entries_;
};

// The finding `auth.credentials.withheld`: credentials were not sent to `where` (a URL or a host),
// reached `how` ("an anonymous HTTP redirect from https://contoso.com/..."), because `why`.
// It names the opt-in when the host was outside the scope.
Finding CredentialsWithheld(std::string_view where, std::string_view how, std::string_view why);

struct HttpRequest;
// Signs `request` in as `user` with a password Release gave: Basic (an Authorization header) or
// NTLM (the transport's own handshake on one connection), and marks it as carrying credentials
// (the transport then refuses TLS older than 1.2).
void SignIn(HttpRequest& request, const std::string& user, const std::string& password, bool basic);

// True for a public suffix (com, co.uk, github.io ...) and for every single-label name: a
// domain nobody can own a mailbox namespace under.
bool IsPublicSuffix(std::string_view domain);

// "" when `address` is an e-mail address cxa may act on (local@domain, no whitespace or control
// characters, a domain of at least two labels that is not a public suffix); else the reason.
std::string CheckEmailAddress(std::string_view address);

// "" when `text` holds no control character (C0, DEL, C1 as UTF-8), space or CR/LF: safe to put
// into a request line or a header; else a description of the first offending byte.
std::string CheckHeaderSafe(std::string_view text);

}  // namespace cxa
