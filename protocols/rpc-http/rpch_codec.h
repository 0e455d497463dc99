// RPC over HTTP v2 as bytes (protocols.md §2.3, MS-RPCH 2.2.3; DCE/RPC bind, C706 ch.12): the
// RTS PDUs of the CONN sequence, Echo and Ping, flow-control acks, and the DCE/RPC bind and its
// answers. Pure functions; every decoder checks every length against the bytes it was given and
// fails with a message instead of reading past them.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "transport/http_transport.h"

namespace cxa::protocols::rpch {

using Cookie = std::array<std::uint8_t, 16>;

// PDU types (PTYPE) this tool sends or expects.
enum PduType : std::uint8_t {
  kRequest = 0x00,
  kResponse = 0x02,
  kFault = 0x03,
  kBind = 0x0b,
  kBindAck = 0x0c,
  kBindNak = 0x0d,
  kRts = 0x14,
};

// RTS header flags (MS-RPCH 2.2.3.6.1).
enum RtsFlags : std::uint16_t {
  kRtsNone = 0x0000,
  kRtsPing = 0x0001,
  kRtsOtherCmd = 0x0002,
  kRtsRecycleChannel = 0x0004,
  kRtsInChannel = 0x0008,
  kRtsOutChannel = 0x0010,
  kRtsEof = 0x0020,
  kRtsEcho = 0x0040,
};

// RTS command types (MS-RPCH 2.2.3.5).
enum RtsCommandType : std::uint32_t {
  kReceiveWindowSize = 0,
  kFlowControlAck = 1,
  kConnectionTimeout = 2,
  kCookie = 3,
  kChannelLifetime = 4,
  kClientKeepalive = 5,
  kVersion = 6,
  kEmpty = 7,
  kPadding = 8,
  kNegativeAnce = 9,
  kAnce = 10,
  kClientAddress = 11,
  kAssociationGroupId = 12,
  kDestination = 13,
  kPingTrafficSentNotify = 14,
};

// One PDU: the common 16-byte header and the bytes after it (frag_length - 16).
struct Pdu {
  std::uint8_t type = 0;
  std::uint8_t pfc_flags = 0;
  std::uint16_t frag_length = 0;
  std::uint16_t auth_length = 0;
  std::uint32_t call_id = 0;
  std::string body;
};

// How many bytes the first PDU of `stream` takes: 0 while fewer than 16 bytes or less than the
// whole PDU have arrived; an error when the header cannot start a DCE/RPC v5.0 PDU (wrong
// version, non-little-endian data representation, frag_length below 16).
Result<std::size_t> PduLength(std::string_view stream);
// Decodes exactly one whole PDU (as PduLength measured it).
Result<Pdu> DecodePdu(std::string_view bytes);

struct RtsCommand {
  std::uint32_t type = 0;
  std::uint32_t value = 0;   // ReceiveWindowSize, ConnectionTimeout, ChannelLifetime,
                             // ClientKeepalive, Version, Destination, PingTrafficSentNotify,
                             // FlowControlAck's BytesReceived
  std::uint32_t value2 = 0;  // FlowControlAck's AvailableWindow
  Cookie cookie{};           // Cookie, AssociationGroupId, FlowControlAck's ChannelCookie
};

struct RtsPdu {
  std::uint16_t flags = 0;
  std::vector<RtsCommand> commands;
  // The first command of `type`, or nullptr.
  const RtsCommand* Find(std::uint32_t type) const;
};

// The RTS part of a PDU of type kRts: flags and commands, each checked against the body.
Result<RtsPdu> DecodeRts(const Pdu& pdu);
// "CONN/A3", "CONN/C2", "Ping", "Echo", "CONN/A1", "CONN/B1", "FlowControlAck", or "RTS flags
// 0x.. with N commands", for reports.
std::string DescribeRts(const RtsPdu& rts);

// Encoders (all little-endian, pfc_flags FIRST|LAST, call_id 0 for RTS).
std::string EncodeRts(std::uint16_t flags, const std::vector<RtsCommand>& commands);
std::string EncodeConnA1(const Cookie& connection, const Cookie& out_channel,
                         std::uint32_t receive_window);
std::string EncodeConnB1(const Cookie& connection, const Cookie& in_channel,
                         std::uint32_t channel_lifetime, std::uint32_t keepalive_ms,
                         const Cookie& association_group);
std::string EncodeConnA3(std::uint32_t timeout_ms);
std::string EncodeConnC2(std::uint32_t receive_window, std::uint32_t timeout_ms);
std::string EncodePing();
std::string EncodeEcho();
// FlowControlAckWithDestination (to the outbound proxy), sent on the IN channel.
std::string EncodeFlowControlAck(std::uint32_t bytes_received, std::uint32_t available_window,
                                 const Cookie& out_channel);

// The RPC interfaces an Outlook Anywhere endpoint ping binds to.
struct Interface {
  std::string_view name;              // "EMSMDB"
  std::string_view purpose;           // "mailbox store"
  std::array<std::uint8_t, 16> uuid;  // in the PDU's byte order (little-endian fields)
  std::uint16_t major = 0;
  std::uint16_t minor = 0;
};
const Interface& Emsmdb();  // a4f1db00-ca47-1067-b31f-00dd010662da v0.81, port 6001
const Interface& Rfr();     // 1544f5e0-613c-11d1-93df-00c04fd7bd09 v1.0, port 6002
const Interface& Nspi();    // f5cc5a18-4264-101a-8c59-08002b2f8426 v56.0, port 6004
// By name (case-insensitive: emsmdb, rfr, nspi), or nullptr.
const Interface* FindInterface(std::string_view name);
// The UUID as text (8-4-4-4-12).
std::string UuidText(const std::array<std::uint8_t, 16>& uuid);

// A bind with one presentation context: the interface over NDR 2.0.
std::string EncodeBind(const Interface& iface, std::uint32_t call_id,
                       std::uint16_t max_frag = 5840);

struct BindRequest {
  std::uint32_t call_id = 0;
  std::uint16_t max_xmit = 0, max_recv = 0;
  std::uint16_t context_id = 0;
  std::array<std::uint8_t, 16> uuid{};
  std::uint16_t major = 0, minor = 0;
};
// The first presentation context of a bind (the fixture server's side).
Result<BindRequest> DecodeBind(const Pdu& pdu);
// A bind_ack for `bind`: result 0 (acceptance) or 2 (provider rejection, reason 1: abstract
// syntax not supported), with the secondary address (the port, as text).
std::string EncodeBindAck(const BindRequest& bind, bool accept, std::string_view secondary);
std::string EncodeFault(std::uint32_t call_id, std::uint32_t status);

struct BindAnswer {
  enum Kind { kAck, kNak, kFault } kind = kAck;
  std::uint16_t result = 0;  // ack: 0 acceptance, 1 user rejection, 2 provider rejection
  std::uint16_t reason = 0;  // ack: provider reason; nak: reject reason
  std::uint32_t status = 0;  // fault: status
  std::string secondary;     // ack: secondary address (the port)
  bool accepted() const { return kind == kAck && result == 0; }
};
// The answer to a bind: bind_ack, bind_nak or fault; anything else is an error.
Result<BindAnswer> DecodeBindAnswer(const Pdu& pdu);
// "acceptance", "provider rejection (abstract syntax not supported)", "bind_nak (reason 4: ...)",
// "fault 0x1c010003 (...)".
std::string DescribeBindAnswer(const BindAnswer& answer);

// The code of an RPC proxy error status line: "RPC Error: 6ba" or "RPC Error: 6BA, EEInfo: ..."
// -> 0x6ba (MS-RPCH 2.1.2.1.3). nullopt when `reason` is not one.
std::optional<std::uint32_t> RpcErrorCode(std::string_view reason);

// An HTTP/1.x response head as an RPC proxy sends it on a raw channel: the status line and the
// header lines, without the blank line that ends the head (the body is not part of it). A
// Content-Length that is not a plain decimal number is an error, so a parsed head's length
// converts safely (ContentLength).
Result<HttpResponse> ParseResponseHead(std::string_view head);
// The body length a parsed head announces (0 without Content-Length).
std::size_t ContentLength(const HttpResponse& head);
// What an RPC proxy error code means: "RPC server unavailable", "access denied", ... or "".
std::string_view RpcErrorName(std::uint32_t code);

}  // namespace cxa::protocols::rpch
