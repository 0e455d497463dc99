// ReadInputFile: how cxa reads a file the operator named (CA bundles, chains, scenario files,
// transcripts). Bounded whatever the path is: a regular file larger than `max_bytes` is refused
// before anything is read, a pipe (`<(...)`) is read up to `max_bytes`, and a directory, a
// device (/dev/zero, /dev/urandom, a terminal) or a socket is refused; opening never blocks on
// a FIFO without a writer. Errors name the path and the reason (for an exit-2 message).
#pragma once

#include <cstddef>
#include <string>

#include "core/result.h"

namespace cxa {

// Size limits for the kinds of input files (generous: real files are far smaller).
inline constexpr size_t kMaxCertificateFile = 16u * 1024 * 1024;  // a chain, a CA bundle
inline constexpr size_t kMaxScenarioFile = 1024 * 1024;
inline constexpr size_t kMaxTranscriptFile = 256u * 1024 * 1024;

Result<std::string> ReadInputFile(const std::string& path, size_t max_bytes);

// "16 MiB", "512 KiB": a limit in words.
std::string SizeInWords(size_t bytes);

}  // namespace cxa
