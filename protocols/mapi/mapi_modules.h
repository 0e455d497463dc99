// MAPI over HTTP modules behind the outlook scenario.
#pragma once

#include "core/module.h"

namespace cxa::protocols {

extern const ModuleDescriptor kMapiPingModule;
extern const ModuleDescriptor kMapiSessionModule;

}  // namespace cxa::protocols
