#pragma once
#include "core/module.h"

namespace cxa::protocols {
extern const ModuleDescriptor kO365RealmModule;
}
