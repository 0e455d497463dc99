// The explicit table of protocol modules (no static self-registration) and the complete
// finding catalogue. Only the CLI and tests include this; modules never include each other.
#pragma once

#include "core/finding.h"
#include "core/module.h"
#include "core/scenario.h"

namespace cxa::protocols {

ModuleTable AllModules();
const ModuleDescriptor* FindModule(std::string_view name);
// Every finding ID cxa can emit: engine, transport, certificate evaluator and modules.
const Catalogue& FullCatalogue();

}  // namespace cxa::protocols
