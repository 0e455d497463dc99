#include "core/time_util.h"

#include <catch2/catch.hpp>

using namespace cxa;

TEST_CASE("RFC 3339 times parse and format in UTC", "[unit][time]") {
  CHECK(FormatTime(*ParseTime("2031-01-01T00:00:00Z")) == "2031-01-01T00:00:00Z");
  CHECK(FormatTime(*ParseTime("2031-01-01")) == "2031-01-01T00:00:00Z");
  CHECK(FormatTime(*ParseTime("2031-01-01T02:00:00+02:00")) == "2031-01-01T00:00:00Z");
  CHECK(FormatTime(*ParseTime("2031-01-01T00:00:00.123Z")) == "2031-01-01T00:00:00Z");
  for (const char* bad : {"", "yesterday", "2031-13-01", "2031-01-01T25:00:00Z", "2031-01-01X",
                          "2031-01-01T00:00:00+0200", "31-01-01"}) {
    INFO(bad);
    CHECK_FALSE(ParseTime(bad).has_value());
  }
}
