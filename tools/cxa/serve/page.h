// The pages cxa serve renders from its state: the analyzer page (a form that works without
// script, the history with the finding that decided each run) and the configuration in effect
// with its secrets hidden.
#pragma once

#include <string>
#include <vector>

#include "tools/cxa/serve/probe_module.h"
#include "tools/cxa/serve/service_stats.h"

namespace cxa::cli::serve {

std::string LandingPage(const ProbeModules& modules, const std::vector<HistoryEntry>& history);
std::string ConfigText(const ProbeModules& modules);

}  // namespace cxa::cli::serve
