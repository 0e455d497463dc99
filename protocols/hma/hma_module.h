// Hybrid modern authentication, as Outlook for iOS and Android probe it.
#pragma once

#include "core/module.h"

namespace cxa::protocols {

extern const ModuleDescriptor kHmaModule;

}  // namespace cxa::protocols
