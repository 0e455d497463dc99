// Small text helpers shared by renderers and protocol codecs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cxa {

// ASCII lower case (host names, header names, HTML tags).
std::string ToLower(std::string_view text);

// Escapes &, <, >, " and ' for XML and HTML text and attribute values.
std::string XmlEscape(std::string_view text);

// The first `max` bytes of a server's answer with control characters as spaces: a one-line
// excerpt for a finding's detail.
std::string Excerpt(std::string_view body, size_t max = 160);

// The parts with `separator` between them ("Negotiate NTLM Basic").
std::string Join(const std::vector<std::string>& parts, std::string_view separator = " ");

}  // namespace cxa
