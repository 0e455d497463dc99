#include "protocols/autodiscover/autodv2_codec.h"

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "transport/url.h"

namespace cxa::protocols {
namespace {

constexpr size_t kMaxDepth = 4;
constexpr size_t kMaxText = 2048;

// The nesting depth of a JSON text, counted without parsing (so a hostile answer never reaches
// the parser's recursion); strings are skipped.
size_t Depth(std::string_view s) {
  size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    if (c == '{' || c == '[') deepest = std::max(deepest, ++depth);
    if ((c == '}' || c == ']') && depth > 0) --depth;
  }
  return deepest;
}

std::string Field(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) return "";
  return Excerpt(it->get<std::string>(), kMaxText);
}

}  // namespace

std::string AutodiscoverV2Url(std::string_view host, std::string_view email,
                              std::string_view protocol) {
  return "https://" + HostForUrl(host) + "/autodiscover/autodiscover.json/v1.0/" +
         UrlEncode(email) + "?Protocol=" + UrlEncode(protocol);
}

bool IsAutodiscoverV2Url(std::string_view url) {
  auto u = SplitHttpUrl(url);
  return u && u->scheme == "https" &&
         ToLower(u->path).rfind("/autodiscover/autodiscover.json", 0) == 0;
}

Result<AutodiscoverV2Answer> ParseAutodiscoverV2(std::string_view body) {
  if (Depth(body) > kMaxDepth) return Fail("the answer nests deeper than an answer can");
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Fail("the answer is not a JSON object");
  AutodiscoverV2Answer a;
  a.protocol = Field(j, "Protocol");
  a.url = Field(j, "Url");
  a.error_code = Field(j, "ErrorCode");
  a.error_message = Field(j, "ErrorMessage");
  if (a.url.empty() && a.error_code.empty())
    return Fail("the answer has neither Url nor ErrorCode");
  return a;
}

std::string_view ExpectedV2Path(std::string_view protocol) {
  const std::string p = ToLower(protocol);
  if (p == "activesync") return "/microsoft-server-activesync";
  if (p == "ews") return "/ews/exchange.asmx";
  if (p == "autodiscoverv1") return "/autodiscover/autodiscover.xml";
  return "";
}

}  // namespace cxa::protocols
