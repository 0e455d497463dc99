// Mail flow modules behind the smtp scenario: the MX lookup, one mail server's dialogue, the
// domain's MTA-STS policy and its TLS reporting record.
#pragma once

#include "core/module.h"

namespace cxa::protocols {

extern const ModuleDescriptor kSmtpMxModule;
extern const ModuleDescriptor kSmtpModule;
extern const ModuleDescriptor kMtaStsModule;
extern const ModuleDescriptor kTlsRptModule;

}  // namespace cxa::protocols
