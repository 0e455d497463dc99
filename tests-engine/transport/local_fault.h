// Local faults: failures of this machine (no file descriptor, no memory, no local port left)
// that must never be reported as something the server or the network did. The transport turns
// them into `local.resource.exhausted`.
#pragma once

#include <string>

namespace cxa {

// Whether `err` (an errno value) is a shortage of this machine's resources.
bool IsLocalShortage(int err);
// The shortage in words, with what to do ("no file descriptor left (EMFILE) ...").
std::string DescribeLocalShortage(int err);
// Whether a file descriptor can be opened right now: 0 if so, else the errno (EMFILE, ENFILE).
// Used when a failure carries no errno of its own (a DNS lookup that could not start).
int DescriptorShortage();

}  // namespace cxa
