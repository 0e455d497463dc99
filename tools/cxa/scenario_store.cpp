#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "builtin_scenarios.h"

namespace cxa::cli {

std::vector<std::string> ScenarioSearchPath() {
  std::vector<std::string> dirs;
  if (const char* d = std::getenv("CXA_SCENARIO_DIR"); d != nullptr && *d != '\0') {
    dirs.emplace_back(d);
  }
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x != nullptr && *x != '\0') {
    dirs.push_back(std::string(x) + "/cxa/scenarios");
  } else if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') {
    dirs.push_back(std::string(h) + "/.config/cxa/scenarios");
  }
  dirs.emplace_back("/usr/share/cxa/scenarios");
  return dirs;
}

std::vector<ScenarioSource> AllScenarios() {
  std::map<std::string, ScenarioSource> by_name;
  for (const auto& dir : ScenarioSearchPath()) {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
      if (e.path().extension() != ".xml") continue;
      std::string name = e.path().stem().string();
      by_name.emplace(name, ScenarioSource{name, e.path().string(), ""});  // first one wins
    }
  }
  for (const auto& b : BuiltinScenarios()) {
    by_name.emplace(b.name,
                    ScenarioSource{b.name, "built-in:" + std::string(b.name) + ".xml", b.text});
  }
  std::vector<ScenarioSource> out;
  for (auto& [name, s] : by_name) out.push_back(std::move(s));
  return out;
}

std::optional<ScenarioSource> FindScenario(const std::string& name) {
  for (auto& s : AllScenarios()) {
    if (s.name == name) return s;
  }
  return std::nullopt;
}

}  // namespace cxa::cli
