// A module of `cxa serve`, ready to probe: the configuration's scenario, inputs and `cxa run`
// options turned into what a run needs (the same parser and refusals as `cxa run`), and the
// password read from where the configuration points. Built when the configuration is loaded
// or reloaded; read-only afterwards, shared by concurrent probes.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli.h"
#include "core/result.h"
#include "core/run_report.h"
#include "core/runner.h"
#include "core/scenario.h"
#include "tools/cxa/serve/serve_config.h"

namespace cxa::cli::serve {

struct ProbeModule {
  ModuleConfig config;
  Scenario scenario;
  CommonOptions common;
  RunSettings settings;  // the policy, timeouts, password, credential patterns
  std::vector<std::string> redact;
  std::map<std::string, std::string> inputs;  // fixed inputs, the target's left out
  const InputDecl* target_input = nullptr;    // points into `scenario`
  double timeout_s = 10;                      // the module's time budget
};

// The modules of a loaded configuration, by name.
struct ProbeModules {
  std::string path;
  std::map<std::string, std::unique_ptr<ProbeModule>> modules;
};

// Prepares every module of `config`; the first error names the file, the module's line and what
// is wrong (a bad option value, a scenario that does not exist, an unreadable password file).
Result<std::shared_ptr<const ProbeModules>> PrepareModules(const ServeConfig& config);

// A request's probe: the module's inputs with `target` as its target input, checked like
// `cxa run` checks them. Fails with a one-line reason (the client's fault: HTTP 400).
Result<std::map<std::string, std::string>> ProbeInputs(const ProbeModule& m,
                                                       const std::string& target);

// Runs the module's scenario with `inputs` within `budget` (the report says what it reached
// when the budget runs out). Secrets are redacted from the report.
RunReport RunProbe(const ProbeModule& m, const std::map<std::string, std::string>& inputs,
                   std::chrono::milliseconds budget);

}  // namespace cxa::cli::serve
