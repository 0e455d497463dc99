// Batch runs: `cxa run SCENARIO --targets FILE [--parallel N]` (see batch.cpp).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "cli.h"
#include "core/runner.h"
#include "core/scenario.h"
#include "report/redact.h"

namespace cxa::cli {

struct BatchJob {
  const Scenario* scenario = nullptr;
  ModuleTable modules;
  HttpTransport& transport;
  const cert::CertEvaluator& evaluator;
  RunSettings settings;
  std::map<std::string, std::string> inputs;  // everything but the target input
  std::vector<std::pair<std::string, std::string>> shown_inputs;
  std::string targets_path;    // "-" = standard input
  std::string targets_column;  // --targets-column NAME, "" = find it by the usual names
  int parallel = 16;
  bool progress = true;  // a progress bar on a terminal (stderr)
  const CommonOptions& common;
  std::string tool_version;
  report::TextFilter redact;  // applied to every report (report/redact.h); may be empty
};

// Returns the exit code: 0 every target passed, 1 some failed, 3 an internal error in some run,
// 4 none failed but some were not tested (incomplete); the worst wins (3, then 1, then 4).
// Throws UsageError for an unreadable or unusable target list (exit 2).
int RunBatch(const BatchJob& job);

// Whether the target file's CSV header (read by the run's own TargetReader) has a column that
// fills the input `name` for each target; `target` is the scenario's target input.
bool TargetsHaveColumn(const std::string& path, const std::string& target, const std::string& name);

}  // namespace cxa::cli
