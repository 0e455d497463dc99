#include "protocols/mapi/mapi_request.h"

#include <strings.h>

#include <array>
#include <cstdio>

#include "transport/nonce.h"

namespace cxa::protocols::mapi {
namespace {

constexpr size_t kMaxCookies = 16;
constexpr const char* kClientApplication = "Outlook/16.0.17928.20114";

std::string HeaderOf(const HttpRequest& r, const char* name) {
  for (const auto& [k, v] : r.headers) {
    if (strcasecmp(k.c_str(), name) == 0) return v;
  }
  return "";
}

}  // namespace

std::string ClientGuid(const StepContext& ctx, std::string_view label) {
  std::array<std::uint8_t, 16> b{};
  FillNonce(b, ctx.seed, label);
  char out[40];
  std::snprintf(out, sizeof out,
                "{%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X}", b[0],
                b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                b[14], b[15]);
  return out;
}

HttpRequest MapiRequest(const StepContext& ctx, const std::string& url,
                        const std::string& request_type, std::string body, const std::string& guid,
                        int counter, const std::vector<std::string>& cookies) {
  HttpRequest req = StepRequest(ctx, url);
  req.method = "POST";
  req.headers = {{"Content-Type", "application/mapi-http"},
                 {"X-RequestType", request_type},
                 {"X-RequestId", guid + ":" + std::to_string(counter)},
                 {"X-ClientInfo", guid + ":1"},
                 {"X-ClientApplication", kClientApplication}};
  if (!cookies.empty()) {
    std::string joined;
    for (const auto& c : cookies) joined += (joined.empty() ? "" : "; ") + c;
    req.headers.emplace_back("Cookie", joined);
  }
  req.body = std::move(body);
  req.limits.max_body_bytes = 1024 * 1024;
  req.track_arrivals = true;  // for the keep-alive judgement (mapi_keepalive.h)
  return req;
}

std::vector<std::string> CookiesOf(const HttpResponse& response) {
  std::vector<std::string> out;
  for (const auto& [k, v] : response.headers) {
    if (strcasecmp(k.c_str(), "Set-Cookie") != 0 || out.size() == kMaxCookies) continue;
    std::string pair = v.substr(0, v.find(';'));
    while (!pair.empty() && pair.back() == ' ') pair.pop_back();
    if (pair.find('=') != std::string::npos && pair.front() != '=') out.push_back(pair);
  }
  return out;
}

std::vector<std::string> MissingEchoes(const HttpRequest& request, const HttpResponse& response) {
  std::vector<std::string> out;
  for (const char* echoed : {"X-RequestId", "X-ClientInfo"}) {
    auto got = response.Header(echoed);
    if (!got) {
      out.push_back(std::string("no ") + echoed);
    } else if (*got != HeaderOf(request, echoed)) {
      out.push_back(std::string(echoed) + " not echoed as sent");
    }
  }
  for (const char* required : {"X-RequestType", "X-ResponseCode", "X-ExpirationInfo"}) {
    if (!response.Header(required)) out.push_back(std::string("no ") + required);
  }
  return out;
}

}  // namespace cxa::protocols::mapi
