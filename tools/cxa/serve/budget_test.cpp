#include "tools/cxa/serve/budget.h"

#include <catch2/catch.hpp>

using cxa::cli::serve::ProbeBudget;
using ms = std::chrono::milliseconds;

TEST_CASE("a probe's budget: the module's timeout within the scrape timeout less the offset",
          "[unit][serve]") {
  CHECK(ProbeBudget(10, std::nullopt, 0.5) == ms(10000));
  CHECK(ProbeBudget(10, "15", 0.5) == ms(10000));
  CHECK(ProbeBudget(10, "4", 0.5) == ms(3500));
  CHECK(ProbeBudget(10, "1.5", 0.25) == ms(1250));
  // Too little left: the probe still gets a moment (and reports what it reached).
  CHECK(ProbeBudget(10, "0.4", 0.5) == ms(50));
  // Headers that are not a sane number are ignored.
  for (const char* bad : {"", "abc", "-3", "0", "nan", "inf", "1e9", "4s"}) {
    INFO(bad);
    CHECK(ProbeBudget(10, bad, 0.5) == ms(10000));
  }
}
