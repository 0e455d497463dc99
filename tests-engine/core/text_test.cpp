#include "core/text.h"

#include <catch2/catch.hpp>

using namespace cxa;

TEST_CASE("ValidUtf8 keeps valid text and replaces every invalid byte", "[unit][text]") {
  CHECK(ValidUtf8("mail.contoso.com") == "mail.contoso.com");
  CHECK(ValidUtf8("Z\xC3\xBCrich \xE2\x82\xAC \xF0\x9F\x94\x92") ==
        "Z\xC3\xBCrich \xE2\x82\xAC \xF0\x9F\x94\x92");
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(ValidUtf8("a\xFF"
                  "b") == "a" + fffd + "b");
  CHECK(ValidUtf8("\x80") == fffd);                                   // stray continuation byte
  CHECK(ValidUtf8("\xC0\xAF") == fffd + fffd);                        // overlong '/'
  CHECK(ValidUtf8("\xED\xA0\x80") == fffd + fffd + fffd);             // a surrogate
  CHECK(ValidUtf8("\xF4\x90\x80\x80") == fffd + fffd + fffd + fffd);  // past U+10FFFF
  CHECK(ValidUtf8("ok\xE2\x82") == "ok" + fffd + fffd);               // cut short
  CHECK(ValidUtf8("") == "");
}

TEST_CASE("Printable shows control characters instead of sending them", "[unit][text]") {
  CHECK(Printable("CN=\x1b[2J\x1b]0;owned\x07") == "CN=\\x1b[2J\\x1b]0;owned\\x07");
  CHECK(Printable("a\tb") == "a\tb");
  CHECK(Printable("a\r\nb") == "a\\x0d\\x0ab");
  CHECK(Printable("\xC2\x9B"
                  "31m") == "\\x9b31m");  // C1 CSI
  CHECK(Printable("\xC3\xA9t\xC3\xA9") == "\xC3\xA9t\xC3\xA9");
  CHECK(Printable("\x7f\xFF") == "\\x7f\xEF\xBF\xBD");
}

TEST_CASE("Closest suggests a near name and nothing for a far one", "[unit][text]") {
  std::vector<std::string> names = {"tls-endpoint", "o365-sso", "owa", "outlook-anywhere"};
  CHECK(Closest("tls-endpont", names) == "tls-endpoint");
  CHECK(Closest("outlook-anywere", names) == "outlook-anywhere");
  CHECK(Closest("smtp", names) == "");
  CHECK(DidYouMean("ow", names) == " (did you mean 'owa'?)");
  CHECK(DidYouMean("zzzzzzzz", names).empty());
}

TEST_CASE("wrapped text: lines within the width, the label once, long words alone",
          "[unit][text]") {
  CHECK(WrapLines("a bb ccc dddd", 8) == std::vector<std::string>{"a bb ccc", "dddd"});
  CHECK(WrapLines("a, b, c", 9, "names: ") ==
        std::vector<std::string>{"names: a,", "       b,", "       c"});
  CHECK(WrapLines("x https://a.very.long.example/path y", 10) ==
        std::vector<std::string>{"x", "https://a.very.long.example/path", "y"});
  CHECK(WrapLines("  ", 10).empty());
  CHECK(WrapLines("one\n two", 40) == std::vector<std::string>{"one two"});
}

TEST_CASE("split: trimmed parts, empty ones left out", "[unit][text]") {
  CHECK(Split("a; b;;c ;", ';') == std::vector<std::string>{"a", "b", "c"});
  CHECK(Split("", ',').empty());
  CHECK(Split(" , ", ',').empty());
  CHECK(Split("mx1 mx2", ' ') == std::vector<std::string>{"mx1", "mx2"});
}
