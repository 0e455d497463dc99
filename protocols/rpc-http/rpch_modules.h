// RPC over HTTP modules behind the outlook-anywhere scenario: the proxy's authentication
// methods, its echo, the virtual connection and bind per endpoint, and the mutual
// authentication name.
#pragma once

#include "core/module.h"

namespace cxa::protocols {

extern const ModuleDescriptor kRpcAuthModule;
extern const ModuleDescriptor kRpcEchoModule;
extern const ModuleDescriptor kRpcEndpointModule;
extern const ModuleDescriptor kOaMutualAuthModule;

}  // namespace cxa::protocols
