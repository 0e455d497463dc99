#include "tools/cxa/serve/query.h"

#include <catch2/catch.hpp>

using cxa::cli::serve::ParseRequestTarget;

TEST_CASE("request targets: the path and the decoded parameters", "[unit][serve]") {
  auto q = ParseRequestTarget("/probe?module=tls&target=alice%40contoso.com&debug=true&&x=a+b");
  CHECK(q.error.empty());
  CHECK(q.path == "/probe");
  CHECK(q.params.at("module") == "tls");
  CHECK(q.params.at("target") == "alice@contoso.com");
  CHECK(q.params.at("x") == "a b");
  CHECK(ParseRequestTarget("/").params.empty());
  CHECK(ParseRequestTarget("/../../etc/passwd").path == "/../../etc/passwd");  // not resolved
  CHECK(ParseRequestTarget("/probe?flag").params.at("flag").empty());
  CHECK(ParseRequestTarget("/p?t=%C3%A9").params.at("t") == "\xC3\xA9");  // UTF-8 is fine
}

TEST_CASE("request targets: hostile queries are errors, never guesses", "[unit][serve]") {
  for (const char* bad : {"/p?t=%", "/p?t=%4", "/p?t=%zz", "/p?t=%ff", "/p?t=%C3", "/p?t=%1b%5b2J",
                          "/p?t=%00", "/p?t=a%0a", "/p?%ff=x", "/p?t=a&t=b"}) {
    INFO(bad);
    CHECK_FALSE(ParseRequestTarget(bad).error.empty());
  }
  CHECK(ParseRequestTarget("/p?t=a&t=b").error == "query parameter 't' given twice");
}
