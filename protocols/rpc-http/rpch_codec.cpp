#include "protocols/rpc-http/rpch_codec.h"

#include <cstdio>

#include "core/text.h"
#include "transport/http_head.h"

namespace cxa::protocols::rpch {
namespace {

constexpr std::size_t kHeader = 16;

void Put8(std::string& s, std::uint8_t v) { s += static_cast<char>(v); }
void Put16(std::string& s, std::uint16_t v) {
  s += static_cast<char>(v & 0xff);
  s += static_cast<char>(v >> 8);
}
void Put32(std::string& s, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
}
template <std::size_t N>
void PutBytes(std::string& s, const std::array<std::uint8_t, N>& b) {
  s.append(reinterpret_cast<const char*>(b.data()), N);
}

// A bounds-checked little-endian reader over one PDU's bytes.
class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  bool Has(std::size_t n) const { return n <= s_.size() - at_; }
  std::size_t at() const { return at_; }
  std::size_t left() const { return s_.size() - at_; }
  std::uint8_t U8() { return static_cast<std::uint8_t>(s_[at_++]); }
  std::uint16_t U16() {
    std::uint16_t v = static_cast<std::uint8_t>(s_[at_]) |
                      static_cast<std::uint16_t>(static_cast<std::uint8_t>(s_[at_ + 1]) << 8);
    at_ += 2;
    return v;
  }
  std::uint32_t U32() {
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<std::uint8_t>(s_[at_ + i]);
    at_ += 4;
    return v;
  }
  template <std::size_t N>
  std::array<std::uint8_t, N> Bytes() {
    std::array<std::uint8_t, N> b{};
    for (auto& x : b) x = U8();
    return b;
  }
  std::string_view Take(std::size_t n) {
    std::string_view v = s_.substr(at_, n);
    at_ += n;
    return v;
  }

 private:
  std::string_view s_;
  std::size_t at_ = 0;
};

std::string Header(PduType type, std::size_t body, std::uint32_t call_id) {
  std::string h;
  Put8(h, 5);
  Put8(h, 0);
  Put8(h, type);
  Put8(h, 0x03);         // PFC_FIRST_FRAG | PFC_LAST_FRAG
  Put32(h, 0x00000010);  // little-endian integers, ASCII, IEEE floats
  Put16(h, static_cast<std::uint16_t>(kHeader + body));
  Put16(h, 0);
  Put32(h, call_id);
  return h;
}

// The payload size of a fixed-size RTS command, or -1 for the variable ones.
int FixedPayload(std::uint32_t type) {
  switch (type) {
    case kReceiveWindowSize:
    case kConnectionTimeout:
    case kChannelLifetime:
    case kClientKeepalive:
    case kVersion:
    case kDestination:
    case kPingTrafficSentNotify:
      return 4;
    case kFlowControlAck:
      return 24;
    case kCookie:
    case kAssociationGroupId:
      return 16;
    case kEmpty:
    case kNegativeAnce:
    case kAnce:
      return 0;
    default:
      return -1;
  }
}

std::array<std::uint8_t, 16> Uuid(std::uint32_t a, std::uint16_t b, std::uint16_t c,
                                  std::array<std::uint8_t, 8> d) {
  std::array<std::uint8_t, 16> u{};
  for (int i = 0; i < 4; ++i) u[i] = static_cast<std::uint8_t>(a >> (8 * i));
  u[4] = static_cast<std::uint8_t>(b);
  u[5] = static_cast<std::uint8_t>(b >> 8);
  u[6] = static_cast<std::uint8_t>(c);
  u[7] = static_cast<std::uint8_t>(c >> 8);
  for (int i = 0; i < 8; ++i) u[8 + i] = d[i];
  return u;
}

const std::array<std::uint8_t, 16>& Ndr() {
  static const auto ndr =
      Uuid(0x8a885d04, 0x1ceb, 0x11c9, {0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60});
  return ndr;
}

std::string Hex(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", v);
  return buf;
}

}  // namespace

Result<std::size_t> PduLength(std::string_view stream) {
  if (stream.size() < kHeader) return std::size_t{0};
  Reader r(stream);
  std::uint8_t vers = r.U8(), minor = r.U8();
  r.U8();  // type
  r.U8();  // pfc_flags
  std::uint8_t drep = r.U8();
  if (vers != 5 || minor != 0) {
    return Fail("not a DCE/RPC v5.0 PDU (version " + std::to_string(vers) + "." +
                std::to_string(minor) + ")");
  }
  if ((drep & 0xf0) != 0x10) return Fail("the PDU is not in little-endian representation");
  r.U8();
  r.U16();
  std::uint16_t frag = r.U16();
  if (frag < kHeader) return Fail("frag_length " + std::to_string(frag) + " is below 16");
  return stream.size() >= frag ? std::size_t{frag} : std::size_t{0};
}

Result<Pdu> DecodePdu(std::string_view bytes) {
  auto len = PduLength(bytes);
  if (!len) return Fail(len.error());
  if (*len == 0 || *len != bytes.size()) {
    return Fail("the PDU's frag_length does not match its " + std::to_string(bytes.size()) +
                " bytes");
  }
  Reader r(bytes);
  r.Take(2);
  Pdu p;
  p.type = r.U8();
  p.pfc_flags = r.U8();
  r.Take(4);
  p.frag_length = r.U16();
  p.auth_length = r.U16();
  p.call_id = r.U32();
  p.body = std::string(bytes.substr(kHeader));
  return p;
}

const RtsCommand* RtsPdu::Find(std::uint32_t type) const {
  for (const auto& c : commands) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

Result<RtsPdu> DecodeRts(const Pdu& pdu) {
  if (pdu.type != kRts) return Fail("not an RTS PDU (type " + std::to_string(pdu.type) + ")");
  Reader r(pdu.body);
  if (!r.Has(4)) return Fail("the RTS PDU is shorter than its 20-byte header");
  RtsPdu rts;
  rts.flags = r.U16();
  std::uint16_t n = r.U16();
  for (std::uint16_t i = 0; i < n; ++i) {
    std::string where = "RTS command " + std::to_string(i + 1) + " of " + std::to_string(n);
    if (!r.Has(4)) return Fail(where + " is missing");
    RtsCommand c;
    c.type = r.U32();
    int fixed = FixedPayload(c.type);
    if (fixed < 0 && c.type != kPadding && c.type != kClientAddress) {
      return Fail(where + " has an unknown type " + std::to_string(c.type));
    }
    std::size_t need = fixed >= 0 ? static_cast<std::size_t>(fixed) : 4;
    if (!r.Has(need)) return Fail(where + " is cut short");
    switch (c.type) {
      case kCookie:
      case kAssociationGroupId:
        c.cookie = r.Bytes<16>();
        break;
      case kFlowControlAck:
        c.value = r.U32();
        c.value2 = r.U32();
        c.cookie = r.Bytes<16>();
        break;
      case kPadding: {
        c.value = r.U32();
        if (!r.Has(c.value)) return Fail(where + " pads past the end of the PDU");
        r.Take(c.value);
        break;
      }
      case kClientAddress: {
        c.value = r.U32();
        std::size_t size = c.value == 0 ? 4 : c.value == 1 ? 16 : 0;
        if (size == 0) return Fail(where + " has an unknown address type");
        if (!r.Has(size + 12)) return Fail(where + " is cut short");
        r.Take(size + 12);
        break;
      }
      default:
        if (fixed == 4) c.value = r.U32();
    }
    rts.commands.push_back(c);
  }
  if (r.left() != 0) {
    return Fail("the RTS PDU has " + std::to_string(r.left()) + " bytes after its commands");
  }
  return rts;
}

std::string DescribeRts(const RtsPdu& rts) {
  auto types = [&](std::initializer_list<std::uint32_t> want) {
    if (rts.commands.size() != want.size()) return false;
    std::size_t i = 0;
    for (std::uint32_t t : want) {
      if (rts.commands[i++].type != t) return false;
    }
    return true;
  };
  if (rts.flags == kRtsNone && types({kConnectionTimeout})) return "CONN/A3";
  if (rts.flags == kRtsNone && types({kVersion, kReceiveWindowSize, kConnectionTimeout})) {
    return "CONN/C2";
  }
  if (rts.flags == kRtsNone && types({kVersion, kCookie, kCookie, kReceiveWindowSize})) {
    return "CONN/A1";
  }
  if (rts.flags == kRtsNone && types({kVersion, kCookie, kCookie, kChannelLifetime,
                                      kClientKeepalive, kAssociationGroupId})) {
    return "CONN/B1";
  }
  if (rts.flags == kRtsPing && rts.commands.empty()) return "Ping";
  if (rts.flags == kRtsEcho && rts.commands.empty()) return "Echo";
  if (rts.flags == kRtsOtherCmd && types({kDestination, kFlowControlAck})) {
    return "FlowControlAck";
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "RTS flags 0x%04x with %zu commands", rts.flags,
                rts.commands.size());
  return buf;
}

std::string EncodeRts(std::uint16_t flags, const std::vector<RtsCommand>& commands) {
  std::string body;
  Put16(body, flags);
  Put16(body, static_cast<std::uint16_t>(commands.size()));
  for (const auto& c : commands) {
    Put32(body, c.type);
    switch (c.type) {
      case kCookie:
      case kAssociationGroupId:
        PutBytes(body, c.cookie);
        break;
      case kFlowControlAck:
        Put32(body, c.value);
        Put32(body, c.value2);
        PutBytes(body, c.cookie);
        break;
      case kPadding:
        Put32(body, c.value);
        body.append(c.value, '\0');
        break;
      default:
        if (FixedPayload(c.type) == 4) Put32(body, c.value);
    }
  }
  return Header(kRts, body.size(), 0) + body;
}

std::string EncodeConnA1(const Cookie& connection, const Cookie& out_channel,
                         std::uint32_t receive_window) {
  return EncodeRts(kRtsNone, {{.type = kVersion, .value = 1},
                              {.type = kCookie, .cookie = connection},
                              {.type = kCookie, .cookie = out_channel},
                              {.type = kReceiveWindowSize, .value = receive_window}});
}

std::string EncodeConnB1(const Cookie& connection, const Cookie& in_channel,
                         std::uint32_t channel_lifetime, std::uint32_t keepalive_ms,
                         const Cookie& association_group) {
  return EncodeRts(kRtsNone, {{.type = kVersion, .value = 1},
                              {.type = kCookie, .cookie = connection},
                              {.type = kCookie, .cookie = in_channel},
                              {.type = kChannelLifetime, .value = channel_lifetime},
                              {.type = kClientKeepalive, .value = keepalive_ms},
                              {.type = kAssociationGroupId, .cookie = association_group}});
}

std::string EncodeConnA3(std::uint32_t timeout_ms) {
  return EncodeRts(kRtsNone, {{.type = kConnectionTimeout, .value = timeout_ms}});
}

std::string EncodeConnC2(std::uint32_t receive_window, std::uint32_t timeout_ms) {
  return EncodeRts(kRtsNone, {{.type = kVersion, .value = 1},
                              {.type = kReceiveWindowSize, .value = receive_window},
                              {.type = kConnectionTimeout, .value = timeout_ms}});
}

std::string EncodePing() { return EncodeRts(kRtsPing, {}); }
std::string EncodeEcho() { return EncodeRts(kRtsEcho, {}); }

std::string EncodeFlowControlAck(std::uint32_t bytes_received, std::uint32_t available_window,
                                 const Cookie& out_channel) {
  return EncodeRts(kRtsOtherCmd, {{.type = kDestination, .value = 3},  // FDOutProxy
                                  {.type = kFlowControlAck,
                                   .value = bytes_received,
                                   .value2 = available_window,
                                   .cookie = out_channel}});
}

const Interface& Emsmdb() {
  static const Interface i{
      "EMSMDB", "mailbox store",
      Uuid(0xa4f1db00, 0xca47, 0x1067, {0xb3, 0x1f, 0x00, 0xdd, 0x01, 0x06, 0x62, 0xda}), 0, 81};
  return i;
}
const Interface& Rfr() {
  static const Interface i{
      "RFR", "referral service",
      Uuid(0x1544f5e0, 0x613c, 0x11d1, {0x93, 0xdf, 0x00, 0xc0, 0x4f, 0xd7, 0xbd, 0x09}), 1, 0};
  return i;
}
const Interface& Nspi() {
  static const Interface i{
      "NSPI", "address book",
      Uuid(0xf5cc5a18, 0x4264, 0x101a, {0x8c, 0x59, 0x08, 0x00, 0x2b, 0x2f, 0x84, 0x26}), 56, 0};
  return i;
}

const Interface* FindInterface(std::string_view name) {
  std::string n = ToLower(name);
  for (const Interface* i : {&Emsmdb(), &Rfr(), &Nspi()}) {
    if (ToLower(i->name) == n) return i;
  }
  return nullptr;
}

std::string UuidText(const std::array<std::uint8_t, 16>& u) {
  char buf[40];
  std::snprintf(buf, sizeof buf,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[3], u[2],
                u[1], u[0], u[5], u[4], u[7], u[6], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
                u[15]);
  return buf;
}

std::string EncodeBind(const Interface& iface, std::uint32_t call_id, std::uint16_t max_frag) {
  std::string body;
  Put16(body, max_frag);
  Put16(body, max_frag);
  Put32(body, 0);  // new association group
  Put8(body, 1);   // one presentation context
  body.append(3, '\0');
  Put16(body, 0);  // context id
  Put8(body, 1);   // one transfer syntax
  Put8(body, 0);
  PutBytes(body, iface.uuid);
  Put16(body, iface.major);
  Put16(body, iface.minor);
  PutBytes(body, Ndr());
  Put32(body, 2);  // NDR version 2.0
  return Header(kBind, body.size(), call_id) + body;
}

Result<BindRequest> DecodeBind(const Pdu& pdu) {
  if (pdu.type != kBind) return Fail("not a bind PDU (type " + std::to_string(pdu.type) + ")");
  Reader r(pdu.body);
  if (!r.Has(12 + 4 + 20)) return Fail("the bind is cut short");
  BindRequest b;
  b.call_id = pdu.call_id;
  b.max_xmit = r.U16();
  b.max_recv = r.U16();
  r.U32();
  if (r.U8() == 0) return Fail("the bind has no presentation context");
  r.Take(3);
  b.context_id = r.U16();
  r.Take(2);
  b.uuid = r.Bytes<16>();
  b.major = r.U16();
  b.minor = r.U16();
  return b;
}

std::string EncodeBindAck(const BindRequest& bind, bool accept, std::string_view secondary) {
  std::string body;
  Put16(body, bind.max_xmit);
  Put16(body, bind.max_recv);
  Put32(body, 0x00012345);  // association group
  std::string addr(secondary);
  addr += '\0';
  Put16(body, static_cast<std::uint16_t>(addr.size()));
  body += addr;
  while ((kHeader + body.size()) % 4 != 0) body += '\0';  // aligned from the PDU's start
  Put8(body, 1);
  body.append(3, '\0');
  Put16(body, accept ? 0 : 2);
  Put16(body, accept ? 0 : 1);
  if (accept) {
    PutBytes(body, Ndr());
    Put32(body, 2);
  } else {
    body.append(20, '\0');
  }
  return Header(kBindAck, body.size(), bind.call_id) + body;
}

std::string EncodeFault(std::uint32_t call_id, std::uint32_t status) {
  std::string body;
  Put32(body, 0);
  Put16(body, 0);
  Put8(body, 0);
  Put8(body, 0);
  Put32(body, status);
  Put32(body, 0);
  return Header(kFault, body.size(), call_id) + body;
}

Result<BindAnswer> DecodeBindAnswer(const Pdu& pdu) {
  Reader r(pdu.body);
  BindAnswer a;
  switch (pdu.type) {
    case kBindAck: {
      a.kind = BindAnswer::kAck;
      if (!r.Has(10)) return Fail("the bind_ack is cut short");
      r.Take(8);
      std::uint16_t len = r.U16();
      if (!r.Has(len)) return Fail("the bind_ack's secondary address runs past its end");
      std::string_view addr = r.Take(len);
      if (!addr.empty() && addr.back() == '\0') addr.remove_suffix(1);
      a.secondary = std::string(addr);
      while ((kHeader + r.at()) % 4 != 0) {
        if (!r.Has(1)) return Fail("the bind_ack is cut short after its secondary address");
        r.U8();
      }
      if (!r.Has(4)) return Fail("the bind_ack has no result list");
      if (r.U8() == 0) return Fail("the bind_ack's result list is empty");
      r.Take(3);
      if (!r.Has(4)) return Fail("the bind_ack's result is cut short");
      a.result = r.U16();
      a.reason = r.U16();
      return a;
    }
    case kBindNak:
      a.kind = BindAnswer::kNak;
      if (!r.Has(2)) return Fail("the bind_nak is cut short");
      a.reason = r.U16();
      return a;
    case kFault:
      a.kind = BindAnswer::kFault;
      if (!r.Has(12)) return Fail("the fault PDU is cut short");
      r.Take(8);
      a.status = r.U32();
      return a;
    default:
      return Fail("expected bind_ack, bind_nak or fault, got PDU type " + std::to_string(pdu.type));
  }
}

std::string DescribeBindAnswer(const BindAnswer& a) {
  static const char* const kProvider[] = {"reason not specified", "abstract syntax not supported",
                                          "transfer syntaxes not supported",
                                          "local limit exceeded"};
  static const char* const kNak[] = {"not specified",
                                     "temporary congestion",
                                     "local limit exceeded",
                                     "called presentation address unknown",
                                     "protocol version not supported",
                                     "default context not supported",
                                     "user data not readable",
                                     "no presentation service access point available",
                                     "authentication type not recognized",
                                     "invalid checksum"};
  switch (a.kind) {
    case BindAnswer::kAck:
      if (a.result == 0) return "acceptance";
      return std::string(a.result == 1 ? "user rejection" : "provider rejection") + " (" +
             (a.reason < 4 ? kProvider[a.reason] : "reason " + std::to_string(a.reason)) + ")";
    case BindAnswer::kNak:
      return "bind_nak (" +
             std::string(a.reason < 10 ? kNak[a.reason] : "reason " + std::to_string(a.reason)) +
             ")";
    case BindAnswer::kFault: {
      std::string name = a.status == 0x1c010003   ? "unknown interface"
                         : a.status == 0x5        ? "access denied"
                         : a.status == 0x1c00001b ? "remote protocol error"
                                                  : "";
      return "fault " + Hex(a.status) + (name.empty() ? "" : " (" + name + ")");
    }
  }
  return "";
}

std::optional<std::uint32_t> RpcErrorCode(std::string_view reason) {
  constexpr std::string_view kPrefix = "rpc error:";
  std::string lower = ToLower(reason);
  if (lower.rfind(kPrefix, 0) != 0) return std::nullopt;
  std::size_t at = kPrefix.size();
  while (at < lower.size() && lower[at] == ' ') ++at;
  if (lower.compare(at, 2, "0x") == 0) at += 2;
  std::uint32_t code = 0;
  std::size_t digits = 0;
  for (; at < lower.size() && std::isxdigit(static_cast<unsigned char>(lower[at])); ++at) {
    if (++digits > 8) return std::nullopt;
    char c = lower[at];
    code = code * 16 + static_cast<std::uint32_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  }
  if (digits == 0) return std::nullopt;
  return code;
}

std::string_view RpcErrorName(std::uint32_t code) {
  switch (code) {
    case 0x5:
      return "access denied";
    case 0x6ba:
      return "RPC server unavailable";
    case 0x6be:
      return "remote procedure call failed";
    case 0x6bf:
      return "remote procedure call failed and did not execute";
    case 0x6c0:
      return "RPC protocol error";
    case 0x6d9:
      return "no endpoint registered";
    case 0x6b5:
      return "invalid endpoint format";
    default:
      return "";
  }
}

Result<HttpResponse> ParseResponseHead(std::string_view head) {
  size_t eol = head.find("\r\n");
  std::string_view line = head.substr(0, eol);
  auto parsed = ParseStatusLine(line);
  if (!parsed) return Fail("not an HTTP status line: '" + Excerpt(line, 60) + "'");
  HttpResponse& h = *parsed;
  for (size_t at = eol == std::string_view::npos ? head.size() : eol + 2; at < head.size();) {
    size_t next = head.find("\r\n", at);
    std::string_view l = head.substr(at, next == std::string_view::npos ? head.npos : next - at);
    at = next == std::string_view::npos ? head.size() : next + 2;
    if (auto header = ParseHeaderLine(l)) h.headers.push_back(std::move(*header));
  }
  if (auto cl = h.Header("Content-Length")) {
    if (cl->empty() || cl->size() > 18 ||
        cl->find_first_not_of("0123456789") != std::string::npos) {
      return Fail("a malformed Content-Length '" + Excerpt(*cl, 30) + "'");
    }
  }
  return std::move(h);
}

std::size_t ContentLength(const HttpResponse& head) {
  auto cl = head.Header("Content-Length");
  return cl ? static_cast<std::size_t>(std::stoull(*cl)) : 0;  // digits only (ParseResponseHead)
}

}  // namespace cxa::protocols::rpch
