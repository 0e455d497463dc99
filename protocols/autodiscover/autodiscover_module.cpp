// Module `autodiscover`: finds a mailbox's Outlook Anywhere settings the way Outlook does from
// outside (protocols.md §1.2 A, MS-OXDISCO): POST to https://DOMAIN/autodiscover/autodiscover.xml,
// then https://autodiscover.DOMAIN/..., then the HTTP redirect method on port 80, then the
// _autodiscover._tcp SRV record; in-band redirectAddr / redirectUrl and HTTP redirects, at most
// max_hops. Each candidate is a child step with its own connection findings. Credentials follow
// the credential rule (transport/credentials.h): only to hosts within the user's domain, named by
// the operator; a redirect (HTTP, port 80, SRV, redirectAddr, redirectUrl) never extends that
// trust, and only an authenticated settings answer vouches for the RPC proxy it names.
#include "protocols/autodiscover/autodiscover_module.h"

#include <strings.h>

#include <algorithm>
#include <set>

#include "cert/x509.h"
#include "core/targets.h"
#include "core/text.h"
#include "protocols/autodiscover/autodiscover_codec.h"
#include "transport/connection_report.h"
#include "transport/url.h"

namespace cxa::protocols {
namespace {

constexpr std::string_view kRef = "protocols.md §1.2, §2.2; MS-OXDSCLI; MS-OXDISCO";

constexpr FindingInfo kManual{
    "autodiscover.settings.manual",
    Severity::kInfo,
    "Manual Outlook Anywhere settings",
    "The RPC proxy and the other Outlook Anywhere settings were given by the operator, so "
    "Autodiscover was not asked (like the analyzer's manual mode).",
    "Run without rpc_proxy to test Autodiscover as well.",
    kRef};
constexpr FindingInfo kCandidateFailed{
    "autodiscover.candidate.failed",
    Severity::kError,
    "Autodiscover URL gave no usable answer",
    "This candidate Autodiscover URL did not produce an Autodiscover answer (no connection, "
    "certificate refused, an HTTP error, or not an Autodiscover document). Outlook moves on to "
    "the next candidate; when a later one works this is information only.",
    "If this URL is meant to answer, check its DNS name, certificate and the Autodiscover "
    "virtual directory; otherwise nothing to change.",
    kRef};
constexpr FindingInfo kNotFound{
    "autodiscover.lookup.not_found",
    Severity::kError,
    "Autodiscover found no settings",
    "No candidate (the SMTP domain, autodiscover.DOMAIN, the HTTP redirect method on port 80, "
    "the _autodiscover._tcp SRV record) produced an Autodiscover answer: Outlook cannot set up "
    "the profile from outside.",
    "Publish autodiscover.<domain> (DNS A/CNAME record to the Exchange or hybrid endpoint, a "
    "publicly trusted certificate naming it) or an _autodiscover._tcp SRV record pointing to a "
    "host whose certificate names it.",
    kRef};
constexpr FindingInfo kCredentialsRejected{
    "autodiscover.auth.rejected",
    Severity::kError,
    "Autodiscover rejected the credentials",
    "The Autodiscover endpoint answered 401 to the credentials: wrong user name format or "
    "password, a locked account, or an authentication method that does not accept them.",
    "Check the user name (DOMAIN\\user or the UPN), the password and the account; check the "
    "authentication methods of the Autodiscover virtual directory "
    "(Get-AutodiscoverVirtualDirectory "
    "| fl *Authentication*).",
    kRef};
constexpr FindingInfo kNoScheme{
    "autodiscover.auth.unsupported",
    Severity::kError,
    "Autodiscover offers no usable authentication",
    "The Autodiscover endpoint answered 401 without offering Basic or NTLM (only Negotiate, or "
    "nothing): clients outside the domain cannot authenticate; a reverse proxy may be stripping "
    "the WWW-Authenticate headers.",
    "Enable Basic or NTLM on the Autodiscover virtual directory, or let the reverse proxy pass "
    "them through (pre-authentication breaks Autodiscover).",
    kRef};
constexpr FindingInfo kInsecureRedirect{
    "autodiscover.redirect.refused",
    Severity::kError,
    "Autodiscover redirect refused",
    "A redirect pointed to a URL Outlook does not follow with credentials: plain http, or a path "
    "that is not /autodiscover/autodiscover.xml. Nothing was sent there.",
    "Redirect only to https://<host>/autodiscover/autodiscover.xml.",
    kRef};
constexpr FindingInfo kOtherDomain{
    "autodiscover.redirect.other_domain",
    Severity::kWarning,
    "Autodiscover points to a host outside the user's domain",
    "A redirect (an HTTP redirect, the port-80 redirect method, the SRV record, a redirectAddr "
    "or redirectUrl) sends Outlook to a host outside the user's domain. Outlook asks the user "
    "(\"Allow this website to configure "
    "server settings?\") before it sends credentials there, because anyone who controls the "
    "domain's web site, port 80 or DNS answers can forge such a redirect; cxa sends the request "
    "there without credentials (auth.credentials.withheld) unless the operator allows the host.",
    "If the host is legitimately yours or your provider's, run again with "
    "--allow-credentials-to HOST; better, publish autodiscover.<domain> with a certificate for "
    "it, so that no redirect to another domain is needed. If you do not know the host, find out "
    "who answers for your domain (the apex web site, port 80, the SRV record).",
    kRef};
constexpr FindingInfo kTooManyHops{
    "autodiscover.redirect.limit",
    Severity::kError,
    "Too many Autodiscover redirects",
    "Autodiscover redirects (HTTP, redirectUrl, redirectAddr) went on for more hops than Outlook "
    "follows (10), or came back to an address already tried: a loop.",
    "Fix the redirect chain: the last redirect must reach a server that answers with settings.",
    kRef};
constexpr FindingInfo kHttpRedirectOther{
    "autodiscover.redirect.http_unusable",
    Severity::kError,
    "HTTP redirect method gave no usable redirect",
    "http://autodiscover.DOMAIN/autodiscover/autodiscover.xml on port 80 answered, but not with a "
    "redirect (301/302/307) to an https Autodiscover URL; Outlook ignores any other answer there.",
    "On port 80 of autodiscover.<domain>, answer only with a redirect to "
    "https://<host>/autodiscover/autodiscover.xml.",
    kRef};
constexpr FindingInfo kSrvNone{
    "autodiscover.srv.not_found",
    Severity::kInfo,
    "No Autodiscover SRV record",
    "There is no _autodiscover._tcp SRV record for the domain (or none on port 443). That is "
    "only a problem when no other candidate works.",
    "If the domain cannot publish autodiscover.<domain>, add _autodiscover._tcp.<domain> SRV 0 0 "
    "443 <host>.",
    kRef};
constexpr FindingInfo kMalformed{
    "autodiscover.answer.malformed",
    Severity::kError,
    "Autodiscover answer is not valid",
    "The endpoint answered 200, but the body is not an Autodiscover (POX) answer (an HTML page, "
    "a mobile-sync (MS-ASCMD) answer, broken XML), or its settings name a server that is not a "
    "host name (spaces, control characters, a URL), which no client can connect to.",
    "Check what answers /autodiscover/autodiscover.xml (a web site, a reverse proxy's error "
    "page) and that Autodiscover requests reach Exchange.",
    kRef};
constexpr FindingInfo kErrors[] = {
    {"autodiscover.error.address_unknown", Severity::kError,
     "Autodiscover does not know the address (500)",
     "Autodiscover answered ErrorCode 500: no mailbox has that e-mail address (or it is not yet "
     "replicated).",
     "Check the primary SMTP address of the mailbox (Get-Mailbox | fl PrimarySmtpAddress) and "
     "that the address was typed right.",
     kRef},
    {"autodiscover.error.no_configuration", Severity::kError,
     "Autodiscover has no configuration for the address (501)",
     "Autodiscover answered ErrorCode 501: no configuration is available for this address (no "
     "provider settings, or a mail-enabled user without a mailbox).",
     "Check that the address belongs to a mailbox and that the Outlook providers exist "
     "(Get-OutlookProvider).",
     kRef},
    {"autodiscover.error.invalid_address", Severity::kError,
     "Autodiscover refused the address (502)",
     "Autodiscover answered ErrorCode 502: the address is not valid for this Autodiscover "
     "service.",
     "Check the address and the accepted domains of the organization.", kRef},
    {"autodiscover.error.invalid_request", Severity::kError,
     "Autodiscover refused the request (600)",
     "Autodiscover answered ErrorCode 600 (invalid request): often another service (a mobile "
     "sync endpoint, a third-party server) answers the POX request.",
     "Check that /autodiscover/autodiscover.xml reaches Exchange's Autodiscover service.", kRef},
    {"autodiscover.error.provider_unavailable", Severity::kError,
     "Autodiscover provider unavailable (601)",
     "Autodiscover answered ErrorCode 601: the requested response schema (Outlook) is not "
     "available.",
     "Check the Outlook providers (Get-OutlookProvider) and the Autodiscover virtual directory.",
     kRef},
    {"autodiscover.error.configuration_failed", Severity::kError,
     "Autodiscover could not build the configuration (602)",
     "Autodiscover answered ErrorCode 602: the server failed to build the settings.",
     "Check the Exchange server's application event log for Autodiscover errors.", kRef},
    {"autodiscover.error.internal", Severity::kError, "Autodiscover internal error (603)",
     "Autodiscover answered ErrorCode 603: an internal server error.",
     "Check the Exchange server's application event log for Autodiscover errors.", kRef},
    {"autodiscover.error.other", Severity::kError, "Autodiscover answered with an error",
     "Autodiscover answered with an error code outside the documented ones.",
     "Check the Exchange server's application event log for Autodiscover errors.", kRef},
};
constexpr FindingInfo kNoExpr{
    "autodiscover.settings.no_expr",
    Severity::kError,
    "Outlook Anywhere is not published (no EXPR)",
    "The Autodiscover answer has no EXPR (or external EXHTTP) block: Outlook Anywhere is not "
    "enabled or has no external host name, so Outlook outside the network cannot use RPC over "
    "HTTP.",
    "Enable Outlook Anywhere with an external host name (Set-OutlookAnywhere -ExternalHostname "
    "... -ExternalClientAuthenticationMethod ...).",
    kRef};
constexpr FindingInfo kNoExch{
    "autodiscover.settings.no_exch",
    Severity::kWarning,
    "No EXCH block in the Autodiscover answer",
    "The answer has no EXCH block, which names the mailbox server (the RPC target): MAPI may be "
    "disabled for the mailbox.",
    "Check Get-CASMailbox | fl MAPIEnabled and the EXCH provider (Get-OutlookProvider EXCH).",
    kRef};
constexpr FindingInfo kNoAuthPackage{
    "autodiscover.settings.no_auth_package",
    Severity::kWarning,
    "EXPR without AuthPackage",
    "The EXPR block does not say which authentication Outlook should use at the RPC proxy (the "
    "EXPR provider's Server setting overrides it); Outlook falls back to NTLM.",
    "Set the external client authentication method (Set-OutlookAnywhere "
    "-ExternalClientAuthenticationMethod Ntlm|Basic|Negotiate) and clear any Server override on "
    "the EXPR provider (Set-OutlookProvider EXPR -Server $null).",
    kRef};
constexpr FindingInfo kSslOff{
    "autodiscover.settings.ssl_off",
    Severity::kWarning,
    "Outlook Anywhere published without SSL",
    "The EXPR block says SSL Off: Outlook would connect to the RPC proxy over plain HTTP, which "
    "only works behind an SSL-offloading device that Outlook still reaches over HTTPS.",
    "Publish Outlook Anywhere with SSL (Set-OutlookAnywhere -ExternalClientsRequireSsl $true).",
    kRef};

constexpr FindingInfo kFindings[] = {
    kManual,           kCandidateFailed, kNotFound,    kCredentialsRejected, kNoScheme,
    kInsecureRedirect, kOtherDomain,     kTooManyHops, kHttpRedirectOther,   kSrvNone,
    kMalformed,        kErrors[0],       kErrors[1],   kErrors[2],           kErrors[3],
    kErrors[4],        kErrors[5],       kErrors[6],   kErrors[7],           kNoExpr,
    kNoExch,           kNoAuthPackage,   kSslOff};

const FindingInfo& ErrorFinding(const std::string& code) {
  static const char* const kCodes[] = {"500", "501", "502", "600", "601", "602", "603"};
  for (size_t i = 0; i < 7; ++i) {
    if (code == kCodes[i]) return kErrors[i];
  }
  return kErrors[7];
}

constexpr OptionSpec kOptions[] = {
    {"email", OptionType::kString, true, "", "the mailbox's e-mail address"},
    {"user", OptionType::kString, false, "",
     "user name for Autodiscover (DOMAIN\\user or UPN; default: the e-mail address)"},
    {"rpc_proxy", OptionType::kString, false, "",
     "manual mode: the RPC proxy host; Autodiscover is then not asked"},
    {"rpc_server", OptionType::kString, false, "", "manual mode: the RPC target (mailbox server)"},
    {"auth", OptionType::kString, false, "ntlm", "manual mode: basic or ntlm"},
    {"cert_principal_name", OptionType::kString, false, "",
     "manual mode: the mutual authentication name (msstd:HOST; default msstd:<rpc_proxy>)"},
    {"max_hops", OptionType::kInt, false, "10", "redirects followed at most"},
    {"srv", OptionType::kBool, false, "true", "try the _autodiscover._tcp SRV record last"},
};

constexpr FactSpec kFacts[] = {
    {"source", "autodiscover or manual"},
    {"url", "the Autodiscover URL that answered"},
    {"email", "the address the settings are for (after redirectAddr)"},
    {"display_name", "the mailbox's display name"},
    {"proxy", "the RPC proxy host (EXPR/Server)"},
    {"ssl", "on or off"},
    {"auth_package", "AuthPackage as sent (Basic, Ntlm, Negotiate, ...)"},
    {"rpc_auth", "basic or ntlm: how the RPC proxy steps authenticate"},
    {"rpc_server", "the RPC target (EXCH/Server)"},
    {"cert_principal_name", "the mutual authentication name (msstd:...)"},
    {"ews_url", "Exchange Web Services URL"},
    {"owa_url", "Outlook on the web URL"},
    {"auth_method", "how Autodiscover was authenticated: basic, ntlm or anonymous"},
    {"user", "the user name the later steps authenticate with"},
};

bool Redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

bool Offers(const std::vector<std::string>& schemes, const char* name) {
  return std::any_of(schemes.begin(), schemes.end(),
                     [&](const std::string& s) { return strcasecmp(s.c_str(), name) == 0; });
}

// The normalized RPC proxy authentication for the later steps: basic or ntlm (Negotiate is
// tried as NTLM, as Outlook does outside the domain).
std::string RpcAuth(const std::string& auth_package) {
  std::string a = ToLower(auth_package);
  return a == "basic" ? "basic" : "ntlm";
}

class AutodiscoverStep : public Step {
 public:
  explicit AutodiscoverStep(const OptionMap& o)
      : email_(o.at("email")),
        user_(o.count("user") && !o.at("user").empty() ? o.at("user") : o.at("email")),
        manual_proxy_(o.count("rpc_proxy") ? o.at("rpc_proxy") : ""),
        manual_server_(o.count("rpc_server") ? o.at("rpc_server") : ""),
        manual_auth_(o.count("auth") ? ToLower(o.at("auth")) : "ntlm"),
        manual_cpn_(o.count("cert_principal_name") ? o.at("cert_principal_name") : ""),
        max_hops_(std::stoi(o.at("max_hops"))),
        srv_(o.at("srv") == "true") {}

  StepResult Run(StepContext& ctx) override {
    StepResult result;
    result.facts["user"] = user_;
    if (!manual_proxy_.empty()) return Manual();
    std::string address = email_;
    std::string how;  // how the current address was reached ("" for the operator's)
    std::set<std::string> addresses;
    while (true) {
      if (!addresses.insert(ToLower(address)).second || hops_ > max_hops_) {
        result.findings.push_back(MakeFinding(
            kTooManyHops,
            "Autodiscover redirects loop or exceed " + std::to_string(max_hops_) + " hops",
            "address " + address));
        break;
      }
      Outcome o = Discover(ctx, address, how, result);
      if (o.kind == Outcome::kRestart) {
        address = o.address;
        how = o.how;
        ++hops_;
        continue;
      }
      break;
    }
    if (!needs_password_.empty()) {
      // Without a password the search stops at the first URL that asks for credentials.
      result.outcome = cxa::Outcome::kSkipped;
      result.skip_reason = "skipped: " + needs_password_ +
                           " asks for credentials: give the password (--password-stdin or "
                           "--password-env VAR), or test the RPC proxy without Autodiscover "
                           "with --input rpc_proxy=HOST";
    }
    return result;
  }

 private:
  struct Outcome {
    enum Kind { kDone, kRestart, kNext } kind = kNext;
    std::string address;  // kRestart: the new address
    std::string how;      // kRestart: how it was learned
  };

  StepResult Manual() {
    StepResult result;
    result.stage = Stage::kProtocol;
    result.facts["source"] = "manual";
    result.facts["user"] = user_;
    result.facts["email"] = email_;
    result.facts["proxy"] = manual_proxy_;
    result.facts["ssl"] = "on";
    result.facts["auth_package"] = manual_auth_ == "basic" ? "Basic" : "Ntlm";
    result.facts["rpc_auth"] = RpcAuth(manual_auth_);
    result.facts["rpc_server"] = manual_server_.empty() ? manual_proxy_ : manual_server_;
    result.facts["cert_principal_name"] =
        manual_cpn_.empty() ? "msstd:" + manual_proxy_ : manual_cpn_;
    result.findings.push_back(MakeFinding(kManual, "manual settings: RPC proxy " + manual_proxy_ +
                                                       ", RPC server " +
                                                       result.facts["rpc_server"]));
    return result;
  }

  // The candidates for one address, in Outlook's order; returns when one answered.
  // `how`: how the address was learned ("" for the operator's own).
  Outcome Discover(StepContext& ctx, const std::string& address, const std::string& how,
                   StepResult& result) {
    std::string domain = EmailDomain(address);
    if (domain.empty()) {
      result.findings.push_back(
          MakeFinding(kNotFound, "'" + address + "' is not an e-mail address"));
      return {};
    }
    for (const std::string& url :
         {"https://" + domain + "/autodiscover/autodiscover.xml",
          "https://autodiscover." + domain + "/autodiscover/autodiscover.xml"}) {
      Outcome o = TryUrl(ctx, url, address, how, result);
      if (o.kind != Outcome::kNext || Finished(result)) return o;
    }
    Outcome o = HttpRedirectMethod(ctx, domain, address, result);
    if (o.kind != Outcome::kNext || Finished(result)) return o;
    if (srv_) {
      o = SrvMethod(ctx, domain, address, result);
      if (o.kind != Outcome::kNext || Finished(result)) return o;
    }
    result.findings.push_back(
        MakeFinding(kNotFound, "no Autodiscover candidate answered for " + address,
                    std::to_string(result.children.size()) + " candidate(s) tried"));
    return {};
  }

  // A conclusive finding (credentials rejected, an Autodiscover error, redirects exhausted)
  // ends the search.
  static bool Finished(const StepResult& result) {
    return std::any_of(result.findings.begin(), result.findings.end(),
                       [](const Finding& f) { return f.severity == Severity::kError; });
  }

  StepResult& Child(StepResult& result, const std::string& title) {
    StepResult c;
    c.step_id = "candidate-" + std::to_string(result.children.size() + 1);
    c.module = "autodiscover";
    c.title = title;
    c.trust_policy = result.trust_policy;
    result.children.push_back(std::move(c));
    return result.children.back();
  }

  // Earlier candidates that failed are information once a later one answered.
  static void Settle(StepResult& result) {
    for (auto& c : result.children) {
      bool failed = false;
      for (auto& f : c.findings) {
        if (f.severity != Severity::kError) continue;
        f.severity = Severity::kInfo;
        failed = true;
      }
      if (failed) {
        c.outcome = cxa::Outcome::kSkipped;
        c.skip_reason = "not used: no answer here (see the findings); a later candidate answered";
      }
    }
  }

  // The credential rule refused `url`: the candidate ends without credentials, saying how the
  // URL was reached; a host outside the scope reached through a redirect is also
  // autodiscover.redirect.other_domain.
  void Withhold(const StepContext& ctx, StepResult& c, const std::string& url,
                const std::string& address, const std::string& how, const std::string& why) {
    std::string host = UrlHost(url);
    if (!how.empty() && !ctx.credentials.Covers(host)) {
      c.findings.push_back(
          MakeFinding(kOtherDomain, how + " leads to " + host + ", outside " + EmailDomain(email_),
                      "if " + host + " is yours, --allow-credentials-to " + host));
    }
    c.findings.push_back(CredentialsWithheld(
        url, how.empty() ? "an Autodiscover candidate of " + address : how, why));
  }

  HttpRequest Post(StepContext& ctx, const std::string& url, const std::string& address) {
    HttpRequest req = StepRequest(ctx, url);
    req.method = "POST";
    req.headers = {{"Content-Type", "text/xml; charset=utf-8"},
                   {"User-Agent", "Microsoft Office/16.0 (cxa connectivity test)"},
                   {"X-AnchorMailbox", address}};
    req.body = BuildPoxRequest(address);
    req.limits.max_body_bytes = 1024 * 1024;
    return req;
  }

  // POSTs to one Autodiscover URL (and where it redirects): anonymous first, then with the
  // scheme the 401 offers.
  // `how`: how this URL was learned ("" for the candidates of the operator's address); it names
  // the source in an auth.credentials.withheld finding.
  Outcome TryUrl(StepContext& ctx, std::string url, const std::string& address, std::string how,
                 StepResult& result) {
    for (;;) {
      StepResult& c = Child(result, "Autodiscover POST " + url + " for " + address);
      // A URL an answer named (a redirect, SRV) is fetched only from public addresses, unless
      // the operator aimed its name (transport: net.address.private).
      const bool learned = !how.empty();
      HttpRequest first = Post(ctx, url, address);
      first.public_only = learned;
      HttpExchange ex = ctx.transport.Perform(first);
      if (!ReportConnection(ex, ctx.now, c)) {
        c.findings.push_back(MakeFinding(kCandidateFailed, url + " did not answer"));
        return {};
      }
      c.stage = Stage::kHttp;
      std::string method = "anonymous";
      if (ex.response->status == 401) {
        std::vector<std::string> schemes = ex.response->AuthSchemes();
        c.facts["auth_schemes"] = Join(schemes);
        if (ctx.password.empty()) {
          needs_password_ = url;
          Settle(result);
          return {Outcome::kDone, "", ""};
        }
        std::string why;
        auto password = ctx.credentials.Release(ctx.password, url, &why);
        if (!password) {
          Withhold(ctx, c, url, address, how, why);
          return {};
        }
        HttpRequest again = Post(ctx, url, address);
        again.carries_credentials = true;
        again.public_only = learned;
        if (Offers(schemes, "Basic")) {
          method = "basic";
          again.headers.emplace_back("Authorization",
                                     "Basic " + cert::EncodeBase64(user_ + ":" + *password));
        } else if (Offers(schemes, "NTLM")) {
          method = "ntlm";
          again.ntlm_user = user_;
          again.ntlm_password = *password;
        } else {
          c.findings.push_back(MakeFinding(kNoScheme, url + " offers no Basic or NTLM",
                                           "WWW-Authenticate: " + Join(schemes)));
          return {};
        }
        ex = ctx.transport.Perform(again);
        if (!ReportConnectionFailure(ex, ctx.now, c)) {
          c.findings.push_back(MakeFinding(kCandidateFailed, url + " failed with credentials"));
          return {};
        }
        if (ex.response->status == 401) {
          c.findings.push_back(MakeFinding(
              kCredentialsRejected, url + " rejected the " + method + " credentials of " + user_,
              "WWW-Authenticate: " + Join(schemes)));
          result.findings.push_back(c.findings.back());
          return {};
        }
      }
      const HttpResponse& r = *ex.response;
      // No redirect extends the credential scope, not even one in an authenticated answer (a
      // server in the domain may be compromised or hosted by someone else): a redirect out of
      // the domain needs the operator's --allow-credentials-to. Only the RPC proxy an
      // authenticated settings answer names becomes a credential destination of later steps.
      const bool authenticated = method != "anonymous";
      const std::string answer_of =
          std::string(authenticated ? "the authenticated" : "the anonymous") + " answer of " + url;
      if (Redirect(r.status)) {
        std::string to = ResolveLocation(url, r.Header("Location").value_or(""));
        if (!CheckHeaderSafe(to).empty() || !IsAutodiscoverHttpsUrl(to)) {
          c.findings.push_back(MakeFinding(
              kInsecureRedirect, url + " redirects to " + Excerpt(to, 200), r.StatusLine()));
          return {};
        }
        c.facts["redirect"] = to;
        if (++hops_ > max_hops_) {
          result.findings.push_back(MakeFinding(
              kTooManyHops, "more than " + std::to_string(max_hops_) + " Autodiscover redirects"));
          return {};
        }
        how = "an HTTP redirect in " + answer_of;
        url = to;
        continue;
      }
      if (r.status != 200) {
        c.findings.push_back(
            MakeFinding(kCandidateFailed, url + " answered " + r.StatusLine(), Excerpt(r.body)));
        return {};
      }
      auto answer = ParsePoxAnswer(r.body);
      if (!answer) {
        c.findings.push_back(MakeFinding(kMalformed,
                                         url + " answered 200 without a valid "
                                               "Autodiscover document",
                                         answer.error()));
        return {};
      }
      c.stage = Stage::kProtocol;
      result.stage = Stage::kProtocol;
      switch (answer->kind) {
        case PoxAnswer::kRedirectAddr: {
          if (std::string bad = CheckEmailAddress(answer->redirect); !bad.empty()) {
            c.findings.push_back(MakeFinding(
                kInsecureRedirect, url + " answers a redirectAddr that cxa refuses: " + bad,
                "redirectAddr " + Excerpt(answer->redirect, 200)));
            result.findings.push_back(c.findings.back());
            return {Outcome::kDone, "", ""};
          }
          c.facts["redirect_addr"] = answer->redirect;
          Settle(result);
          return {Outcome::kRestart, answer->redirect,
                  "redirectAddr " + answer->redirect + " in " + answer_of};
        }
        case PoxAnswer::kRedirectUrl:
          if (!CheckHeaderSafe(answer->redirect).empty() ||
              !IsAutodiscoverHttpsUrl(answer->redirect)) {
            c.findings.push_back(MakeFinding(
                kInsecureRedirect, url + " answers redirectUrl " + Excerpt(answer->redirect, 200)));
            result.findings.push_back(c.findings.back());
            return {Outcome::kDone, "", ""};
          }
          c.facts["redirect_url"] = answer->redirect;
          if (++hops_ > max_hops_) {
            result.findings.push_back(
                MakeFinding(kTooManyHops,
                            "more than " + std::to_string(max_hops_) + " Autodiscover redirects"));
            return {Outcome::kDone, "", ""};
          }
          Settle(result);
          how = "redirectUrl in " + answer_of;
          url = answer->redirect;
          continue;
        case PoxAnswer::kError: {
          Settle(result);
          std::string meaning(PoxErrorMeaning(answer->error_code));
          result.findings.push_back(MakeFinding(ErrorFinding(answer->error_code),
                                                "Autodiscover error " + answer->error_code +
                                                    " for " + address +
                                                    (meaning.empty() ? "" : ": " + meaning),
                                                answer->error_message));
          result.facts["url"] = url;
          return {Outcome::kDone, "", ""};
        }
        case PoxAnswer::kSettings:
          Settle(result);
          result.facts["auth_method"] = method;
          Settings(*answer, url, address, result);
          // The later steps may authenticate at the proxy an authenticated answer named; one an
          // anonymous answer named gets credentials only if it is in scope anyway.
          if (authenticated && result.facts.count("proxy")) {
            result.credential_grants.emplace_back(result.facts["proxy"],
                                                  "the RPC proxy named in " + answer_of);
          }
          return {Outcome::kDone, "", ""};
      }
    }
  }

  // A mailbox server as EXCH names it: a host name, or GUID@domain (Exchange 2013 and later).
  static bool IsMailboxServerName(std::string_view name) {
    size_t at = name.find('@');
    if (at == std::string_view::npos) return IsHostName(name);
    std::string_view id = name.substr(0, at);
    return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
      return std::isxdigit(static_cast<unsigned char>(c)) || c == '-';
    }) && IsHostName(name.substr(at + 1));
  }

  void Settings(const PoxAnswer& answer, const std::string& url, const std::string& address,
                StepResult& result) {
    OutlookAnywhereSettings s = OutlookAnywhereFrom(answer);
    // Server names go into later requests: a name that is not one is the answer's fault, reported
    // here and never passed on.
    auto bad_name = [&](const char* block, const std::string& name) {
      result.findings.push_back(MakeFinding(kMalformed,
                                            "the " + std::string(block) +
                                                " server in the answer for " + address +
                                                " is not a host name",
                                            "'" + Excerpt(name, 120) + "' from " + url));
    };
    const bool proxy_bad = !s.proxy.empty() && !IsHostName(s.proxy);
    if (proxy_bad) {
      bad_name("EXPR (RPC proxy)", s.proxy);
      s.proxy.clear();
    }
    bool exch_bad = s.has_exch && !s.rpc_server.empty() && !IsMailboxServerName(s.rpc_server);
    if (exch_bad) bad_name("EXCH (mailbox)", s.rpc_server);
    result.facts["source"] = "autodiscover";
    result.facts["url"] = url;
    result.facts["email"] = address;
    if (!answer.display_name.empty()) result.facts["display_name"] = answer.display_name;
    if (!s.ews_url.empty()) result.facts["ews_url"] = s.ews_url;
    if (!s.owa_url.empty()) result.facts["owa_url"] = s.owa_url;
    if (!s.has_exch) {
      result.findings.push_back(
          MakeFinding(kNoExch, "the answer for " + address + " names no mailbox server (no EXCH)"));
    } else if (!exch_bad) {
      result.facts["rpc_server"] = s.rpc_server;
    }
    if (s.proxy.empty()) {
      if (!proxy_bad) {
        result.findings.push_back(MakeFinding(
            kNoExpr, "the answer for " + address + " has no Outlook Anywhere (EXPR) settings"));
      }
      return;
    }
    result.facts["proxy"] = s.proxy;
    result.facts["ssl"] = s.ssl ? "on" : "off";
    result.facts["cert_principal_name"] = s.cert_principal_name;
    result.facts["auth_package"] = s.auth_package;
    result.facts["rpc_auth"] = RpcAuth(s.auth_package);
    if (!s.has_exch) result.facts["rpc_server"] = s.proxy;
    if (s.auth_package.empty()) {
      result.findings.push_back(MakeFinding(
          kNoAuthPackage, "EXPR for " + s.proxy + " has no AuthPackage; testing with NTLM"));
    }
    if (!s.ssl) {
      result.findings.push_back(MakeFinding(kSslOff, "EXPR for " + s.proxy + " says SSL Off"));
    }
  }

  // GET http://autodiscover.DOMAIN/autodiscover/autodiscover.xml (no credentials): only a
  // redirect to an https Autodiscover URL counts.
  Outcome HttpRedirectMethod(StepContext& ctx, const std::string& domain,
                             const std::string& address, StepResult& result) {
    std::string url = "http://autodiscover." + domain + "/autodiscover/autodiscover.xml";
    StepResult& c = Child(result, "HTTP redirect method: GET " + url);
    HttpRequest req = StepRequest(ctx, url);
    req.limits.max_body_bytes = 64 * 1024;
    HttpExchange ex = ctx.transport.Perform(req);
    if (!ReportConnection(ex, ctx.now, c)) {
      c.findings.push_back(MakeFinding(kCandidateFailed, url + " did not answer"));
      return {};
    }
    c.stage = Stage::kHttp;
    const HttpResponse& r = *ex.response;
    std::string to = ResolveLocation(url, r.Header("Location").value_or(""));
    if (!(r.status == 301 || r.status == 302 || r.status == 307) || !IsAutodiscoverHttpsUrl(to)) {
      c.findings.push_back(MakeFinding(kHttpRedirectOther, url + " answered " + r.StatusLine(),
                                       r.Header("Location") ? "Location: " + to : ""));
      return {};
    }
    c.facts["redirect"] = to;
    if (++hops_ > max_hops_) {
      result.findings.push_back(MakeFinding(
          kTooManyHops, "more than " + std::to_string(max_hops_) + " Autodiscover redirects"));
      return {Outcome::kDone, "", ""};
    }
    return TryUrl(ctx, to, address, "the HTTP redirect method (port 80, not authenticated)",
                  result);
  }

  Outcome SrvMethod(StepContext& ctx, const std::string& domain, const std::string& address,
                    StepResult& result) {
    std::string name = "_autodiscover._tcp." + domain;
    StepResult& c = Child(result, "SRV record " + name);
    auto records = SrvRecordsOf(ctx.transport.LookupDns(name, DnsType::kSrv, ctx.timeouts));
    c.stage = Stage::kResolve;
    if (!records) {
      c.findings.push_back(
          MakeFinding(kSrvNone, "the SRV lookup of " + name + " failed", records.error()));
      return {};
    }
    std::vector<SrvRecord> usable;
    for (const auto& r : *records) {
      if (r.port == 443 && !r.target.empty() && r.target != ".") usable.push_back(r);
    }
    if (usable.empty()) {
      c.findings.push_back(MakeFinding(kSrvNone, "no SRV record " + name + " on port 443",
                                       std::to_string(records->size()) + " record(s)"));
      return {};
    }
    // Best priority, then highest weight (deterministic: no random tie-break in a test tool).
    std::stable_sort(usable.begin(), usable.end(), [](const SrvRecord& a, const SrvRecord& b) {
      return a.priority != b.priority ? a.priority < b.priority : a.weight > b.weight;
    });
    std::string target = usable.front().target;
    if (!target.empty() && target.back() == '.') target.pop_back();
    c.facts["srv_target"] = target;
    return TryUrl(ctx, "https://" + target + "/autodiscover/autodiscover.xml", address,
                  "the SRV record " + name + " (DNS answers are not authenticated)", result);
  }

  std::string email_, user_, manual_proxy_, manual_server_, manual_auth_, manual_cpn_;
  int max_hops_;
  bool srv_;
  int hops_ = 0;
  std::string needs_password_;  // the URL that asked for credentials when there were none
};

Result<std::unique_ptr<Step>> Create(const OptionMap& o) {
  if (std::string bad = CheckEmailAddress(o.at("email"));
      !bad.empty() || EmailDomain(o.at("email")).empty()) {
    return Fail("option 'email' must be an e-mail address, got '" + Excerpt(o.at("email"), 100) +
                "'" + (bad.empty() ? "" : ": " + bad));
  }
  if (o.count("auth") && ToLower(o.at("auth")) != "basic" && ToLower(o.at("auth")) != "ntlm") {
    return Fail("option 'auth' must be basic or ntlm, got '" + o.at("auth") + "'");
  }
  int hops = std::stoi(o.at("max_hops"));
  if (hops < 0 || hops > 20) return Fail("option 'max_hops' must be 0-20");
  return std::unique_ptr<Step>(std::make_unique<AutodiscoverStep>(o));
}

}  // namespace

const ModuleDescriptor kAutodiscoverModule{
    "autodiscover",
    "Autodiscover (POX) for Outlook Anywhere",
    "Asks Autodiscover for the mailbox's Outlook settings like Outlook outside the network: "
    "POST to https://DOMAIN/autodiscover/autodiscover.xml, then https://autodiscover.DOMAIN/..., "
    "then the HTTP redirect method (GET on port 80, only a redirect to an https Autodiscover URL "
    "is followed), then the _autodiscover._tcp SRV record (port 443). Each candidate is a child "
    "step with its own DNS, TCP, TLS and certificate findings. The request goes anonymously "
    "first; after a 401 the credentials go with Basic or NTLM, whichever is offered, only to "
    "https URLs whose certificate the step's policy accepts. HTTP redirects, redirectUrl and "
    "redirectAddr are followed up to max_hops. Reports Autodiscover error codes (500-603), a "
    "missing EXPR, EXCH or AuthPackage. With rpc_proxy given (manual mode) nothing is asked.",
    kOptions,
    kFacts,
    kFindings,
    Create,
    /*shareable=*/false,
    /*share_key=*/nullptr,
};

}  // namespace cxa::protocols
