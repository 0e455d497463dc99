// Module `owa-frontend`: what answers an anonymous request for OWA: forms, Basic, NTLM,
// Negotiate, AD FS, Microsoft 365, a reverse proxy (protocols.md §1.1).
#include "protocols/owa/owa_common.h"
#include "protocols/owa/owa_modules.h"

namespace cxa::protocols {
namespace {

using namespace owa;

constexpr FindingInfo kAnonymous{
    "owa.auth.anonymous",
    Severity::kWarning,
    "OWA answers without authentication",
    "An anonymous request for the OWA URL got a 200 page that is neither an Exchange logon form "
    "nor a known sign-in redirect: the URL may not lead to OWA at all (a default web page, a "
    "parking page), or a proxy serves content without authentication.",
    "Check that the URL reaches the Exchange OWA virtual directory and that authentication is "
    "enabled on it (Get-OwaVirtualDirectory | fl *Authentication*).",
    "Remote Connectivity Analyzer: Anonymous Authentication Enabled for Virtual Directory; "
    "Set-OwaVirtualDirectory"};
constexpr FindingInfo kUnexpected{
    "owa.http.unexpected_status",
    Severity::kError,
    "Unexpected answer from OWA",
    "The anonymous request for the OWA URL got an answer no Exchange front end gives (an error "
    "status, or a redirect to an unexpected place): OWA is down, not published at this path, or "
    "a proxy in front of it misroutes the request.",
    "Check the publishing rule / load balancer and the OWA virtual directory; the status line "
    "and Location in the finding show what came back.",
    "Remote Connectivity Analyzer: A Positive HTTP Response Other than a Redirect Response was "
    "Received; RFC 9110 §15"};
constexpr FindingInfo kRedirectLoop{
    "owa.http.redirect_loop",
    Severity::kError,
    "OWA redirects in a loop",
    "Following the redirects of the OWA URL on the same host never reached a sign-in page (a "
    "loop or a very long chain): browsers give up with 'too many redirects'.",
    "Check the HTTP redirect settings of the Default Web Site and the OWA virtual directory, and "
    "the rules of any reverse proxy (a redirect that points to itself).",
    "RFC 9110 §15.4 (redirection); Remote Connectivity Analyzer: An Unexpected Redirect Response "
    "was Received"};
constexpr FindingInfo kFrontendFindings[] = {kAnonymous, kUnexpected, kRedirectLoop};

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

}  // namespace

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

}  // namespace cxa::protocols
