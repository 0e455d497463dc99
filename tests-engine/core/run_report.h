// RunReport: everything a run produced, as plain data. Renderers (tests-engine/report) are pure
// functions of it; the JSON form is a documented, versioned public schema (docs/json-report.md).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/step_result.h"

namespace cxa {

inline constexpr int kReportSchemaVersion = 1;

struct RunReport {
  std::string tool_version;
  std::string scenario;  // name, or "cert" for the offline verb
  std::string scenario_title;
  std::vector<std::pair<std::string, std::string>> inputs;  // secrets already redacted
  std::string mode = "live";                                // live | replay | offline
  std::string started_at;                                   // RFC 3339
  double duration_ms = 0;
  std::vector<StepResult> steps;

  // 0 = no error findings, 1 = error findings, 3 = a step hit an internal error
  // (exit codes of DESIGN.md §3).
  int ExitCode() const;
};

}  // namespace cxa
