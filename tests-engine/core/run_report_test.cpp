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

TEST_CASE("the root cause: the first finding of the verdict's kind, children before later steps",
          "[unit][report]") {
  auto with = [](const std::string& id, Severity sev, const std::string& finding) {
    StepResult s = Step(id, Outcome::kPassed);
    Finding f;
    f.id = finding;
    f.severity = sev;
    s.findings.push_back(f);
    s.DeriveOutcome();
    return s;
  };
  RunReport r;
  r.steps = {Step("a", Outcome::kPassed)};
  CHECK(r.Cause().finding == nullptr);  // passed: nothing to name

  r.steps.push_back(with("b", Severity::kInfo, "x.ok"));
  r.steps.push_back(with("c", Severity::kWarning, "x.expiring"));
  REQUIRE(r.Cause().finding != nullptr);
  CHECK(r.Cause().finding->id == "x.expiring");
  CHECK(r.Cause().step->step_id == "c");

  StepResult parent = Step("d", Outcome::kPassed);
  parent.children.push_back(with("d1", Severity::kError, "x.child_down"));
  parent.DeriveOutcome();
  r.steps.push_back(parent);
  r.steps.push_back(with("e", Severity::kError, "x.later"));
  CHECK(r.Verdict() == RunVerdict::kFailed);
  CHECK(r.Cause().finding->id == "x.child_down");  // the warning no longer decides
  CHECK(r.Cause().step->step_id == "d1");

  StepResult internal = with("f", Severity::kError, "internal.replay.mismatch");
  internal.findings[0].category = FindingCategory::kInternal;
  internal.outcome = Outcome::kError;
  r.steps.push_back(internal);
  CHECK(r.Cause().finding->id == "internal.replay.mismatch");
}
