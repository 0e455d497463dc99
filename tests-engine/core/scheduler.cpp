#include "core/scheduler.h"

namespace cxa {
namespace {
thread_local Scheduler* g_current = nullptr;
}  // namespace

Scheduler* Scheduler::Current() { return g_current; }
void Scheduler::SetCurrent(Scheduler* s) { g_current = s; }

}  // namespace cxa
