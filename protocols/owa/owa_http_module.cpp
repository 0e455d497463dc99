// Module `owa-http`: OWA over plain HTTP on port 80 (a redirect to https is good; OWA served in
// clear is not) (protocols.md §1.1 OWA-2).
#include "protocols/owa/owa_common.h"
#include "protocols/owa/owa_modules.h"

namespace cxa::protocols {
namespace {

using namespace owa;

constexpr FindingInfo kServedInClear{
    "owa.http.served_in_clear",
    Severity::kWarning,
    "OWA answers over plain HTTP",
    "Port 80 serves Outlook on the web itself instead of redirecting to HTTPS: a user who types "
    "the name without https:// may send the password in clear text.",
    "Redirect HTTP to HTTPS (an HTTP Redirect on the site or the load balancer), or require SSL "
    "on the virtual directory so that port 80 answers 403.4.",
    "RFC 9110 §4.2.2 (the https scheme); RFC 6797 (HSTS)"};
constexpr FindingInfo kPlainInfo{
    "owa.http.plain_unavailable",
    Severity::kInfo,
    "Nothing useful on port 80",
    "Plain HTTP on port 80 did not answer with a redirect to HTTPS (nothing listening, "
    "filtered, or another answer). Users must type https:// themselves; nothing is broken.",
    "Optionally publish port 80 with a redirect to https://<host>/owa/ for convenience.",
    "RFC 9110 §15.4 (redirection)"};
constexpr FindingInfo kHttpFindings[] = {kServedInClear, kPlainInfo};

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
    std::string http_url = "http://" + HostForUrl(url_.host) + url_.path;
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

}  // namespace cxa::protocols
