#include "core/module.h"

#include <catch2/catch.hpp>

using namespace cxa;

TEST_CASE("option values are checked by their kind", "[unit][module]") {
  for (const char* ok :
       {"alice@contoso.com", "contoso.com", "a.b.contoso.co.uk", "x_y@mail.test"}) {
    INFO(ok);
    CHECK(CheckOptionValue(OptionType::kUpnOrDomain, ok).empty());
  }
  for (const char* bad : {"", "com", "alice@com", "@contoso.com", "a@@contoso.com",
                          "alice@contoso.com:443", "https://contoso.com/", "not a domain",
                          "a b@contoso.com", "alice@-contoso.com", "contoso..com"}) {
    INFO(bad);
    CHECK_FALSE(CheckOptionValue(OptionType::kUpnOrDomain, bad).empty());
  }
  CHECK(CheckOptionValue(OptionType::kPort, "443").empty());
  CHECK_FALSE(CheckOptionValue(OptionType::kPort, "99999").empty());
  // A value shown in an error message never carries a raw control character.
  std::string message = CheckOptionValue(OptionType::kPort, "4\x1b[2J");
  CHECK(message.find('\x1b') == std::string::npos);
  CHECK(OptionTypeName(OptionType::kUpnOrDomain) == "upn-or-domain");
}

TEST_CASE("a host option takes a server as operators type it", "[unit][module]") {
  for (const char* ok :
       {"mail.contoso.com", "mail.contoso.com:8443", "[2001:db8::1]:443", "192.0.2.1",
        "https://mail.contoso.com/", "https://mail.contoso.com:444"}) {
    INFO(ok);
    CHECK(CheckOptionValue(OptionType::kHost, ok).empty());
  }
  for (const char* bad : {"", "a b", "mail.contoso.com:0", "mail.contoso.com:99999",
                          "ftp://mail.contoso.com", "user@mail.contoso.com", "-x"}) {
    INFO(bad);
    CHECK_FALSE(CheckOptionValue(OptionType::kHost, bad).empty());
  }
  CHECK(OptionTypeName(OptionType::kHost) == "host");
}
