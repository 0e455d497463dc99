// The `autodiscover` module behind the outlook-anywhere scenario.
#pragma once

#include "core/module.h"

namespace cxa::protocols {

extern const ModuleDescriptor kAutodiscoverModule;
extern const ModuleDescriptor kAutodiscoverV2Module;

}  // namespace cxa::protocols
