#include "transport/local_fault.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace cxa {

bool IsLocalShortage(int err) {
  return err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM || err == EADDRNOTAVAIL;
}

std::string DescribeLocalShortage(int err) {
  switch (err) {
    case EMFILE:
      return "cxa has no file descriptor left (EMFILE: this process's open-file limit, ulimit -n, "
             "is reached); lower --parallel or raise the limit";
    case ENFILE:
      return "the system has no file descriptor left (ENFILE: the system-wide open-file limit is "
             "reached); lower --parallel or close other programs";
    case EADDRNOTAVAIL:
      return "this machine has no local port left for a new connection (EADDRNOTAVAIL); lower "
             "--parallel or widen net.ipv4.ip_local_port_range";
    case ENOBUFS:
    case ENOMEM:
      return "this machine ran out of memory for a new connection (" +
             std::string(err == ENOBUFS ? "ENOBUFS" : "ENOMEM") + "); lower --parallel";
    default:
      return "a local resource ran out";
  }
}

int DescriptorShortage() {
  int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::close(fd);
    return 0;
  }
  return errno == EMFILE || errno == ENFILE ? errno : 0;
}

}  // namespace cxa
