// OutputFile: how cxa writes a file the operator named (-o, --record). Readers see the old
// content or the whole new one, never a part, and nothing is ever written through a name an
// attacker could have prepared:
//   - a regular file (or a name that does not exist yet) is written to a fresh temporary file
//     created exclusively (mkstemp: O_CREAT|O_EXCL, random name, in the file's directory, so a
//     pre-created file or symlink is never opened) and renamed over the file on Commit();
//   - a symlink at the name is written through (the file it names is replaced and keeps its
//     mode), unless it is one another user planted in a shared sticky directory such as /tmp
//     (the kernel's protected_symlinks rule): that is refused;
//   - a character device or a pipe (/dev/null, /dev/stdout, a FIFO) is written in place; a
//     block device (a disk) is refused;
//   - without Commit() (an error, an exception) the temporary file is removed.
// The file keeps the mode of the regular file it replaces; a new one gets 0666 minus the umask.
#pragma once

#include <memory>
#include <ostream>
#include <string>

#include "core/result.h"

namespace cxa {

class OutputFile {
 public:
  // Opens `path` for writing as described above; the error names the path and the reason.
  static Result<std::unique_ptr<OutputFile>> Open(const std::string& path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // The stream to write to (buffered).
  std::ostream& stream();
  // Flushes, closes and renames the temporary file over the path. After a failure nothing at
  // the path changed and the temporary file is gone.
  Status Commit();

 private:
  class Buffer;
  OutputFile() = default;
  std::string path_;    // as the operator named it (for messages)
  std::string target_;  // the file written: path_, or the file a symlink at path_ names
  std::string tmp_;     // empty: written in place
  int fd_ = -1;
  std::unique_ptr<Buffer> buf_;
  std::unique_ptr<std::ostream> out_;
  bool committed_ = false;
};

// Writes `text` to `path` through an OutputFile.
Status WriteOutputFile(const std::string& path, const std::string& text);

}  // namespace cxa
