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
#include "protocols/autodiscover/autodiscover_findings.h"
#include "protocols/autodiscover/autodiscover_manual.h"
#include "protocols/autodiscover/autodiscover_settings.h"
#include "transport/connection_report.h"
#include "transport/url.h"

namespace cxa::protocols {
namespace {

using namespace autodiscover;

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
    {"mapi_server", OptionType::kString, false, "",
     "manual mode for MAPI over HTTP: the server (HOST, HOST:PORT or an https URL); Autodiscover "
     "is then not asked (with protocol=rpc, rpc_proxy is used instead)"},
    {"mailbox_id", OptionType::kString, false, "",
     "manual mode: the MailboxId of the MAPI URLs (Get-Mailbox | fl ExchangeGuid, then "
     "GUID@DOMAIN; default: the e-mail address)"},
    {"legacy_dn", OptionType::kString, false, "",
     "manual mode: the user's legacy DN for the Connect (Get-Mailbox | fl LegacyExchangeDN); "
     "without it no session is tried"},
    {"max_hops", OptionType::kInt, false, "10", "redirects followed at most"},
    {"srv", OptionType::kBool, false, "true", "try the _autodiscover._tcp SRV record last"},
    {"protocol", OptionType::kString, false, "",
     "empty: Outlook Anywhere settings only; auto, mapi or rpc: ask as Outlook does today "
     "(X-MapiHttpCapability: 1 unless rpc) and say which protocol Outlook uses"},
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
    {"mapi_advertised", "true when the answer has MAPI over HTTP settings (protocol option set)"},
    {"mapi_mailstore_url", "the MAPI over HTTP mailbox endpoint (MailStore ExternalUrl)"},
    {"mapi_addressbook_url", "the MAPI over HTTP address book endpoint (AddressBook)"},
    {"legacy_dn", "the mailbox user's legacy DN (User/LegacyDN)"},
    {"protocol_used", "mapi, rpc or none: how Outlook connects with these settings"},
    {"protocol_reason", "the protocol Outlook uses and why, in words"},
};

bool Redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

bool Offers(const std::vector<std::string>& schemes, const char* name) {
  return std::any_of(schemes.begin(), schemes.end(),
                     [&](const std::string& s) { return strcasecmp(s.c_str(), name) == 0; });
}

class AutodiscoverStep : public Step {
 public:
  explicit AutodiscoverStep(const OptionMap& o)
      : email_(o.at("email")),
        user_(o.count("user") && !o.at("user").empty() ? o.at("user") : o.at("email")),
        manual_(ManualSettings::From(o)),
        max_hops_(std::stoi(o.at("max_hops"))),
        srv_(o.at("srv") == "true"),
        protocol_(o.count("protocol") ? ToLower(o.at("protocol")) : "") {}

  StepResult Run(StepContext& ctx) override {
    StepResult result;
    result.facts["user"] = user_;
    if (manual_.Given()) return ManualResult(manual_);
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
    // kDone: the search ends; kRestart: again with another address; kNext: the next
    // candidate; kFollow (inside one candidate): on to the URL an answer named.
    enum Kind { kDone, kRestart, kNext, kFollow } kind = kNext;
    std::string address;  // kRestart: the new address; kFollow: the URL
    std::string how;      // kRestart, kFollow: how it was learned
  };

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
    // Outlook 2013 SP1 and later say they speak MAPI over HTTP unless it is switched off.
    if (!protocol_.empty() && protocol_ != "rpc")
      req.headers.emplace_back("X-MapiHttpCapability", "1");
    req.body = BuildPoxRequest(address);
    req.limits.max_body_bytes = 1024 * 1024;
    return req;
  }

  // What one Autodiscover answer from `url` (for `address`) means for the search: settings or an
  // error end it, redirectAddr restarts it with another address, redirectUrl follows
  // (kFollow: `address` holds the URL). `answer_of` names the answer in findings.
  Outcome OnAnswer(const PoxAnswer& answer, const std::string& url, const std::string& address,
                   const std::string& answer_of, bool authenticated, const std::string& method,
                   StepResult& result, StepResult& c) {
    c.stage = Stage::kProtocol;
    result.stage = Stage::kProtocol;
    switch (answer.kind) {
      case PoxAnswer::kRedirectAddr: {
        if (std::string bad = CheckEmailAddress(answer.redirect); !bad.empty()) {
          c.findings.push_back(MakeFinding(kInsecureRedirect,
                                           url + " answers a redirectAddr that cxa refuses: " + bad,
                                           "redirectAddr " + Excerpt(answer.redirect, 200)));
          result.findings.push_back(c.findings.back());
          return {Outcome::kDone, "", ""};
        }
        c.facts["redirect_addr"] = answer.redirect;
        Settle(result);
        return {Outcome::kRestart, answer.redirect,
                "redirectAddr " + answer.redirect + " in " + answer_of};
      }
      case PoxAnswer::kRedirectUrl:
        if (!CheckHeaderSafe(answer.redirect).empty() || !IsAutodiscoverHttpsUrl(answer.redirect)) {
          c.findings.push_back(MakeFinding(
              kInsecureRedirect, url + " answers redirectUrl " + Excerpt(answer.redirect, 200)));
          result.findings.push_back(c.findings.back());
          return {Outcome::kDone, "", ""};
        }
        c.facts["redirect_url"] = answer.redirect;
        if (++hops_ > max_hops_) {
          result.findings.push_back(MakeFinding(
              kTooManyHops, "more than " + std::to_string(max_hops_) + " Autodiscover redirects"));
          return {Outcome::kDone, "", ""};
        }
        Settle(result);
        return {Outcome::kFollow, answer.redirect, "redirectUrl in " + answer_of};
      case PoxAnswer::kError: {
        Settle(result);
        std::string meaning(PoxErrorMeaning(answer.error_code));
        result.findings.push_back(MakeFinding(ErrorFinding(answer.error_code),
                                              "Autodiscover error " + answer.error_code + " for " +
                                                  address + (meaning.empty() ? "" : ": " + meaning),
                                              answer.error_message));
        result.facts["url"] = url;
        return {Outcome::kDone, "", ""};
      }
      case PoxAnswer::kSettings:
        Settle(result);
        result.facts["auth_method"] = method;
        if (protocol_.empty()) {
          ReportSettings(answer, url, address, result);
        } else {
          const bool mapi = protocol_ != "rpc" && MapiHttpFrom(answer).advertised;
          ReportSettings(answer, url, address, result, /*need_expr=*/!mapi);
          ReportProtocol(answer, protocol_, result);
          if (authenticated && result.facts.count("mapi_mailstore_url")) {
            result.credential_grants.emplace_back(
                UrlHost(result.facts["mapi_mailstore_url"]),
                "the MAPI over HTTP server named in " + answer_of);
          }
        }
        // The later steps may authenticate at the proxy an authenticated answer named; one an
        // anonymous answer named gets credentials only if it is in scope anyway.
        if (authenticated && result.facts.count("proxy")) {
          result.credential_grants.emplace_back(result.facts["proxy"],
                                                "the RPC proxy named in " + answer_of);
        }
        return {Outcome::kDone, "", ""};
    }
    return {};
  }

  // The 401 `challenge` of `url`: the POST again with the password, by the scheme the 401 offers
  // (Basic, else NTLM), when the credential rule lets it go there. Returns the authenticated
  // exchange, or nullopt when the candidate ends here (its findings say why; `stop` is kDone when
  // the whole search ends: there is no password). `method` becomes basic or ntlm.
  std::optional<HttpExchange> Authenticate(StepContext& ctx, const std::string& url,
                                           const std::string& address, const std::string& how,
                                           bool learned, const HttpResponse& challenge,
                                           StepResult& result, StepResult& c, std::string& method,
                                           Outcome& stop) {
    std::vector<std::string> schemes = challenge.AuthSchemes();
    c.facts["auth_schemes"] = Join(schemes);
    if (ctx.password.empty()) {
      needs_password_ = url;
      Settle(result);
      stop = {Outcome::kDone, "", ""};
      return std::nullopt;
    }
    std::string why;
    auto password = ctx.credentials.Release(ctx.password, url, &why);
    if (!password) {
      Withhold(ctx, c, url, address, how, why);
      return std::nullopt;
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
      return std::nullopt;
    }
    HttpExchange ex = ctx.transport.Perform(again);
    if (!ReportConnectionFailure(ex, ctx.now, c)) {
      c.findings.push_back(MakeFinding(kCandidateFailed, url + " failed with credentials"));
      return std::nullopt;
    }
    if (ex.response->status == 401) {
      c.findings.push_back(MakeFinding(kCredentialsRejected,
                                       url + " rejected the " + method + " credentials of " + user_,
                                       "WWW-Authenticate: " + Join(schemes)));
      result.findings.push_back(c.findings.back());
      return std::nullopt;
    }
    return ex;
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
        Outcome stop;
        auto authenticated =
            Authenticate(ctx, url, address, how, learned, *ex.response, result, c, method, stop);
        if (!authenticated) return stop;
        ex = std::move(*authenticated);
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
      Outcome o = OnAnswer(*answer, url, address, answer_of, authenticated, method, result, c);
      if (o.kind != Outcome::kFollow) return o;
      url = o.address;
      how = o.how;
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

  std::string email_, user_;
  ManualSettings manual_;
  int max_hops_;
  bool srv_;
  std::string protocol_;  // "" (Outlook Anywhere only), auto, mapi or rpc
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
  if (o.count("protocol")) {
    const std::string p = ToLower(o.at("protocol"));
    if (!p.empty() && p != "auto" && p != "mapi" && p != "rpc") {
      return Fail("option 'protocol' must be auto, mapi or rpc, got '" +
                  Excerpt(o.at("protocol"), 40) + "'");
    }
  }
  if (std::string bad = CheckManualOptions(o); !bad.empty()) return Fail(bad);
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
