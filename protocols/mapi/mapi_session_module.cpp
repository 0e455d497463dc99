// Module `mapi-session`: a MAPI over HTTP session as Outlook opens one, with the operator's
// credentials: EMSMDB Connect (the user's legacy DN from Autodiscover), a PING inside the session
// with the cookies the Connect set (a load balancer that drops or moves them shows here), and
// Disconnect; then NSPI Bind and Unbind on the address book endpoint. Each response is checked
// as the specification requires: the X-ResponseCode (one finding per code), the inner framing
// (PROCESSING ... DONE), the echoed request headers, the status and error codes of the bodies.
// Nothing in a mailbox is opened or changed.
#include <algorithm>
#include <cstdio>

#include "core/text.h"
#include "protocols/mapi/mapi_codec.h"
#include "protocols/mapi/mapi_keepalive.h"
#include "protocols/mapi/mapi_modules.h"
#include "protocols/mapi/mapi_request.h"
#include "protocols/mapi/mapi_response_findings.h"
#include "transport/connection_report.h"
#include "transport/credentials.h"
#include "transport/url.h"

namespace cxa::protocols {
namespace {

using namespace mapi;  // NOLINT(google-build-using-namespace)

constexpr FindingInfo kRejected{
    "mapi.auth.rejected",
    Severity::kError,
    "MAPI over HTTP rejected the credentials",
    "The endpoint answered 401 to the credentials on a scheme it offers: a wrong password or "
    "user name format, a locked account, or an authentication method that the virtual "
    "directory lists but does not accept from outside (Negotiate without Kerberos).",
    "Check the account and the user name (DOMAIN\\user or the UPN), and the mapi virtual "
    "directory's methods (Get-MapiVirtualDirectory | fl *Authentication*).",
    "MS-OXCMAPIHTTP §1.7 (authentication); Set-MapiVirtualDirectory"};
constexpr FindingInfo kHttpError{
    "mapi.session.http_error",
    Severity::kError,
    "A MAPI over HTTP request failed at the HTTP level",
    "A session request got neither 200 nor 401 (a 404 from a path rule, a 5xx from the server or "
    "a device in front): non-exceptional failures are 200 with an X-ResponseCode, so this comes "
    "from elsewhere.",
    "Read the status in the finding; check IIS logs and whatever stands in front of /mapi.",
    "MS-OXCMAPIHTTP §2.2.2.2 (status codes)"};
constexpr FindingInfo kFraming{
    "mapi.response.framing_invalid",
    Severity::kError,
    "MAPI over HTTP response not framed as specified",
    "The response body does not follow the MAPI over HTTP format (PROCESSING, PENDING "
    "keep-alives, DONE, meta-tags, an empty line, the body), or its body cannot be read: a "
    "device in front rewrote it, or something else answers on /mapi.",
    "Let application/mapi-http responses through unchanged and unbuffered.",
    "MS-OXCMAPIHTTP §2.2.7 (response meta-tags); MS-OXCMAPIHTTP §3.2.5.2"};
constexpr FindingInfo kHeaders{
    "mapi.response.header_missing",
    Severity::kWarning,
    "MAPI over HTTP response headers missing or not echoed",
    "A response lacks a header the specification requires in every response, or does not echo "
    "X-RequestId or X-ClientInfo as sent: a device in front strips or rewrites headers, which "
    "breaks Outlook's request tracking.",
    "Let the X-* headers of /mapi through unchanged in both directions.",
    "MS-OXCMAPIHTTP §2.2.3.3 (X-RequestId, X-ClientInfo, X-ResponseCode, X-ExpirationInfo)"};
constexpr FindingInfo kNoCookies{
    "mapi.cookie.none",
    Severity::kError,
    "Connect set no session cookie",
    "The Connect succeeded but its response set no cookie: the session cannot continue (the "
    "next request is answered 'missing cookie'). A device in front strips Set-Cookie.",
    "Pass Set-Cookie headers of /mapi through unchanged.",
    "MS-OXCMAPIHTTP §3.2.5.1 (session context cookies)"};
constexpr FindingInfo kCookieDropped{
    "mapi.cookie.dropped",
    Severity::kError,
    "The session does not survive its next request",
    "A PING sent right after Connect with the session's cookies was answered 'context not "
    "found' or 'missing cookie': the load balancer sent it to another server or dropped the "
    "cookies. Outlook sees this as repeated disconnects and password prompts.",
    "Configure the load balancer to keep MAPI over HTTP cookies intact (no cookie rewriting; "
    "affinity if it terminates TLS and balances per request).",
    "MS-OXCMAPIHTTP §3.2.5.1 (session context cookies); MS-OXCMAPIHTTP §2.2.3.3.3"};
constexpr FindingInfo kConnectFailed{
    "mapi.connect.failed",
    Severity::kError,
    "The mailbox refused the Connect",
    "The Connect reached the mailbox endpoint but failed in its status or error code: an "
    "unknown user DN (ecUnknownUser), a mailbox where MAPI over HTTP or Outlook is disabled "
    "(ecProtocolDisabled), a failed logon (ecLoginFailure), or a client version the "
    "administrator blocked.",
    "Look up the error name in the finding: for ecProtocolDisabled check Get-CasMailbox "
    "(MAPIEnabled, MapiHttpEnabled); for ecUnknownUser the LegacyDN Autodiscover returned.",
    "MS-OXCMAPIHTTP §2.2.4.1.2 (Connect response); MS-OXCRPC §3.1.4.1 (EcDoConnectEx)"};
constexpr FindingInfo kBindFailed{
    "mapi.nspi.bind_failed",
    Severity::kError,
    "The address book refused the Bind",
    "The Bind reached the address book endpoint but failed in its status or error code: Outlook "
    "cannot resolve names or open the global address list.",
    "Check the Address Book service and the account's access to the directory; the error code "
    "is in the finding.",
    "MS-OXCMAPIHTTP §2.2.5.1 (Bind)"};
constexpr FindingInfo kKeepAliveBuffered{
    "mapi.keepalive.buffered",
    Severity::kWarning,
    "MAPI over HTTP keep-alives do not get through",
    "A response took longer than the server's pending period (X-PendingPeriod), and no byte came "
    "for well over a period: the server streams a PENDING line every period, so something in "
    "between (a reverse proxy, load balancer or inspecting firewall) buffers the response. "
    "Outlook's long-running requests then look dead and time out: disconnects, and a status bar "
    "that hangs at 'Trying to connect'. Seen only when the server needs more than one period.",
    "Turn off response buffering for /mapi on the device in front (pass "
    "application/mapi-http through as a stream; raise its idle timeout above the pending period).",
    "MS-OXCMAPIHTTP §2.2.3.3.5 (X-PendingPeriod); MS-OXCMAPIHTTP §3.2.5.2 (PENDING)"};
constexpr FindingInfo kSessionOk{
    "mapi.session.ok",
    Severity::kInfo,
    "MAPI over HTTP session opened and closed",
    "Connect, a PING inside the session and Disconnect worked (and Bind and Unbind on the "
    "address book): Outlook can connect with these settings.",
    "Nothing to fix.",
    "MS-OXCMAPIHTTP §3.1.5 (client details)"};

constexpr FindingInfo kOwnFindings[] = {
    kRejected,      kHttpError,     kFraming,    kHeaders,           kNoCookies,
    kCookieDropped, kConnectFailed, kBindFailed, kKeepAliveBuffered, kSessionOk};

// The module's catalogue: its own entries and one per X-ResponseCode.
constexpr auto kSessionFindings = [] {
  std::array<FindingInfo, std::size(kOwnFindings) + std::size(kResponseCodeFindings)> all{};
  size_t i = 0;
  for (const auto& f : kOwnFindings) all[i++] = f;
  for (const auto& f : kResponseCodeFindings) all[i++] = f;
  return all;
}();

constexpr OptionSpec kSessionOptions[] = {
    {"mailstore_url", OptionType::kString, true, "", "the mailbox endpoint (MailStore URL)"},
    {"addressbook_url", OptionType::kString, false, "",
     "the address book endpoint (AddressBook URL); empty: no Bind"},
    {"user_dn", OptionType::kString, true, "", "the user's legacy DN (Autodiscover LegacyDN)"},
    {"user", OptionType::kString, true, "", "the user name to authenticate with"},
    {"auth", OptionType::kString, false, "auto",
     "ntlm, basic, or auto: as Outlook picks from the schemes the endpoint offers (NTLM or "
     "Negotiate first, else Basic)"},
    {"schemes", OptionType::kString, false, "",
     "the schemes the endpoint's 401 offered (the mapi-ping step's fact), for auth=auto"},
};
constexpr FactSpec kSessionFacts[] = {
    {"connect", "ok, or how the Connect failed"},
    {"response_code", "the X-ResponseCode of the first request that failed"},
    {"error", "the MAPI error name or code of a failed Connect or Bind"},
    {"display_name", "the mailbox's display name, from the Connect response"},
    {"polls_max_ms", "how often the server wants the client to poll (Connect response)"},
    {"cookies", "the names of the session cookies (never their values)"},
    {"pending", "PENDING keep-alives seen in the Connect response"},
    {"keepalive",
     "streamed, buffered or not observed: whether keep-alives arrived while a response took "
     "longer than the pending period (the worst of the session's responses)"},
    {"pending_period_ms", "the server's X-PendingPeriod"},
    {"bind", "ok, or how the Bind failed"},
    {"server_application", "X-ServerApplication of the mailbox endpoint"},
};

std::string Hex(uint32_t v) {
  char out[12];
  std::snprintf(out, sizeof out, "0x%08X", v);
  return out;
}

std::string ErrorText(uint32_t code) {
  std::string name(ErrorCodeName(code));
  return name.empty() ? Hex(code) : name + " (" + Hex(code) + ")";
}

// Whether the session authenticates with Basic: asked for, or (auto) the only usable scheme the
// endpoint offered. Outlook outside the domain answers Negotiate with NTLM.
bool UseBasic(const OptionMap& o) {
  const std::string auth = o.count("auth") ? ToLower(o.at("auth")) : "auto";
  if (auth != "auto") return auth == "basic";
  const std::string schemes = o.count("schemes") ? ToLower(o.at("schemes")) : "";
  std::vector<std::string> offered = Split(schemes, ' ');
  auto has = [&](const char* s) {
    return std::find(offered.begin(), offered.end(), s) != offered.end();
  };
  return has("basic") && !has("ntlm") && !has("negotiate");
}

class SessionStep : public Step {
 public:
  explicit SessionStep(const OptionMap& o)
      : store_(o.at("mailstore_url")),
        book_(o.count("addressbook_url") ? o.at("addressbook_url") : ""),
        dn_(o.at("user_dn")),
        user_(o.at("user")),
        basic_(UseBasic(o)) {}

  StepResult Run(StepContext& ctx) override {
    if (auto skip = SkipWithoutPassword(ctx)) return *skip;
    StepResult result;
    auto connect_body = ConnectRequest(dn_);
    if (!connect_body) {
      result.findings.push_back(MakeFinding(kConnectFailed, "no Connect: " + connect_body.error()));
      return result;
    }
    const std::string guid = ClientGuid(ctx, "mapi-session");
    auto connect = Send(ctx, store_, "Connect", *connect_body, guid, 1, {}, result);
    if (!connect) return result;
    if (auto app = connect->response->Header("X-ServerApplication")) {
      result.facts["server_application"] = Printable(Excerpt(*app, 60));
    }
    auto inner = Inner(*connect, "Connect", result);
    if (!inner) return result;
    result.facts["pending"] = std::to_string(inner->pending);
    auto body = ParseConnectResponse(inner->body);
    if (!body) {
      result.findings.push_back(
          MakeFinding(kFraming, "the Connect response body is unreadable", body.error()));
      return result;
    }
    if (body->status != 0 || body->error != 0) {
      const uint32_t code = body->status != 0 ? body->status : body->error;
      result.facts["connect"] = "failed";
      result.facts["error"] = ErrorText(code);
      result.findings.push_back(MakeFinding(
          kConnectFailed,
          "Connect for " + Printable(Excerpt(dn_, 120)) + " failed: " + ErrorText(code)));
      return result;
    }
    result.facts["connect"] = "ok";
    if (!body->display_name.empty()) {
      result.facts["display_name"] = Printable(Excerpt(body->display_name, 120));
    }
    result.facts["polls_max_ms"] = std::to_string(body->polls_max_ms);
    std::vector<std::string> cookies = CookiesOf(*connect->response);
    if (cookies.empty()) {
      result.findings.push_back(MakeFinding(kNoCookies, "the Connect response set no cookie"));
      return result;
    }
    std::vector<std::string> names;
    for (const auto& c : cookies) names.push_back(Printable(Excerpt(c.substr(0, c.find('=')), 40)));
    result.facts["cookies"] = Join(names);
    // The session's next request, as a load balancer sees it.
    auto ping = Send(ctx, store_, "PING", "", guid, 2, cookies, result);
    if (!ping) return result;
    auto ping_inner = Inner(*ping, "PING", result, /*dropped_means_cookies=*/true);
    if (!ping_inner) return result;
    auto bye = Send(ctx, store_, "Disconnect", DisconnectRequest(), guid, 3, cookies, result);
    if (!bye || !Inner(*bye, "Disconnect", result)) return result;
    if (!book_.empty() && !Bind(ctx, result)) return result;
    result.findings.push_back(MakeFinding(
        kSessionOk, "a MAPI over HTTP session with " + UrlHost(store_) + " opened and closed"));
    return result;
  }

 private:
  // Bind and Unbind on the address book endpoint (a session of its own).
  bool Bind(StepContext& ctx, StepResult& result) {
    const std::string guid = ClientGuid(ctx, "mapi-session-nspi");
    auto bind = Send(ctx, book_, "Bind", BindRequest(), guid, 1, {}, result);
    if (!bind) return false;
    auto inner = Inner(*bind, "Bind", result);
    if (!inner) return false;
    auto body = ParseBindResponse(inner->body);
    if (!body) {
      result.findings.push_back(
          MakeFinding(kFraming, "the Bind response body is unreadable", body.error()));
      return false;
    }
    if (body->status != 0 || body->error != 0) {
      const uint32_t code = body->status != 0 ? body->status : body->error;
      result.facts["bind"] = "failed";
      result.facts["error"] = ErrorText(code);
      result.findings.push_back(MakeFinding(kBindFailed, "Bind failed: " + ErrorText(code)));
      return false;
    }
    result.facts["bind"] = "ok";
    std::vector<std::string> cookies = CookiesOf(*bind->response);
    auto unbind = Send(ctx, book_, "Unbind", UnbindRequest(), guid, 2, cookies, result);
    return unbind && Inner(*unbind, "Unbind", result);
  }

  // One authenticated request; nullopt (with the findings) when it did not get a 200.
  std::optional<HttpExchange> Send(StepContext& ctx, const std::string& url,
                                   const std::string& type, std::string body,
                                   const std::string& guid, int counter,
                                   const std::vector<std::string>& cookies, StepResult& result) {
    std::string why;
    auto password = ctx.credentials.Release(ctx.password, url, &why);
    if (!password) {
      result.findings.push_back(
          CredentialsWithheld(url, "the MAPI over HTTP endpoint Autodiscover named", why));
      return std::nullopt;
    }
    HttpRequest req = MapiRequest(ctx, url, type, std::move(body), guid, counter, cookies);
    SignIn(req, user_, *password, basic_);
    HttpExchange ex = ctx.transport.Perform(req);
    if (counter == 1 ? !ReportConnection(ex, ctx.now, result)
                     : !ReportConnectionFailure(ex, ctx.now, result)) {
      return std::nullopt;
    }
    result.stage = Stage::kHttp;
    const HttpResponse& r = *ex.response;
    if (r.status == 401) {
      result.findings.push_back(MakeFinding(
          kRejected, UrlHost(url) + " rejected the " + std::string(basic_ ? "Basic" : "NTLM") +
                         " credentials of " + Printable(user_) + " (" + type + ")"));
      return std::nullopt;
    }
    if (r.status != 200) {
      result.findings.push_back(MakeFinding(kHttpError, type + " got " + r.StatusLine(),
                                            Printable(Excerpt(r.body, 160))));
      return std::nullopt;
    }
    if (auto missing = MissingEchoes(req, r); !missing.empty()) {
      result.findings.push_back(
          MakeFinding(kHeaders, "the " + type + " response: " + Join(missing, ", ")));
    }
    NoteKeepAlive(type, ex, result);
    return ex;
  }

  // The keep-alive behaviour of one response; the facts keep the worst of the session's, and
  // the first buffered response is the finding.
  void NoteKeepAlive(const std::string& type, const HttpExchange& ex, StepResult& result) {
    KeepAlive k = JudgeKeepAlive(ex);
    if (keepalive_seen_ && k.kind <= keepalive_) return;
    keepalive_seen_ = true;
    keepalive_ = k.kind;
    result.facts["keepalive"] = KeepAliveName(k.kind);
    result.facts["pending_period_ms"] = std::to_string(k.period_ms);
    if (k.kind != KeepAlive::kBuffered) return;
    result.findings.push_back(MakeFinding(
        kKeepAliveBuffered,
        "the " + type + " response was silent for " + std::to_string(k.longest_silence_ms) +
            " ms; the server's pending period is " + std::to_string(k.period_ms) + " ms",
        "the response took " + std::to_string(k.duration_ms) + " ms from " +
            UrlHost(ex.request.url)));
  }

  // The inner response of a 200, its X-ResponseCode judged (the header, or a later meta-tag);
  // nullopt (with the findings) when the request failed. `dropped_means_cookies`: 10 and 13 on
  // a request inside the session mean the session's cookies did not make it.
  std::optional<InnerResponse> Inner(const HttpExchange& ex, const std::string& type,
                                     StepResult& result, bool dropped_means_cookies = false) {
    result.stage = Stage::kProtocol;
    const HttpResponse& r = *ex.response;
    int code = 0;
    if (auto header = r.Header("X-ResponseCode")) code = ParseResponseCode(*header);
    std::optional<InnerResponse> inner;
    if (code == 0) {
      auto parsed = ParseInnerResponse(r.body);
      if (!parsed) {
        result.findings.push_back(
            MakeFinding(kFraming, "the " + type + " response: " + parsed.error()));
        return std::nullopt;
      }
      inner = std::move(*parsed);
      if (auto late = inner->ResponseCode()) code = *late;
    }
    if (code == 0) return inner;
    result.facts["response_code"] = std::to_string(code);
    if (dropped_means_cookies && (code == 10 || code == 13)) {
      result.findings.push_back(MakeFinding(
          kCookieDropped, "the PING after Connect was answered " + std::to_string(code) + " (" +
                              std::string(ResponseCodeSlug(code)) + ")"));
      return std::nullopt;
    }
    result.findings.push_back(MakeFinding(
        ResponseCodeFinding(code), type + " was answered X-ResponseCode " + std::to_string(code),
        Printable(Excerpt(r.body, 160))));
    return std::nullopt;
  }

  std::string store_, book_, dn_, user_;
  bool basic_;
  bool keepalive_seen_ = false;
  KeepAlive::Kind keepalive_ = KeepAlive::kNotObserved;
};

Result<std::unique_ptr<Step>> CreateSession(const OptionMap& o) {
  for (const char* name : {"mailstore_url", "addressbook_url"}) {
    if (!o.count(name) || o.at(name).empty()) continue;
    auto u = SplitHttpUrl(o.at(name));
    if (!u || u->scheme != "https") {
      return Fail(std::string("option '") + name + "' must be an https:// URL, got '" +
                  Printable(o.at(name)) + "'");
    }
  }
  if (auto body = ConnectRequest(o.at("user_dn")); !body) {
    return Fail("option 'user_dn': " + body.error());
  }
  if (o.count("auth")) {
    const std::string a = ToLower(o.at("auth"));
    if (a != "ntlm" && a != "basic" && a != "auto") {
      return Fail("option 'auth' must be auto, ntlm or basic, got '" + Printable(o.at("auth")) +
                  "'");
    }
  }
  return std::unique_ptr<Step>(std::make_unique<SessionStep>(o));
}

}  // namespace

const ModuleDescriptor kMapiSessionModule{
    "mapi-session",
    "A MAPI over HTTP session with the user's credentials",
    "Only with a password, and only to hosts the credential rule allows: EMSMDB Connect with "
    "the user's legacy DN, a PING inside the session with its cookies (a load balancer that "
    "drops or moves them is mapi.cookie.dropped), Disconnect; then NSPI Bind and Unbind. Every "
    "response's X-ResponseCode has its own finding, the framing (PROCESSING ... DONE) and the "
    "echoed headers are checked, a response that outlasts the pending period without its "
    "keep-alives is mapi.keepalive.buffered, and a failed Connect or Bind names its MAPI error. "
    "Nothing in "
    "the mailbox is opened or changed.",
    kSessionOptions,
    kSessionFacts,
    kSessionFindings,
    CreateSession,
    /*shareable=*/false,
    /*share_key=*/nullptr,
};

}  // namespace cxa::protocols
