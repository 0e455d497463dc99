// Module `rpc-endpoint`: an RPC over HTTP v2 virtual connection through the proxy and a bind to
// one endpoint (store, referral, address book).
#include <strings.h>

#include <algorithm>
#include <chrono>

#include "cert/x509.h"
#include "core/text.h"
#include "protocols/rpc-http/rpc_proxy_common.h"
#include "protocols/rpc-http/rpch_codec.h"
#include "protocols/rpc-http/rpch_modules.h"
#include "transport/connection_report.h"
#include "transport/credentials.h"
#include "transport/nonce.h"
#include "transport/ntlm.h"
#include "transport/stream_reader.h"

namespace cxa::protocols {
namespace {

using rpch::Opt;
using rpch::ProxyUrl;

constexpr FindingInfo kEndpointOk{
    "oa.rpc.endpoint_ok",
    Severity::kInfo,
    "RPC endpoint answered",
    "The RPC over HTTP virtual connection opened (CONN/A3 and C2 arrived) and the endpoint "
    "accepted the bind to its interface: Outlook can reach it through the proxy.",
    "Nothing to fix.",
    "C706 §12 (bind and bind_ack); MS-RPCH 2.2.3"};
constexpr FindingInfo kServerUnavailable{
    "oa.rpc.server_unavailable",
    Severity::kError,
    "The RPC proxy cannot reach the server (RPC error 0x6ba)",
    "The RPC proxy answered 503 RPC Error 6ba (RPC server unavailable): it could not connect to "
    "the RPC target and port behind it: the name does not resolve on the proxy, the port is not "
    "allowed (ValidPorts), the service is down, or a firewall between proxy and server.",
    "On the proxy, resolve and reach <server>:<port>; check the ValidPorts registry values of "
    "the RPC proxy, the Exchange services (Microsoft Exchange RPC Client Access, Address Book) "
    "and internal firewalls.",
    "Remote Connectivity Analyzer: RPC Server Unavailable Error was Thrown by the RPC Runtime; "
    "MS-RPCH 2.2.3"};
constexpr FindingInfo kAccessDenied{
    "oa.rpc.access_denied",
    Severity::kError,
    "The RPC proxy denied access (RPC error 0x5)",
    "The RPC proxy answered 503 RPC Error 5 (access denied): the proxy accepted the HTTP "
    "authentication, but the account may not use RPC over HTTP (LmCompatibilityLevel mismatch, "
    "domain controller replication, logon rights).",
    "Check the account's logon rights, LmCompatibilityLevel on proxy and domain controllers, and "
    "replication.",
    "Remote Connectivity Analyzer: Access is Denied Error was Thrown by the RPC Runtime; MS-RPCH "
    "2.2.3"};
constexpr FindingInfo kRpcError{"oa.rpc.proxy_error",
                                Severity::kError,
                                "The RPC proxy reported an RPC error",
                                "A channel got '503 RPC Error: <code>' from the RPC proxy.",
                                "Look up the code in the finding; check the proxy's event log.",
                                "MS-RPCH 2.2.3; C706 §12 (fault PDU)"};
constexpr FindingInfo kChannelRejected{
    "oa.rpc.channel_rejected",
    Severity::kError,
    "The RPC proxy refused the channel",
    "A channel request (RPC_IN_DATA / RPC_OUT_DATA) was refused with 401, 404 or another status "
    "before the virtual connection could open.",
    "Check the credentials and the authentication methods of /rpc (401), the RPC proxy "
    "installation (404); the status line is in the finding.",
    "Remote Connectivity Analyzer: RPC over HTTP Connection is Not Allowed; MS-RPCH 2.1.2.1"};
constexpr FindingInfo kNoConnection{
    "oa.rpc.backend_unreachable",
    Severity::kError,
    "The virtual connection did not open (no CONN/A3 or C2)",
    "The proxy accepted the channels but CONN/A3 and CONN/C2 did not arrive in time: the proxy "
    "could not set the connection up with the server behind it (unreachable or hung backend).",
    "Check that the RPC target is up and reachable from the proxy on the port, and the proxy's "
    "event log.",
    "MS-RPCH 2.2.3.5 (RTS commands); Remote Connectivity Analyzer: RPC Server Unavailable Error "
    "was Thrown by the RPC Runtime"};
constexpr FindingInfo kProtocolError{
    "oa.rpc.protocol_error",
    Severity::kError,
    "RPC over HTTP protocol error",
    "The proxy sent bytes that are not the expected RTS or DCE/RPC PDUs (wrong lengths, unknown "
    "commands, an unexpected PDU): a device in the path rewrites the stream, or the server is "
    "not an RPC proxy.",
    "Check reverse proxies and load balancers between client and RPC proxy (they must pass "
    "RPC_IN_DATA / RPC_OUT_DATA bodies unchanged and unbuffered).",
    "MS-RPCH 2.2.3.6.1 (RTS PDU header); MS-RPCH 2.2.3.5 (RTS commands)"};
constexpr FindingInfo kBindRejected{
    "oa.rpc.bind_rejected",
    Severity::kWarning,
    "The endpoint refused the bind",
    "The virtual connection opened, so the endpoint is reachable, but it refused the bind to "
    "its interface (bind_nak, a provider rejection or a fault): it may not serve this interface "
    "on this port, or wants RPC-level authentication first.",
    "Check which Exchange service listens on the port behind the proxy (6001 store, 6002 "
    "referral, 6004 address book).",
    "C706 §12 (bind and bind_nak); MS-RPCH 2.2.3"};
constexpr FindingInfo kNoBindAnswer{
    "oa.rpc.bind_timeout",
    Severity::kError,
    "No answer to the bind",
    "The virtual connection opened but the endpoint did not answer the bind in time.",
    "Check the Exchange service behind the port and the proxy's event log.",
    "C706 §12 (bind and bind_ack); MS-RPCH 2.2.3"};
constexpr FindingInfo kEndpointFindings[] = {kEndpointOk,    kServerUnavailable, kAccessDenied,
                                             kRpcError,      kChannelRejected,   kNoConnection,
                                             kProtocolError, kBindRejected,      kNoBindAnswer};

// A byte stream with a read buffer: HTTP heads, fixed bodies and whole PDUs, each bounded.
class Channel {
 public:
  explicit Channel(std::unique_ptr<Stream> s) : s_(std::move(s)), in_(*s_) {}
  Stream& stream() { return *s_; }
  Status Send(std::string_view bytes) { return s_->Send(bytes); }

  // An HTTP response head (status line and headers; the body is left in the buffer).
  Result<HttpResponse> ReadHead(int timeout_ms) {
    auto head = in_.ReadUntil("\r\n\r\n", kMaxHead, timeout_ms);
    if (!head) return Fail(Closed(head.error()));
    return rpch::ParseResponseHead(*head);
  }

  // Exactly n bytes (n bounded by the caller).
  Result<std::string> ReadBytes(size_t n, int timeout_ms) {
    auto got = in_.ReadBytes(n, timeout_ms);
    if (!got) return Fail(Closed(got.error()));
    return got;
  }

  // The next whole PDU. malformed() tells a broken stream (bad header, a PDU cut short) from
  // silence.
  Result<std::string> ReadPdu(int timeout_ms) {
    malformed_ = false;
    for (;;) {
      std::string_view buf = in_.Buffered();
      auto len = rpch::PduLength(buf);
      if (!len) {
        malformed_ = true;
        return Fail(len.error());
      }
      if (*len > 0) return ReadBytes(*len, timeout_ms);
      if (auto st = in_.Fill(timeout_ms); !st) {
        buf = in_.Buffered();
        if (buf.empty()) return Fail(Closed(st.error()));
        malformed_ = true;
        size_t announced = buf.size() >= 10 ? static_cast<unsigned char>(buf[8]) |
                                                  static_cast<unsigned char>(buf[9]) << 8
                                            : 0;
        return Fail("a PDU cut short: " +
                    (announced ? "frag_length " + std::to_string(announced) + ", " : "") +
                    std::to_string(buf.size()) + " bytes arrived (" + Closed(st.error()) + ")");
      }
    }
  }
  bool malformed() const { return malformed_; }

 private:
  static constexpr size_t kMaxHead = 16 * 1024;
  // The reader's words for a closed stream, in this protocol's terms.
  static std::string Closed(const std::string& why) {
    return why == "the peer closed the connection" ? "the proxy closed the connection" : why;
  }
  std::unique_ptr<Stream> s_;
  StreamReader in_;
  bool malformed_ = false;
};

constexpr OptionSpec kEndpointOptions[] = {
    {"proxy", OptionType::kString, true, "", "the RPC proxy host (EXPR/Server)"},
    {"server", OptionType::kString, true, "", "the RPC target behind the proxy (EXCH/Server)"},
    {"port", OptionType::kPort, true, "", "the endpoint's port: 6001, 6002 or 6004"},
    {"interface", OptionType::kString, true, "",
     "the interface to bind: emsmdb (store), rfr (referral) or nspi (address book)"},
    {"auth", OptionType::kString, false, "ntlm", "basic or ntlm: what Outlook uses at the proxy"},
    {"user", OptionType::kString, false, "", "user name (DOMAIN\\user or UPN)"},
};

constexpr FactSpec kEndpointFacts[] = {
    {"virtual_connection", "open, or where it stopped"},
    {"connection_timeout_ms", "the proxy's ConnectionTimeout (CONN/A3)"},
    {"receive_window", "the IN channel's receive window (CONN/C2)"},
    {"bind", "the endpoint's answer to the bind (acceptance, rejection, fault)"},
    {"secondary_address", "the port the bind_ack names"},
    {"pings", "RTS Pings received while waiting (a slow backend)"},
};

class EndpointStep : public Step {
 public:
  explicit EndpointStep(const OptionMap& o)
      : proxy_(Opt(o, "proxy")),
        server_(Opt(o, "server")),
        port_(std::stoi(Opt(o, "port"))),
        iface_(*rpch::FindInterface(Opt(o, "interface"))),
        auth_(ToLower(Opt(o, "auth"))),
        user_(Opt(o, "user")) {}

  StepResult Run(StepContext& ctx) override {
    if (auto skip = SkipWithoutPassword(ctx)) return *skip;
    StepResult result;
    url_ = ProxyUrl(proxy_, server_, port_);
    path_ = url_.substr(url_.find("/rpc/"));
    wait_ms_ = ctx.timeouts.first_byte_ms;
    result.facts["virtual_connection"] = "not opened";
    std::string why;
    auto password = ctx.credentials.Release(ctx.password, url_, &why);
    if (!password) {
      result.findings.push_back(CredentialsWithheld(url_, "the RPC proxy Autodiscover named", why));
      return result;
    }
    password_ = std::move(*password);

    auto in = Open(ctx, result);
    if (!in) return result;
    auto out = Open(ctx, result);
    if (!out) return result;

    rpch::Cookie connection = MakeCookie(ctx, "connection"), in_cookie = MakeCookie(ctx, "in"),
                 out_cookie = MakeCookie(ctx, "out"), group = MakeCookie(ctx, "group");
    // The IN channel's head, then the OUT channel's head and CONN/A1, then CONN/B1 on IN
    // (MS-RPCH 3.2.2.4.1.2); the proxy answers OUT only after A1.
    if (!Authenticated(*in, "RPC_IN_DATA", 1073741824, result) ||
        !Authenticated(*out, "RPC_OUT_DATA", 76, result)) {
      return result;
    }
    if (!Sent(out->Send(rpch::EncodeConnA1(connection, out_cookie, 262144)), result) ||
        !Sent(in->Send(rpch::EncodeConnB1(connection, in_cookie, 0x40000000, 300000, group)),
              result)) {
      return result;
    }
    result.stage = Stage::kHttp;
    auto head = out->ReadHead(wait_ms_);
    if (!head) {
      // The OUT channel said nothing: the IN channel may have been refused instead.
      auto in_head = in->ReadHead(200);
      if (in_head) return Refused(*in_head, "RPC_IN_DATA", result);
      result.facts["virtual_connection"] = "no answer on the OUT channel";
      result.findings.push_back(
          MakeFinding(kNoConnection, "the OUT channel got no answer from " + proxy_, head.error()));
      return result;
    }
    if (head->status != 200) return Refused(*head, "RPC_OUT_DATA", result);
    if (auto te = head->Header("Transfer-Encoding"); te && ToLower(*te) != "identity") {
      result.findings.push_back(MakeFinding(
          kProtocolError,
          "the OUT channel answered with Transfer-Encoding " + *te + ", which cxa does not decode",
          url_));
      return result;
    }

    // CONN/A3 then CONN/C2; Pings in between mean a slow backend.
    int pings = 0;
    for (const char* want : {"CONN/A3", "CONN/C2"}) {
      bool malformed = false;
      auto rts = NextRts(*out, &pings, &malformed, result);
      if (!rts && malformed) {
        result.facts["virtual_connection"] = "protocol error";
        result.findings.push_back(
            MakeFinding(kProtocolError, "the proxy sent broken RTS instead of " + std::string(want),
                        rts.error()));
        return result;
      }
      if (!rts) {
        result.facts["virtual_connection"] = std::string("no ") + want;
        result.findings.push_back(MakeFinding(kNoConnection,
                                              std::string(want) + " did not arrive from " + proxy_ +
                                                  " for " + server_ + ":" + std::to_string(port_),
                                              rts.error()));
        return result;
      }
      std::string got = rpch::DescribeRts(*rts);
      if (got != want) {
        result.facts["virtual_connection"] = "protocol error";
        result.findings.push_back(
            MakeFinding(kProtocolError, "expected " + std::string(want) + ", got " + got, url_));
        return result;
      }
      if (const auto* t = rts->Find(rpch::kConnectionTimeout); t && got == "CONN/A3") {
        result.facts["connection_timeout_ms"] = std::to_string(t->value);
      }
      if (const auto* w = rts->Find(rpch::kReceiveWindowSize)) {
        result.facts["receive_window"] = std::to_string(w->value);
      }
    }
    result.facts["virtual_connection"] = "open";
    result.stage = Stage::kProtocol;

    // The bind over the virtual connection.
    if (!Sent(in->Send(rpch::EncodeBind(iface_, 1)), result)) return result;
    for (int skipped = 0;; ++skipped) {
      if (skipped > kMaxSkipped) {
        result.findings.push_back(MakeFinding(
            kProtocolError, "the proxy sent RTS PDUs without end instead of the bind answer"));
        return result;
      }
      auto bytes = out->ReadPdu(wait_ms_);
      if (!bytes) {
        result.findings.push_back(MakeFinding(out->malformed() ? kProtocolError : kNoBindAnswer,
                                              "no answer to the " + std::string(iface_.name) +
                                                  " bind on port " + std::to_string(port_),
                                              bytes.error()));
        return result;
      }
      auto pdu = rpch::DecodePdu(*bytes);
      if (pdu && pdu->type == rpch::kRts) {
        auto rts = rpch::DecodeRts(*pdu);
        if (rts && rts->flags == rpch::kRtsPing) {
          ++pings;
          continue;
        }
        if (rts) continue;  // flow control and the like
      }
      auto answer =
          pdu ? rpch::DecodeBindAnswer(*pdu) : Result<rpch::BindAnswer>(Fail(pdu.error()));
      if (!answer) {
        result.findings.push_back(MakeFinding(
            kProtocolError, "the answer to the bind is not a bind answer", answer.error()));
        return result;
      }
      if (pings > 0) result.facts["pings"] = std::to_string(pings);
      result.facts["bind"] = rpch::DescribeBindAnswer(*answer);
      if (!answer->secondary.empty()) result.facts["secondary_address"] = answer->secondary;
      std::string what = std::string(iface_.name) + " (" + std::string(iface_.purpose) + ") at " +
                         server_ + ":" + std::to_string(port_);
      if (answer->accepted()) {
        result.findings.push_back(MakeFinding(kEndpointOk, what + " accepted the bind"));
      } else {
        result.findings.push_back(MakeFinding(
            kBindRejected, what + " answered the bind with " + rpch::DescribeBindAnswer(*answer)));
      }
      return result;
    }
  }

 private:
  // Random cookies live; derived from the recording's seed when recording or replaying, so a
  // replay sends the recorded CONN/A1 and B1 bytes.
  rpch::Cookie MakeCookie(const StepContext& ctx, const char* role) const {
    rpch::Cookie c{};
    FillNonce(c, ctx.seed, url_ + "|" + role);
    return c;
  }

  std::optional<Channel> Open(StepContext& ctx, StepResult& result) {
    HttpRequest req = StepRequest(ctx, url_);
    req.carries_credentials = true;
    std::unique_ptr<Stream> s = ctx.transport.OpenStream(req);
    if (!ReportConnectionFailure(s->Connection(), ctx.now, result)) return std::nullopt;
    return Channel(std::move(s));
  }

  std::string HeadText(const std::string& method, size_t length, const std::string& auth) {
    return method + " " + path_ + " HTTP/1.1\r\nAccept: application/rpc\r\nUser-Agent: MSRPC\r\n" +
           "Host: " + proxy_ + "\r\nCache-Control: no-cache\r\nPragma: No-cache\r\n" +
           "Connection: Keep-Alive\r\nContent-Length: " + std::to_string(length) + "\r\n" +
           "Authorization: " + auth + "\r\n\r\n";
  }

  bool Sent(Status st, StepResult& result) {
    if (st) return true;
    result.findings.push_back(
        MakeFinding(kChannelRejected, "a channel to " + proxy_ + " broke", st.error()));
    return false;
  }

  // Sends the channel's request head with credentials: Basic at once; NTLM after the
  // NEGOTIATE/CHALLENGE leg on the same connection (Content-Length 0).
  bool Authenticated(Channel& ch, const std::string& method, size_t length, StepResult& result) {
    if (auth_ == "basic") {
      return Sent(
          ch.Send(HeadText(method, length, "Basic " + cert::EncodeBase64(user_ + ":" + password_))),
          result);
    }
    if (!Sent(ch.Send(HeadText(method, 0, "NTLM " + cert::EncodeBase64(ntlm::NegotiateMessage()))),
              result)) {
      return false;
    }
    auto head = ch.ReadHead(wait_ms_);
    if (!head) {
      result.findings.push_back(MakeFinding(
          kChannelRejected, "no answer to the NTLM negotiation of " + method, head.error()));
      return false;
    }
    size_t body = rpch::ContentLength(*head);
    if (body > 64 * 1024) {
      result.findings.push_back(MakeFinding(kProtocolError, "an oversized NTLM challenge answer"));
      return false;
    }
    if (!ch.ReadBytes(body, wait_ms_)) {
      result.findings.push_back(MakeFinding(kChannelRejected, "the NTLM challenge was cut short"));
      return false;
    }
    std::string challenge;
    for (const auto& [k, v] : head->headers) {
      if (strcasecmp(k.c_str(), "WWW-Authenticate") == 0 && v.rfind("NTLM ", 0) == 0) {
        challenge = v.substr(5);
      }
    }
    if (head->status != 401 || challenge.empty()) {
      Refused(*head, method, result);
      return false;
    }
    auto raw = cert::DecodeBase64(challenge);
    auto [domain, user] = ntlm::SplitUser(user_);
    auto type3 = raw ? ntlm::AuthenticateMessage(std::string(raw->begin(), raw->end()), user,
                                                 domain, password_)
                     : Result<std::string>(Fail("the NTLM challenge is not base64"));
    if (!type3) {
      result.findings.push_back(MakeFinding(kProtocolError, type3.error()));
      return false;
    }
    return Sent(ch.Send(HeadText(method, length, "NTLM " + cert::EncodeBase64(*type3))), result);
  }

  StepResult& Refused(const HttpResponse& head, const std::string& channel, StepResult& result) {
    result.facts["virtual_connection"] = channel + " refused";
    std::string what = channel + " to " + url_ + " got " + head.StatusLine();
    if (auto code = rpch::RpcErrorCode(head.reason)) {
      std::string name(rpch::RpcErrorName(*code));
      const FindingInfo& info = *code == 0x6ba ? kServerUnavailable
                                : *code == 0x5 ? kAccessDenied
                                               : kRpcError;
      result.findings.push_back(MakeFinding(info, what + (name.empty() ? "" : " (" + name + ")")));
    } else {
      result.findings.push_back(MakeFinding(kChannelRejected, what));
    }
    return result;
  }

  // The next RTS PDU on OUT, counting (and skipping) Pings.
  Result<rpch::RtsPdu> NextRts(Channel& out, int* pings, bool* malformed, StepResult& result) {
    for (int skipped = 0;; ++skipped) {
      if (skipped > kMaxSkipped)
        return Fail("only Pings arrived (" + std::to_string(skipped) + ")");
      auto bytes = out.ReadPdu(wait_ms_);
      if (!bytes) {
        *malformed = out.malformed();
        return Fail(bytes.error());
      }
      *malformed = true;  // from here on, any failure is in the bytes
      auto pdu = rpch::DecodePdu(*bytes);
      if (!pdu) return Fail(pdu.error());
      auto rts = rpch::DecodeRts(*pdu);
      if (!rts) return Fail(rts.error());
      *malformed = false;
      if (rts->flags == rpch::kRtsPing) {
        ++*pings;
        result.facts["pings"] = std::to_string(*pings);
        continue;
      }
      return rts;
    }
  }

  // Pings and other RTS PDUs tolerated while waiting for one answer: each may come just
  // within the read timeout, so without a bound a hostile proxy could keep the step forever.
  static constexpr int kMaxSkipped = 32;
  std::string proxy_, server_;
  int port_;
  const rpch::Interface& iface_;
  std::string auth_, user_;
  std::string url_, path_;
  std::string password_;  // released by the credential rule for url_ (never reported)
  int wait_ms_ = 10000;
};

Result<std::unique_ptr<Step>> CreateEndpoint(const OptionMap& o) {
  if (auto st = rpch::CheckProxyOptions(o); !st) return Fail(st.error());
  int port = std::stoi(Opt(o, "port"));
  if (port < 1 || port > 65535) return Fail("option 'port' must be 1-65535");
  if (rpch::FindInterface(Opt(o, "interface")) == nullptr) {
    return Fail("option 'interface' must be emsmdb, rfr or nspi, got '" + Opt(o, "interface") +
                "'");
  }
  return std::unique_ptr<Step>(std::make_unique<EndpointStep>(o));
}

}  // namespace

const ModuleDescriptor kRpcEndpointModule{
    "rpc-endpoint",
    "RPC over HTTP v2 connection and bind to one endpoint",
    "Only with a password: opens the IN channel (RPC_IN_DATA, Content-Length 1073741824) and the "
    "OUT channel (RPC_OUT_DATA, Content-Length 76) to https://PROXY/rpc/rpcproxy.dll?SERVER:PORT "
    "on two TLS connections, each authenticated (Basic, or NTLM with its empty-body first leg on "
    "the same connection), sends CONN/A1 on OUT and CONN/B1 on IN, and waits for CONN/A3 and "
    "CONN/C2 on OUT. '503 RPC Error: 6ba' means the proxy cannot reach the server, '5' access "
    "denied; no A3/C2 in time means the backend is unreachable. Then binds to the interface "
    "(EMSMDB, RFR or NSPI) over the virtual connection: bind_ack accepted is the endpoint "
    "answering; bind_nak, a rejection or a fault is reported with its reason.",
    kEndpointOptions,
    kEndpointFacts,
    kEndpointFindings,
    CreateEndpoint,
    /*shareable=*/false,
    /*share_key=*/nullptr,
};

}  // namespace cxa::protocols
