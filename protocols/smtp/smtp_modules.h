// Mail flow modules behind the smtp scenario: the MX lookup and one mail server's dialogue.
#pragma once

#include "core/module.h"

namespace cxa::protocols {

extern const ModuleDescriptor kSmtpMxModule;
extern const ModuleDescriptor kSmtpModule;

}  // namespace cxa::protocols
