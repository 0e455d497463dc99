#include "core/run_report.h"

#include <catch2/catch.hpp>

using namespace cxa;

namespace {

StepResult Step(const std::string& id, Outcome o, bool not_run = false, bool optional = false) {
  StepResult s;
  s.step_id = id;
  s.outcome = o;
  s.not_run = not_run;
  s.optional = optional;
  if (o == Outcome::kSkipped) s.skip_reason = "skipped: no password given";
  return s;
}

}  // namespace

TEST_CASE("the run verdict: error, then failed, then incomplete, then warning", "[unit][report]") {
  RunReport r;
  r.steps = {Step("a", Outcome::kPassed), Step("b", Outcome::kSkipped, false)};  // N/A
  CHECK(r.Verdict() == RunVerdict::kPassed);
  CHECK(r.ExitCode() == 0);

  r.steps.push_back(Step("signin", Outcome::kSkipped, true, true));  // optional, not run
  CHECK(r.Verdict() == RunVerdict::kPassed);
  CHECK(r.FirstNotRun() == nullptr);

  r.steps.push_back(Step("proxy", Outcome::kSkipped, true));  // required, not run
  CHECK(r.Verdict() == RunVerdict::kIncomplete);
  CHECK(r.ExitCode() == 4);
  REQUIRE(r.FirstNotRun() != nullptr);
  CHECK(r.FirstNotRun()->step_id == "proxy");
  CHECK(r.NotRunReason() == "no password given");

  r.steps.push_back(Step("w", Outcome::kWarning));
  CHECK(r.Verdict() == RunVerdict::kIncomplete);  // a warning does not make it complete
  r.steps.push_back(Step("f", Outcome::kFailed));
  CHECK(r.Verdict() == RunVerdict::kFailed);  // what was tested failed: that comes first
  CHECK(r.ExitCode() == 1);
  r.steps.push_back(Step("e", Outcome::kError));
  CHECK(r.ExitCode() == 3);
  CHECK(RunVerdictName(RunVerdict::kIncomplete) == "incomplete");
}
