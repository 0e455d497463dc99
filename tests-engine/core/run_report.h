// RunReport: everything a run produced, as plain data. Renderers (tests-engine/report) are pure
// functions of it; the JSON form is a documented, versioned public schema (docs/json-report.md).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/step_result.h"

namespace cxa {

// 2: run outcome "incomplete" with exit code 4; steps carry not_run and optional.
// 3: typed facts, null for absent text, the trust policy as an object, the run's cause,
//    certificate sources aia/supplied (docs/json-report.md lists the changes).
inline constexpr int kReportSchemaVersion = 3;

// The verdict of a whole run, worst first: error (cxa's own failure, exit 3), failed (error
// findings, exit 1), incomplete (no error found, but a step that is not optional was not run,
// exit 4), warning and passed (exit 0).
enum class RunVerdict { kError, kFailed, kIncomplete, kWarning, kPassed };
std::string_view RunVerdictName(RunVerdict v);  // error | failed | incomplete | warning | passed
// The exit code of a run with that verdict: 0 passed (or with warnings), 1 failed, 3 error,
// 4 incomplete (exit codes of DESIGN.md §3 and README).
int ExitCodeOf(RunVerdict v);

// The finding that decides a run's verdict, and the step it belongs to (a child step when the
// finding is a child's): see RunReport::Cause.
struct RunCause {
  const StepResult* step = nullptr;
  const Finding* finding = nullptr;
};

struct RunReport {
  std::string tool_version;
  std::string scenario;  // name, or "cert" for the offline verb
  std::string scenario_title;
  std::vector<std::pair<std::string, std::string>> inputs;  // secrets already redacted
  std::string mode = "live";                                // live | replay | offline
  std::string started_at;                                   // RFC 3339
  double duration_ms = 0;
  std::vector<StepResult> steps;
  std::string headline;  // the scenario's <headline>, expanded; "" when it has none

  RunVerdict Verdict() const;
  int ExitCode() const { return ExitCodeOf(Verdict()); }
  // The first step that makes the run incomplete (skipped, not run, not optional), or nullptr.
  const StepResult* FirstNotRun() const;
  // Why that step was not run, without the "skipped: " prefix ("" when complete).
  std::string NotRunReason() const;
  // The root cause the reports lead with: for an error verdict the first internal finding, for
  // failed the first error finding, for warning the first warning, in step order (a step's
  // children before the next step); empty for passed and incomplete runs.
  RunCause Cause() const;
};

}  // namespace cxa
