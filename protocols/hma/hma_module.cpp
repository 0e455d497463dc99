// Module `hma`: the empty-Bearer probe of hybrid modern authentication. Outlook for iOS and
// Android send a request with an empty "Authorization: Bearer" to the ActiveSync URL
// Autodiscover v2 named; an Exchange server set up for hybrid modern authentication answers 401
// with a Bearer challenge whose authorization_uri names Microsoft Entra ID's endpoint. What else
// comes back says what is missing. No credential is sent (an empty Bearer carries none).
#include "protocols/hma/hma_module.h"

#include "core/text.h"
#include "transport/auth_challenge.h"
#include "transport/connection_report.h"
#include "transport/url.h"

namespace cxa::protocols {
namespace {

constexpr FindingInfo kBearerMissing{
    "hma.bearer.missing",
    Severity::kWarning,
    "No Bearer challenge: hybrid modern authentication is not offered",
    "The empty-Bearer request got a 401 without a Bearer challenge: the server does not offer "
    "OAuth here, so Outlook for iOS and Android cannot sign in with Microsoft Entra ID and "
    "falls back to Basic, if allowed, or fails.",
    "Enable hybrid modern authentication: run the Hybrid Configuration Wizard, enable OAuth for "
    "the organization and on the ActiveSync virtual directory "
    "(Set-ActiveSyncVirtualDirectory -ExternalAuthenticationMethods ... OAuth).",
    "RFC 6750 §3 (WWW-Authenticate Bearer); Set-AuthServer"};
constexpr FindingInfo kNoAuthorizationUri{
    "hma.authorization_uri.missing",
    Severity::kWarning,
    "Bearer challenge without authorization_uri",
    "The server offers Bearer but does not say where to get a token: Microsoft Entra ID is not "
    "the default authorization endpoint of the on-premises organization.",
    "Set the EvoSTS auth server as default: Set-AuthServer EvoSts -IsDefaultAuthorizationEndpoint "
    "$true (check with Get-AuthServer EvoSts | fl IsDefaultAuthorizationEndpoint).",
    "RFC 6750 §3 (WWW-Authenticate Bearer); Set-AuthServer"};
constexpr FindingInfo kSslOffload{
    "hma.audience.http",
    Severity::kError,
    "The server sees its own URL as http: (SSL offloading)",
    "The server's diagnostics complain that the token's audience is http:// where https:// was "
    "expected: a device in front terminates TLS and forwards plain HTTP, so every OAuth token "
    "for the server is refused.",
    "Do not offload TLS in front of Exchange for ActiveSync (re-encrypt to the server), or make "
    "the device forward the original scheme.",
    "RFC 6750 §3.1 (invalid_token); Set-AuthServer"};
constexpr FindingInfo kNoChallenge{
    "hma.challenge.missing",
    Severity::kError,
    "401 without any challenge",
    "The empty-Bearer request got 401 with no WWW-Authenticate header: a device in front of "
    "Exchange answers for it, and no client can sign in.",
    "Let the server's challenges through the device in front, or publish ActiveSync without "
    "pre-authentication.",
    "RFC 9110 §11.6.1 (WWW-Authenticate)"};
constexpr FindingInfo kUnexpected{
    "hma.http.unexpected_status",
    Severity::kError,
    "The ActiveSync URL does not answer as a server that wants authentication",
    "The empty-Bearer request got neither 401 nor an answer a client can sign in from (a 404 "
    "from a path rule, a redirect to a sign-in page, a 5xx, or a 200 without credentials).",
    "Read the status in the finding; check what answers /Microsoft-Server-ActiveSync from the "
    "Internet.",
    "RFC 6750 §3 (WWW-Authenticate Bearer)"};
constexpr FindingInfo kHmaFindings[] = {kBearerMissing, kNoAuthorizationUri, kSslOffload,
                                        kNoChallenge, kUnexpected};

constexpr OptionSpec kHmaOptions[] = {
    {"url", OptionType::kString, true, "", "the ActiveSync URL (Autodiscover v2's answer)"},
};
constexpr FactSpec kHmaFacts[] = {
    {"status", "the HTTP status of the empty-Bearer request"},
    {"schemes", "the challenges of the 401, in order"},
    {"authorization_uri", "where the Bearer challenge sends clients for a token"},
    {"diagnostics", "the x-ms-diagnostics header, when the server sent one"},
};

class HmaStep : public Step {
 public:
  explicit HmaStep(std::string url) : url_(std::move(url)) {}

  StepResult Run(StepContext& ctx) override {
    StepResult result;
    HttpRequest req = StepRequest(ctx, url_);
    req.headers = {{"Authorization", "Bearer"}, {"User-Agent", "Outlook-iOS-Android/1.0"}};
    HttpExchange ex = ctx.transport.Perform(req);
    if (!ReportConnection(ex, ctx.now, result) || !ex.response) return result;
    result.stage = Stage::kProtocol;
    const HttpResponse& r = *ex.response;
    result.facts["status"] = std::to_string(r.status);
    if (auto diag = r.Header("x-ms-diagnostics")) {
      result.facts["diagnostics"] = Printable(Excerpt(*diag, 300));
      if (ToLower(*diag).find("actual 'http://") != std::string::npos) {
        result.findings.push_back(MakeFinding(kSslOffload, UrlHost(url_) + " sees http://",
                                              Printable(Excerpt(*diag, 300))));
      }
    }
    if (r.status != 401) {
      result.findings.push_back(MakeFinding(
          kUnexpected, "the empty-Bearer request got " + r.StatusLine(),
          r.Header("Location") ? "Location: " + Printable(Excerpt(*r.Header("Location"), 200))
                               : ""));
      return result;
    }
    std::vector<AuthChallenge> challenges = ChallengesOf(r);
    std::vector<std::string> schemes = SchemeNames(challenges);
    if (schemes.empty()) {
      result.findings.push_back(MakeFinding(kNoChallenge, UrlHost(url_) + " answered 401 bare"));
      return result;
    }
    result.facts["schemes"] = Join(schemes);
    const AuthChallenge* bearer = FindChallenge(challenges, "Bearer");
    if (bearer == nullptr) {
      result.findings.push_back(
          MakeFinding(kBearerMissing, UrlHost(url_) + " offers " + Join(schemes) + ", no Bearer"));
      return result;
    }
    auto uri = bearer->Param("authorization_uri");
    if (!uri || uri->empty()) {
      result.findings.push_back(MakeFinding(
          kNoAuthorizationUri, UrlHost(url_) + " offers Bearer without authorization_uri"));
      return result;
    }
    result.facts["authorization_uri"] = Printable(Excerpt(*uri, 200));
    return result;
  }

 private:
  std::string url_;
};

Result<std::unique_ptr<Step>> CreateHma(const OptionMap& o) {
  auto u = SplitHttpUrl(o.at("url"));
  if (!u || u->scheme != "https") {
    return Fail("option 'url' must be an https:// URL, got '" + Printable(o.at("url")) + "'");
  }
  return std::unique_ptr<Step>(std::make_unique<HmaStep>(o.at("url")));
}

}  // namespace

const ModuleDescriptor kHmaModule{
    "hma",
    "Hybrid modern authentication: the empty-Bearer probe",
    "Sends what Outlook for iOS and Android send first: a request with an empty "
    "'Authorization: Bearer' to the ActiveSync URL. A 401 with a Bearer challenge and its "
    "authorization_uri means hybrid modern authentication is offered; no Bearer, no "
    "authorization_uri, a 401 without challenges, an x-ms-diagnostics audience complaint (TLS "
    "offloaded in front) and any other status each have their finding. No credential is sent.",
    kHmaOptions,
    kHmaFacts,
    kHmaFindings,
    CreateHma,
    /*shareable=*/true,
    /*share_key=*/nullptr,
};

}  // namespace cxa::protocols
