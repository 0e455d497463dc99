// Modules `adfs-mex`, `adfs-metadata` and `adfs-signin`: the AD FS checks behind Office 365 single
// sign-on (protocols.md §1.3 SSO-6, SSO-7, SSO-9; §2.4). Each talks only to the STS host it is
// given, over https under the step's policy (the trust gate runs inside every handshake).
#include "protocols/adfs/adfs_modules.h"

#include <algorithm>
#include <cstdio>

#include "core/text.h"
#include "core/time_util.h"
#include "protocols/adfs/adfs_codec.h"
#include "transport/connection_report.h"
#include "transport/nonce.h"
#include "transport/url.h"

namespace cxa::protocols {
namespace {

// ---- findings ----

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
    "protocols.md §1.3 (SSO-6), §2.4"};
constexpr FindingInfo kMexMalformed{
    "adfs.mex.malformed",
    Severity::kError,
    "AD FS metadata exchange is not a WSDL document",
    "The MEX URL answered, but not with the WS-MetadataExchange WSDL document: a sign-in page, "
    "a proxy's error page or a damaged document. Clients cannot discover the sign-in endpoints.",
    "Make sure the URL reaches AD FS itself (not a portal or a reverse proxy's login page) and "
    "that the proxy passes /adfs/services/trust/mex through unchanged.",
    "protocols.md §2.4"};
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
    "protocols.md §2.4"};
constexpr FindingInfo kMetadataUnreachable{
    "adfs.metadata.unreachable",
    Severity::kError,
    "Federation metadata unreachable",
    "The federation metadata document (/FederationMetadata/2007-06/FederationMetadata.xml) "
    "could not be fetched. Microsoft 365 tooling and partners read the token-signing "
    "certificates from it; a 503 usually means the AD FS service or its proxy is stopped.",
    "Check the AD FS service and the Web Application Proxy; the metadata endpoint must be "
    "enabled and published (Get-AdfsEndpoint -AddressPath /FederationMetadata/2007-06/"
    "FederationMetadata.xml).",
    "protocols.md §1.3 (SSO-7), §2.4"};
constexpr FindingInfo kMetadataMalformed{
    "adfs.metadata.malformed",
    Severity::kError,
    "Federation metadata is not usable",
    "The federation metadata URL answered with something that is not SAML metadata, or with "
    "metadata that carries no usable token-signing certificate.",
    "Make sure the URL reaches AD FS itself and that the proxy passes it through unchanged; "
    "Get-AdfsCertificate -CertificateType Token-Signing shows the certificates it should list.",
    "protocols.md §2.4"};
constexpr FindingInfo kTokenSigningExpired{
    "adfs.token_signing.expired",
    Severity::kError,
    "Token-signing certificate expired",
    "A token-signing certificate published in the federation metadata has expired. When it is "
    "the one AD FS signs with, Microsoft 365 rejects every token: federated users cannot sign in "
    "at all. This typically happens when automatic certificate rollover renewed the certificate "
    "on AD FS but Microsoft 365 was never told, or when rollover is disabled.",
    "Renew the token-signing certificate on AD FS (Update-AdfsCertificate -CertificateType "
    "Token-Signing, or add a new one and make it primary), then update the federation trust in "
    "Microsoft 365 for every federated domain (Update-MgDomainFederationConfiguration, or the "
    "older Update-MsolFederatedDomain).",
    "Remote Connectivity Analyzer: token-signing certificate expired"};
constexpr FindingInfo kTokenSigningExpiring{
    "adfs.token_signing.expiring_soon",
    Severity::kWarning,
    "Token-signing certificate expires soon",
    "A token-signing certificate published in the federation metadata expires within the "
    "warning window and no successor is published yet. Once it expires, Microsoft 365 rejects "
    "the tokens it signed.",
    "Let automatic rollover create the successor (Get-AdfsProperties: AutoCertificateRollover) "
    "or add one by hand, and make sure Microsoft 365 receives the new certificate (the "
    "federation trust must be updated for every federated domain).",
    "protocols.md §1.3 (SSO-7)"};
constexpr FindingInfo kSigninOk{
    "adfs.signin.ok",
    Severity::kInfo,
    "Sign-in through AD FS succeeded",
    "AD FS accepted the user name and password on its WS-Trust username/password endpoint and "
    "issued a token for Microsoft 365.",
    "Nothing to fix.",
    "protocols.md §1.3 (SSO-9)"};
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
    "Remote Connectivity Analyzer: unknown user name or bad password"};
constexpr FindingInfo kSigninFailed{
    "adfs.signin.failed",
    Severity::kError,
    "AD FS sign-in endpoint did not answer usefully",
    "The WS-Trust username/password endpoint answered neither with a token nor with a SOAP "
    "fault (an error status, an HTML page, a connection failure): the endpoint is disabled, not "
    "published by the proxy, or the service is down.",
    "Check that the endpoint is enabled and published on the proxy (Get-AdfsEndpoint) and that "
    "the AD FS service runs.",
    "protocols.md §1.3 (SSO-9)"};
constexpr FindingInfo kSigninRefused{
    "adfs.signin.refused",
    Severity::kError,
    "Password not sent",
    "cxa did not send the password because the sign-in endpoint the MEX document advertises is "
    "not an https URL. (An https endpoint on another host than the federation service is "
    "judged by the credential rule instead: auth.credentials.withheld.)",
    "Check the endpoints the MEX document advertises; they should all be https URLs on the "
    "federation service name.",
    "DESIGN.md §8"};

constexpr FindingInfo kMexFindings[] = {kMexUnreachable, kMexMalformed, kNoUsernamemixed};
constexpr FindingInfo kMetadataFindings[] = {kMetadataUnreachable, kMetadataMalformed,
                                             kTokenSigningExpired, kTokenSigningExpiring};
constexpr FindingInfo kSigninFindings[] = {kSigninOk, kSigninRejected, kSigninFailed,
                                           kSigninRefused};

// ---- shared ----

// https://HOST[:PORT]PATH; the port is left out when it is 443, an IPv6 literal is bracketed.
std::string Url(const std::string& host, int port, const std::string& path) {
  std::string authority = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != 443) authority += ":" + std::to_string(port);
  return "https://" + authority + path;
}

HttpRequest BaseRequest(StepContext& ctx, const std::string& url) {
  HttpRequest req = StepRequest(ctx, url);
  req.limits.max_body_bytes = 1024 * 1024;
  return req;
}

// Fetches a document; on failure adds the connection's findings plus `unreachable` and returns
// nullopt.
std::optional<std::string> FetchDocument(StepContext& ctx, const std::string& url,
                                         const FindingInfo& unreachable, const char* what,
                                         StepResult& result) {
  HttpExchange ex = ctx.transport.Perform(BaseRequest(ctx, url));
  if (!ReportConnectionFailure(ex, ctx.now, result)) {
    result.findings.push_back(MakeFinding(unreachable, what + std::string(" could not be fetched"),
                                          url + ": " + ex.error->message));
    return std::nullopt;
  }
  result.stage = Stage::kHttp;
  if (ex.response->status != 200) {
    std::string detail = url + " answered " + ex.response->StatusLine();
    if (ex.response->status == 503) {
      detail += " (the federation service or the proxy in front of it is stopped)";
    }
    result.findings.push_back(
        MakeFinding(unreachable, what + std::string(" is not available"), detail));
    return std::nullopt;
  }
  result.stage = Stage::kProtocol;
  return ex.response->body;
}

Result<std::string> HostOption(const OptionMap& o) {
  std::string host = o.at("host");
  if (host.empty() || host.find_first_of("/?#@ ") != std::string::npos) {
    return Fail("option 'host' must be a host name, got '" + host + "'");
  }
  return host;
}

int PortOption(const OptionMap& o) { return std::stoi(o.at("port")); }

Result<std::string> PathOption(const OptionMap& o) {
  std::string path = o.at("path");
  if (path.empty() || path[0] != '/') return Fail("option 'path' must start with '/'");
  return path;
}

// ---- adfs-mex ----

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

// ---- adfs-metadata ----

constexpr OptionSpec kMetadataOptions[] = {
    {"host", OptionType::kString, true, "", "the federation service host (sts.contoso.com)"},
    {"port", OptionType::kPort, false, "443", "its TCP port"},
    {"path", OptionType::kString, false, "/FederationMetadata/2007-06/FederationMetadata.xml",
     "path of the federation metadata"},
    {"warn_days", OptionType::kInt, false, "30",
     "warn when a token-signing certificate expires within this many days"},
};
constexpr FactSpec kMetadataFacts[] = {
    {"entity_id", "the federation service identifier"},
    {"passive_endpoint", "the passive (browser) sign-in endpoint"},
    {"token_signing_count", "token-signing certificates published"},
    {"token_signing_subject", "subject of the token-signing certificate valid longest"},
    {"token_signing_not_after", "when the last valid token-signing certificate expires"},
    {"token_signing_days_left", "days until then (negative: all expired)"},
};

class MetadataStep : public Step {
 public:
  MetadataStep(std::string url, int warn_days) : url_(std::move(url)), warn_days_(warn_days) {}

  StepResult Run(StepContext& ctx) override {
    StepResult result;
    const std::string& url = url_;
    auto body = FetchDocument(ctx, url, kMetadataUnreachable, "the federation metadata", result);
    if (!body) return result;
    auto md = ParseFederationMetadata(*body);
    if (!md) {
      result.findings.push_back(MakeFinding(kMetadataMalformed, url + " is not federation metadata",
                                            md.error() + " (" + Excerpt(*body) + ")"));
      return result;
    }
    if (!md->entity_id.empty()) result.facts["entity_id"] = md->entity_id;
    if (!md->passive_endpoints.empty()) result.facts["passive_endpoint"] = md->passive_endpoints[0];
    result.facts["token_signing_count"] = std::to_string(md->signing.size());
    for (const auto& p : md->problems) {
      Finding f = MakeFinding(kMetadataMalformed, p, url);
      if (!md->signing.empty()) f.severity = Severity::kWarning;
      result.findings.push_back(f);
    }
    if (md->signing.empty()) {
      if (md->problems.empty()) {
        result.findings.push_back(MakeFinding(
            kMetadataMalformed, "the metadata publishes no token-signing certificate", url));
      }
      return result;
    }
    JudgeSigning(md->signing, ctx.now, result);
    return result;
  }

 private:
  static long DaysLeft(std::time_t not_after, std::time_t now) {
    return static_cast<long>((not_after - now) / 86400);
  }

  void JudgeSigning(const std::vector<SigningCertificate>& certs, std::time_t now,
                    StepResult& result) const {
    // The certificate valid longest: what keeps sign-in working.
    const SigningCertificate* last = nullptr;
    std::time_t last_end = 0;
    for (const auto& c : certs) {
      std::time_t end = ParseTime(c.info.not_after).value_or(0);
      if (!last || end > last_end) {
        last = &c;
        last_end = end;
      }
    }
    result.facts["token_signing_subject"] = last->info.subject;
    result.facts["token_signing_not_after"] = last->info.not_after;
    result.facts["token_signing_days_left"] = std::to_string(DaysLeft(last_end, now));
    const bool successor_ok = last_end - now > static_cast<std::time_t>(warn_days_) * 86400;
    for (const auto& c : certs) {
      std::time_t end = ParseTime(c.info.not_after).value_or(0);
      std::string who = c.info.subject + " (SHA-256 " + c.info.sha256.substr(0, 16) + "…)";
      if (end <= now) {
        Finding f = MakeFinding(
            kTokenSigningExpired,
            "token-signing certificate " + c.info.subject + " expired on " + c.info.not_after, who);
        if (end < last_end && last_end > now) {  // a newer certificate carries on
          f.severity = Severity::kInfo;
          f.message += "; a newer one valid until " + last->info.not_after + " is published";
        }
        result.findings.push_back(f);
      } else if (end - now <= static_cast<std::time_t>(warn_days_) * 86400) {
        Finding f =
            MakeFinding(kTokenSigningExpiring,
                        "token-signing certificate " + c.info.subject + " expires in " +
                            std::to_string(DaysLeft(end, now)) + " days (" + c.info.not_after + ")",
                        who);
        if (end < last_end && successor_ok) {
          f.severity = Severity::kInfo;
          f.message += "; its successor (valid until " + last->info.not_after +
                       ") is published: make sure Microsoft 365 has it";
        }
        result.findings.push_back(f);
      }
    }
  }

  std::string url_;
  int warn_days_;
};

Result<std::unique_ptr<Step>> CreateMetadata(const OptionMap& o) {
  auto host = HostOption(o);
  if (!host) return Fail(host.error());
  auto path = PathOption(o);
  if (!path) return Fail(path.error());
  int days = std::stoi(o.at("warn_days"));
  if (days < 0 || days > 3650) return Fail("option 'warn_days' must be 0..3650");
  return std::unique_ptr<Step>(
      std::make_unique<MetadataStep>(Url(*host, PortOption(o), *path), days));
}

// ---- adfs-signin ----

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

const ModuleDescriptor kAdfsMetadataModule{
    "adfs-metadata",
    "AD FS federation metadata and token-signing certificates",
    "Fetches https://HOST[:PORT]/FederationMetadata/2007-06/FederationMetadata.xml under the "
    "step's "
    "policy, reads the entity ID, the endpoints and every token-signing certificate "
    "(KeyDescriptor use=\"signing\"), and judges their expiry: expired is an error, expiring "
    "within warn_days a warning, unless a newer certificate is already published (a rollover in "
    "progress is reported as info).",
    kMetadataOptions,
    kMetadataFacts,
    kMetadataFindings,
    CreateMetadata,
    /*shareable=*/true,
    /*share_key=*/nullptr,
};

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
