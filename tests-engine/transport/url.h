// http(s) URLs as modules and the fixture server need them: split into parts, and redirect
// targets made absolute. Pure string functions (libcurl parses the URLs it fetches itself).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cxa {

struct UrlParts {
  std::string scheme, host, path;  // scheme and host lower-case; path includes the query
  int port = 0;                    // explicit, or 443 / 80
};

// nullopt for anything but http(s)://host[:port][/path] (no user information, a valid port).
std::optional<UrlParts> SplitHttpUrl(std::string_view url);

// A host as a URL or a host:port pair writes it: an IPv6 literal in brackets ("[::1]"), anything
// else as it is. The one place that decides.
std::string HostForUrl(std::string_view host);

// The host of an absolute URL, lower-case, without brackets for IPv6, or "" when it has none.
std::string UrlHost(std::string_view url);

// application/x-www-form-urlencoded / query encoding of a value.
std::string UrlEncode(std::string_view value);

// An absolute URL for a Location value relative to `base` (absolute, //host/path, /path or path).
std::string ResolveLocation(const std::string& base, std::string_view location);

}  // namespace cxa
