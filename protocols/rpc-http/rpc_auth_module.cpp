// Module `rpc-auth`: the authentication schemes an RPC proxy offers (no credentials sent).
#include <strings.h>

#include <algorithm>

#include "core/text.h"
#include "protocols/rpc-http/rpc_proxy_common.h"
#include "protocols/rpc-http/rpch_modules.h"
#include "transport/connection_report.h"

namespace cxa::protocols {
namespace {

using rpch::Opt;
using rpch::ProxyUrl;
using rpch::RpcRequest;

constexpr FindingInfo kMethodMissing{
    "oa.auth.method_missing",
    Severity::kError,
    "The RPC proxy does not offer Outlook's authentication method",
    "Autodiscover tells Outlook to authenticate to the RPC proxy with one method (AuthPackage), "
    "but /rpc/rpcproxy.dll does not offer it in its 401 answer: Outlook keeps prompting for "
    "credentials or cannot connect.",
    "Make the RPC virtual directory's authentication match Outlook Anywhere's external client "
    "authentication (Set-OutlookAnywhere -ExternalClientAuthenticationMethod, "
    "-IISAuthenticationMethods), "
    "and check that a reverse proxy passes the WWW-Authenticate headers through.",
    "Remote Connectivity Analyzer: All Required Authentication Methods Could Not be Found; "
    "Set-OutlookAnywhere"};
constexpr FindingInfo kNoneOffered{
    "oa.auth.none_offered",
    Severity::kError,
    "The RPC proxy offers no authentication method",
    "An unauthenticated request to /rpc/rpcproxy.dll got 401 without any WWW-Authenticate "
    "header: nothing a client could answer. A reverse proxy (ISA/TMG without delegation) often "
    "strips them.",
    "Configure the publishing rule to pass authentication through (no delegation) or to "
    "delegate Basic/NTLM; check the IIS authentication of the /rpc virtual directory.",
    "Remote Connectivity Analyzer: No Supported Authentication Methods Found in Response; "
    "Set-OutlookAnywhere"};
constexpr FindingInfo kAnonymous{
    "oa.auth.anonymous",
    Severity::kWarning,
    "The RPC proxy answers without authentication",
    "/rpc/rpcproxy.dll accepted an unauthenticated request: either something other than the RPC "
    "proxy answers, or anonymous access is enabled on the /rpc virtual directory.",
    "Disable anonymous authentication on the /rpc virtual directory; check what answers the URL.",
    "Remote Connectivity Analyzer: Anonymous Authentication Enabled for Virtual Directory; "
    "Set-OutlookAnywhere"};
constexpr FindingInfo kProxyMissing{
    "oa.auth.proxy_missing",
    Severity::kError,
    "No RPC proxy at /rpc/rpcproxy.dll",
    "/rpc/rpcproxy.dll answered 404: the RPC over HTTP proxy component or the /rpc virtual "
    "directory is missing on this host, or the publishing rule does not include /rpc/*.",
    "Install the RPC over HTTP Proxy feature and enable Outlook Anywhere on the server; publish "
    "/rpc/* through the reverse proxy.",
    "MS-RPCH 2.1.2.1; Set-OutlookAnywhere"};
constexpr FindingInfo kAuthUnexpected{
    "oa.auth.unexpected",
    Severity::kError,
    "Unexpected answer from the RPC proxy",
    "An unauthenticated request to /rpc/rpcproxy.dll got neither 401 nor a known answer.",
    "Check what answers /rpc/rpcproxy.dll on this host (the status line is in the finding).",
    "MS-RPCH 2.1.2.1; RFC 9110 §11 (HTTP authentication)"};
constexpr FindingInfo kAuthFindings[] = {kMethodMissing, kNoneOffered, kAnonymous, kProxyMissing,
                                         kAuthUnexpected};

constexpr FactSpec kAuthFacts[] = {
    {"auth_schemes", "schemes offered by WWW-Authenticate, in order"},
    {"status", "the HTTP status of the unauthenticated request"},
};

class AuthStep : public Step {
 public:
  explicit AuthStep(const OptionMap& o)
      : proxy_(Opt(o, "proxy")),
        server_(Opt(o, "server")),
        auth_(ToLower(Opt(o, "auth"))),
        package_(Opt(o, "auth_package")) {}

  StepResult Run(StepContext& ctx) override {
    StepResult result;
    std::string url = ProxyUrl(proxy_, server_, 6001);
    HttpRequest req = RpcRequest(ctx, url);
    HttpExchange ex = ctx.transport.Perform(req);
    if (!ReportConnectionFailure(ex, ctx.now, result)) return result;
    result.stage = Stage::kHttp;
    const HttpResponse& r = *ex.response;
    result.facts["status"] = std::to_string(r.status);
    std::vector<std::string> schemes = r.AuthSchemes();
    result.facts["auth_schemes"] = Join(schemes);
    if (r.status == 401) {
      if (schemes.empty()) {
        result.findings.push_back(MakeFinding(kNoneOffered, url + " answers 401 with no scheme"));
        return result;
      }
      std::string want = auth_ == "basic" ? "Basic" : "NTLM";
      bool offered = std::any_of(schemes.begin(), schemes.end(), [&](const std::string& s) {
        return strcasecmp(s.c_str(), want.c_str()) == 0;
      });
      if (!offered) {
        result.findings.push_back(
            MakeFinding(kMethodMissing,
                        "the RPC proxy offers " + Join(schemes) + ", not " + want +
                            (package_.empty() ? "" : " (AuthPackage " + package_ + ")"),
                        url));
        return result;
      }
      result.stage = Stage::kProtocol;
      return result;
    }
    if (r.status >= 200 && r.status < 300) {
      result.findings.push_back(
          MakeFinding(kAnonymous, url + " answered " + r.StatusLine() + " without credentials"));
    } else if (r.status == 404) {
      result.findings.push_back(MakeFinding(kProxyMissing, url + " answered " + r.StatusLine()));
    } else {
      result.findings.push_back(
          MakeFinding(kAuthUnexpected, url + " answered " + r.StatusLine(), Excerpt(r.body)));
    }
    return result;
  }

 private:
  std::string proxy_, server_, auth_, package_;
};

}  // namespace

const ModuleDescriptor kRpcAuthModule{
    "rpc-auth",
    "RPC proxy authentication methods",
    "Sends an unauthenticated RPC_IN_DATA to https://PROXY/rpc/rpcproxy.dll?SERVER:6001 and "
    "reads the schemes of the 401 answer's WWW-Authenticate headers. The method Outlook will "
    "use (auth: the Autodiscover AuthPackage) must be among them; no scheme at all, an "
    "anonymous 2xx and 404 (no RPC proxy) are reported. No credentials are sent.",
    rpch::kProxyOptions,
    kAuthFacts,
    kAuthFindings,
    rpch::CreateProxyStep<AuthStep>,
    /*shareable=*/true,
    /*share_key=*/nullptr,
};

}  // namespace cxa::protocols
