// Module `adfs-mex`: the AD FS metadata exchange (MEX) document and the WS-Trust endpoints it
// advertises (protocols.md §1.3 SSO-6, §2.4).
#include "protocols/adfs/adfs_common.h"
#include "protocols/adfs/adfs_modules.h"

namespace cxa::protocols {
namespace {

using namespace adfs;

constexpr FindingInfo kMexUnreachable{
    "adfs.mex.unreachable",
    Severity::kError,
    "AD FS metadata exchange unreachable",
    "The federation service's WS-MetadataExchange document (/adfs/services/trust/mex) could not "
    "be fetched. Rich clients and Microsoft 365 use it to find the sign-in endpoints. A 503 "
    "usually means the AD FS service (or the Web Application Proxy in front of it) is stopped; "
    "a connection failure points at the firewall or the proxy.",
    "Check that the AD FS service runs on every farm node and that the Web Application Proxy "
    "publishes /adfs/ to the internet; Get-AdfsEndpoint lists the MEX endpoint and whether the "
    "proxy publishes it.",
    "WS-MetadataExchange; Remote Connectivity Analyzer: Active Directory Federated Services (AD "
    "FS) server is down or unreachable"};
constexpr FindingInfo kMexMalformed{
    "adfs.mex.malformed",
    Severity::kError,
    "AD FS metadata exchange is not a WSDL document",
    "The MEX URL answered, but not with the WS-MetadataExchange WSDL document: a sign-in page, "
    "a proxy's error page or a damaged document. Clients cannot discover the sign-in endpoints.",
    "Make sure the URL reaches AD FS itself (not a portal or a reverse proxy's login page) and "
    "that the proxy passes /adfs/services/trust/mex through unchanged.",
    "WS-MetadataExchange; WS-Trust 1.3"};
constexpr FindingInfo kNoUsernamemixed{
    "adfs.mex.no_usernamemixed",
    Severity::kWarning,
    "No username/password endpoint advertised",
    "The MEX document lists no WS-Trust username/password (usernamemixed) endpoint reachable over "
    "https. Clients that sign in with a user name and password through the active profile "
    "(legacy Outlook and ActiveSync sign-ins, scripts, the sign-in check of this test) cannot use "
    "this federation service; browser (passive) sign-in is not affected.",
    "If those clients must work, enable the endpoint and publish it on the proxy "
    "(Enable-AdfsEndpoint -TargetAddressPath /adfs/services/trust/2005/usernamemixed, and "
    "Set-AdfsEndpoint ... -Proxy $true); if it was disabled on purpose, ignore this warning.",
    "WS-Trust 1.3; WS-MetadataExchange"};
constexpr FindingInfo kMexFindings[] = {kMexUnreachable, kMexMalformed, kNoUsernamemixed};

constexpr OptionSpec kMexOptions[] = {
    {"host", OptionType::kString, true, "", "the federation service host (sts.contoso.com)"},
    {"port", OptionType::kPort, false, "443", "its TCP port"},
    {"path", OptionType::kString, false, "/adfs/services/trust/mex", "path of the MEX document"},
    {"url", OptionType::kString, false, "",
     "instead of host, port and path: the MEX URL realm discovery named (an https URL)"},
};
constexpr FactSpec kMexFacts[] = {
    {"usernamemixed_url", "the username/password WS-Trust endpoint a client would use"},
    {"usernamemixed_wstrust", "its WS-Trust version: 1.3 or 2005"},
    {"endpoints", "SOAP endpoints advertised (address and authentication)"},
};

class MexStep : public Step {
 public:
  MexStep(std::string host, std::string url) : host_(std::move(host)), url_(std::move(url)) {}

  StepResult Run(StepContext& ctx) override {
    StepResult result;
    const std::string& url = url_;
    auto body = FetchDocument(ctx, url, kMexUnreachable, "the MEX document", result);
    if (!body) return result;
    auto mex = ParseMex(*body);
    if (!mex) {
      result.findings.push_back(MakeFinding(kMexMalformed, url + " is not a MEX document",
                                            mex.error() + " (" + Excerpt(*body) + ")"));
      return result;
    }
    std::string list;
    for (const auto& e : mex->endpoints) {
      const char* auth = e.auth == MexAuth::kUsernamePassword ? "username"
                         : e.auth == MexAuth::kWindows        ? "windows"
                                                              : "other";
      list += (list.empty() ? "" : " ") + e.address + " (" + auth + ")";
    }
    if (!list.empty()) result.facts["endpoints"] = list;
    if (auto best = mex->Usernamemixed()) {
      result.facts["usernamemixed_url"] = best->address;
      result.facts["usernamemixed_wstrust"] = best->wstrust.empty() ? "1.3" : best->wstrust;
    } else {
      result.findings.push_back(
          MakeFinding(kNoUsernamemixed, host_ + " advertises no https username/password endpoint",
                      std::to_string(mex->endpoints.size()) + " SOAP endpoints listed"));
    }
    return result;
  }

 private:
  std::string host_, url_;
};

Result<std::unique_ptr<Step>> CreateMex(const OptionMap& o) {
  auto host = HostOption(o);
  if (!host) return Fail(host.error());
  auto path = PathOption(o);
  if (!path) return Fail(path.error());
  std::string url = o.count("url") ? o.at("url") : "";
  if (url.empty()) {
    url = Url(*host, PortOption(o), *path);
  } else if (auto u = SplitHttpUrl(url); !u || u->scheme != "https") {
    return Fail("option 'url' must be an https:// URL, got '" + Excerpt(url, 200) + "'");
  }
  return std::unique_ptr<Step>(std::make_unique<MexStep>(*host, url));
}

}  // namespace

const ModuleDescriptor kAdfsMexModule{
    "adfs-mex",
    "AD FS metadata exchange (MEX)",
    "Fetches https://HOST[:PORT]/adfs/services/trust/mex (or the MEX URL realm discovery named) "
    "under the step's policy, checks that it is a "
    "WS-MetadataExchange WSDL document and finds the WS-Trust endpoints it advertises; the "
    "username/password (usernamemixed) one over https, WS-Trust 1.3 preferred, becomes a fact "
    "for the sign-in step.",
    kMexOptions,
    kMexFacts,
    kMexFindings,
    CreateMex,
    /*shareable=*/true,
    /*share_key=*/nullptr,
};

}  // namespace cxa::protocols
