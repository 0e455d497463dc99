#include "transport/http_head.h"

#include "core/text.h"

namespace cxa {

std::optional<HttpResponse> ParseStatusLine(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  // "HTTP/1.x", a space, three digits, then a space and the reason or nothing.
  if (line.rfind("HTTP/1.", 0) != 0 || line.size() < 12 || line[8] != ' ') return std::nullopt;
  if (line.size() > 12 && line[12] != ' ') return std::nullopt;
  int status = 0;
  for (char c : line.substr(9, 3)) {
    if (c < '0' || c > '9') return std::nullopt;
    status = status * 10 + (c - '0');
  }
  HttpResponse r;
  r.http_version = std::string(line.substr(5, 3));
  r.status = status;
  r.reason = line.size() > 13 ? std::string(line.substr(13)) : "";
  return r;
}

std::optional<std::pair<std::string, std::string>> ParseHeaderLine(std::string_view line) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string name = Trim(line.substr(0, colon));
  if (name.empty()) return std::nullopt;
  return std::make_pair(std::move(name), Trim(line.substr(colon + 1)));
}

}  // namespace cxa
