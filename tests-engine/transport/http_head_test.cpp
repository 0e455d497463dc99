#include "transport/http_head.h"

#include <catch2/catch.hpp>

using namespace cxa;

TEST_CASE("HTTP/1.x status lines parse, anything else does not", "[unit][transport]") {
  auto ok = ParseStatusLine("HTTP/1.1 401 Unauthorized\r\n");
  REQUIRE(ok);
  CHECK(ok->http_version == "1.1");
  CHECK(ok->status == 401);
  CHECK(ok->reason == "Unauthorized");
  auto spaced = ParseStatusLine("HTTP/1.1 503 RPC Error: 6ba");
  REQUIRE(spaced);
  CHECK(spaced->reason == "RPC Error: 6ba");
  auto bare = ParseStatusLine("HTTP/1.0 503 ");
  REQUIRE(bare);
  CHECK(bare->status == 503);
  CHECK(bare->reason.empty());
  CHECK(ParseStatusLine("HTTP/1.1 204"));
  for (std::string_view junk : {"", "HTTP/1.1", "HTTP/1.1 2xx OK", "HTTP/2 200 OK", "ICY 200 OK",
                                "HTTP/1.1  200 OK", "HTTP/1.1 2000 OK", " HTTP/1.1 200 OK"}) {
    INFO(junk);
    CHECK_FALSE(ParseStatusLine(junk));
  }
}

TEST_CASE("header lines split at the first colon, blanks trimmed", "[unit][transport]") {
  auto h = ParseHeaderLine("WWW-Authenticate:  Basic realm=\"a:b\" \r\n");
  REQUIRE(h);
  CHECK(h->first == "WWW-Authenticate");
  CHECK(h->second == "Basic realm=\"a:b\"");
  auto empty = ParseHeaderLine("X-Empty:");
  REQUIRE(empty);
  CHECK(empty->second.empty());
  CHECK_FALSE(ParseHeaderLine("not a header"));
  CHECK_FALSE(ParseHeaderLine(": no name"));
}
