// Outlook on the web (OWA) as data (protocols.md §1.1): which front end answers an anonymous
// GET /owa/, and what the forms-based logon page looks like. Pure functions of what the server
// sent; HTML is searched leniently (no HTML parser: only tags and attributes are looked for).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "transport/http_transport.h"
#include "transport/url.h"

namespace cxa::protocols {

enum class FrontEnd {
  kFba,               // Exchange forms-based authentication (302 to /owa/auth/logon.aspx)
  kBasic,             // 401 offering Basic only
  kNtlm,              // 401 offering NTLM (and maybe Negotiate / Basic)
  kNegotiate,         // 401 offering Negotiate without NTLM
  kAdfs,              // 302 to an AD FS /adfs/ls/ sign-in (claims-based OWA)
  kMicrosoft365,      // 302 to Microsoft 365 sign-in (mailbox moved, or hybrid OWA redirect)
  kReverseProxy,      // a reverse proxy's own sign-in form (TMG/ISA CookieAuth.dll, ...)
  kAnonymous,         // 200 without authentication
  kSameHostRedirect,  // a redirect within the same host (e.g. /owa -> /owa/): follow it
  kUnexpected,        // anything else
};

// The host names an OWA redirect to Microsoft 365 sign-in goes to (FrontEnd::kMicrosoft365).
std::span<const std::string_view> Microsoft365SignInHosts();

std::string_view FrontEndName(FrontEnd f);  // fba, basic, ntlm, negotiate, adfs, microsoft365,
                                            // reverse-proxy, anonymous, redirect, unexpected

struct Classification {
  FrontEnd front_end = FrontEnd::kUnexpected;
  std::string location;              // absolute redirect target, when there is one
  std::vector<std::string> schemes;  // offered by WWW-Authenticate (401), in order
  std::string idp_host;              // AD FS / Microsoft 365 host of the redirect
  int idp_port = 0;                  // and its port (443 unless the redirect names one)
  std::string detail;                // what gave it away
};

// Classifies the answer to an anonymous GET of `url`.
Classification ClassifyOwaAnswer(const std::string& url, const HttpResponse& response);

using cxa::ResolveLocation;
using cxa::SplitHttpUrl;
using cxa::UrlParts;
// An OWA URL as operators give it: a full URL stays as is; a bare host name (optionally with a
// path) becomes https://HOST/owa/ (or https://HOST/PATH).
std::string NormalizeOwaUrl(std::string_view value);

struct LogonForm {
  std::string action;      // as written in the form
  std::string generation;  // "2010+" (auth.owa), "2007" (owaauth.dll), "2003" (exchweb)
  bool has_username = false;
  bool has_password = false;
};

// The OWA forms-based logon form of a logon page, or nullopt when the page has none.
std::optional<LogonForm> ParseLogonForm(std::string_view html);

// What the answer to POST auth.owa means: signed in (cadata cookies, redirect not to the logon
// page), rejected (redirect to the logon page with reason=2), or something else.
enum class FbaResult { kSignedIn, kRejected, kOther };
FbaResult JudgeFbaAnswer(const HttpResponse& response, std::string* why);

// name=value pairs of every Set-Cookie header (attributes dropped), joined for a Cookie header.
std::string CookiesFrom(const HttpResponse& response);

}  // namespace cxa::protocols
