// Module `adfs-signin`: a WS-Trust username/password sign-in, only with a password and only to
// the federation service the credential rule allows (protocols.md §1.3 SSO-9).
#include "protocols/adfs/adfs_common.h"
#include "protocols/adfs/adfs_modules.h"

namespace cxa::protocols {
namespace {

using namespace adfs;

constexpr FindingInfo kSigninOk{
    "adfs.signin.ok",
    Severity::kInfo,
    "Sign-in through AD FS succeeded",
    "AD FS accepted the user name and password on its WS-Trust username/password endpoint and "
    "issued a token for Microsoft 365.",
    "Nothing to fix.",
    "WS-Trust 1.3"};
constexpr FindingInfo kSigninRejected{
    "adfs.signin.rejected",
    Severity::kError,
    "AD FS rejected the sign-in",
    "AD FS answered the WS-Trust request with a SOAP fault: the user name or the password is "
    "wrong, the account is locked or disabled, or the user principal name is not in a domain "
    "this farm authenticates.",
    "Check the user principal name and the password (sign in to the AD FS page in a browser with "
    "the same account); look at the AD FS admin event log for the failure reason and at extranet "
    "lockout settings.",
    "Remote Connectivity Analyzer: Unknown Username or bad password; WS-Trust 1.3"};
constexpr FindingInfo kSigninFailed{
    "adfs.signin.failed",
    Severity::kError,
    "AD FS sign-in endpoint did not answer usefully",
    "The WS-Trust username/password endpoint answered neither with a token nor with a SOAP "
    "fault (an error status, an HTML page, a connection failure): the endpoint is disabled, not "
    "published by the proxy, or the service is down.",
    "Check that the endpoint is enabled and published on the proxy (Get-AdfsEndpoint) and that "
    "the AD FS service runs.",
    "WS-Trust 1.3; Remote Connectivity Analyzer: Active Directory Federated Services (AD FS) "
    "server is down or unreachable"};
constexpr FindingInfo kSigninRefused{
    "adfs.signin.refused",
    Severity::kError,
    "Password not sent",
    "cxa did not send the password because the sign-in endpoint the MEX document advertises is "
    "not an https URL. (An https endpoint on another host than the federation service is "
    "judged by the credential rule instead: auth.credentials.withheld.)",
    "Check the endpoints the MEX document advertises; they should all be https URLs on the "
    "federation service name.",
    "WS-Trust 1.3; RFC 9110 §4.2.2 (the https scheme)"};
constexpr FindingInfo kSigninFindings[] = {kSigninOk, kSigninRejected, kSigninFailed,
                                           kSigninRefused};

constexpr OptionSpec kSigninOptions[] = {
    {"host", OptionType::kString, true, "",
     "the federation service host whose certificate was checked; the password goes nowhere else"},
    {"url", OptionType::kString, true, "", "the username/password WS-Trust endpoint (from MEX)"},
    {"wstrust", OptionType::kString, false, "1.3", "WS-Trust version of the endpoint: 1.3 or 2005"},
    {"user", OptionType::kString, true, "", "the user principal name to sign in as"},
};
constexpr FactSpec kSigninFacts[] = {
    {"token_type", "the type of token AD FS issued"},
    {"token_issuer", "the issuer named in the token"},
    {"fault_code", "the SOAP fault code of a rejected sign-in"},
};

// A message ID that is unique per user, endpoint and second, and the same when a recording is
// replayed (the verification time is pinned then), so replayed requests match byte for byte.
std::string MessageId(const std::string& user, const std::string& url, std::time_t now) {
  std::string seed = user + "\n" + url + "\n" + std::to_string(now);
  std::array<std::uint8_t, 32> d = Sha256(seed);
  d[6] = static_cast<unsigned char>((d[6] & 0x0f) | 0x40);
  d[8] = static_cast<unsigned char>((d[8] & 0x3f) | 0x80);
  char buf[40];
  std::snprintf(buf, sizeof buf,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", d[0], d[1],
                d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13], d[14],
                d[15]);
  return std::string("urn:uuid:") + buf;
}

class SigninStep : public Step {
 public:
  SigninStep(std::string host, std::string url, std::string wstrust, std::string user)
      : host_(std::move(host)),
        url_(std::move(url)),
        wstrust_(std::move(wstrust)),
        user_(std::move(user)) {}

  StepResult Run(StepContext& ctx) override {
    if (auto skip = SkipWithoutPassword(ctx)) return *skip;
    StepResult result;
    if (user_.find('@') == std::string::npos) {
      result.outcome = Outcome::kSkipped;
      result.skip_reason =
          "skipped: signing in needs a user principal name, not the domain '" + user_ + "'";
      return result;
    }
    bool https = url_.size() > 8 && strncasecmp(url_.c_str(), "https://", 8) == 0;
    if (!https) {
      result.findings.push_back(MakeFinding(kSigninRefused,
                                            "the sign-in endpoint " + url_ + " is not an https URL",
                                            "the password was not sent"));
      return result;
    }
    // An endpoint on another host than the federation service (a MEX document someone changed)
    // gets the password only where the credential rule allows it.
    const bool elsewhere = strcasecmp(UrlHost(url_).c_str(), host_.c_str()) != 0;
    std::string why;
    auto password = ctx.credentials.Release(ctx.password, url_, &why);
    if (!password) {
      result.findings.push_back(CredentialsWithheld(
          url_,
          elsewhere ? "the MEX document of " + host_ + ", which names another host"
                    : "the federation service named by realm discovery",
          why));
      return result;
    }
    WsTrustRequest rst;
    rst.endpoint = url_;
    rst.wstrust = wstrust_;
    rst.username = user_;
    rst.password = *password;
    rst.message_id = MessageId(user_, url_, ctx.now);
    rst.created = FormatTime(ctx.now);
    rst.expires = FormatTime(ctx.now + 600);
    HttpRequest req = BaseRequest(ctx, url_);
    req.method = "POST";
    req.carries_credentials = true;
    req.headers = {{"Content-Type", "application/soap+xml; charset=utf-8; action=\"" +
                                        WsTrustAction(wstrust_) + "\""},
                   {"SOAPAction", WsTrustAction(wstrust_)}};
    req.body = BuildWsTrustRequest(rst);
    HttpExchange ex = ctx.transport.Perform(req);
    if (!ReportConnectionFailure(ex, ctx.now, result)) {
      result.findings.push_back(MakeFinding(kSigninFailed,
                                            "the sign-in request could not be completed",
                                            url_ + ": " + ex.error->message));
      return result;
    }
    result.stage = Stage::kHttp;
    auto answer = ParseWsTrustAnswer(ex.response->body);
    if (!answer) {
      result.findings.push_back(MakeFinding(
          kSigninFailed, url_ + " answered " + ex.response->StatusLine() + " without a SOAP answer",
          answer.error() + " (" + Excerpt(ex.response->body) + ")"));
      return result;
    }
    result.stage = Stage::kProtocol;
    if (answer->kind == WsTrustAnswer::kFault) {
      if (!answer->fault_code.empty()) result.facts["fault_code"] = answer->fault_code;
      result.findings.push_back(MakeFinding(
          kSigninRejected, "AD FS rejected the sign-in of " + user_,
          (answer->fault_code.empty() ? "" : answer->fault_code + ": ") + answer->fault_reason));
      return result;
    }
    if (!answer->token_type.empty()) result.facts["token_type"] = answer->token_type;
    if (!answer->assertion_issuer.empty()) result.facts["token_issuer"] = answer->assertion_issuer;
    result.findings.push_back(
        MakeFinding(kSigninOk, "AD FS issued a token for " + user_, answer->token_type));
    return result;
  }

 private:
  std::string host_, url_, wstrust_, user_;
};

Result<std::unique_ptr<Step>> CreateSignin(const OptionMap& o) {
  auto host = HostOption(o);
  if (!host) return Fail(host.error());
  std::string wstrust = o.at("wstrust");
  if (wstrust != "1.3" && wstrust != "2005") {
    return Fail("option 'wstrust' must be 1.3 or 2005, got '" + wstrust + "'");
  }
  std::string user = o.at("user");
  if (user.empty()) return Fail("option 'user' is empty");
  return std::unique_ptr<Step>(std::make_unique<SigninStep>(*host, o.at("url"), wstrust, user));
}

}  // namespace

const ModuleDescriptor kAdfsSigninModule{
    "adfs-signin",
    "AD FS username/password sign-in (WS-Trust)",
    "Only with a password (--password-env or --password-stdin): sends a WS-Trust "
    "RequestSecurityToken for Microsoft 365 with the user's name and password to the "
    "usernamemixed endpoint, which must be an https URL on the federation service host whose "
    "certificate the strict policy accepted. A token is adfs.signin.ok, a SOAP fault "
    "adfs.signin.rejected. The password never appears in a report or a recording.",
    kSigninOptions,
    kSigninFacts,
    kSigninFindings,
    CreateSignin,
    /*shareable=*/false,
    /*share_key=*/nullptr,
};

}  // namespace cxa::protocols
