// What a batch run (cxa run SCENARIO --targets FILE) yields per target, and its totals: the
// records the engine's batch runner (core/batch_runner.h) produces and the batch renderers
// (report/batch_report.h) write.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/run_report.h"

namespace cxa {

// One target's result.
struct BatchRecord {
  int line = 0;        // the line of the targets file
  std::string target;  // as written there
  RunVerdict outcome = RunVerdict::kPassed;
  int exit_code = 0;
  std::vector<std::string> columns;   // the scenario's summary columns, in order
  std::string findings;               // IDs of the warning and error findings, space-separated
  const RunReport* report = nullptr;  // the whole report (JSONL); null after an internal error
  std::string error;                  // an internal error instead of a report
  std::string reason;  // the ID of the finding the verdict rests on (RunReport::Cause), or ""
};

// What the text summary says after the table.
struct BatchTotals {
  int targets = 0;
  int passed = 0, warning = 0, failed = 0, incomplete = 0, error = 0;
  int bad_lines = 0;
  uint64_t checks_run = 0, checks_reused = 0;  // shared checks (StepCache)
  int event_loops = 0, runs = 0;
  std::string network;  // a line about the network work, or ""
};

}  // namespace cxa
