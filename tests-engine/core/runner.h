// Runner: executes a validated scenario's steps in order, passes facts between them, skips a
// step whose needed facts or steps are missing (with the reason), and turns exceptions into an
// `error` outcome with an internal.* finding (never blamed on the server).
#pragma once

#include <atomic>
#include <chrono>
#include <ctime>
#include <functional>
#include <future>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/module.h"
#include "core/run_report.h"
#include "core/scenario.h"

namespace cxa {

// Progress hooks (the CLI draws a live tree on a terminal; tests record calls).
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void OnStepStart(const StepDecl& step, const std::string& title) = 0;
  virtual void OnStepEnd(const StepResult& result) = 0;
};

// Results of shareable steps (ModuleDescriptor::shareable) by module, options and policy, shared
// by the runs of a batch: the first run computes a result, concurrent and later runs with the
// same key wait for it and reuse it. It keeps the `capacity` most recently used keys of each
// module (memory stays flat however long the target list: per-domain results fall out without
// pushing out the per-host results other modules keep reusing; a key seen again after falling
// out is computed again). Thread-safe.
class StepCache {
 public:
  explicit StepCache(size_t capacity = 1024) : capacity_(capacity) {}
  StepResult GetOrRun(const std::string& key, const std::function<StepResult()>& compute);
  size_t computed() const { return computed_; }
  size_t reused() const { return reused_; }

 private:
  size_t capacity_;
  std::mutex mu_;
  struct Entry {
    std::shared_future<StepResult> result;
    std::list<std::string>::iterator use;  // position in the partition's lru
  };
  // One LRU per module (the key's first line): per-domain results (realm discovery, one per
  // target) must not push out per-host ones (an AD FS farm shared by thousands of domains).
  struct Partition {
    std::map<std::string, Entry> results;
    std::list<std::string> lru;  // keys, least recently used first
  };
  std::map<std::string, Partition> partitions_;
  std::atomic<size_t> computed_{0}, reused_{0};
};

// A run report's remediation names what the run found: each `<name>` placeholder of a finding's
// remediation (the catalogue's generic text, e.g. "resolve and reach <server>:<port>",
// "msstd:<certificate_cn>") becomes the step's value of the option, else of the fact, of that
// name. `cxa explain` keeps the placeholders.
void FillRemediation(StepResult& step, const OptionMap& options);

struct RunSettings {
  cert::TrustPolicy operator_policy;
  std::time_t verify_time = 0;
  Timeouts timeouts;
  bool aia = true;
  // --revocation: the mode of every step that does not ask for its own, and of every step when
  // `revocation_forced` (the operator gave it). The cache keeps fetched answers for the run
  // (the runner makes one when null) or, set by the caller, for a whole batch.
  cert::RevocationMode revocation = cert::RevocationMode::kStaple;
  bool revocation_forced = false;
  RevocationCache* revocation_cache = nullptr;
  // Replay: no wall-clock values in the report (start = verification time, no measured
  // durations), so the same transcript gives byte-identical reports.
  bool deterministic = false;
  std::string password;  // never printed; see StepContext::password
  // --allow-credentials-to patterns (validated by CredentialScope::AllowPattern).
  std::vector<std::string> allow_credentials_to;
  std::string seed;            // see StepContext::seed
  StepCache* cache = nullptr;  // batch runs: share the results of shareable steps
  // A time budget for the whole run (cxa serve's probes): each step's timeouts shrink to what
  // is left, and a step that would start after it is not run (skipped, not_run, the reason
  // says so), so a run that runs out reports what it reached.
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

// The credential scope a run starts with: the domains and hosts of the scenario's inputs marked
// credentials="domain" / "host", and the operator's --allow-credentials-to patterns.
CredentialScope RunCredentialScope(const Scenario& sc,
                                   const std::map<std::string, std::string>& inputs,
                                   const std::vector<std::string>& allow);

// internal.* findings the runner emits.
std::span<const FindingInfo> RunnerFindings();

class Runner {
 public:
  Runner(ModuleTable modules, HttpTransport& transport, const cert::CertEvaluator& evaluator)
      : modules_(modules), transport_(transport), evaluator_(evaluator) {}

  // `inputs` come from ResolveInputs. The report's header fields (tool version, mode, inputs
  // for display) are the caller's to fill.
  RunReport Run(const Scenario& scenario, const std::map<std::string, std::string>& inputs,
                const RunSettings& settings, RunObserver* observer) const;

 private:
  ModuleTable modules_;
  HttpTransport& transport_;
  const cert::CertEvaluator& evaluator_;
};

}  // namespace cxa
