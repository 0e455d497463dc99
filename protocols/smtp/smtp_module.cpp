// Module `smtp`: one mail server as a sending MTA (Exchange Online's connectors, any receiver
// that requires TLS) meets it: connect, the whole 220 greeting, EHLO, STARTTLS only after the
// whole EHLO reply (never pipelined), the TLS handshake judged by the trust gate with SNI and
// the expected name (the shared evaluator: cert.* findings as for HTTPS), EHLO again over TLS,
// QUIT. Never MAIL FROM or RCPT TO: nothing is submitted. RFC 5321, RFC 3207.
#include <cctype>
#include <map>

#include "core/text.h"
#include "protocols/smtp/smtp_codec.h"
#include "protocols/smtp/smtp_dane.h"
#include "protocols/smtp/smtp_modules.h"
#include "transport/aia.h"
#include "transport/connection_report.h"
#include "transport/revocation_check.h"
#include "transport/url.h"

namespace cxa::protocols {
namespace {

using namespace smtp;

constexpr FindingInfo kBannerTimeout{
    "smtp.banner.timeout",
    Severity::kError,
    "No SMTP greeting",
    "The connection opened but the server sent no 220 greeting in time. Sending servers give up "
    "on it: mail to this host waits in their queues. Typical causes: a firewall or SMTP filter "
    "that accepts the connection and stays silent, another service on the port, an overloaded "
    "server, or a greeting delay longer than senders wait.",
    "Check what listens on the port (on Exchange, the Front End Transport receive connector on "
    "port 25), and any filter or load balancer in front of it.",
    "RFC 5321 §3.1 (session initiation); RFC 5321 §4.5.3.2; Remote Connectivity Analyzer: "
    "Expected Service Banner was not Received when Connecting"};
constexpr FindingInfo kBannerClosed{
    "smtp.banner.closed",
    Severity::kError,
    "Connection closed before the greeting",
    "The server closed the connection without a complete greeting: something on the path drops "
    "SMTP sessions (a filter that blocks the tester's address, a crashed service).",
    "Check the receive connector and whatever sits in front of it; allow the sending side's "
    "addresses.",
    "RFC 5321 §3.1 (session initiation)"};
constexpr FindingInfo kBannerRejected{
    "smtp.banner.rejected",
    Severity::kError,
    "The server refuses SMTP sessions",
    "The greeting is not 220: the server refuses to talk (a 554 greeting says no service here, "
    "often a block of the client's address).",
    "Read the greeting's text; check the server's connection filters and block lists.",
    "RFC 5321 §3.1 (session initiation); RFC 5321 §4.2.2 (reply codes)"};
constexpr FindingInfo kBannerThrottled{
    "smtp.banner.throttled",
    Severity::kWarning,
    "The server throttled the test (421)",
    "The server answered 421: it is busy or limits connections per client. Mail servers do this "
    "to scanners that open many connections; senders retry later. STARTTLS and the certificate "
    "were not tested.",
    "Run the test again later, with fewer parallel checks, or from an address the server allows.",
    "RFC 5321 §3.8 (421 service not available); RFC 5321 §4.2.2 (reply codes)"};
constexpr FindingInfo kReplyMalformed{
    "smtp.reply.malformed",
    Severity::kError,
    "Not an SMTP reply",
    "What the server sent is not an SMTP reply: no three-digit code, a code that changes within a "
    "reply, a line past the length senders accept, or a reply that does not end. Another "
    "protocol may listen on the port, or a filter mangles the session.",
    "Check what listens on the port and anything that inspects SMTP on the way.",
    "RFC 5321 §4.2 (SMTP replies); RFC 5321 §4.5.3.1.5 (reply line length)"};
constexpr FindingInfo kReplyTimeout{
    "smtp.reply.timeout",
    Severity::kError,
    "No answer to an SMTP command",
    "The server greeted but did not answer a command (EHLO or STARTTLS) in time.",
    "Check the server's load and anything that inspects SMTP between the Internet and it.",
    "RFC 5321 §4.5.3.2 (timeouts)"};
constexpr FindingInfo kEhloRejected{
    "smtp.ehlo.rejected",
    Severity::kError,
    "EHLO refused",
    "The server did not accept EHLO, so no extension (STARTTLS among them) can be used: mail "
    "from senders that require TLS stops here.",
    "Accept EHLO from any client on the Internet-facing connector.",
    "RFC 5321 §4.1.1.1 (EHLO); RFC 3207 §4"};
constexpr FindingInfo kStartTlsNotOffered{
    "smtp.starttls.not_offered",
    Severity::kError,
    "STARTTLS not offered",
    "The EHLO reply does not list STARTTLS: mail to this server travels unencrypted, and senders "
    "that require TLS (Exchange Online connectors with RequireTls or TlsAuthLevel, MTA-STS in "
    "enforce mode, DANE) do not deliver at all. TLS report result: starttls-not-supported.",
    "Enable TLS on the receive connector: on Exchange, assign a certificate for the connector's "
    "FQDN to the SMTP service (Enable-ExchangeCertificate -Services SMTP) and keep the TLS "
    "authentication mechanism on the connector.",
    "RFC 3207 §4; RFC 8460 §4.3 (starttls-not-supported); Enable-ExchangeCertificate"};
constexpr FindingInfo kStartTlsInconsistent{
    "smtp.starttls.inconsistent",
    Severity::kError,
    "STARTTLS offered on some connections only",
    "One connection's EHLO reply did not list STARTTLS and another's did: the servers behind "
    "this name (a pool, a load balancer, nodes of a DAG) are configured differently. Senders "
    "that require TLS fail on some attempts and deliver on others, so mail is delayed at "
    "random. TLS report result: starttls-not-supported.",
    "Give every server behind the name the same receive connector configuration and a valid "
    "certificate bound to SMTP (Enable-ExchangeCertificate -Services SMTP on each).",
    "RFC 3207 §4; RFC 8460 §4.3 (starttls-not-supported); Enable-ExchangeCertificate"};
constexpr FindingInfo kStartTlsRejected{
    "smtp.starttls.rejected",
    Severity::kError,
    "STARTTLS refused",
    "The server offered STARTTLS but did not answer 220 to it (454 TLS not available is typical "
    "when no usable certificate is bound to the SMTP service): senders that require TLS stop.",
    "Bind a valid certificate to the SMTP service (Enable-ExchangeCertificate -Services SMTP) and "
    "check the transport event log for TLS errors.",
    "RFC 3207 §4; Enable-ExchangeCertificate"};
constexpr FindingInfo kTlsTooOld{
    "smtp.tls.protocol_too_old",
    Severity::kError,
    "TLS older than 1.2",
    "The server negotiated a TLS version below 1.2. Exchange Online refuses such sessions, as do "
    "current mail servers.",
    "Enable TLS 1.2 (and 1.3 where available) on the server and disable older versions.",
    "RFC 8996; Exchange Online TLS for mail"};
constexpr FindingInfo kAfterTls{
    "smtp.tls.session_failed",
    Severity::kError,
    "The session broke after TLS",
    "The TLS handshake completed but the server did not answer EHLO over the encrypted "
    "connection: senders see their session fail after the upgrade.",
    "Check the transport logs for the session; a filter that cannot follow TLS is a common cause.",
    "RFC 3207 §4.2 (after the TLS handshake)"};

constexpr FindingInfo kSmtpFindings[] = {
    kBannerTimeout,    kBannerClosed, kBannerRejected, kBannerThrottled,
    kReplyMalformed,   kReplyTimeout, kEhloRejected,   kStartTlsNotOffered,
    kStartTlsRejected, kTlsTooOld,    kAfterTls,       kStartTlsInconsistent,
    kDaneTlsaMissing,  kDaneInsecure, kDaneBogus,      kDaneLookupFailed,
    kDaneUnusable,     kDaneMismatch};

constexpr OptionSpec kSmtpOptions[] = {
    {"host", OptionType::kString, true, "", "the mail server (an MX host or a smarthost name)"},
    {"port", OptionType::kPort, false, "25", "its SMTP port"},
    {"name", OptionType::kString, false, "",
     "the name its certificate must cover (default: host; for hybrid, the connector's TlsDomain)"},
    {"helo", OptionType::kString, false, "cxa.invalid",
     "the name cxa gives in EHLO (a fully qualified name; some servers want one that resolves)"},
    {"dnssec", OptionType::kString, false, "",
     "the DNSSEC status of the MX records that named the host (secure or insecure; empty when "
     "the operator named the host): DANE applies only below signed MX records"},
};
constexpr FactSpec kSmtpFacts[] = {
    {"address", "the IP address connected to"},
    {"port", "the TCP port connected to"},
    {"addresses", "the host's addresses (A and AAAA), when it has more than one; each is asked"},
    {"banner", "the first line of the server's 220 greeting"},
    {"ehlo_keywords", "the extensions the server offers before TLS (EHLO reply)"},
    {"starttls", "ok, offered (the handshake failed), not offered, inconsistent or refused"},
    {"tls_version", "the negotiated TLS version"},
    {"cipher", "the negotiated cipher suite"},
    {"certificate_trusted", "true when the chain validated under strict public trust"},
    {"certificate_subject", "subject of the server certificate"},
    {"certificate_not_after", "expiry of the server certificate (RFC 3339)"},
    {"certificate_days_left", "days until the server certificate expires"},
    {"dane",
     "verified, mismatch, not verified, no usable TLSA, no TLSA, not signed, bogus, lookup "
     "failed or not applicable"},
    {"tlsa", "the host's TLSA records (usage selector matching data)"},
    {"dane_match", "the parameters of the TLSA record the chain matched (\"3 1 1\")"},
    {"tlsrpt_result",
     "the TLS report result type (RFC 8460) a sender would report for this server, if any"},
};

// The RFC 8460 result type of a certificate finding, or "".
std::string_view TlsRptResult(std::string_view finding_id) {
  if (finding_id == "cert.name.mismatch" || finding_id == "cert.name.cn_only") {
    return "certificate-host-mismatch";
  }
  if (finding_id == "cert.validity.expired") return "certificate-expired";
  if (finding_id.rfind("cert.chain.", 0) == 0) return "certificate-not-trusted";
  if (finding_id.rfind("cert.", 0) == 0) return "validation-failure";
  return "";
}

// Other addresses of one host whose EHLO reply is compared with the first session's.
constexpr size_t kOtherAddresses = 3;

class SmtpStep : public Step {
 public:
  SmtpStep(std::string host, int port, std::string name, std::string helo, std::string dnssec)
      : host_(std::move(host)),
        port_(port),
        name_(std::move(name)),
        helo_(std::move(helo)),
        dnssec_(std::move(dnssec)) {}

  StepResult Run(StepContext& ctx) override {
    StepResult result;
    // A DANE-aware sender looks the TLSA records up before it connects (RFC 7672 §2.2).
    DaneCheck dane;
    dane.Lookup(ctx, host_, port_, dnssec_, result);
    HttpRequest req = StepRequest(ctx, "tcp://" + HostForUrl(host_) + ":" + std::to_string(port_));
    req.cert_name = name_;
    std::unique_ptr<Stream> stream = ctx.transport.OpenStream(req);
    if (!ReportConnectionFailure(stream->Connection(), ctx.now, result)) return result;
    result.facts["address"] = stream->Connection().remote_address;
    result.facts["port"] = std::to_string(port_);
    result.stage = Stage::kProtocol;
    StreamReader in(*stream);
    ReplyLimits limits;
    limits.timeout_ms = ctx.timeouts.first_byte_ms;

    // 1. The whole greeting.
    ReadOutcome greeting = ReadReply(in, limits);
    if (greeting.error != ReplyError::kNone) return GreetingFailed(greeting, result);
    result.facts["banner"] = Printable(greeting.reply.First());
    if (greeting.reply.code == 421) {
      result.findings.push_back(
          MakeFinding(kBannerThrottled, host_ + " answered " + greeting.reply.Summary()));
      result.outcome = Outcome::kSkipped;
      result.skip_reason = "skipped: " + host_ + " throttled the test (" +
                           greeting.reply.Summary() + "); run it again later";
      return result;
    }
    if (greeting.reply.code != 220) {
      result.findings.push_back(
          MakeFinding(kBannerRejected, host_ + " greets with " + greeting.reply.Summary()));
      return result;
    }

    // 2. EHLO, and its whole reply, before anything else is sent.
    auto ehlo = Command(*stream, in, limits, "EHLO " + helo_, result);
    if (!ehlo) return result;
    if (ehlo->code != 250) {
      result.findings.push_back(
          MakeFinding(kEhloRejected, "EHLO " + helo_ + " was answered " + ehlo->Summary()));
      return result;
    }
    std::vector<std::string> keywords = EhloKeywords(*ehlo);
    result.facts["ehlo_keywords"] = Join(keywords);
    const bool offered = Offers(keywords, "STARTTLS");
    // Senders connect to any of the name's addresses: each must offer STARTTLS alike.
    const std::string here = stream->Connection().remote_address;
    std::vector<std::string> differ = AddressesThatDiffer(ctx, req, limits, here, offered, result);
    if (!differ.empty()) {
      result.facts["starttls"] = "inconsistent";
      result.facts["tlsrpt_result"] = "starttls-not-supported";
      result.findings.push_back(MakeFinding(
          kStartTlsInconsistent,
          host_ + (offered ? " offers STARTTLS on " : " does not offer STARTTLS on ") + here +
              (offered ? " but not on " : " but does on ") + Join(differ, ", ")));
      if (!offered) {
        Quit(*stream, in);
        return result;
      }
    }
    if (!offered) {
      Quit(*stream, in);
      result.facts["starttls"] = "not offered";
      result.facts["tlsrpt_result"] = "starttls-not-supported";
      const std::string lists =
          " (EHLO lists: " + (keywords.empty() ? "nothing" : Join(keywords)) + ")";
      // A pool of servers behind one address may differ too: a second session tells a server
      // that never offers STARTTLS from one that offers it on some connections only.
      if (SessionOffersStartTls(ctx, req, limits).value_or(false)) {
        result.facts["starttls"] = "inconsistent";
        result.findings.push_back(MakeFinding(
            kStartTlsInconsistent,
            host_ + " offered STARTTLS on a second connection but not on the first" + lists));
      } else {
        result.findings.push_back(
            MakeFinding(kStartTlsNotOffered, host_ + " does not offer STARTTLS" + lists));
      }
      return result;
    }

    // 3. STARTTLS, then the handshake through the trust gate.
    auto go = Command(*stream, in, limits, "STARTTLS", result);
    if (!go) return result;
    if (go->code != 220) {
      result.facts["starttls"] = "refused";
      result.facts["tlsrpt_result"] = "starttls-not-supported";
      result.findings.push_back(
          MakeFinding(kStartTlsRejected, "STARTTLS was answered " + go->Summary()));
      return result;
    }
    if (!in.Buffered().empty()) {
      // Bytes before the handshake would be read as plaintext after it (RFC 3207 §5): an
      // injection a client must not accept.
      result.findings.push_back(
          MakeFinding(kReplyMalformed, "the server sent data after its 220 to STARTTLS",
                      "\"" + Excerpt(in.Buffered(), 80) + "\" arrived before the TLS handshake"));
      return result;
    }
    Status upgraded = stream->StartTls(name_);
    HttpExchange tls = stream->Connection();
    AiaResult aia = CompleteChainViaAia(tls, ctx.transport, ctx.evaluator, ctx.trust, ctx.aia);
    FetchRevocation(tls, ctx.transport, ctx.evaluator, aia.intermediates);
    const bool usable = ReportConnection(tls, ctx.now, result) && upgraded.ok();
    for (const auto& f : result.findings) {
      if (result.facts.count("tlsrpt_result")) break;  // said first (bogus DNSSEC, a pool)
      if (auto type = TlsRptResult(f.id); !type.empty() && f.severity == Severity::kError) {
        result.facts["tlsrpt_result"] = std::string(type);
        break;
      }
    }
    if (dane.required() && tls.tls && !tls.tls->chain.empty()) {
      dane.Verify(tls.tls->chain, name_, ctx.now, result);
    }
    if (!usable) {
      result.facts["starttls"] = "offered";
      return result;
    }
    if (differ.empty()) result.facts["starttls"] = "ok";
    const std::string& version = result.facts["tls_version"];
    if (version == "TLSv1" || version == "TLSv1.1" || version.rfind("SSL", 0) == 0) {
      result.findings.push_back(
          MakeFinding(kTlsTooOld, host_ + " negotiated " + version + " for STARTTLS"));
    }

    // 4. EHLO over TLS, then QUIT.
    result.stage = Stage::kProtocol;
    if (!stream->Send("EHLO " + helo_ + "\r\n")) {
      result.findings.push_back(
          MakeFinding(kAfterTls, "the connection failed right after the TLS handshake"));
      return result;
    }
    ReadOutcome after = ReadReply(in, limits);
    if (after.error != ReplyError::kNone || after.reply.code != 250) {
      result.findings.push_back(
          MakeFinding(kAfterTls, "EHLO over TLS: " + (after.error != ReplyError::kNone
                                                          ? after.detail
                                                          : "answered " + after.reply.Summary())));
      return result;
    }
    Quit(*stream, in);
    return result;
  }

 private:
  StepResult& GreetingFailed(const ReadOutcome& o, StepResult& result) {
    switch (o.error) {
      case ReplyError::kTimeout:
        result.findings.push_back(
            MakeFinding(kBannerTimeout, host_ + " sent no greeting in time", Printable(o.detail)));
        break;
      case ReplyError::kClosed:
      case ReplyError::kBroken:
        result.findings.push_back(MakeFinding(
            kBannerClosed, host_ + " closed the connection before greeting", Printable(o.detail)));
        break;
      default:
        result.findings.push_back(
            MakeFinding(kReplyMalformed, "the greeting is not SMTP", Printable(o.detail)));
    }
    return result;
  }

  // Sends `command` and reads its whole reply; on failure adds the finding and returns nullopt.
  std::optional<Reply> Command(Stream& stream, StreamReader& in, const ReplyLimits& limits,
                               const std::string& command, StepResult& result) {
    if (!stream.Send(command + "\r\n")) {
      result.findings.push_back(
          MakeFinding(kBannerClosed, "the connection failed when sending " + command.substr(0, 8)));
      return std::nullopt;
    }
    ReadOutcome o = ReadReply(in, limits);
    if (o.error == ReplyError::kNone) return o.reply;
    const std::string verb = command.substr(0, command.find(' '));
    if (o.error == ReplyError::kTimeout) {
      result.findings.push_back(
          MakeFinding(kReplyTimeout, "no answer to " + verb + " in time", Printable(o.detail)));
    } else {
      result.findings.push_back(MakeFinding(
          kReplyMalformed, "the answer to " + verb + " is not SMTP", Printable(o.detail)));
    }
    return std::nullopt;
  }

  // Opens one more session (greeting and EHLO only, then QUIT): whether its EHLO reply offers
  // STARTTLS, or nullopt when the session did not get that far.
  std::optional<bool> SessionOffersStartTls(StepContext& ctx, const HttpRequest& req,
                                            const ReplyLimits& limits) {
    std::unique_ptr<Stream> again = ctx.transport.OpenStream(req);
    if (again->Connection().error) return std::nullopt;
    StreamReader in(*again);
    ReadOutcome greeting = ReadReply(in, limits);
    if (greeting.error != ReplyError::kNone || greeting.reply.code != 220) return std::nullopt;
    if (!again->Send("EHLO " + helo_ + "\r\n")) return std::nullopt;
    ReadOutcome ehlo = ReadReply(in, limits);
    if (ehlo.error != ReplyError::kNone || ehlo.reply.code != 250) return std::nullopt;
    Quit(*again, in);
    return Offers(EhloKeywords(ehlo.reply), "STARTTLS");
  }

  // The host's other addresses (A and AAAA through the run's resolver, at most
  // kOtherAddresses) whose EHLO reply differs from `offered` on the STARTTLS question. Adds the
  // fact addresses. Unreachable addresses are not judged here.
  std::vector<std::string> AddressesThatDiffer(StepContext& ctx, const HttpRequest& req,
                                               const ReplyLimits& limits, const std::string& here,
                                               bool offered, StepResult& result) {
    std::vector<std::string> all;
    for (DnsType type : {DnsType::kA, DnsType::kAaaa}) {
      DnsAnswer answer = ctx.transport.LookupDns(host_, type, ctx.timeouts);
      for (const DnsRecord& r : answer.records) all.push_back(r.data);
    }
    std::vector<std::string> differ;
    if (all.size() < 2) return differ;
    result.facts["addresses"] = Printable(Join(all, " "));
    size_t asked = 0;
    for (const std::string& address : all) {
      if (address == here || ++asked > kOtherAddresses) continue;
      HttpRequest other = req;
      other.connect_address = address;
      auto answer = SessionOffersStartTls(ctx, other, limits);
      if (answer && *answer != offered) differ.push_back(Printable(address));
    }
    return differ;
  }

  // Ends the session politely; the answer does not matter.
  static void Quit(Stream& stream, StreamReader& in) {
    if (!stream.Send("QUIT\r\n")) return;
    ReplyLimits quick;
    quick.timeout_ms = 2000;
    (void)ReadReply(in, quick);
  }

  std::string host_;
  int port_;
  std::string name_;
  std::string helo_;
  std::string dnssec_;  // of the MX records that named host_: "secure", "insecure" or ""
};

// An EHLO argument: a domain name (letters, digits, hyphens, dots) or an address literal.
bool ValidHelo(std::string_view helo) {
  if (helo.empty() || helo.size() > 255) return false;
  if (helo.front() == '[' && helo.back() == ']') return true;
  for (char c : helo) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return false;
  }
  return helo.find('.') != std::string_view::npos;
}

Result<std::unique_ptr<Step>> CreateSmtp(const OptionMap& o) {
  const std::string& host = o.at("host");
  if (host.empty()) return Fail("option 'host' is empty");
  if (host.find_first_of(" /:@") != std::string::npos && host.front() != '[') {
    return Fail("option 'host' must be a host name, got '" + Printable(host) + "'");
  }
  const std::string& helo = o.at("helo");
  if (!ValidHelo(helo)) {
    return Fail("option 'helo' must be a fully qualified domain name or an address literal, got '" +
                Printable(helo) + "'");
  }
  std::string name = o.count("name") && !o.at("name").empty() ? o.at("name") : host;
  const std::string dnssec = o.count("dnssec") ? o.at("dnssec") : "";
  if (!dnssec.empty() && dnssec != "secure" && dnssec != "insecure") {
    return Fail("option 'dnssec' must be secure, insecure or empty, got '" + Printable(dnssec) +
                "'");
  }
  return std::unique_ptr<Step>(
      std::make_unique<SmtpStep>(host, std::stoi(o.at("port")), std::move(name), helo, dnssec));
}

}  // namespace

const ModuleDescriptor kSmtpModule{
    "smtp",
    "One mail server: greeting, EHLO, STARTTLS and its certificate",
    "Connects to the server's SMTP port and reads the whole 220 greeting (421 throttling, a "
    "refusal, silence and garbage each have their finding), sends EHLO and reads its whole reply "
    "before anything else, sends STARTTLS only when offered, and performs the TLS handshake with "
    "SNI. The trust gate judges the chain inside the handshake with the shared evaluator for the "
    "expected name (cert.* findings as for HTTPS, AIA completion included); then EHLO again over "
    "TLS and QUIT. Nothing is ever submitted: no MAIL FROM, no RCPT TO.",
    kSmtpOptions,
    kSmtpFacts,
    kSmtpFindings,
    CreateSmtp,
    /*shareable=*/true,
    /*share_key=*/nullptr,
};

}  // namespace cxa::protocols
