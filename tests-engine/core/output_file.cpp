#include "core/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <streambuf>
#include <vector>

namespace cxa {
namespace {

std::string Why(int err) { return std::strerror(err); }

// The process's umask, read once (umask() can only be read by setting it).
mode_t Umask() {
  static std::once_flag once;
  static mode_t mask = 022;
  std::call_once(once, [] {
    mask = ::umask(077);
    ::umask(mask);
  });
  return mask;
}

bool WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

}  // namespace

// A plain buffered streambuf over a file descriptor; a failed write makes the stream bad.
class OutputFile::Buffer : public std::streambuf {
 public:
  explicit Buffer(int fd) : fd_(fd), data_(64 * 1024) {
    setp(data_.data(), data_.data() + data_.size());
  }

 protected:
  int_type overflow(int_type c) override {
    if (sync() != 0) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override {
    size_t n = static_cast<size_t>(pptr() - pbase());
    if (n > 0 && !WriteAll(fd_, pbase(), n)) return -1;
    setp(data_.data(), data_.data() + data_.size());
    return 0;
  }

 private:
  int fd_;
  std::vector<char> data_;
};

namespace {

// The kernel's protected_symlinks rule, applied whatever the system's setting: a symlink in a
// sticky world-writable directory (such as /tmp) is followed only when its owner is the user
// or the directory's owner. Returns why not ("" when it may be followed).
std::string PlantedSymlink(const std::string& path, const struct stat& link) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  struct stat d {};
  if (::stat(dir.c_str(), &d) != 0) return "";
  bool shared = (d.st_mode & S_ISVTX) != 0 && (d.st_mode & S_IWOTH) != 0;
  if (!shared || link.st_uid == ::geteuid() || link.st_uid == d.st_uid) return "";
  return "it is a symlink another user owns in a shared directory (sticky and world-writable, "
         "like /tmp); cxa does not write through it";
}

}  // namespace

Result<std::unique_ptr<OutputFile>> OutputFile::Open(const std::string& path) {
  if (path.empty()) return Fail("no output file name");
  std::unique_ptr<OutputFile> f(new OutputFile);
  f->path_ = path;
  f->target_ = path;
  struct stat link {};
  if (::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
    // The operator's own symlink is written through: the file it names is replaced.
    if (std::string why = PlantedSymlink(path, link); !why.empty()) {
      return Fail("cannot write " + path + ": " + why);
    }
    struct stat named {};
    if (::stat(path.c_str(), &named) != 0) {
      return Fail("cannot write " + path + ": it is a symlink to a missing file (" + Why(errno) +
                  ")");
    }
    if (S_ISREG(named.st_mode)) {  // a device or a pipe behind it is written in place below
      char* real = ::realpath(path.c_str(), nullptr);
      if (real == nullptr) return Fail("cannot write " + path + ": " + Why(errno));
      f->target_ = real;
      std::free(real);
    }
  }
  const std::string& target = f->target_;
  struct stat st {};
  bool exists = ::stat(target.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) return Fail("cannot write " + path + ": it is a directory");
  if (exists && S_ISBLK(st.st_mode)) return Fail("cannot write " + path + ": it is a disk");
  if (exists && !S_ISREG(st.st_mode)) {
    // A device or a pipe: write in place (no O_CREAT: it exists, and must stay what it is).
    f->fd_ = ::open(target.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (f->fd_ < 0) return Fail("cannot write " + path + ": " + Why(errno));
  } else {
    size_t slash = target.rfind('/');
    std::string dir = slash == std::string::npos ? "" : target.substr(0, slash + 1);
    std::string base = slash == std::string::npos ? target : target.substr(slash + 1);
    std::string pattern = dir + "." + base + ".cxa-XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    f->fd_ = ::mkostemp(name.data(), O_CLOEXEC);
    if (f->fd_ < 0) return Fail("cannot write " + path + ": " + Why(errno));
    f->tmp_ = name.data();
    // The mode of the file being replaced, else a new file's.
    struct stat old {};
    bool replaces = ::lstat(target.c_str(), &old) == 0 && S_ISREG(old.st_mode);
    ::fchmod(f->fd_, replaces ? (old.st_mode & 0777) : (0666 & ~Umask()));
  }
  f->buf_ = std::make_unique<Buffer>(f->fd_);
  f->out_ = std::make_unique<std::ostream>(f->buf_.get());
  return f;
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !tmp_.empty()) ::unlink(tmp_.c_str());
}

std::ostream& OutputFile::stream() { return *out_; }

Status OutputFile::Commit() {
  out_->flush();
  bool ok = static_cast<bool>(*out_);
  int err = ok ? 0 : EIO;
  // No fsync: the rename protects readers and failed runs; a report need not survive a power
  // loss, and fsync can stall for long on a busy disk.
  if (::close(fd_) != 0 && ok) ok = false, err = errno;
  fd_ = -1;
  if (ok && !tmp_.empty() && ::rename(tmp_.c_str(), target_.c_str()) != 0) ok = false, err = errno;
  if (!ok) return Fail("cannot write " + path_ + ": " + Why(err));
  committed_ = true;
  return Ok{};
}

Status WriteOutputFile(const std::string& path, const std::string& text) {
  auto f = OutputFile::Open(path);
  if (!f) return Fail(f.error());
  (*f)->stream() << text;
  return (*f)->Commit();
}

}  // namespace cxa
