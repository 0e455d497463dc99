// AD FS modules behind the o365-sso scenario: MEX, federation metadata, WS-Trust sign-in.
#pragma once

#include "core/module.h"

namespace cxa::protocols {

extern const ModuleDescriptor kAdfsMexModule;
extern const ModuleDescriptor kAdfsMetadataModule;
extern const ModuleDescriptor kAdfsSigninModule;

}  // namespace cxa::protocols
