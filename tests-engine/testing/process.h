// Child processes for end-to-end tests: run a command and capture its output, or keep a server
// running in the background and stop it by PID (also when the test fails).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace cxa::testing {

struct CommandResult {
  int exit_code = -1;  // -1: killed (timeout) or not started
  std::string out;
  std::string err;
  double seconds = 0;
};

// Runs argv[0] with argv, feeding `input` on stdin; kills it after `timeout_s`.
CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& input = "",
                         int timeout_s = 60, const std::vector<std::string>& extra_env = {},
                         const std::string& cwd = "");

class BackgroundProcess {
 public:
  BackgroundProcess() = default;
  ~BackgroundProcess() { Stop(); }
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  // Starts the process; its stdout is read line by line by WaitForLine.
  bool Start(const std::vector<std::string>& argv);
  // Reads stdout lines until one starts with `prefix` (returned), or "" after `timeout_s`.
  std::string WaitForLine(const std::string& prefix, int timeout_s = 20);
  void Stop();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string buffer_;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();
// Waits until something accepts connections on 127.0.0.1:port; false after `timeout_ms`.
bool WaitForPort(int port, int timeout_ms = 5000);

}  // namespace cxa::testing
