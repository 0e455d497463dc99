#include "transport/event_loop.h"

#include <poll.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <boost/context/fiber.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

namespace cxa {
namespace {

namespace ctx = boost::context;

// Stacks are reserved address space (MAP_NORESERVE): only the pages a run touches cost memory.
// A guard page below each one turns an overflow into a fault instead of silent corruption.
struct GuardedStack {
  size_t size;
  const void** bottom;  // where the run's stack is, for the sanitizer annotations
  ctx::stack_context allocate() {
    size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    ::mprotect(p, page, PROT_NONE);
    *bottom = p;
    ctx::stack_context sc;
    sc.size = size;
    sc.sp = static_cast<char*>(p) + size;
    return sc;
  }
  void deallocate(ctx::stack_context& sc) noexcept {
    ::munmap(static_cast<char*>(sc.sp) - sc.size, sc.size);
  }
};

// AddressSanitizer must be told about every stack switch (no-ops without it).
void StartSwitch([[maybe_unused]] void** fake, [[maybe_unused]] const void* bottom,
                 [[maybe_unused]] size_t size) {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_start_switch_fiber(fake, bottom, size);
#endif
}
void FinishSwitch([[maybe_unused]] void* fake, [[maybe_unused]] const void** bottom,
                  [[maybe_unused]] size_t* size) {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_finish_switch_fiber(fake, bottom, size);
#endif
}

}  // namespace

struct EventLoop::Fiber {
  std::function<void()> fn;
  ctx::fiber self;  // the run, while it is suspended
  ctx::fiber loop;  // inside the run: the loop to return to
  const void* stack_bottom = nullptr;
  size_t stack_size = 0;
  bool done = false;
  // What it waits for.
  CURLcode result = CURLE_OK;
  int fd = -1;
  short events = 0;
  bool fd_ready = false;
  bool has_deadline = false;
  Clock::time_point deadline;
};

EventLoop::EventLoop(size_t stack_bytes) : stack_bytes_(stack_bytes) {
  multi_ = curl_multi_init();
  if (multi_ == nullptr) {
    std::fprintf(stderr, "cxa: cannot create a libcurl multi handle\n");
    std::abort();
  }
}

EventLoop::~EventLoop() { curl_multi_cleanup(multi_); }

EventLoop* EventLoop::Current() { return dynamic_cast<EventLoop*>(Scheduler::Current()); }

void EventLoop::Spawn(std::function<void()> fn) {
  auto f = std::make_unique<Fiber>();
  Fiber* raw = f.get();
  raw->fn = std::move(fn);
  raw->stack_size = stack_bytes_;
  GuardedStack stack{stack_bytes_, &raw->stack_bottom};
  raw->self = ctx::fiber(std::allocator_arg, stack, [this, raw](ctx::fiber&& loop) {
    raw->loop = std::move(loop);
    FinishSwitch(nullptr, &loop_stack_bottom_, &loop_stack_size_);
    try {
      raw->fn();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "cxa: internal error in a batch run: %s\n", e.what());
      std::abort();
    } catch (...) {
      std::fprintf(stderr, "cxa: internal error in a batch run\n");
      std::abort();
    }
    raw->done = true;
    StartSwitch(nullptr, loop_stack_bottom_, loop_stack_size_);  // this stack ends here
    return std::move(raw->loop);
  });
  fibers_.push_back(std::move(f));
  ready_.push_back(raw);
  ++alive_;
  ++spawned_;
}

void EventLoop::Resume(Fiber* f) {
  current_ = f;
  SetCurrent(this);
  void* fake = nullptr;
  StartSwitch(&fake, f->stack_bottom, f->stack_size);
  f->self = std::move(f->self).resume();
  FinishSwitch(fake, nullptr, nullptr);
  SetCurrent(nullptr);
  current_ = nullptr;
  if (f->done) {
    --alive_;
    auto it =
        std::find_if(fibers_.begin(), fibers_.end(), [f](const auto& p) { return p.get() == f; });
    if (it != fibers_.end()) fibers_.erase(it);
  }
}

void EventLoop::Yield() {
  Fiber* f = current_;
  void* fake = nullptr;
  StartSwitch(&fake, loop_stack_bottom_, loop_stack_size_);
  f->loop = std::move(f->loop).resume();
  FinishSwitch(fake, &loop_stack_bottom_, &loop_stack_size_);
}

void EventLoop::Wake(Fiber* f) { ready_.push_back(f); }

CURLcode EventLoop::Perform(CURL* easy, const std::function<void()>& before_removal) {
  Fiber* self = current_;
  curl_easy_setopt(easy, CURLOPT_PRIVATE, self);
  self->result = CURLE_OK;
  CURLMcode added = curl_multi_add_handle(multi_, easy);
  if (added != CURLM_OK) return CURLE_FAILED_INIT;
  Yield();  // woken by CollectTransfers when the transfer is done
  if (before_removal) before_removal();
  curl_multi_remove_handle(multi_, easy);
  return self->result;
}

bool EventLoop::WaitFd(int fd, short events, int timeout_ms) {
  Fiber* self = current_;
  self->fd = fd;
  self->events = events;
  self->fd_ready = false;
  self->has_deadline = true;
  self->deadline = Clock::now() + std::chrono::milliseconds(std::max(0, timeout_ms));
  waiting_.push_back(self);
  Yield();
  self->fd = -1;
  return self->fd_ready;
}

void EventLoop::Sleep(int ms) {
  Fiber* self = current_;
  if (self == nullptr) {
    ::usleep(static_cast<useconds_t>(std::max(0, ms)) * 1000);
    return;
  }
  self->fd = -1;
  self->has_deadline = true;
  self->deadline = Clock::now() + std::chrono::milliseconds(std::max(0, ms));
  waiting_.push_back(self);
  Yield();
}

void EventLoop::CollectTransfers() {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    Fiber* f = nullptr;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&f));
    if (f == nullptr) continue;
    f->result = msg->data.result;
    Wake(f);
  }
}

void EventLoop::WaitForEvents() {
  std::vector<curl_waitfd> extra;
  std::vector<Fiber*> owners;
  int timeout_ms = 1000;
  Clock::time_point now = Clock::now();
  for (Fiber* f : waiting_) {
    if (f->fd >= 0) {
      extra.push_back({f->fd, f->events, 0});
      owners.push_back(f);
    }
    if (f->has_deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(f->deadline - now);
      timeout_ms = std::clamp(static_cast<int>(left.count()) + 1, 0, timeout_ms);
    }
  }
  int numfds = 0;
  curl_multi_poll(multi_, extra.data(), static_cast<unsigned>(extra.size()), timeout_ms, &numfds);
  for (size_t i = 0; i < extra.size(); ++i) {
    if ((extra[i].revents & (extra[i].events | POLLERR | POLLHUP)) != 0) owners[i]->fd_ready = true;
  }
  now = Clock::now();
  std::vector<Fiber*> still;
  for (Fiber* f : waiting_) {
    if (f->fd_ready || (f->has_deadline && now >= f->deadline)) {
      f->has_deadline = false;
      Wake(f);
    } else {
      still.push_back(f);
    }
  }
  waiting_.swap(still);
}

void EventLoop::Run() {
  while (alive_ > 0) {
    while (!ready_.empty()) {
      Fiber* f = ready_.front();
      ready_.pop_front();
      Resume(f);
    }
    if (alive_ == 0) break;
    int running = 0;
    curl_multi_perform(multi_, &running);
    CollectTransfers();
    if (!ready_.empty()) continue;
    WaitForEvents();
    if (ready_.empty()) {
      curl_multi_perform(multi_, &running);
      CollectTransfers();
    }
  }
}

}  // namespace cxa
