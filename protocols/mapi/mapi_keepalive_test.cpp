#include "protocols/mapi/mapi_keepalive.h"

#include <catch2/catch.hpp>

namespace cxa::protocols::mapi {
namespace {

// A 200 with X-PendingPeriod `period` (empty: none) whose pieces arrived at `times` (ms).
HttpExchange Exchange(const std::string& period, std::vector<Timing> times) {
  HttpExchange ex;
  ex.response = HttpResponse{};
  ex.response->status = 200;
  if (!period.empty()) ex.response->headers.push_back({"X-PendingPeriod", period});
  ex.timings = {{"dns", 1}, {"connect", 2}, {"tls", 10}};
  ex.timings.insert(ex.timings.end(), times.begin(), times.end());
  return ex;
}

TEST_CASE("A response within one pending period says nothing about keep-alives") {
  KeepAlive k = JudgeKeepAlive(Exchange("400", {{"first_byte", 20}, {"body@0", 30}}));
  CHECK(k.kind == KeepAlive::kNotObserved);
  CHECK(k.period_ms == 400);
  CHECK(k.duration_ms == 20);
  CHECK(KeepAliveName(k.kind) == "not observed");
}

TEST_CASE("PENDING lines a period apart are a streamed response") {
  KeepAlive k = JudgeKeepAlive(Exchange("400", {{"first_byte", 12},
                                                {"body@0", 13},
                                                {"body@12", 415},
                                                {"body@21", 820},
                                                {"body@30", 1222},
                                                {"body@39", 1630}}));
  CHECK(k.kind == KeepAlive::kStreamed);
  CHECK(k.longest_silence_ms >= 400);
  CHECK(k.longest_silence_ms < 420);
  CHECK(k.duration_ms == 1620);
}

TEST_CASE("A head at once and a body held back to the end is buffered") {
  KeepAlive k = JudgeKeepAlive(Exchange("400", {{"first_byte", 12}, {"body@0", 1640}}));
  CHECK(k.kind == KeepAlive::kBuffered);
  CHECK(k.longest_silence_ms == 1628);
}

TEST_CASE("A head held back too is buffered") {
  // Arrival entries out of order are sorted; the silence counts from the request.
  KeepAlive k = JudgeKeepAlive(Exchange("400", {{"body@0", 1641}, {"first_byte", 1640}}));
  CHECK(k.kind == KeepAlive::kBuffered);
  CHECK(k.longest_silence_ms == 1630);
}

TEST_CASE("Without a usable X-PendingPeriod the default period of 30 seconds applies") {
  for (const char* period : {"", "abc", "0", "99999999"}) {
    KeepAlive k = JudgeKeepAlive(Exchange(period, {{"first_byte", 12}, {"body@0", 5000}}));
    CHECK(k.period_ms == 30000);
    CHECK(k.kind == KeepAlive::kNotObserved);
  }
}

TEST_CASE("An exchange without a response or timings is not observed") {
  HttpExchange none;
  CHECK(JudgeKeepAlive(none).kind == KeepAlive::kNotObserved);
  CHECK(JudgeKeepAlive(Exchange("400", {})).kind == KeepAlive::kNotObserved);
}

}  // namespace
}  // namespace cxa::protocols::mapi
