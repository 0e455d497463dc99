// Renderers of a batch run (cxa run SCENARIO --targets FILE): one record per target as it
// completes (CSV, JSON Lines) and the summary table of the text format. Pure functions: the CLI
// decides where the text goes. docs/json-report.md describes the JSONL record; the CSV columns
// are line, target, outcome, exit_code, the scenario's summary columns, findings.
#pragma once

#include <string>
#include <vector>

#include "core/run_report.h"

namespace cxa::report {

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
};

// The CSV header line for the scenario's summary column titles.
std::string RenderCsvHeader(const std::vector<std::string>& titles);
std::string RenderCsvRecord(const BatchRecord& record);
std::string RenderJsonlRecord(const BatchRecord& record, const std::vector<std::string>& titles);

// What the text summary says after the table.
struct BatchTotals {
  int targets = 0;
  int passed = 0, warning = 0, failed = 0, incomplete = 0, error = 0;
  int bad_lines = 0;
  uint64_t checks_run = 0, checks_reused = 0;  // shared checks (StepCache)
  int event_loops = 0, runs = 0;
  std::string network;  // a line about the network work, or ""
};

// The text format: the table of targets (sorted by line) and the totals.
std::string RenderSummaryTable(const std::string& scenario_title, const std::string& scenario,
                               const std::vector<std::string>& titles,
                               std::vector<BatchRecord> records, const BatchTotals& totals);

}  // namespace cxa::report
