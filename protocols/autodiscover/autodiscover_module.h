// The `autodiscover` module behind the outlook-anywhere scenario.
#pragma once

#include "core/module.h"

namespace cxa::protocols {

extern const ModuleDescriptor kAutodiscoverModule;

}  // namespace cxa::protocols
