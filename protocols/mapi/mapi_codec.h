// MAPI over HTTP (MS-OXCMAPIHTTP) as a client speaks it: the request bodies of the session
// requests cxa sends (EMSMDB Connect and Disconnect, NSPI Bind and Unbind), the inner response
// stream that follows the HTTP head (PROCESSING, PENDING keep-alives, DONE, meta-tags, the
// binary body), the response bodies, and the names of X-ResponseCode values and of the error
// codes a failed Connect or Bind carries. Pure functions over bytes; integers little-endian.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace cxa::protocols::mapi {

// An X-ResponseCode value (the header, or the meta-tag after DONE): the code, or -1 when it is
// not a number.
int ParseResponseCode(std::string_view value);

// X-ResponseCode (MS-OXCMAPIHTTP §2.2.3.3.3): a lower-case slug for finding IDs and facts
// ("missing_cookie") or "" for a code the specification does not name.
std::string_view ResponseCodeSlug(int code);

// The name of a MAPI error code (MS-OXCRPC §3.1.4.1, MS-OXCDATA §2.4) a Connect or Bind
// response carries ("ecUnknownUser"), or "" when it is not one cxa names.
std::string_view ErrorCodeName(uint32_t code);

// Request bodies. Connect: the user's legacy DN (Autodiscover's User/LegacyDN, ASCII, at most
// 1024 bytes; longer or non-ASCII input is refused), no flags, code page 1252, locale 0x409,
// no auxiliary buffer.
Result<std::string> ConnectRequest(std::string_view user_dn);
std::string DisconnectRequest();  // an empty auxiliary buffer
std::string BindRequest();        // no flags, no STAT, no auxiliary buffer
std::string UnbindRequest();      // reserved 0, no auxiliary buffer

// The inner response (MS-OXCMAPIHTTP §2.2.7, after HTTP de-chunking): "PROCESSING\r\n", any
// number of "PENDING\r\n", "DONE\r\n", meta-tag lines ("X-ResponseCode: 0"), an empty line, then
// the request type's binary body. Bounded by what it is given.
struct InnerResponse {
  int pending = 0;  // PENDING keep-alives before DONE
  std::vector<std::pair<std::string, std::string>> meta;
  std::string body;
  // The X-ResponseCode meta-tag (a server may fail late there), if present.
  std::optional<int> ResponseCode() const;
};
Result<InnerResponse> ParseInnerResponse(std::string_view bytes);

// Connect response (§2.2.4.1.2, §2.2.4.1.3). A failure carries only StatusCode (then the
// other fields stay zero and empty).
struct ConnectResponse {
  uint32_t status = 0;
  uint32_t error = 0;
  uint32_t polls_max_ms = 0;
  uint32_t retry_count = 0;
  uint32_t retry_delay_ms = 0;
  std::string dn_prefix;
  std::string display_name;  // UTF-8 (sent as UTF-16LE)
};
Result<ConnectResponse> ParseConnectResponse(std::string_view body);

// Disconnect and Unbind responses: StatusCode, ErrorCode (when the status is 0), auxiliary
// buffer.
struct StatusResponse {
  uint32_t status = 0;
  uint32_t error = 0;
};
Result<StatusResponse> ParseStatusResponse(std::string_view body);

// Bind response (§2.2.5.1.2): StatusCode, ErrorCode, ServerGuid, auxiliary buffer.
struct BindResponse {
  uint32_t status = 0;
  uint32_t error = 0;
  std::array<unsigned char, 16> server_guid{};
};
Result<BindResponse> ParseBindResponse(std::string_view body);

}  // namespace cxa::protocols::mapi
