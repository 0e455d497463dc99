#include "tools/cxa/serve/query.h"

#include <cctype>
#include <optional>

#include "core/text.h"

namespace cxa::cli::serve {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX and '+' decoded; nullopt for a broken escape or a result that is not printable UTF-8.
std::optional<std::string> Decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;  // a cut-off escape
      const int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  if (ValidUtf8(out) != out || Printable(out) != out) return std::nullopt;
  return out;
}

}  // namespace

Query ParseRequestTarget(std::string_view target) {
  Query q;
  const size_t mark = target.find('?');
  q.path = std::string(target.substr(0, mark));
  if (mark == std::string_view::npos) return q;
  for (const auto& pair : Split(target.substr(mark + 1), '&')) {
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    auto name = Decode(std::string_view(pair).substr(0, eq));
    auto value = Decode(eq == std::string::npos ? "" : std::string_view(pair).substr(eq + 1));
    if (!name || !value) {
      q.error = "a query parameter is not valid percent-encoded UTF-8 text";
      return q;
    }
    if (!q.params.emplace(*name, *value).second) {
      q.error = "query parameter '" + *name + "' given twice";
      return q;
    }
  }
  return q;
}

}  // namespace cxa::cli::serve
