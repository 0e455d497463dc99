#include "transport/event_loop.h"

#include <poll.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <thread>

#include "core/scheduler.h"

using namespace cxa;

TEST_CASE("event loop: runs interleave at their waits, on one thread", "[unit][event_loop]") {
  EventLoop loop;
  std::string order;
  auto caller = std::this_thread::get_id();
  bool same_thread = true;
  loop.Spawn([&] {
    order += "a1 ";
    loop.Sleep(30);
    order += "a2 ";
    same_thread = same_thread && std::this_thread::get_id() == caller;
  });
  loop.Spawn([&] {
    order += "b1 ";
    loop.Sleep(5);
    order += "b2 ";
    CHECK(EventLoop::Current() == &loop);
    CHECK(Scheduler::Current() == &loop);
  });
  CHECK(EventLoop::Current() == nullptr);
  loop.Run();
  CHECK(order == "a1 b1 b2 a2 ");
  CHECK(same_thread);
  CHECK(loop.runs() == 2);
  CHECK(EventLoop::Current() == nullptr);  // only inside a run
}

TEST_CASE("event loop: a run waits for a socket while others go on", "[unit][event_loop]") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  EventLoop loop;
  bool readable = false, timed_out_ready = true;
  loop.Spawn([&] { readable = loop.WaitFd(fds[0], POLLIN, 5000); });
  loop.Spawn([&] {
    loop.Sleep(10);
    REQUIRE(::write(fds[1], "x", 1) == 1);  // wakes the first run
  });
  loop.Spawn([&] {
    int other[2];
    REQUIRE(::pipe(other) == 0);
    timed_out_ready = loop.WaitFd(other[0], POLLIN, 20);  // nothing comes: a timeout
    ::close(other[0]);
    ::close(other[1]);
  });
  loop.Run();
  CHECK(readable);
  CHECK_FALSE(timed_out_ready);
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST_CASE("event loop: a thousand runs with stacks of their own", "[unit][event_loop]") {
  EventLoop loop;
  int finished = 0;
  for (int i = 0; i < 1000; ++i) {
    loop.Spawn([&, i] {
      char scratch[16 * 1024];  // each run uses its own stack
      scratch[0] = static_cast<char>(i);
      loop.Sleep(i % 7);
      scratch[sizeof scratch - 1] = scratch[0];
      if (scratch[sizeof scratch - 1] == static_cast<char>(i)) ++finished;
    });
  }
  loop.Run();
  CHECK(finished == 1000);
}
