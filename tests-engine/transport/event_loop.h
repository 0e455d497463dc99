// EventLoop: many runs on one thread, driven by one libcurl multi handle.
//
// A batch runs its targets as fibers ("runs"), each with a small stack of its own, on one event
// loop per core. A run that waits for the network yields to its loop: an HTTP exchange
// (CurlTransport hands its easy handle to the loop's multi handle), a stream's socket, a timer.
// The loop drives every transfer of its runs with curl_multi_perform/curl_multi_poll and wakes
// each run when its transfer completes or its socket is ready. CPU work (the TLS handshake's
// verification, the evaluator, parsing, reports) runs between waits. No thread per target: a
// thousand targets in flight cost a thousand small stacks, not a thousand threads.
//
// Blocking calls that do not go through the loop (an SRV lookup) block the loop's thread for
// their own timeout.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "core/scheduler.h"

namespace cxa {

class EventLoop : public Scheduler {
 public:
  explicit EventLoop(size_t stack_bytes = kDefaultStack);
  ~EventLoop() override;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Adds a run; runs start when Run() is called. An exception escaping a run ends the process,
  // as one escaping a thread would: runs catch their own.
  void Spawn(std::function<void()> fn);
  // Runs every run to completion on the calling thread.
  void Run();

  // The loop whose run is executing on this thread, or null (outside any run).
  static EventLoop* Current();
  // From a run: performs the transfer on the loop's multi handle, yielding until it completes.
  // `before_removal` runs once it completed, while the handle is still in the multi handle
  // (what a connect-only transfer's connection is can only be asked then).
  CURLcode Perform(CURL* easy, const std::function<void()>& before_removal = {});
  // From a run: waits until `fd` is ready for `events` (POLLIN, POLLOUT) or `timeout_ms`
  // passed; true when ready.
  bool WaitFd(int fd, short events, int timeout_ms);
  void Sleep(int ms) override;

  size_t runs() const { return spawned_; }

#if defined(__SANITIZE_ADDRESS__)
  static constexpr size_t kDefaultStack = 4u << 20;  // ASan's frames are several times larger
#else
  static constexpr size_t kDefaultStack = 1u << 20;  // reserved, not committed: pages on use
#endif

 private:
  struct Fiber;
  using Clock = std::chrono::steady_clock;
  void Resume(Fiber* f);  // loop -> run
  void Yield();           // run -> loop
  void Wake(Fiber* f);
  void CollectTransfers();
  void WaitForEvents();

  size_t stack_bytes_;
  CURLM* multi_ = nullptr;
  std::vector<std::unique_ptr<Fiber>> fibers_;
  std::deque<Fiber*> ready_;
  std::vector<Fiber*> waiting_;  // on a socket or a timer
  Fiber* current_ = nullptr;
  size_t alive_ = 0, spawned_ = 0;
  // The loop thread's own stack, for AddressSanitizer's fiber switch annotations.
  const void* loop_stack_bottom_ = nullptr;
  size_t loop_stack_size_ = 0;
};

}  // namespace cxa
