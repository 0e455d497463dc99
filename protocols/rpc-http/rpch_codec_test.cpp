#include "protocols/rpc-http/rpch_codec.h"

#include <catch2/catch.hpp>
#include <sstream>

namespace rpch = cxa::protocols::rpch;

namespace {

std::string Bytes(const std::string& hex) {
  std::string out;
  std::istringstream in(hex);
  for (std::string b; in >> b;) out += static_cast<char>(std::stoi(b, nullptr, 16));
  return out;
}

rpch::Cookie Run(std::uint8_t first) {
  rpch::Cookie c{};
  for (std::size_t i = 0; i < c.size(); ++i) c[i] = static_cast<std::uint8_t>(first + i);
  return c;
}

std::string RunHex(std::uint8_t first) {
  std::string s;
  for (int i = 0; i < 16; ++i) {
    char b[4];
    std::snprintf(b, sizeof b, "%02x ", first + i);
    s += b;
  }
  return s;
}

rpch::RtsPdu DecodeRtsBytes(const std::string& bytes) {
  auto pdu = rpch::DecodePdu(bytes);
  REQUIRE(pdu.ok());
  auto rts = rpch::DecodeRts(*pdu);
  REQUIRE(rts.ok());
  return *rts;
}

}  // namespace

TEST_CASE("RTS encoders produce the worked bytes of protocols.md 2.3.4", "[rpch]") {
  std::string a1 =
      "05 00 14 03 10 00 00 00 4c 00 00 00 00 00 00 00 00 00 04 00 "
      "06 00 00 00 01 00 00 00 03 00 00 00 " +
      RunHex(0x10) + "03 00 00 00 " + RunHex(0x20) + "00 00 00 00 00 00 04 00";
  CHECK(rpch::EncodeConnA1(Run(0x10), Run(0x20), 262144) == Bytes(a1));
  std::string b1 =
      "05 00 14 03 10 00 00 00 68 00 00 00 00 00 00 00 00 00 06 00 "
      "06 00 00 00 01 00 00 00 03 00 00 00 " +
      RunHex(0x10) + "03 00 00 00 " + RunHex(0x30) +
      "04 00 00 00 00 00 00 40 05 00 00 00 e0 93 04 00 0c 00 00 00 " + RunHex(0x40);
  CHECK(rpch::EncodeConnB1(Run(0x10), Run(0x30), 0x40000000, 300000, Run(0x40)) == Bytes(b1));
  CHECK(rpch::EncodeConnA3(120000) ==
        Bytes("05 00 14 03 10 00 00 00 1c 00 00 00 00 00 00 00 00 00 01 00 02 00 00 00 c0 d4 01 "
              "00"));
  CHECK(rpch::EncodeConnC2(65536, 120000) ==
        Bytes("05 00 14 03 10 00 00 00 2c 00 00 00 00 00 00 00 00 00 03 00 06 00 00 00 01 00 00 "
              "00 00 00 00 00 00 00 01 00 02 00 00 00 c0 d4 01 00"));
  CHECK(rpch::EncodePing() == Bytes("05 00 14 03 10 00 00 00 14 00 00 00 00 00 00 00 01 00 00 00"));
  CHECK(rpch::EncodeEcho() == Bytes("05 00 14 03 10 00 00 00 14 00 00 00 00 00 00 00 40 00 00 00"));
  CHECK(rpch::EncodeFlowControlAck(1, 2, Run(0x20)).size() == 56);
}

TEST_CASE("RTS decoder names the CONN PDUs and reads their values", "[rpch]") {
  auto a3 = DecodeRtsBytes(rpch::EncodeConnA3(120000));
  CHECK(rpch::DescribeRts(a3) == "CONN/A3");
  CHECK(a3.Find(rpch::kConnectionTimeout)->value == 120000);
  auto c2 = DecodeRtsBytes(rpch::EncodeConnC2(65536, 120000));
  CHECK(rpch::DescribeRts(c2) == "CONN/C2");
  CHECK(c2.Find(rpch::kReceiveWindowSize)->value == 65536);
  auto a1 = DecodeRtsBytes(rpch::EncodeConnA1(Run(0x10), Run(0x20), 262144));
  CHECK(rpch::DescribeRts(a1) == "CONN/A1");
  CHECK(a1.commands[1].cookie == Run(0x10));
  auto b1 = DecodeRtsBytes(rpch::EncodeConnB1(Run(0x10), Run(0x30), 1 << 30, 300000, Run(0x40)));
  CHECK(rpch::DescribeRts(b1) == "CONN/B1");
  CHECK(b1.Find(rpch::kAssociationGroupId)->cookie == Run(0x40));
  CHECK(rpch::DescribeRts(DecodeRtsBytes(rpch::EncodePing())) == "Ping");
  CHECK(rpch::DescribeRts(DecodeRtsBytes(rpch::EncodeEcho())) == "Echo");
  auto ack = DecodeRtsBytes(rpch::EncodeFlowControlAck(7, 9, Run(0x20)));
  CHECK(rpch::DescribeRts(ack) == "FlowControlAck");
  CHECK(ack.Find(rpch::kFlowControlAck)->value2 == 9);
}

TEST_CASE("PDU framing waits for whole PDUs and refuses bad headers", "[rpch]") {
  std::string two = rpch::EncodeConnA3(1) + rpch::EncodeConnC2(2, 3);
  CHECK(*rpch::PduLength(two) == 28);
  CHECK(*rpch::PduLength(two.substr(0, 27)) == 0);
  CHECK(*rpch::PduLength(two.substr(0, 10)) == 0);
  std::string bad = two;
  bad[0] = 4;
  CHECK_FALSE(rpch::PduLength(bad).ok());
  bad = two;
  bad[4] = 0x00;  // big-endian
  CHECK_FALSE(rpch::PduLength(bad).ok());
  bad = two;
  bad[8] = 8;  // frag_length 8
  bad[9] = 0;
  CHECK_FALSE(rpch::PduLength(bad).ok());
  CHECK_FALSE(rpch::DecodePdu(two).ok());  // two PDUs are not one
}

TEST_CASE("RTS decoder refuses commands that do not fit", "[rpch]") {
  std::string a3 = rpch::EncodeConnA3(1);
  SECTION("more commands announced than present") {
    std::string bad = a3;
    bad[18] = 2;
    auto rts = rpch::DecodeRts(*rpch::DecodePdu(bad));
    REQUIRE_FALSE(rts.ok());
    CHECK(rts.error().find("missing") != std::string::npos);
  }
  SECTION("unknown command type") {
    std::string bad = a3;
    bad[20] = 99;
    CHECK_FALSE(rpch::DecodeRts(*rpch::DecodePdu(bad)).ok());
  }
  SECTION("padding longer than the PDU") {
    std::string pad = rpch::EncodeRts(0, {{.type = rpch::kPadding, .value = 4}});
    CHECK(rpch::DecodeRts(*rpch::DecodePdu(pad)).ok());
    pad[24] = 100;
    CHECK_FALSE(rpch::DecodeRts(*rpch::DecodePdu(pad)).ok());
  }
  SECTION("trailing bytes") {
    std::string bad = a3 + "xxxx";
    bad[8] = 32;
    CHECK_FALSE(rpch::DecodeRts(*rpch::DecodePdu(bad)).ok());
  }
}

TEST_CASE("bind encodes the worked EMSMDB bind and the answers decode", "[rpch]") {
  CHECK(rpch::EncodeBind(rpch::Emsmdb(), 1) ==
        Bytes("05 00 0b 03 10 00 00 00 48 00 00 00 01 00 00 00 d0 16 d0 16 00 00 00 00 01 00 00 "
              "00 00 00 01 00 00 db f1 a4 47 ca 67 10 b3 1f 00 dd 01 06 62 da 00 00 51 00 04 5d 88 "
              "8a eb 1c c9 11 9f e8 08 00 2b 10 48 60 02 00 00 00"));
  CHECK(rpch::UuidText(rpch::Nspi().uuid) == "f5cc5a18-4264-101a-8c59-08002b2f8426");
  CHECK(rpch::UuidText(rpch::Rfr().uuid) == "1544f5e0-613c-11d1-93df-00c04fd7bd09");
  CHECK(rpch::FindInterface("nspi") == &rpch::Nspi());
  CHECK(rpch::FindInterface("mapi") == nullptr);

  auto bind = rpch::DecodeBind(*rpch::DecodePdu(rpch::EncodeBind(rpch::Nspi(), 7)));
  REQUIRE(bind.ok());
  CHECK(bind->uuid == rpch::Nspi().uuid);
  CHECK(bind->major == 56);
  CHECK(bind->call_id == 7);

  std::string ack = rpch::EncodeBindAck(*bind, true, "6004");
  CHECK(ack.size() % 4 == 0);
  auto answer = rpch::DecodeBindAnswer(*rpch::DecodePdu(ack));
  REQUIRE(answer.ok());
  CHECK(answer->accepted());
  CHECK(answer->secondary == "6004");

  auto rejected = rpch::DecodeBindAnswer(*rpch::DecodePdu(rpch::EncodeBindAck(*bind, false, "")));
  REQUIRE(rejected.ok());
  CHECK_FALSE(rejected->accepted());
  CHECK(rejected->result == 2);
  CHECK(rejected->reason == 1);

  auto fault = rpch::DecodeBindAnswer(*rpch::DecodePdu(rpch::EncodeFault(7, 0x1c010003)));
  REQUIRE(fault.ok());
  CHECK(fault->kind == rpch::BindAnswer::kFault);
  CHECK(fault->status == 0x1c010003);

  std::string cut = ack.substr(0, 28);
  cut[8] = 28;
  CHECK_FALSE(rpch::DecodeBindAnswer(*rpch::DecodePdu(cut)).ok());
  CHECK_FALSE(rpch::DecodeBindAnswer(*rpch::DecodePdu(rpch::EncodePing())).ok());
}

TEST_CASE("RPC proxy error reasons give their code", "[rpch]") {
  CHECK(rpch::RpcErrorCode("RPC Error: 6ba") == 0x6ba);
  CHECK(rpch::RpcErrorCode("RPC Error: 6BA, EEInfo: AAAA") == 0x6ba);
  CHECK(rpch::RpcErrorCode("RPC Error: 5") == 0x5);
  CHECK(rpch::RpcErrorCode("rpc error: 0x6d9") == 0x6d9);
  CHECK_FALSE(rpch::RpcErrorCode("Service Unavailable").has_value());
  CHECK_FALSE(rpch::RpcErrorCode("RPC Error: ").has_value());
  CHECK_FALSE(rpch::RpcErrorCode("RPC Error: 123456789").has_value());
  CHECK(rpch::RpcErrorName(0x6ba) == "RPC server unavailable");
}

TEST_CASE("a raw channel's HTTP response head parses, and junk is refused", "[rpch]") {
  auto ok = rpch::ParseResponseHead(
      "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: NTLM\r\nWWW-Authenticate:Basic "
      "realm=\"x\"\r\nnot a header\r\nContent-Length: 0");
  REQUIRE(ok);
  CHECK(ok->status == 401);
  CHECK(ok->http_version == "1.1");
  CHECK(ok->reason == "Unauthorized");
  CHECK(ok->headers.size() == 3);
  CHECK(ok->AuthSchemes() == std::vector<std::string>{"NTLM", "Basic"});
  CHECK(ok->Header("content-length") == std::optional<std::string>("0"));

  auto bare = rpch::ParseResponseHead("HTTP/1.0 503 ");
  REQUIRE(bare);
  CHECK(bare->status == 503);
  CHECK(bare->reason.empty());
  CHECK(bare->headers.empty());

  auto sized = rpch::ParseResponseHead("HTTP/1.1 200 OK\r\nContent-Length: 76");
  REQUIRE(sized);
  CHECK(rpch::ContentLength(*sized) == 76);
  CHECK(rpch::ContentLength(*bare) == 0);

  for (std::string_view junk :
       {"", "HTTP/1.1", "HTTP/1.1 2xx OK", "HTTP/2 200 OK", "ICY 200 OK", "HTTP/1.1  200 OK",
        "\r\nHTTP/1.1 200 OK", "HTTP/1.1 200 OK\r\nContent-Length: -1",
        "HTTP/1.1 200 OK\r\nContent-Length: 12abc", "HTTP/1.1 200 OK\r\nContent-Length:",
        "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999"}) {
    INFO(junk);
    CHECK_FALSE(rpch::ParseResponseHead(junk));
  }
}
