#include "core/references.h"

#include <catch2/catch.hpp>

using namespace cxa;

TEST_CASE("citations: RFCs link to their section", "[unit][references]") {
  auto c = Citations("RFC 5280 §6.1.3 (a)(1); RFC 8446");
  REQUIRE(c.size() == 2);
  CHECK(c[0].text == "RFC 5280 §6.1.3 (a)(1)");
  CHECK(c[0].url == "https://www.rfc-editor.org/rfc/rfc5280.html#section-6.1.3");
  CHECK(c[1].url == "https://www.rfc-editor.org/rfc/rfc8446.html");
  // A list of sections links to the first.
  CHECK(Citations("RFC 5280 §4.2.1.9, §6.1.4 (k)")[0].url ==
        "https://www.rfc-editor.org/rfc/rfc5280.html#section-4.2.1.9");
  CHECK(Citations("RFC 9110 §15.5.8.")[0].url ==
        "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.8");
}

TEST_CASE("citations: named documents, analyzer articles and manual pages", "[unit][references]") {
  auto c = Citations(
      " MS-RPCH 2.2.3.5 ;Remote Connectivity Analyzer: SSL Certificate Trust Failure; "
      "getrlimit(2);C706 §12");
  REQUIRE(c.size() == 4);
  CHECK(c[0].text == "MS-RPCH 2.2.3.5");
  CHECK(c[0].url.find("/openspecs/windows_protocols/ms-rpch/") != std::string::npos);
  CHECK(c[1].url ==
        "https://learn.microsoft.com/en-us/connectivity-analyzer/"
        "ssl-certificate-trust-failure");
  CHECK(c[2].url == "https://man7.org/linux/man-pages/man2/getrlimit.2.html");
  CHECK(c[3].url == "https://pubs.opengroup.org/onlinepubs/9629399/chap12.htm");
}

TEST_CASE("citations: unknown documents keep no URL", "[unit][references]") {
  CHECK(Citations("").empty());
  CHECK(Citations(" ; ;").empty());
  auto c = Citations(
      "protocols.md §1.2; MS-RPCHX; Remote Connectivity Analyzer: Nope; RFC x; "
      "ls(x); RFC 12a");
  REQUIRE(c.size() == 6);
  for (const auto& one : c) {
    INFO(one.text);
    CHECK(one.url.empty());
  }
}
