// Module `autodiscover-v2`: Autodiscover v2 (JSON) as Outlook for iOS and Android and the
// hybrid modern authentication flow use it: anonymous GETs of
// /autodiscover/autodiscover.json/v1.0/EMAIL?Protocol=P on the candidate hosts, redirects
// followed within a bound (https, to the same endpoint only), each answer validated and the URL
// it names checked (https, a public name, the path the protocol has). No credential is sent.
#include "core/targets.h"
#include "core/text.h"
#include "protocols/autodiscover/autodiscover_codec.h"
#include "protocols/autodiscover/autodiscover_module.h"
#include "protocols/autodiscover/autodv2_codec.h"
#include "transport/connection_report.h"
#include "transport/url.h"

namespace cxa::protocols {
namespace {

constexpr FindingInfo kNotFound{
    "autodv2.http.not_found",
    Severity::kWarning,
    "No Autodiscover v2 endpoint",
    "No candidate host answers /autodiscover/autodiscover.json (404, nothing listening, or not "
    "JSON): Outlook for iOS and Android cannot find the server from the address, and hybrid "
    "modern authentication cannot start.",
    "Publish /autodiscover on autodiscover.DOMAIN to an Exchange 2016 or later server without "
    "pre-authentication.",
    "Exchange Autodiscover reference; MS-OXDISCO"};
constexpr FindingInfo kAuthRequired{
    "autodv2.http.auth_required",
    Severity::kError,
    "Autodiscover v2 asks for credentials",
    "The Autodiscover v2 endpoint answered 401 or 403 to an anonymous request: a device in front "
    "pre-authenticates it. Autodiscover v2 must answer anonymously for Outlook for iOS and "
    "Android and for hybrid modern authentication.",
    "Publish /autodiscover without pre-authentication (pass-through) on the reverse proxy.",
    "Exchange Autodiscover reference"};
constexpr FindingInfo kNotJson{
    "autodv2.response.not_json",
    Severity::kError,
    "Autodiscover v2 answer is not JSON",
    "The endpoint answered with something other than an Autodiscover v2 JSON document (a login "
    "page, an HTML error, XML): a device in front answers, or another application owns the "
    "path.",
    "Check what answers /autodiscover/autodiscover.json from the Internet.",
    "Exchange Autodiscover reference"};
constexpr FindingInfo kError{
    "autodv2.response.error",
    Severity::kError,
    "Autodiscover v2 answered with an error",
    "The answer carries an ErrorCode instead of a URL (an unknown protocol, a missing parameter, "
    "an address it does not know).",
    "Read the code and message in the finding.",
    "Exchange Autodiscover reference"};
constexpr FindingInfo kInsecureRedirect{
    "autodv2.redirect.insecure",
    Severity::kError,
    "Autodiscover v2 redirects somewhere clients must not follow",
    "A redirect leads to plain HTTP or to another path than the Autodiscover v2 endpoint: "
    "clients refuse it (and cxa does not follow it).",
    "Redirect only to https://HOST/autodiscover/autodiscover.json/... (Exchange Online sends "
    "hybrid mailboxes to the on-premises endpoint that way).",
    "RFC 9110 §15.4 (redirection); Exchange Autodiscover reference"};
constexpr FindingInfo kLoop{
    "autodv2.redirect.loop",
    Severity::kError,
    "Too many Autodiscover v2 redirects",
    "The redirects did not end within the bound clients use.",
    "Fix the redirect chain so that it ends at the server that holds the mailbox.",
    "RFC 9110 §15.4 (redirection)"};
constexpr FindingInfo kInsecureUrl{
    "autodv2.url.insecure",
    Severity::kError,
    "Autodiscover v2 names a URL that is not https",
    "The URL in the answer is not an https URL: clients do not use it.",
    "Set the virtual directory's external URL to https (Set-ActiveSyncVirtualDirectory "
    "-ExternalUrl, Set-WebServicesVirtualDirectory -ExternalUrl).",
    "Exchange Autodiscover reference"};
constexpr FindingInfo kInternalName{
    "autodv2.url.internal_name",
    Severity::kError,
    "Autodiscover v2 names an internal host",
    "The URL in the answer names a host outside clients cannot resolve: the external URL of the "
    "virtual directory is missing, so the internal one is handed out.",
    "Set the external URL of the virtual directory to the public name.",
    "Exchange Autodiscover reference"};
constexpr FindingInfo kUnexpectedPath{
    "autodv2.url.unexpected_path",
    Severity::kWarning,
    "Autodiscover v2 URL with an unexpected path",
    "The URL in the answer does not have the path its protocol has "
    "(/Microsoft-Server-ActiveSync, /EWS/Exchange.asmx, /autodiscover/autodiscover.xml): a "
    "mistyped external URL.",
    "Correct the virtual directory's external URL.",
    "Remote Connectivity Analyzer: ActiveSync URL was in an Invalid format; Exchange Autodiscover "
    "reference"};
constexpr FindingInfo kV2Findings[] = {kNotFound,    kAuthRequired,     kNotJson,
                                       kError,       kInsecureRedirect, kLoop,
                                       kInsecureUrl, kInternalName,     kUnexpectedPath};

constexpr OptionSpec kV2Options[] = {
    {"email", OptionType::kString, true, "", "the mailbox's e-mail address"},
    {"protocols", OptionType::kString, false, "ActiveSync Ews AutodiscoverV1",
     "the protocols asked for, space-separated"},
    {"max_hops", OptionType::kInt, false, "3", "redirects followed at most per protocol"},
};
constexpr FactSpec kV2Facts[] = {
    {"host", "the host whose Autodiscover v2 endpoint answered"},
    {"redirected_to", "the host a redirect led to, when the answer came after one"},
    {"activesync_url", "the ActiveSync URL it names"},
    {"ews_url", "the EWS URL it names"},
    {"autodiscoverv1_url", "the POX Autodiscover URL it names"},
};

class V2Step : public Step {
 public:
  V2Step(std::string email, std::vector<std::string> protocols, int max_hops)
      : email_(std::move(email)), protocols_(std::move(protocols)), max_hops_(max_hops) {}

  StepResult Run(StepContext& ctx) override {
    StepResult result;
    const std::string domain = EmailDomain(email_);
    for (const std::string& host : {"autodiscover." + domain, domain}) {
      if (Candidate(ctx, host, result)) return result;
    }
    result.findings.push_back(MakeFinding(kNotFound,
                                          "no Autodiscover v2 endpoint answered for " + email_,
                                          "autodiscover." + domain + " and " + domain + " tried"));
    return result;
  }

 private:
  // Asks `host` for every protocol; false when it has no Autodiscover v2 endpoint at all.
  bool Candidate(StepContext& ctx, const std::string& host, StepResult& result) {
    bool answered = false;
    for (const std::string& protocol : protocols_) {
      std::string url = AutodiscoverV2Url(host, email_, protocol);
      for (int hop = 0;; ++hop) {
        HttpRequest req = StepRequest(ctx, url);
        req.headers = {{"Accept", "application/json"}};
        req.limits.max_body_bytes = 64 * 1024;
        HttpExchange ex = ctx.transport.Perform(req);
        if (!ex.response) {
          // A host that presents a certificate the policy refuses is the answer: clients stop
          // there too. One that cannot be reached lets the next candidate try.
          const bool judged = ex.error && ex.error->stage == Stage::kCertificate;
          if (answered || judged) ReportConnection(ex, ctx.now, result);
          return answered || judged;
        }
        if (!answered) {
          // The first answer of this host: its connection and certificate go in the report.
          if (!ReportConnection(ex, ctx.now, result)) return true;
          result.facts["host"] = host;
        }
        const HttpResponse& r = *ex.response;
        result.stage = Stage::kProtocol;
        if (r.status == 404 && !answered) return false;
        answered = true;
        if (r.status == 401 || r.status == 403) {
          result.findings.push_back(
              MakeFinding(kAuthRequired, url + " answered " + r.StatusLine()));
          return true;
        }
        if (r.status >= 300 && r.status < 400) {
          std::string to = ResolveLocation(url, r.Header("Location").value_or(""));
          if (!IsAutodiscoverV2Url(to)) {
            result.findings.push_back(MakeFinding(kInsecureRedirect, url + " redirects",
                                                  "Location: " + Printable(Excerpt(to, 200))));
            break;
          }
          if (hop + 1 > max_hops_) {
            result.findings.push_back(MakeFinding(
                kLoop, "more than " + std::to_string(max_hops_) + " redirects for " + protocol));
            break;
          }
          url = to;
          continue;
        }
        if (hop > 0) result.facts["redirected_to"] = UrlHost(url);
        Judge(protocol, url, r, result);
        break;
      }
    }
    return answered;
  }

  // One protocol's final answer.
  void Judge(const std::string& protocol, const std::string& url, const HttpResponse& r,
             StepResult& result) {
    auto a = ParseAutodiscoverV2(r.body);
    if (!a) {
      result.findings.push_back(MakeFinding(kNotJson,
                                            url + " (" + r.StatusLine() + "): " + a.error(),
                                            Printable(Excerpt(r.body, 120))));
      return;
    }
    if (!a->error_code.empty()) {
      result.findings.push_back(MakeFinding(kError, protocol + ": " + Printable(a->error_code),
                                            Printable(a->error_message)));
      return;
    }
    const std::string named = Printable(a->url);
    auto u = SplitHttpUrl(a->url);
    if (!u || u->scheme != "https") {
      result.findings.push_back(MakeFinding(kInsecureUrl, protocol + " URL " + named));
      return;
    }
    if (IsInternalName(u->host)) {
      result.findings.push_back(MakeFinding(kInternalName, protocol + " URL " + named));
      return;
    }
    std::string_view want = ExpectedV2Path(protocol);
    std::string path = ToLower(u->path.substr(0, u->path.find('?')));
    if (!want.empty() && path != want) {
      result.findings.push_back(MakeFinding(kUnexpectedPath, protocol + " URL " + named,
                                            "expected the path " + std::string(want)));
    }
    result.facts[ToLower(protocol) + "_url"] = named;
  }

  std::string email_;
  std::vector<std::string> protocols_;
  int max_hops_;
};

Result<std::unique_ptr<Step>> CreateV2(const OptionMap& o) {
  const std::string& email = o.at("email");
  if (std::string bad = CheckEmailAddress(email); !bad.empty() || EmailDomain(email).empty()) {
    return Fail("option 'email' must be an e-mail address, got '" + Excerpt(email, 100) + "'");
  }
  std::vector<std::string> protocols = Split(o.at("protocols"), ' ');
  if (protocols.empty() || protocols.size() > 8) return Fail("option 'protocols': 1 to 8 names");
  for (const auto& p : protocols) {
    if (!IsHostName(p)) return Fail("option 'protocols': '" + Printable(p) + "' is not a name");
  }
  int hops = std::stoi(o.at("max_hops"));
  if (hops < 0 || hops > 10) return Fail("option 'max_hops' must be 0-10");
  return std::unique_ptr<Step>(std::make_unique<V2Step>(email, std::move(protocols), hops));
}

}  // namespace

const ModuleDescriptor kAutodiscoverV2Module{
    "autodiscover-v2",
    "Autodiscover v2 (JSON), as Outlook for iOS and Android asks",
    "Anonymous GETs of /autodiscover/autodiscover.json/v1.0/EMAIL?Protocol=P (ActiveSync, Ews "
    "and AutodiscoverV1 by default) on autodiscover.DOMAIN, then DOMAIN; redirects followed to "
    "the same endpoint over https only, within max_hops. Each answer must be JSON with a Url or "
    "an ErrorCode; the URL must be https, name a public host and have its protocol's path. No "
    "credential is ever sent.",
    kV2Options,
    kV2Facts,
    kV2Findings,
    CreateV2,
    /*shareable=*/true,
    /*share_key=*/nullptr,
};

}  // namespace cxa::protocols
