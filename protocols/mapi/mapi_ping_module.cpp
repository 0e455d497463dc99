// Module `mapi-ping`: one MAPI over HTTP endpoint (mailbox /mapi/emsmdb/ or address book
// /mapi/nspi/) asked anonymously, as Outlook's first request on every new HTTP session is: a
// PING POST without credentials (MS-OXCMAPIHTTP §2.2.6). The answer must be 401 with challenges
// Outlook can answer; what else comes back tells a virtual directory that is not published, a
// device in front that answers for the server, or an endpoint that lets anyone in. No
// credential is ever sent by this module.
#include "core/text.h"
#include "transport/auth_challenge.h"
#include "protocols/mapi/mapi_modules.h"
#include "protocols/mapi/mapi_request.h"
#include "transport/connection_report.h"
#include "transport/url.h"

namespace cxa::protocols {
namespace {

constexpr FindingInfo kAnonymousAllowed{
    "mapi.ping.anonymous_allowed",
    Severity::kError,
    "MAPI over HTTP answers without credentials",
    "The endpoint answered a request that carried no credentials as if it were authenticated. "
    "MAPI over HTTP allows no anonymous requests: a device in front that terminates "
    "authentication itself, or a virtual directory with anonymous access, exposes the mailbox "
    "protocol.",
    "Remove anonymous access from the mapi virtual directory (Set-MapiVirtualDirectory "
    "-IISAuthenticationMethods Ntlm,Negotiate,OAuth) and check what answers in front of it.",
    "MS-OXCMAPIHTTP §2.2.2 (no anonymous requests); Set-MapiVirtualDirectory"};
constexpr FindingInfo kNoSchemes{
    "mapi.auth.no_schemes",
    Severity::kError,
    "401 without any authentication scheme",
    "The endpoint answered 401 but named no scheme (no WWW-Authenticate header): Outlook cannot "
    "sign in. A reverse proxy or load balancer that answers for the server, or strips the "
    "header, is the usual cause.",
    "Let the server's challenges through the device in front, or publish /mapi with "
    "pass-through authentication.",
    "RFC 9110 §11.6.1 (WWW-Authenticate); MS-OXCMAPIHTTP §2.2.2"};
constexpr FindingInfo kSchemeMissing{
    "mapi.auth.scheme_missing",
    Severity::kError,
    "No authentication scheme Outlook can use",
    "The 401 offers none of the schemes Outlook uses for MAPI over HTTP (Negotiate, NTLM, "
    "Basic, Bearer): Outlook prompts for credentials again and again and never connects.",
    "Enable Negotiate and NTLM (and OAuth for modern authentication) on the mapi virtual "
    "directory: Set-MapiVirtualDirectory -IISAuthenticationMethods Ntlm,Negotiate,OAuth.",
    "MS-OXCMAPIHTTP §1.7 (authentication); Set-MapiVirtualDirectory"};
constexpr FindingInfo kBasicOffered{
    "mapi.auth.basic_offered",
    Severity::kWarning,
    "Basic authentication offered for MAPI over HTTP",
    "The endpoint offers Basic: passwords travel with every request (inside TLS) and are easy "
    "prey for password spraying; Exchange Online no longer accepts Basic for Outlook.",
    "Remove Basic from the mapi virtual directory's authentication methods and use NTLM, "
    "Negotiate or OAuth (hybrid modern authentication).",
    "RFC 7617 §4 (Basic, security); Set-MapiVirtualDirectory"};
constexpr FindingInfo kNoAuthorizationUri{
    "mapi.oauth.no_authorization_uri",
    Severity::kWarning,
    "Bearer challenge without authorization_uri",
    "The endpoint offers OAuth (Bearer) but does not say where to get a token: Outlook cannot "
    "use modern authentication here. On Exchange Server this means Microsoft Entra ID is not "
    "the default authorization server of hybrid modern authentication.",
    "Configure hybrid modern authentication: the EvoSTS auth server as default "
    "(Set-AuthServer -IsDefaultAuthorizationEndpoint $true) and OAuth enabled for the "
    "organization.",
    "RFC 6750 §3 (WWW-Authenticate Bearer); Set-AuthServer"};
constexpr FindingInfo kNotFound{
    "mapi.http.not_found",
    Severity::kError,
    "MAPI over HTTP endpoint not found (404)",
    "The path of the endpoint answers 404: the mapi virtual directory is not published (a "
    "reverse proxy or firewall rule that lets /owa and /rpc through but not /mapi), or the "
    "name leads to a server without it.",
    "Publish /mapi/ on the reverse proxy or load balancer to the Exchange servers, and check "
    "the virtual directory (Get-MapiVirtualDirectory).",
    "MS-OXCMAPIHTTP §2.1 (transport); Set-MapiVirtualDirectory"};
constexpr FindingInfo kBadRequest{
    "mapi.http.bad_request",
    Severity::kError,
    "MAPI over HTTP endpoint answers 400",
    "The endpoint refused the request as malformed before authentication. Exchange answers an "
    "empty 400 when the URL lacks ?MailboxId=, so a URL from Autodiscover without it, or a "
    "proxy that strips the query, ends here.",
    "Check the MailStore and AddressBook URLs Autodiscover returns and any rewriting of the "
    "query string in front of the server.",
    "MS-OXCMAPIHTTP §2.2.2 (the MailboxId)"};
constexpr FindingInfo kRedirected{
    "mapi.http.redirected",
    Severity::kWarning,
    "MAPI over HTTP endpoint redirects",
    "The endpoint answered an anonymous request with a redirect instead of 401: a front end "
    "that sends unauthenticated clients to a sign-in page (forms-based pre-authentication) "
    "breaks Outlook, which cannot follow it.",
    "Publish /mapi/ without forms-based pre-authentication (pass-through or Kerberos "
    "constrained delegation on the reverse proxy).",
    "MS-OXCMAPIHTTP §2.2.2.2 (status codes)"};
constexpr FindingInfo kUnexpected{
    "mapi.http.unexpected_status",
    Severity::kError,
    "Unexpected answer from the MAPI over HTTP endpoint",
    "An anonymous PING got neither 401 nor one of the answers above (a 403 from a filter, a 5xx "
    "from the server or a device in front): Outlook cannot connect through this endpoint.",
    "Read the status in the finding; check the server's health (GET /mapi/healthcheck.htm), "
    "IIS logs and any filter in front.",
    "MS-OXCMAPIHTTP §2.2.2.2 (status codes)"};
constexpr FindingInfo kUnlikeAutodiscover{
    "mapi.auth.unlike_autodiscover",
    Severity::kInfo,
    "MAPI over HTTP does not offer the method Autodiscover announces",
    "Autodiscover's Outlook Anywhere settings name an authentication method (AuthPackage) that "
    "this endpoint's 401 does not offer. Outlook uses the endpoint's own challenges for MAPI "
    "over HTTP, so this matters when it falls back to RPC over HTTP, or when clients are "
    "configured from the announced method: the two virtual directories are set up differently.",
    "Align the methods: Get-OutlookAnywhere | fl ExternalClientAuthenticationMethod and "
    "Get-MapiVirtualDirectory | fl IISAuthenticationMethods.",
    "MS-OXDSCLI (AuthPackage element); Set-MapiVirtualDirectory"};
constexpr FindingInfo kPingFindings[] = {
    kAnonymousAllowed, kNoSchemes,  kSchemeMissing, kBasicOffered, kNoAuthorizationUri,
    kNotFound,         kBadRequest, kRedirected,    kUnexpected,   kUnlikeAutodiscover};

constexpr OptionSpec kPingOptions[] = {
    {"url", OptionType::kString, true, "",
     "the endpoint URL (https://HOST/mapi/emsmdb/?MailboxId=GUID@DOMAIN or .../mapi/nspi/...)"},
    {"auth_package", OptionType::kString, false, "",
     "the AuthPackage Autodiscover announced (Basic, Ntlm, Negotiate), compared with the 401"},
};
constexpr FactSpec kPingFacts[] = {
    {"endpoint", "emsmdb (mailbox) or nspi (address book)"},
    {"status", "the HTTP status of the anonymous PING"},
    {"schemes", "the authentication schemes the 401 offers, in order"},
    {"authorization_uri", "where a Bearer challenge sends clients for a token"},
    {"server_application", "X-ServerApplication, when the server tells its build"},
    {"location", "where a redirect points"},
};

class PingStep : public Step {
 public:
  PingStep(std::string url, std::string endpoint, std::string auth_package)
      : url_(std::move(url)),
        endpoint_(std::move(endpoint)),
        auth_package_(std::move(auth_package)) {}

  StepResult Run(StepContext& ctx) override {
    StepResult result;
    result.facts["endpoint"] = endpoint_;
    HttpRequest req =
        mapi::MapiRequest(ctx, url_, "PING", "", mapi::ClientGuid(ctx, "mapi-ping"), 1);
    HttpExchange ex = ctx.transport.Perform(req);
    if (!ReportConnection(ex, ctx.now, result) || !ex.response) return result;
    result.stage = Stage::kProtocol;
    const HttpResponse& r = *ex.response;
    result.facts["status"] = std::to_string(r.status);
    if (auto app = r.Header("X-ServerApplication")) {
      result.facts["server_application"] = Printable(Excerpt(*app, 60));
    }
    if (r.status == 401) return Challenges(r, result);
    if (r.status >= 200 && r.status < 300) {
      result.findings.push_back(MakeFinding(
          kAnonymousAllowed, endpoint_ + " answered " + r.StatusLine() + " without credentials",
          r.Header("X-ResponseCode") ? "X-ResponseCode: " + Printable(*r.Header("X-ResponseCode"))
                                     : ""));
    } else if (r.status == 404) {
      result.findings.push_back(MakeFinding(kNotFound, url_ + " answered " + r.StatusLine()));
    } else if (r.status == 400) {
      result.findings.push_back(MakeFinding(kBadRequest, url_ + " answered " + r.StatusLine()));
    } else if (r.status >= 300 && r.status < 400) {
      const std::string to = Printable(Excerpt(r.Header("Location").value_or(""), 200));
      if (!to.empty()) result.facts["location"] = to;
      result.findings.push_back(MakeFinding(
          kRedirected, endpoint_ + " redirects an anonymous request (" + r.StatusLine() + ")",
          to.empty() ? "" : "Location: " + to));
    } else {
      result.findings.push_back(
          MakeFinding(kUnexpected, endpoint_ + " answered " + r.StatusLine() + " to a PING",
                      Printable(Excerpt(r.body, 160))));
    }
    return result;
  }

 private:
  // Judges the challenges of the 401.
  StepResult& Challenges(const HttpResponse& r, StepResult& result) {
    std::vector<AuthChallenge> challenges = ChallengesOf(r);
    std::vector<std::string> schemes = SchemeNames(challenges);
    if (schemes.empty()) {
      result.findings.push_back(
          MakeFinding(kNoSchemes, endpoint_ + " answered 401 without a WWW-Authenticate header"));
      return result;
    }
    result.facts["schemes"] = Join(schemes);
    bool usable = false;
    for (const char* s : {"Negotiate", "NTLM", "Basic", "Bearer"}) {
      usable = usable || FindChallenge(challenges, s) != nullptr;
    }
    if (!usable) {
      result.findings.push_back(
          MakeFinding(kSchemeMissing, endpoint_ + " offers only " + Join(schemes)));
    }
    if (FindChallenge(challenges, "Basic") != nullptr) {
      result.findings.push_back(MakeFinding(kBasicOffered, endpoint_ + " offers Basic"));
    }
    if (const char* scheme = AnnouncedScheme();
        scheme != nullptr && FindChallenge(challenges, scheme) == nullptr) {
      result.findings.push_back(
          MakeFinding(kUnlikeAutodiscover, "Autodiscover announces " + Printable(auth_package_) +
                                               "; " + endpoint_ + " offers " + Join(schemes)));
    }
    if (const AuthChallenge* bearer = FindChallenge(challenges, "Bearer")) {
      auto uri = bearer->Param("authorization_uri");
      if (uri && !uri->empty()) {
        result.facts["authorization_uri"] = Printable(Excerpt(*uri, 200));
      } else {
        result.findings.push_back(MakeFinding(
            kNoAuthorizationUri, endpoint_ + " offers Bearer without an authorization_uri"));
      }
    }
    return result;
  }

  // The scheme of the announced AuthPackage, or nullptr when none (or one without a scheme).
  const char* AnnouncedScheme() const {
    const std::string p = ToLower(auth_package_);
    if (p == "basic") return "Basic";
    if (p == "ntlm") return "NTLM";
    if (p == "negotiate") return "Negotiate";
    return nullptr;
  }

  std::string url_;
  std::string endpoint_;
  std::string auth_package_;
};

Result<std::unique_ptr<Step>> CreatePing(const OptionMap& o) {
  const std::string& url = o.at("url");
  auto u = SplitHttpUrl(url);
  if (!u || u->scheme != "https") {
    return Fail("option 'url' must be an https:// URL, got '" + Printable(url) + "'");
  }
  std::string path = u->path;
  for (char& c : path) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string endpoint = path.find("/mapi/nspi") != std::string::npos ? "nspi" : "emsmdb";
  return std::unique_ptr<Step>(std::make_unique<PingStep>(
      url, std::move(endpoint), o.count("auth_package") ? o.at("auth_package") : ""));
}

}  // namespace

const ModuleDescriptor kMapiPingModule{
    "mapi-ping",
    "One MAPI over HTTP endpoint, asked without credentials",
    "POSTs a PING (X-RequestType: PING, no body, no credentials) to the endpoint as Outlook's "
    "first request on a new connection does; the trust gate judges the certificate. A 401 is "
    "the expected answer: its challenges are listed (Negotiate, NTLM, Basic, Bearer and its "
    "authorization_uri) and judged against what Outlook can use and the AuthPackage Autodiscover "
    "announced. A 2xx without credentials, a "
    "401 without challenges, a 404 (not published), a 400 (no MailboxId), a redirect and any "
    "other status each have their finding. No credential is ever sent.",
    kPingOptions,
    kPingFacts,
    kPingFindings,
    CreatePing,
    /*shareable=*/true,
    /*share_key=*/nullptr,
};

}  // namespace cxa::protocols
