// Small text helpers shared by renderers and protocol codecs.
#pragma once

#include <string>
#include <string_view>

namespace cxa {

// Escapes &, <, >, " and ' for XML and HTML text and attribute values.
std::string XmlEscape(std::string_view text);

}  // namespace cxa
