#include "transport/request_check.h"

#include "transport/credentials.h"

namespace cxa {

std::string UnsafeRequestPart(const HttpRequest& r) {
  auto check = [](const std::string& what, std::string_view text) {
    std::string bad = CheckHeaderSafe(text);
    return bad.empty() ? bad : what + " holds " + bad;
  };
  if (auto bad = check("the URL", r.url); !bad.empty()) return bad;
  if (r.url.find(' ') != std::string::npos) return "the URL holds a space";
  if (auto bad = check("the method", r.method); !bad.empty()) return bad;
  for (const auto& [name, value] : r.headers) {
    if (name.empty() || name.find_first_of(" :\t") != std::string::npos) {
      return "a header name is not a single token";
    }
    if (auto bad = check("the header " + name, name + value); !bad.empty()) return bad;
  }
  return check("the NTLM user name", r.ntlm_user);
}

}  // namespace cxa
