// The scenarios compiled into cxa (scenarios/*.xml at build time), and where cxa looks for
// scenarios by name, first match wins:
//   1. $CXA_SCENARIO_DIR (a directory: a lab's or a test's own scenarios),
//   2. $XDG_CONFIG_HOME/cxa/scenarios (default ~/.config/cxa/scenarios: the user's additions),
//   3. /usr/share/cxa/scenarios (the system's additions),
//   4. the built-in scenarios.
// A file NAME.xml in a directory adds the scenario NAME or overrides the one further down.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace cxa::cli {

struct BuiltinScenario {
  const char* name;
  const char* text;
};
const std::vector<BuiltinScenario>& BuiltinScenarios();  // generated

struct ScenarioSource {
  std::string name;
  std::string path;  // the file, or "built-in:NAME.xml"
  std::string text;  // for built-in ones; empty for files (read them from `path`)
};

// The directories searched, in order (existing or not).
std::vector<std::string> ScenarioSearchPath();
// Every scenario by name, first match in the search order.
std::vector<ScenarioSource> AllScenarios();
std::optional<ScenarioSource> FindScenario(const std::string& name);

}  // namespace cxa::cli
