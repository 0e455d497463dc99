// Byte vectors derived from MS-OXCMAPIHTTP §2.2.4 and §2.2.5 (little-endian fields as the
// tables list them), not from any implementation.
#include "protocols/mapi/mapi_codec.h"

#include <catch2/catch.hpp>

using namespace cxa::protocols::mapi;

namespace {

std::string Bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}

}  // namespace

TEST_CASE("MAPI codec: request bodies as the specification lays them out", "[unit][mapi]") {
  auto connect = ConnectRequest("/o=X");
  REQUIRE(connect.ok());
  CHECK(*connect == Bytes({0x2f, 0x6f, 0x3d, 0x58, 0x00,  // UserDn "/o=X"
                           0x00, 0x00, 0x00, 0x00,        // Flags
                           0xe4, 0x04, 0x00, 0x00,        // DefaultCodePage 1252
                           0x09, 0x04, 0x00, 0x00,        // LcidSort 0x409
                           0x09, 0x04, 0x00, 0x00,        // LcidString 0x409
                           0x00, 0x00, 0x00, 0x00}));     // AuxiliaryBufferSize 0
  CHECK_FALSE(ConnectRequest("").ok());
  CHECK_FALSE(ConnectRequest(std::string(1025, 'a')).ok());
  CHECK_FALSE(ConnectRequest("/o=X\n/cn=Y").ok());
  CHECK(DisconnectRequest() == Bytes({0, 0, 0, 0}));
  CHECK(BindRequest() == Bytes({0, 0, 0, 0, 0, 0, 0, 0, 0}));
  CHECK(UnbindRequest() == Bytes({0, 0, 0, 0, 0, 0, 0, 0}));
}

TEST_CASE("MAPI codec: the inner response stream", "[unit][mapi]") {
  const std::string body = Bytes({1, 2, 3});
  auto r = ParseInnerResponse(
      "PROCESSING\r\nPENDING\r\nPENDING\r\nDONE\r\nX-ResponseCode: 0\r\n"
      "X-ElapsedTime: 3\r\nX-StartTime: Tue, 25 Nov 2026 10:00:00 GMT\r\n"
      "\r\n" +
      body);
  REQUIRE(r.ok());
  CHECK(r->pending == 2);
  CHECK(r->ResponseCode() == 0);
  CHECK(r->meta.size() == 3);
  CHECK(r->meta[2].second == "Tue, 25 Nov 2026 10:00:00 GMT");  // a colon in the value
  CHECK(r->body == body);
  // A server that fails late says so after DONE; the last value counts.
  auto late =
      ParseInnerResponse("PROCESSING\r\nDONE\r\nX-ResponseCode: 0\r\nx-responsecode: 10\r\n\r\n");
  REQUIRE(late.ok());
  CHECK(late->ResponseCode() == 10);
  CHECK(late->body.empty());
  auto none = ParseInnerResponse("PROCESSING\r\nDONE\r\n\r\n");
  REQUIRE(none.ok());
  CHECK_FALSE(none->ResponseCode().has_value());
  auto garbled = ParseInnerResponse("PROCESSING\r\nDONE\r\nX-ResponseCode: ten\r\n\r\n");
  REQUIRE(garbled.ok());
  CHECK(garbled->ResponseCode() == -1);
  for (const char* bad :
       {"", "<html>error</html>", "PROCESSING\r\nPENDING\r\n", "PROCESSING\r\nWAIT\r\nDONE\r\n\r\n",
        "PROCESSING\r\nDONE\r\nno colon\r\n\r\n", "PROCESSING\r\nDONE\r\nX-ElapsedTime: 1\r\n",
        "PROCESSING\nDONE\n\n"}) {
    INFO(bad);
    CHECK_FALSE(ParseInnerResponse(bad).ok());
  }
}

TEST_CASE("MAPI codec: Connect responses, success and failure", "[unit][mapi]") {
  const std::string success =
      Bytes({0x00, 0x00, 0x00, 0x00,                                      // StatusCode
             0x00, 0x00, 0x00, 0x00,                                      // ErrorCode ecNone
             0x60, 0xea, 0x00, 0x00,                                      // PollsMax 60000
             0x06, 0x00, 0x00, 0x00,                                      // RetryCount 6
             0x10, 0x27, 0x00, 0x00,                                      // RetryDelay 10000
             0x2f, 0x6f, 0x3d, 0x58, 0x00,                                // DnPrefix "/o=X"
             0x41, 0x00, 0xe9, 0x00, 0x3d, 0xd8, 0x00, 0xde, 0x00, 0x00,  // DisplayName "Aé😀"
             0x00, 0x00, 0x00, 0x00});                                    // AuxiliaryBufferSize
  auto r = ParseConnectResponse(success);
  REQUIRE(r.ok());
  CHECK(r->status == 0);
  CHECK(r->error == 0);
  CHECK(r->polls_max_ms == 60000);
  CHECK(r->retry_count == 6);
  CHECK(r->retry_delay_ms == 10000);
  CHECK(r->dn_prefix == "/o=X");
  CHECK(r->display_name == "A\xc3\xa9\xf0\x9f\x98\x80");
  // An error in ErrorCode with StatusCode 0: the mailbox DN is unknown.
  std::string unknown = success;
  unknown[4] = static_cast<char>(0xEB);
  unknown[5] = 0x03;
  REQUIRE(ParseConnectResponse(unknown).ok());
  CHECK(ErrorCodeName(ParseConnectResponse(unknown)->error) == "ecUnknownUser");
  // A failure: StatusCode 0x80004005 and the auxiliary buffer only.
  auto failed = ParseConnectResponse(Bytes({0x05, 0x40, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00}));
  REQUIRE(failed.ok());
  CHECK(failed->status == 0x80004005);
  // Truncated anywhere: an error, never a read past the end.
  for (size_t n = 0; n < success.size(); ++n) {
    INFO(n);
    CHECK_FALSE(ParseConnectResponse(success.substr(0, n)).ok());
  }
  // An auxiliary buffer longer than what follows.
  std::string lying = success;
  lying[lying.size() - 4] = 0x7f;
  CHECK_FALSE(ParseConnectResponse(lying).ok());
  // An unpaired surrogate in the display name becomes U+FFFD.
  auto odd = ParseConnectResponse(
      Bytes({0, 0, 0, 0, 0,    0,    0,    0,    0,    0,    0,    0, 0, 0, 0, 0,
             0, 0, 0, 0, 0x00, 0x00, 0xd8, 0x42, 0x00, 0x00, 0x00, 0, 0, 0, 0}));
  REQUIRE(odd.ok());
  CHECK(odd->display_name ==
        "\xef\xbf\xbd"
        "B");
}

TEST_CASE("MAPI codec: Bind, Unbind and Disconnect responses", "[unit][mapi]") {
  std::string bind = Bytes({0, 0, 0, 0, 0, 0, 0, 0});
  for (int i = 0; i < 16; ++i) bind.push_back(static_cast<char>(0xA0 + i));
  bind += Bytes({0, 0, 0, 0});
  auto b = ParseBindResponse(bind);
  REQUIRE(b.ok());
  CHECK(b->status == 0);
  CHECK(b->server_guid[0] == 0xA0);
  CHECK(b->server_guid[15] == 0xAF);
  CHECK_FALSE(ParseBindResponse(bind.substr(0, 20)).ok());
  auto refused = ParseBindResponse(Bytes({0x05, 0x00, 0x07, 0x80, 0, 0, 0, 0}));
  REQUIRE(refused.ok());
  CHECK(ErrorCodeName(refused->status) == "ecAccessDenied");
  auto unbind = ParseStatusResponse(Bytes({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  REQUIRE(unbind.ok());
  CHECK(unbind->error == 0);
  CHECK_FALSE(ParseStatusResponse(Bytes({0, 0, 0})).ok());
}

TEST_CASE("MAPI codec: X-ResponseCode names", "[unit][mapi]") {
  CHECK(ResponseCodeSlug(0) == "success");
  CHECK(ResponseCodeSlug(10) == "context_not_found");
  CHECK(ResponseCodeSlug(13) == "missing_cookie");
  CHECK(ResponseCodeSlug(18) == "endpoint_shutting_down");
  CHECK(ResponseCodeSlug(19).empty());
  CHECK(ResponseCodeSlug(-1).empty());
}
