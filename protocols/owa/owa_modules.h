// OWA modules behind the owa scenario: port 80, front end, logon page, sign-in.
#pragma once

#include "core/module.h"

namespace cxa::protocols {

extern const ModuleDescriptor kOwaHttpModule;
extern const ModuleDescriptor kOwaFrontendModule;
extern const ModuleDescriptor kOwaLogonModule;
extern const ModuleDescriptor kOwaSigninModule;

}  // namespace cxa::protocols
