// Autodiscover v2 (the JSON form Outlook for iOS and Android and Exchange Online use) as data:
// the request URL for an address and a protocol, and the answer: {"Protocol": ..., "Url": ...}
// or {"ErrorCode": ..., "ErrorMessage": ...}. Pure functions over untrusted bytes.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace cxa::protocols {

// https://HOST/autodiscover/autodiscover.json/v1.0/EMAIL?Protocol=PROTOCOL (EMAIL URL-encoded).
std::string AutodiscoverV2Url(std::string_view host, std::string_view email,
                              std::string_view protocol);

// Whether `url` is an https URL of the Autodiscover v2 endpoint (a redirect may go only there).
bool IsAutodiscoverV2Url(std::string_view url);

struct AutodiscoverV2Answer {
  std::string protocol;  // as echoed
  std::string url;
  std::string error_code;  // set for an error answer
  std::string error_message;
};

// Parses a JSON answer (an object with Url, or with ErrorCode); fails when it is not JSON, nests
// deeper than an answer can, or is neither.
Result<AutodiscoverV2Answer> ParseAutodiscoverV2(std::string_view body);

// The path a protocol's URL must have, lower case ("/microsoft-server-activesync" for
// ActiveSync, "/ews/exchange.asmx" for Ews, "/autodiscover/autodiscover.xml" for
// AutodiscoverV1), or "" when cxa does not know it.
std::string_view ExpectedV2Path(std::string_view protocol);

}  // namespace cxa::protocols
