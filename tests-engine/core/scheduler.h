// Scheduler: cooperative waiting for code that may run inside a batch's event loop.
//
// Batch runs execute as fibers on a few event-loop threads (transport/event_loop.h). Code that
// waits for something other than the network (a shared step result another run is computing)
// must yield to the loop instead of blocking its thread, or the run computing the result on the
// same thread could never finish. Outside an event loop Current() is null and callers block as
// usual.
#pragma once

namespace cxa {

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  // The scheduler of the run executing on this thread, or null.
  static Scheduler* Current();
  // Yields the current run for about `ms` milliseconds (other runs go on meanwhile).
  virtual void Sleep(int ms) = 0;

 protected:
  static void SetCurrent(Scheduler* s);
};

}  // namespace cxa
