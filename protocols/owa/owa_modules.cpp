// Modules `owa-http`, `owa-frontend`, `owa-logon` and `owa-signin`: Outlook on the web from the
// outside (protocols.md §1.1). The certificate is the `tls` step's; these steps judge what the
// HTTP front end does.
#include "protocols/owa/owa_modules.h"

#include <strings.h>

#include <algorithm>

#include "cert/x509.h"
#include "protocols/owa/owa_codec.h"
#include "transport/connection_report.h"
#include "transport/url.h"

namespace cxa::protocols {
namespace {

// ---- findings ----

constexpr FindingInfo kServedInClear{
    "owa.http.served_in_clear",
    Severity::kWarning,
    "OWA answers over plain HTTP",
    "Port 80 serves Outlook on the web itself instead of redirecting to HTTPS: a user who types "
    "the name without https:// may send the password in clear text.",
    "Redirect HTTP to HTTPS (an HTTP Redirect on the site or the load balancer), or require SSL "
    "on the virtual directory so that port 80 answers 403.4.",
    "protocols.md §1.1"};
constexpr FindingInfo kPlainInfo{
    "owa.http.plain_unavailable",
    Severity::kInfo,
    "Nothing useful on port 80",
    "Plain HTTP on port 80 did not answer with a redirect to HTTPS (nothing listening, "
    "filtered, or another answer). Users must type https:// themselves; nothing is broken.",
    "Optionally publish port 80 with a redirect to https://<host>/owa/ for convenience.",
    "protocols.md §1.1"};
constexpr FindingInfo kAnonymous{
    "owa.auth.anonymous",
    Severity::kWarning,
    "OWA answers without authentication",
    "An anonymous request for the OWA URL got a 200 page that is neither an Exchange logon form "
    "nor a known sign-in redirect: the URL may not lead to OWA at all (a default web page, a "
    "parking page), or a proxy serves content without authentication.",
    "Check that the URL reaches the Exchange OWA virtual directory and that authentication is "
    "enabled on it (Get-OwaVirtualDirectory | fl *Authentication*).",
    "protocols.md §1.1"};
constexpr FindingInfo kUnexpected{
    "owa.http.unexpected_status",
    Severity::kError,
    "Unexpected answer from OWA",
    "The anonymous request for the OWA URL got an answer no Exchange front end gives (an error "
    "status, or a redirect to an unexpected place): OWA is down, not published at this path, or "
    "a proxy in front of it misroutes the request.",
    "Check the publishing rule / load balancer and the OWA virtual directory; the status line "
    "and Location in the finding show what came back.",
    "protocols.md §1.1"};
constexpr FindingInfo kRedirectLoop{
    "owa.http.redirect_loop",
    Severity::kError,
    "OWA redirects in a loop",
    "Following the redirects of the OWA URL on the same host never reached a sign-in page (a "
    "loop or a very long chain): browsers give up with 'too many redirects'.",
    "Check the HTTP redirect settings of the Default Web Site and the OWA virtual directory, and "
    "the rules of any reverse proxy (a redirect that points to itself).",
    "protocols.md §1.1"};
constexpr FindingInfo kLogonUnreachable{
    "owa.logon.unreachable",
    Severity::kError,
    "OWA logon page unreachable",
    "The forms-based logon page the front end redirects to could not be fetched.",
    "Check the /owa/auth/ directory and the publishing rule for it.",
    "protocols.md §1.1"};
constexpr FindingInfo kLogonMalformed{
    "owa.logon.malformed",
    Severity::kError,
    "OWA logon page has no logon form",
    "The logon page answered but holds no Exchange logon form (posting to /owa/auth.owa, or the "
    "2007/2003 owaauth.dll): a customized or broken page, or another product's page.",
    "Compare the page with a default Exchange logon page; re-run the Exchange setup's "
    "UpdateCas script or restore the default logon.aspx if it was customized.",
    "protocols.md §1.1"};
constexpr FindingInfo kSigninOk{
    "owa.signin.ok",    Severity::kInfo,
    "Signed in to OWA", "The user name and password were accepted and the mailbox page answered.",
    "Nothing to fix.",  "protocols.md §1.1"};
constexpr FindingInfo kSigninRejected{
    "owa.signin.rejected",
    Severity::kError,
    "OWA rejected the credentials",
    "The front end refused the user name or password (forms-based: back to the logon page with "
    "reason=2; Basic/NTLM: 401 again).",
    "Check the user name format the site expects (DOMAIN\\user, user@domain or the UPN), the "
    "password, and whether the account is locked or disabled.",
    "protocols.md §1.1"};
constexpr FindingInfo kSigninFailed{
    "owa.signin.failed",
    Severity::kError,
    "OWA sign-in did not complete",
    "The sign-in request got an answer that is neither a success nor a rejection (an error "
    "status, a redirect elsewhere, no session cookies, or the mailbox page failing after "
    "sign-in).",
    "Check the Exchange server's event log and the OWA virtual directory; the finding shows the "
    "answer that came back.",
    "protocols.md §1.1"};
constexpr FindingInfo kSigninUnsupported{
    "owa.signin.unsupported",
    Severity::kInfo,
    "Sign-in not tested for this front end",
    "The front end signs users in through another service (AD FS, Microsoft 365, a reverse "
    "proxy's form) or with Kerberos only (Negotiate without NTLM); cxa does not send the "
    "password there.",
    "Test that sign-in with the matching scenario (o365-sso for AD FS) or in a browser.",
    "protocols.md §1.1"};

constexpr FindingInfo kHttpFindings[] = {kServedInClear, kPlainInfo};
constexpr FindingInfo kFrontendFindings[] = {kAnonymous, kUnexpected, kRedirectLoop};
constexpr FindingInfo kLogonFindings[] = {kLogonUnreachable, kLogonMalformed};
constexpr FindingInfo kSigninFindings[] = {kSigninOk, kSigninRejected, kSigninFailed,
                                           kSigninUnsupported};

// ---- shared ----

HttpRequest Request(StepContext& ctx, const std::string& url) {
  HttpRequest req = StepRequest(ctx, url);
  req.limits.max_body_bytes = 2 * 1024 * 1024;
  req.headers = {{"User-Agent", "Mozilla/5.0 (compatible; cxa connectivity test)"}};
  return req;
}

Result<UrlParts> HttpsUrlOption(const OptionMap& o, const char* name) {
  auto u = SplitHttpUrl(NormalizeOwaUrl(o.at(name)));
  if (!u || u->scheme != "https") {
    return Fail(std::string("option '") + name + "' must be an https:// URL, got '" + o.at(name) +
                "'");
  }
  return *u;
}

// ---- owa-http: port 80 ----

constexpr OptionSpec kHttpOptions[] = {
    {"url", OptionType::kString, true, "", "the OWA URL (https://mail.contoso.com/owa/)"},
    {"address", OptionType::kString, false, "",
     "connect to this address (the one the HTTPS step resolved) instead of resolving again"},
};
constexpr FactSpec kHttpFacts[] = {
    {"http_answer", "redirect-to-https, ssl-required (403.4), served-in-clear or none"},
    {"http_location", "where port 80 redirects to"},
};

class HttpStep : public Step {
 public:
  HttpStep(UrlParts url, std::string address)
      : url_(std::move(url)), address_(std::move(address)) {}

  StepResult Run(StepContext& ctx) override {
    StepResult result;
    bool v6 = url_.host.find(':') != std::string::npos;
    std::string http_url = "http://" + (v6 ? "[" + url_.host + "]" : url_.host) + url_.path;
    HttpRequest req = Request(ctx, http_url);
    req.connect_address = address_;
    HttpExchange ex = ctx.transport.Perform(req);
    result.stage = ex.reached;
    if (ex.error || !ex.response) {
      result.facts["http_answer"] = "none";
      result.findings.push_back(MakeFinding(kPlainInfo, "plain HTTP to " + url_.host + ":80 failed",
                                            ex.error ? ex.error->message : "no answer"));
      return result;
    }
    const HttpResponse& r = *ex.response;
    std::string location = r.Header("Location").value_or("");
    if (!location.empty()) result.facts["http_location"] = ResolveLocation(http_url, location);
    if (r.status >= 300 && r.status < 400 && !location.empty()) {
      auto to = SplitHttpUrl(ResolveLocation(http_url, location));
      if (to && to->scheme == "https") {
        result.facts["http_answer"] = "redirect-to-https";
        return result;
      }
    }
    if (r.status == 403 &&
        (r.body.find("403.4") != std::string::npos || r.reason.find("SSL") != std::string::npos)) {
      result.facts["http_answer"] = "ssl-required";
      return result;
    }
    if (r.status == 200) {
      result.facts["http_answer"] = "served-in-clear";
      result.findings.push_back(
          MakeFinding(kServedInClear, http_url + " answers 200 over plain HTTP", r.StatusLine()));
      return result;
    }
    result.facts["http_answer"] = "other";
    result.findings.push_back(MakeFinding(
        kPlainInfo, "plain HTTP answered " + r.StatusLine() + ", not a redirect to HTTPS",
        location.empty() ? "" : "Location: " + location));
    return result;
  }

 private:
  UrlParts url_;
  std::string address_;
};

Result<std::unique_ptr<Step>> CreateHttp(const OptionMap& o) {
  auto u = HttpsUrlOption(o, "url");
  if (!u) return Fail(u.error());
  return std::unique_ptr<Step>(
      std::make_unique<HttpStep>(*u, o.count("address") ? o.at("address") : ""));
}

// ---- owa-frontend ----

constexpr OptionSpec kFrontendOptions[] = {
    {"url", OptionType::kString, true, "", "the OWA URL (https://mail.contoso.com/owa/)"},
    {"max_redirects", OptionType::kInt, false, "10",
     "redirects on the same host to follow before calling it a loop"},
};
constexpr FactSpec kFrontendFacts[] = {
    {"front_end",
     "fba, basic, ntlm, negotiate, adfs, microsoft365, reverse-proxy, anonymous or unexpected"},
    {"auth_schemes", "schemes offered by WWW-Authenticate"},
    {"location", "where the front end redirected"},
    {"logon_url", "the forms-based logon page"},
    {"idp_host", "the AD FS or Microsoft 365 host OWA redirects to"},
    {"adfs_host", "the AD FS host OWA redirects to (claims-based OWA)"},
    {"adfs_port", "the port of that redirect (443 unless it names one)"},
    {"final_url", "the URL that answered (after same-host redirects)"},
    {"owa_version", "X-OWA-Version header"},
    {"fe_server", "X-FEServer header (the Exchange front-end server)"},
    {"server", "Server header"},
    {"hsts", "Strict-Transport-Security header, or 'absent'"},
};

class FrontendStep : public Step {
 public:
  FrontendStep(std::string url, int max) : url_(std::move(url)), max_(max) {}

  StepResult Run(StepContext& ctx) override {
    StepResult result;
    std::string url = url_;
    std::vector<std::string> seen;
    for (int hop = 0;; ++hop) {
      HttpExchange ex = ctx.transport.Perform(Request(ctx, url));
      if (!ReportConnectionFailure(ex, ctx.now, result)) return result;
      result.stage = Stage::kHttp;
      const HttpResponse& r = *ex.response;
      for (const auto& [name, fact] : {std::pair{"X-OWA-Version", "owa_version"},
                                       {"X-FEServer", "fe_server"},
                                       {"Server", "server"}}) {
        if (auto v = r.Header(name)) result.facts[fact] = *v;
      }
      result.facts["hsts"] = r.Header("Strict-Transport-Security").value_or("absent");
      result.facts["final_url"] = url;
      Classification c = ClassifyOwaAnswer(url, r);
      if (c.front_end == FrontEnd::kSameHostRedirect) {
        seen.push_back(url);
        bool loop = std::find(seen.begin(), seen.end(), c.location) != seen.end();
        if (loop || hop + 1 >= max_) {
          result.findings.push_back(
              MakeFinding(kRedirectLoop,
                          loop ? url_ + " redirects in a loop"
                               : url_ + " redirects more than " + std::to_string(max_) + " times",
                          "last: " + url + " -> " + c.location));
          return result;
        }
        url = c.location;
        continue;
      }
      result.stage = Stage::kProtocol;
      result.facts["front_end"] = FrontEndName(c.front_end);
      if (!c.location.empty()) result.facts["location"] = c.location;
      if (!c.idp_host.empty()) result.facts["idp_host"] = c.idp_host;
      if (c.front_end == FrontEnd::kAdfs) {
        result.facts["adfs_host"] = c.idp_host;
        result.facts["adfs_port"] = std::to_string(c.idp_port);
      }
      std::string schemes;
      for (const auto& s : c.schemes) schemes += (schemes.empty() ? "" : " ") + s;
      if (!schemes.empty()) result.facts["auth_schemes"] = schemes;
      if (c.front_end == FrontEnd::kFba) {
        result.facts["logon_url"] = c.location.empty() ? url : c.location;
      }
      if (c.front_end == FrontEnd::kAnonymous) {
        result.findings.push_back(
            MakeFinding(kAnonymous, url + " answers 200 without asking for credentials"));
      } else if (c.front_end == FrontEnd::kUnexpected) {
        result.stage = Stage::kHttp;
        std::string loc = r.Header("Location").value_or("");
        result.findings.push_back(
            MakeFinding(kUnexpected, url + " answered " + r.StatusLine(),
                        c.detail + (loc.empty() ? "" : "; Location: " + loc)));
      }
      return result;
    }
  }

 private:
  std::string url_;
  int max_;
};

Result<std::unique_ptr<Step>> CreateFrontend(const OptionMap& o) {
  auto u = HttpsUrlOption(o, "url");
  if (!u) return Fail(u.error());
  int max = std::stoi(o.at("max_redirects"));
  if (max < 1 || max > 50) return Fail("option 'max_redirects' must be 1..50");
  return std::unique_ptr<Step>(std::make_unique<FrontendStep>(NormalizeOwaUrl(o.at("url")), max));
}

// ---- owa-logon ----

constexpr OptionSpec kLogonOptions[] = {
    {"url", OptionType::kString, true, "", "the logon page URL (from the front-end step)"},
};
constexpr FactSpec kLogonFacts[] = {
    {"form_action", "where the logon form posts"},
    {"generation", "Exchange generation the form belongs to: 2010+, 2007 or 2003"},
};

class LogonStep : public Step {
 public:
  explicit LogonStep(std::string url) : url_(std::move(url)) {}

  StepResult Run(StepContext& ctx) override {
    StepResult result;
    HttpExchange ex = ctx.transport.Perform(Request(ctx, url_));
    if (!ReportConnectionFailure(ex, ctx.now, result)) {
      result.findings.push_back(
          MakeFinding(kLogonUnreachable, "the logon page could not be fetched", url_));
      return result;
    }
    result.stage = Stage::kHttp;
    if (ex.response->status != 200) {
      result.findings.push_back(
          MakeFinding(kLogonUnreachable, url_ + " answered " + ex.response->StatusLine()));
      return result;
    }
    result.stage = Stage::kProtocol;
    auto form = ParseLogonForm(ex.response->body);
    if (!form || !form->has_password) {
      result.findings.push_back(MakeFinding(
          kLogonMalformed, url_ + " holds no Exchange logon form",
          form ? "the form has no password field" : "no form posting to auth.owa or owaauth.dll"));
      return result;
    }
    result.facts["form_action"] = form->action;
    result.facts["generation"] = form->generation;
    return result;
  }

 private:
  std::string url_;
};

Result<std::unique_ptr<Step>> CreateLogon(const OptionMap& o) {
  auto u = HttpsUrlOption(o, "url");
  if (!u) return Fail(u.error());
  return std::unique_ptr<Step>(std::make_unique<LogonStep>(NormalizeOwaUrl(o.at("url"))));
}

// ---- owa-signin ----

constexpr OptionSpec kSigninOptions[] = {
    {"url", OptionType::kString, true, "", "the OWA URL"},
    {"front_end", OptionType::kString, true, "", "how OWA signs in (the front-end step's fact)"},
    {"user", OptionType::kString, false, "", "user name (DOMAIN\\user, user@domain or UPN)"},
    {"form_action", OptionType::kString, false, "/owa/auth.owa",
     "where the forms-based logon form posts (the logon step's fact)"},
};
constexpr FactSpec kSigninFacts[] = {
    {"method", "how cxa signed in: fba, basic or ntlm"},
    {"session_cookies", "names of the session cookies OWA set"},
};

class SigninStep : public Step {
 public:
  SigninStep(std::string raw_url, std::string front_end, std::string user, std::string form_action)
      : raw_url_(std::move(raw_url)),
        front_end_(std::move(front_end)),
        user_(std::move(user)),
        form_action_(std::move(form_action)) {}

  StepResult Run(StepContext& ctx) override {
    if (auto skip = SkipWithoutPassword(ctx)) return *skip;
    StepResult result;
    if (user_.empty()) {
      result.outcome = Outcome::kSkipped;
      result.skip_reason = "skipped: no user given (--input user=...)";
      return result;
    }
    if (front_end_ == "fba") return Forms(ctx);
    if (front_end_ == "basic") return Basic(ctx);
    if (front_end_ == "ntlm") return Ntlm(ctx);
    result.findings.push_back(
        MakeFinding(kSigninUnsupported, "cxa does not sign in to a '" + front_end_ + "' front end",
                    "the password was not sent"));
    return result;
  }

 private:
  // The password for `url` under the credential rule (the OWA host, the user's domain, what the
  // operator allowed), or nullopt with the finding in `result`; `how`: where the URL came from.
  std::optional<std::string> Password(StepContext& ctx, const std::string& url, StepResult& result,
                                      std::string_view how = "the OWA URL") const {
    std::string why;
    auto password = ctx.credentials.Release(ctx.password, url, &why);
    if (!password) result.findings.push_back(CredentialsWithheld(url, how, why));
    return password;
  }

  StepResult Forms(StepContext& ctx) {
    StepResult result;
    result.facts["method"] = "fba";
    std::string action = ResolveLocation(raw_url_, form_action_);
    if (auto to = SplitHttpUrl(action); !to || to->scheme != "https") {
      result.findings.push_back(
          MakeFinding(kSigninFailed, "the logon form posts to " + action + ", not over https",
                      "the password was not sent"));
      return result;
    }
    // A form that posts to another host (a page someone changed, a portal elsewhere) gets the
    // password only where the credential rule allows it.
    auto password = Password(ctx, action, result, "the action of the logon page's form");
    if (!password) return result;
    HttpRequest post = Request(ctx, action);
    post.method = "POST";
    post.carries_credentials = true;
    post.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    post.headers.emplace_back("Cookie", "PBack=0");
    post.body = "destination=" + UrlEncode(raw_url_) +
                "&flags=4&forcedownlevel=0&username=" + UrlEncode(user_) +
                "&password=" + UrlEncode(*password) + "&passwordText=&isUtf8=1";
    HttpExchange ex = ctx.transport.Perform(post);
    if (!ReportConnectionFailure(ex, ctx.now, result)) {
      result.findings.push_back(MakeFinding(kSigninFailed, "the sign-in request failed", action));
      return result;
    }
    result.stage = Stage::kHttp;
    std::string why;
    FbaResult verdict = JudgeFbaAnswer(*ex.response, &why);
    if (verdict == FbaResult::kRejected) {
      result.findings.push_back(
          MakeFinding(kSigninRejected, "OWA rejected the credentials of " + user_, why));
      return result;
    }
    if (verdict == FbaResult::kOther) {
      result.findings.push_back(MakeFinding(kSigninFailed, "the sign-in did not complete", why));
      return result;
    }
    std::string cookies = CookiesFrom(*ex.response);
    std::string names;
    for (size_t at = 0; at < cookies.size();) {
      size_t eq = cookies.find('=', at);
      size_t end = cookies.find("; ", at);
      names += (names.empty() ? "" : " ") + cookies.substr(at, eq - at);
      at = end == std::string::npos ? cookies.size() : end + 2;
    }
    result.facts["session_cookies"] = names;
    // The mailbox page with the session cookies (never following a redirect elsewhere).
    HttpRequest get = Request(ctx, raw_url_);
    get.carries_credentials = true;
    get.headers.emplace_back("Cookie", cookies);
    HttpExchange page = ctx.transport.Perform(get);
    if (!ReportConnectionFailure(page, ctx.now, result)) {
      result.findings.push_back(
          MakeFinding(kSigninFailed, "the mailbox page failed after sign-in", raw_url_));
      return result;
    }
    if (page.response->status != 200) {
      result.findings.push_back(
          MakeFinding(kSigninFailed,
                      "after sign-in, " + raw_url_ + " answered " + page.response->StatusLine()));
      return result;
    }
    result.stage = Stage::kProtocol;
    result.findings.push_back(MakeFinding(kSigninOk, user_ + " signed in to OWA", why));
    return result;
  }

  // Basic: the credentials in the Authorization header; NTLM: libcurl's handshake. Either way
  // 200 is signed in and 401 rejected.
  StepResult Basic(StepContext& ctx) {
    StepResult withheld;
    auto password = Password(ctx, raw_url_, withheld);
    if (!password) return withheld;
    HttpRequest get = Request(ctx, raw_url_);
    get.headers.emplace_back("Authorization",
                             "Basic " + cert::EncodeBase64(user_ + ":" + *password));
    return HttpAuthentication(ctx, std::move(get), "basic");
  }

  StepResult Ntlm(StepContext& ctx) {
    StepResult withheld;
    auto password = Password(ctx, raw_url_, withheld);
    if (!password) return withheld;
    HttpRequest get = Request(ctx, raw_url_);
    get.ntlm_user = user_;
    get.ntlm_password = *password;
    return HttpAuthentication(ctx, std::move(get), "ntlm");
  }

  StepResult HttpAuthentication(StepContext& ctx, HttpRequest get, const std::string& method) {
    StepResult result;
    result.facts["method"] = method;
    get.carries_credentials = true;
    HttpExchange ex = ctx.transport.Perform(get);
    if (!ReportConnectionFailure(ex, ctx.now, result)) {
      result.findings.push_back(MakeFinding(kSigninFailed, "the sign-in request failed", raw_url_));
      return result;
    }
    result.stage = Stage::kHttp;
    int s = ex.response->status;
    if (s == 401) {
      result.findings.push_back(MakeFinding(
          kSigninRejected, "OWA rejected the " + method + " sign-in of " + user_, "HTTP 401"));
    } else if (s == 200) {
      result.stage = Stage::kProtocol;
      result.findings.push_back(
          MakeFinding(kSigninOk, user_ + " signed in to OWA (" + method + ")", "HTTP 200"));
    } else {
      result.findings.push_back(
          MakeFinding(kSigninFailed, "the sign-in did not complete", ex.response->StatusLine()));
    }
    return result;
  }

  std::string raw_url_, front_end_, user_, form_action_;
};

Result<std::unique_ptr<Step>> CreateSignin(const OptionMap& o) {
  if (auto u = HttpsUrlOption(o, "url"); !u) return Fail(u.error());  // validated, not kept
  return std::unique_ptr<Step>(std::make_unique<SigninStep>(
      NormalizeOwaUrl(o.at("url")), o.at("front_end"), o.count("user") ? o.at("user") : "",
      o.count("form_action") ? o.at("form_action") : "/owa/auth.owa"));
}

}  // namespace

const ModuleDescriptor kOwaHttpModule{
    "owa-http",
    "OWA over plain HTTP (port 80)",
    "Asks for the OWA path over plain HTTP on port 80, at the address the HTTPS step resolved. "
    "A redirect to HTTPS or 403.4 (SSL required) is good; a 200 is a warning (OWA served in "
    "clear); nothing listening or any other answer is information, never an error. No "
    "credential is ever sent here.",
    kHttpOptions,
    kHttpFacts,
    kHttpFindings,
    CreateHttp,
    /*shareable=*/true,
    /*share_key=*/nullptr,
};

const ModuleDescriptor kOwaFrontendModule{
    "owa-frontend",
    "OWA front end (anonymous request)",
    "Sends an anonymous GET for the OWA URL without following redirects to other hosts and "
    "classifies the front end: forms-based authentication (302 to /owa/auth/logon.aspx), "
    "Basic / NTLM / Negotiate (401 with the offered schemes), AD FS claims (302 to /adfs/ls/), "
    "Microsoft 365 (302 to login.microsoftonline.com), a reverse proxy's form (TMG/ISA "
    "CookieAuth.dll), anonymous 200 (warning) or an unexpected answer (error). Same-host "
    "redirects (/owa -> /owa/) are followed up to max_redirects. Records X-OWA-Version, "
    "X-FEServer, Server and HSTS.",
    kFrontendOptions,
    kFrontendFacts,
    kFrontendFindings,
    CreateFrontend,
    /*shareable=*/true,
    /*share_key=*/nullptr,
};

const ModuleDescriptor kOwaLogonModule{
    "owa-logon",
    "OWA forms-based logon page",
    "Fetches the logon page the front end redirected to and checks that it holds the Exchange "
    "logon form (posting to /owa/auth.owa; /owa/auth/owaauth.dll on 2007, "
    "/exchweb/bin/auth/owaauth.dll on 2003) with a password field.",
    kLogonOptions,
    kLogonFacts,
    kLogonFindings,
    CreateLogon,
    /*shareable=*/true,
    /*share_key=*/nullptr,
};

const ModuleDescriptor kOwaSigninModule{
    "owa-signin",
    "OWA sign-in",
    "Only with a user and a password: forms-based authentication posts the logon form (with the "
    "PBack=0 cookie) and expects a redirect with cadata session cookies, then the mailbox page "
    "with them (200); Basic sends the credentials and expects 200; NTLM runs libcurl's NTLM "
    "handshake on one connection and expects 200. Credentials only go over a "
    "connection the step's policy accepted, only to the OWA host, never after a redirect "
    "elsewhere; front ends that sign in through another service are not tested here.",
    kSigninOptions,
    kSigninFacts,
    kSigninFindings,
    CreateSignin,
    /*shareable=*/false,
    /*share_key=*/nullptr,
};

}  // namespace cxa::protocols
