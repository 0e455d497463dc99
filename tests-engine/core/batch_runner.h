// The engine's batch runner: one run of a scenario per target, N at a time on event loops (one
// per core; each run is a fiber, network waits yield), shareable step results computed once
// (StepCache), and one BatchRecord per target handed out as its run completes. Where targets
// come from (a file, bad lines, a progress bar, interruption) and where records go (the format's
// renderer) is the caller's.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/batch_record.h"
#include "core/runner.h"
#include "core/scenario.h"
#include "core/targets.h"

namespace cxa {

struct BatchSpec {
  const Scenario* scenario = nullptr;
  ModuleTable modules;
  HttpTransport* transport = nullptr;
  const cert::CertEvaluator* evaluator = nullptr;
  RunSettings settings;                       // its cache is the batch's own
  std::map<std::string, std::string> inputs;  // every input but the target's
  // The inputs as reports show them (secrets redacted), without the target input.
  std::vector<std::pair<std::string, std::string>> shown_inputs;
  std::string tool_version;
  // Applied to each run's report before its record is made (the CLI's redaction); may be empty.
  std::function<void(RunReport&)> finish;
  int parallel = 16;  // runs at a time
};

// What the runner did besides the records.
struct BatchStats {
  uint64_t checks_run = 0, checks_reused = 0;  // shareable steps computed / reused
  int event_loops = 0, runs = 0;
};

// The report of one target's run as a batch record: its verdict, exit code, the scenario's
// summary columns (a verdict column names the step's first error finding, else its first
// warning, else its outcome) and its warning and error finding IDs. `inputs` are the run's.
BatchRecord MakeBatchRecord(const Scenario& scenario, const Target& target,
                            const std::map<std::string, std::string>& inputs,
                            const RunReport& report);

// Runs `scenario` for every target `next` yields (called from several threads, one at a time;
// nullopt = no more) and hands each record to `on_record` (calls serialized; the record's report
// lives during the call only). A run that throws (a bug of cxa) becomes an error record and the
// batch goes on.
BatchStats RunBatch(const BatchSpec& spec, const std::function<std::optional<Target>()>& next,
                    const std::function<void(const BatchRecord&)>& on_record);

}  // namespace cxa
