#include "transport/url.h"

#include <algorithm>

#include "core/text.h"

namespace cxa {

std::optional<UrlParts> SplitHttpUrl(std::string_view url) {
  UrlParts p;
  size_t s = url.find("://");
  if (s == std::string_view::npos) return std::nullopt;
  p.scheme = ToLower(url.substr(0, s));
  if (p.scheme != "http" && p.scheme != "https") return std::nullopt;
  std::string_view rest = url.substr(s + 3);
  size_t slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  p.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (!p.path.empty() && p.path[0] != '/') p.path = "/" + p.path;
  if (authority.find('@') != std::string_view::npos) return std::nullopt;  // no userinfo
  p.port = p.scheme == "https" ? 443 : 80;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    p.host = std::string(authority.substr(1, close - 1));
    authority.remove_prefix(close + 1);
    if (!authority.empty() && authority[0] != ':') return std::nullopt;
  } else {
    size_t colon = authority.rfind(':');
    p.host = ToLower(authority.substr(0, colon));
    authority.remove_prefix(colon == std::string_view::npos ? authority.size() : colon);
  }
  if (!authority.empty()) {  // ":port"
    std::string_view digits = authority.substr(1);
    if (digits.empty() || digits.size() > 5 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::nullopt;
    }
    p.port = std::stoi(std::string(digits));
    if (p.port < 1 || p.port > 65535) return std::nullopt;
  }
  if (p.host.empty()) return std::nullopt;
  return p;
}

std::string HostForUrl(std::string_view host) {
  if (host.find(':') != std::string_view::npos && !host.starts_with('[')) {
    return "[" + std::string(host) + "]";
  }
  return std::string(host);
}

std::string ResolveLocation(const std::string& base, std::string_view location) {
  if (location.find("://") != std::string_view::npos) return std::string(location);
  auto b = SplitHttpUrl(base);
  if (!b) return std::string(location);
  std::string origin =
      b->scheme + "://" + HostForUrl(b->host) +
      ((b->scheme == "https" && b->port == 443) || (b->scheme == "http" && b->port == 80)
           ? ""
           : ":" + std::to_string(b->port));
  if (location.rfind("//", 0) == 0) return b->scheme + ":" + std::string(location);
  if (!location.empty() && location[0] == '/') return origin + std::string(location);
  std::string dir = b->path.substr(0, b->path.find('?'));
  dir = dir.substr(0, dir.rfind('/') + 1);
  return origin + dir + std::string(location);
}

std::string UrlHost(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  std::string_view rest = url.substr(scheme + 3);
  size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);
  }
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    return close == std::string_view::npos ? "" : ToLower((authority.substr(1, close - 1)));
  }
  return ToLower((authority.substr(0, authority.find(':'))));
}

std::string UrlEncode(std::string_view value) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace cxa
