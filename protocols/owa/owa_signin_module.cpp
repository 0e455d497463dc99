// Module `owa-signin`: a sign-in with the operator's user and password, only where the credential
// rule allows it.
#include "protocols/owa/owa_common.h"
#include "protocols/owa/owa_modules.h"

namespace cxa::protocols {
namespace {

using namespace owa;

constexpr FindingInfo kSigninOk{
    "owa.signin.ok",    Severity::kInfo,
    "Signed in to OWA", "The user name and password were accepted and the mailbox page answered.",
    "Nothing to fix.",  "Set-OwaVirtualDirectory (FormsAuthentication)"};
constexpr FindingInfo kSigninRejected{
    "owa.signin.rejected",
    Severity::kError,
    "OWA rejected the credentials",
    "The front end refused the user name or password (forms-based: back to the logon page with "
    "reason=2; Basic/NTLM: 401 again).",
    "Check the user name format the site expects (DOMAIN\\user, user@domain or the UPN), the "
    "password, and whether the account is locked or disabled.",
    "Remote Connectivity Analyzer: Unknown Username or bad password"};
constexpr FindingInfo kSigninFailed{
    "owa.signin.failed",
    Severity::kError,
    "OWA sign-in did not complete",
    "The sign-in request got an answer that is neither a success nor a rejection (an error "
    "status, a redirect elsewhere, no session cookies, or the mailbox page failing after "
    "sign-in).",
    "Check the Exchange server's event log and the OWA virtual directory; the finding shows the "
    "answer that came back.",
    "Set-OwaVirtualDirectory (FormsAuthentication)"};
constexpr FindingInfo kSigninUnsupported{
    "owa.signin.unsupported",
    Severity::kInfo,
    "Sign-in not tested for this front end",
    "The front end signs users in through another service (AD FS, Microsoft 365, a reverse "
    "proxy's form) or with Kerberos only (Negotiate without NTLM); cxa does not send the "
    "password there.",
    "Test that sign-in with the matching scenario (o365-sso for AD FS) or in a browser.",
    "Set-OwaVirtualDirectory"};
constexpr FindingInfo kSigninFindings[] = {kSigninOk, kSigninRejected, kSigninFailed,
                                           kSigninUnsupported};

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
