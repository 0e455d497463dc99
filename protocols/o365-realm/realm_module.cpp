// Module `o365-realm`: Office 365 realm discovery for a user (or a bare domain).
//
// Steps:
//   1. GET {endpoint}/getuserrealm.srf?login=<upn>&xml=1 over TLS under the step's policy (the
//      realm endpoint's own certificate is judged like any other);
//   2. if that answer is not a realm answer, the JSON form (same URL without xml=1);
//   3. classify: Federated (facts: the IdP's sign-in URLs and host; a non-AD FS IdP is named),
//      Managed, Unknown. A throttled, HTML or non-200 answer is realm.lookup.unavailable, never
//      "not federated".
#include "protocols/o365-realm/realm_module.h"

#include "core/text.h"
#include "protocols/o365-realm/realm_codec.h"
#include "transport/connection_report.h"
#include "transport/url.h"

namespace cxa::protocols {
namespace {

constexpr FindingInfo kUnavailable{
    "realm.lookup.unavailable",
    Severity::kError,
    "Realm discovery unavailable",
    "Microsoft's realm discovery endpoint did not give a usable answer (an error status, an HTML "
    "page, throttling). Nothing can be concluded about the domain's federation from it.",
    "Run the test again later; if it persists, check the endpoint (--cloud, --realm-endpoint) and "
    "any proxy between cxa and it.",
    "RFC 9110 §15.6 (server errors)"};
constexpr FindingInfo kManaged{
    "realm.namespace.managed",
    Severity::kError,
    "Domain is not federated",
    "Microsoft 365 reports the domain as Managed: its users sign in with cloud passwords (or "
    "pass-through authentication / hash sync), not through AD FS. Single sign-on through the "
    "on-premises federation service is not configured for it, or the user name has a typo.",
    "Check the user principal name. To federate the domain, convert it with the Microsoft Entra "
    "tools (for example Convert-MsolDomainToFederated / New-MgDomainFederationConfiguration) "
    "after AD FS is reachable from the internet with a public certificate.",
    "Remote Connectivity Analyzer: Name Space is not Federated"};
constexpr FindingInfo kUnknown{
    "realm.namespace.unknown",
    Severity::kError,
    "Domain not registered in Microsoft 365",
    "Microsoft 365 does not know the domain: it is not added to any tenant, or the user name "
    "has a typo.",
    "Check the spelling; add and verify the domain in the tenant before configuring federation.",
    "Remote Connectivity Analyzer: UPN issues when authenticating; Remote Connectivity Analyzer: "
    "Name Space is not Federated"};
constexpr FindingInfo kFederated{
    "realm.namespace.federated",
    Severity::kError,
    "Domain is federated (expected managed)",
    "Microsoft 365 reports the domain as Federated, but the test expected it to be Managed "
    "(e.g. after a cut-over to cloud authentication).",
    "Finish the conversion to managed authentication, or run the test with expect=federated.",
    "Remote Connectivity Analyzer: Name Space is not Federated"};
constexpr FindingInfo kThirdParty{
    "realm.idp.third_party",
    Severity::kInfo,
    "Federated with another identity provider",
    "The domain is federated, but its sign-in URL is not an AD FS one (no /adfs/ls/ path): another "
    "identity provider (Okta, PingFederate, ...) handles it. The AD FS-specific checks do not "
    "apply; its TLS certificate is still checked.",
    "Nothing to fix if this provider is intended.",
    "WS-Federation 1.2; WS-Trust 1.3"};
constexpr FindingInfo kInfos[] = {kUnavailable, kManaged, kUnknown, kFederated, kThirdParty};

constexpr OptionSpec kOptions[] = {
    {"user", OptionType::kString, true, "",
     "user principal name (user@domain) or a bare domain (a placeholder user is used)"},
    {"endpoint", OptionType::kString, false, "https://login.microsoftonline.com",
     "realm discovery endpoint (global, usgov, china or a lab URL)"},
    {"expect", OptionType::kString, false, "federated",
     "federated, managed or any: what the domain should be"},
};

constexpr FactSpec kFacts[] = {
    {"namespace_type", "Federated, Managed or Unknown"},
    {"domain", "the domain as Microsoft 365 knows it"},
    {"brand", "federation brand name"},
    {"auth_url", "passive sign-in URL of the identity provider"},
    {"sts_auth_url", "active (WS-Trust) endpoint"},
    {"mex_url", "WS-MetadataExchange URL"},
    {"sts_host", "host of the identity provider (the AD FS name to test)"},
    {"sts_port", "TCP port of the identity provider's sign-in URL (443 unless the URL names one)"},
    {"idp", "adfs or third-party"},
};

class RealmStep : public Step {
 public:
  RealmStep(std::string user, std::string endpoint, std::string expect)
      : user_(std::move(user)), endpoint_(std::move(endpoint)), expect_(std::move(expect)) {}

  StepResult Run(StepContext& ctx) override {
    StepResult result;
    std::string login = user_.find('@') == std::string::npos ? "nn@" + user_ : user_;
    // Findings and facts speak of the domain, never of the user: a batch shares this result
    // between the users of one domain.
    std::string domain = login.substr(login.find('@') + 1);
    std::string base = endpoint_ + "/getuserrealm.srf?login=" + UrlEncode(login);
    HttpExchange ex = Get(ctx, base + "&xml=1");
    if (!ReportConnection(ex, ctx.now, result)) return result;
    std::string why;
    Result<RealmInfo> info = Fail("");
    if (ex.response->status == 200) {
      info = ParseRealmXml(ex.response->body);
      if (!info) why = "the XML form: " + info.error();
    } else {
      why = "HTTP " + std::to_string(ex.response->status) + " " + ex.response->reason;
    }
    if (!info) {  // the JSON form as a fallback
      HttpExchange js = Get(ctx, base);
      if (!js.error && js.response && js.response->status == 200) {
        info = ParseRealmJson(js.response->body);
        if (!info)
          why += "; the JSON form: " + info.error() + " (" + Excerpt(js.response->body) + ")";
      } else if (js.response) {
        why += "; the JSON form: HTTP " + std::to_string(js.response->status);
      } else if (js.error) {
        why += "; the JSON form: " + js.error->message;
      }
    }
    if (!info) {
      result.stage = Stage::kHttp;
      result.findings.push_back(MakeFinding(
          kUnavailable, "realm discovery for " + domain + " gave no usable answer", why));
      return result;
    }
    result.stage = Stage::kProtocol;
    const RealmInfo& r = *info;
    auto fact = [&](const char* k, const std::string& v) {
      if (!v.empty()) result.facts[k] = v;
    };
    fact("namespace_type", r.namespace_type);
    fact("domain", r.domain);
    fact("brand", r.brand);
    fact("auth_url", WithoutQueryParameter(r.auth_url, "username"));
    fact("sts_auth_url", r.sts_auth_url);
    fact("mex_url", r.mex_url);
    if (r.namespace_type == "Federated") {
      // The sign-in URL names the federation service: its host and its port (an AD FS
      // published on https://sts.contoso.com:8443/ is tested there, not on 443).
      auto auth = SplitHttpUrl(r.auth_url);
      std::string host = auth ? auth->host : "";
      fact("sts_host", host);
      if (auth && !host.empty()) fact("sts_port", std::to_string(auth->port));
      const std::string where =
          auth && auth->port != 443 ? host + ":" + std::to_string(auth->port) : host;
      // The federation service Microsoft names for the domain may receive the user's password
      // (the WS-Trust sign-in); the runner accepts the grant only under enforced trust.
      if (!host.empty()) {
        result.credential_grants.emplace_back(
            host, "the federation service realm discovery at " + UrlHost(endpoint_) + " named");
      }
      fact("idp", IsAdfsUrl(r.auth_url) ? "adfs" : "third-party");
      if (expect_ == "managed") {
        result.findings.push_back(MakeFinding(kFederated, r.domain + " is federated to " + where));
      }
      if (!r.auth_url.empty() && !IsAdfsUrl(r.auth_url)) {
        result.findings.push_back(MakeFinding(
            kThirdParty, r.domain + " is federated to " + where + ", which is not AD FS",
            r.auth_url));
      }
    } else if (r.namespace_type == "Managed") {
      Finding f = MakeFinding(kManaged, (r.domain.empty() ? domain : r.domain) +
                                            " is managed by Microsoft 365, not federated");
      if (expect_ != "federated") f.severity = Severity::kInfo;
      result.findings.push_back(f);
    } else if (r.namespace_type == "Unknown") {
      result.findings.push_back(
          MakeFinding(kUnknown, domain + " is not registered in Microsoft 365"));
    } else {
      result.findings.push_back(MakeFinding(
          kUnavailable,
          "realm discovery answered an unknown namespace type '" + r.namespace_type + "'"));
    }
    return result;
  }

 private:
  HttpExchange Get(StepContext& ctx, const std::string& url) {
    HttpRequest req;
    req.url = url;
    req.trust = &ctx.trust;
    req.verify_time = ctx.now;
    req.timeouts = ctx.timeouts;
    req.limits.max_body_bytes = 256 * 1024;
    return ctx.transport.Perform(req);
  }

  std::string user_, endpoint_, expect_;
};

// Realm discovery answers per domain: users of one domain share one lookup in a batch.
std::string ShareKey(const OptionMap& o) {
  std::string user = o.at("user");
  std::string domain = user.substr(user.find('@') + 1);
  for (char& c : domain) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o.at("endpoint") + "\n" + o.at("expect") + "\n" + domain;
}

Result<std::unique_ptr<Step>> Create(const OptionMap& o) {
  std::string user = o.at("user");
  if (user.empty() || user.find_first_of(" /?#&") != std::string::npos) {
    return Fail("option 'user' must be a UPN (user@domain) or a domain, got '" + user + "'");
  }
  std::string endpoint = o.at("endpoint");
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  if (endpoint.rfind("https://", 0) != 0) {
    return Fail("option 'endpoint' must be an https:// URL, got '" + endpoint + "'");
  }
  std::string expect = o.at("expect");
  if (expect != "federated" && expect != "managed" && expect != "any") {
    return Fail("option 'expect' must be federated, managed or any, got '" + expect + "'");
  }
  return std::unique_ptr<Step>(std::make_unique<RealmStep>(user, endpoint, expect));
}

}  // namespace

const ModuleDescriptor kO365RealmModule{
    "o365-realm",
    "Office 365 realm discovery",
    "Asks Microsoft 365's realm discovery (getuserrealm.srf, XML then JSON) how the user's domain "
    "signs in: Federated (with the identity provider's URLs and host), Managed or Unknown. The "
    "realm endpoint's certificate is judged under the step's policy.",
    kOptions,
    kFacts,
    kInfos,
    Create,
    /*shareable=*/true,
    ShareKey,
};

}  // namespace cxa::protocols
