// MAPI over HTTP as a hostile server may answer: the bytes as the inner response stream
// (PROCESSING, PENDING, DONE, meta-tags, body) and its body — or the bytes themselves — as
// Connect, Bind and status responses; and as WWW-Authenticate values (each line one header).
#include <string>

#include "protocols/mapi/mapi_codec.h"
#include "transport/auth_challenge.h"

namespace mapi = cxa::protocols::mapi;

namespace {

void Bodies(std::string_view body) {
  if (auto c = mapi::ParseConnectResponse(body)) (void)mapi::ErrorCodeName(c->error);
  (void)mapi::ParseBindResponse(body);
  (void)mapi::ParseStatusResponse(body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto inner = mapi::ParseInnerResponse(in)) {
    if (auto code = inner->ResponseCode()) (void)mapi::ResponseCodeSlug(*code);
    Bodies(inner->body);
  }
  Bodies(in);
  for (size_t at = 0; at < in.size();) {
    size_t end = in.find('\n', at);
    if (end == std::string_view::npos) end = in.size();
    for (const auto& c : cxa::ParseChallenges(in.substr(at, end - at))) {
      (void)c.Param("authorization_uri");
    }
    at = end + 1;
  }
  return 0;
}
