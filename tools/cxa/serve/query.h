// The request target of a cxa serve request: its path and its query parameters, decoded
// (percent escapes and '+'), each at most once. Hostile input: a broken escape, bytes that are
// not UTF-8 text (or control characters), or a parameter given twice make the query an error
// (HTTP 400), never a guess.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace cxa::cli::serve {

struct Query {
  std::string path;  // as sent, not decoded ("/probe"; "/../x" stays what it is)
  std::map<std::string, std::string> params;
  std::string error;  // why the query could not be read; "" when it could
};

Query ParseRequestTarget(std::string_view target);

}  // namespace cxa::cli::serve
