#include "core/output_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace cxa;
namespace fs = std::filesystem;

namespace {

std::string TempDir() {
  std::string t = (fs::temp_directory_path() / "cxa-output-XXXXXX").string();
  REQUIRE(::mkdtemp(t.data()) != nullptr);
  return t;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

size_t Entries(const std::string& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

}  // namespace

TEST_CASE("OutputFile replaces the file only on Commit and leaves nothing behind otherwise",
          "[unit][files]") {
  std::string dir = TempDir();
  std::string path = dir + "/report.json";
  std::ofstream(path) << "old";
  {
    auto f = OutputFile::Open(path);
    REQUIRE(f.ok());
    (*f)->stream() << "half";
    CHECK(Slurp(path) == "old");  // not yet
  }                               // dropped without Commit
  CHECK(Slurp(path) == "old");
  CHECK(Entries(dir) == 1);  // the temporary file is gone
  REQUIRE(WriteOutputFile(path, "new").ok());
  CHECK(Slurp(path) == "new");
  CHECK(Entries(dir) == 1);
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  mode_t mask = ::umask(0);
  ::umask(mask);
  CHECK((st.st_mode & 0777) == (0666 & ~mask));  // as a shell redirection would create it
  REQUIRE(::chmod(path.c_str(), 0600) == 0);
  REQUIRE(WriteOutputFile(path, "newer").ok());
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);  // a replaced file keeps its mode
  fs::remove_all(dir);
}

TEST_CASE(
    "OutputFile never opens a prepared temporary name; the user's own symlink is written "
    "through",
    "[unit][files]") {
  std::string dir = TempDir();
  std::string victim = dir + "/victim";
  std::ofstream(victim) << "precious";
  std::string path = dir + "/out.xml";
  // The temporary names earlier versions used were predictable (name.tmp.PID, name.cxa-tmp-PID):
  // an attacker could plant symlinks there. Neither these nor a symlink at the name itself is
  // followed.
  std::string pid = std::to_string(::getpid());
  for (const std::string& planted : {path + ".tmp." + pid, path + ".cxa-tmp-" + pid}) {
    fs::create_symlink(victim, planted);
  }
  REQUIRE(WriteOutputFile(path, "report").ok());
  CHECK(Slurp(path) == "report");
  CHECK(Slurp(victim) == "precious");

  // A symlink the user made (report.html -> /srv/www/report.html) is written through: the file
  // it names is replaced and keeps its mode, the link stays.
  std::string published = dir + "/published.html";
  std::ofstream(published) << "old";
  REQUIRE(::chmod(published.c_str(), 0640) == 0);
  std::string link = dir + "/link.html";
  fs::create_symlink(published, link);
  REQUIRE(WriteOutputFile(link, "report").ok());
  CHECK(fs::is_symlink(link));
  CHECK(Slurp(published) == "report");
  struct stat st {};
  REQUIRE(::stat(published.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0640);
  fs::create_symlink(dir + "/gone/x", dir + "/dangling");
  CHECK_FALSE(OutputFile::Open(dir + "/dangling").ok());  // nothing to write through to
  fs::remove_all(dir);
}

TEST_CASE("OutputFile refuses a symlink another user planted in a shared sticky directory",
          "[unit][files]") {
  if (::geteuid() != 0) return;  // planting as another user needs root (CI runs as root)
  std::string dir = TempDir();
  std::string shared = dir + "/tmp";
  fs::create_directory(shared);
  REQUIRE(::chmod(shared.c_str(), 01777) == 0);  // like /tmp
  std::string victim = dir + "/victim";
  std::ofstream(victim) << "precious";
  std::string planted = shared + "/report.json";
  fs::create_symlink(victim, planted);
  REQUIRE(::lchown(planted.c_str(), 65534, 65534) == 0);  // nobody's
  auto f = OutputFile::Open(planted);
  REQUIRE_FALSE(f.ok());
  CHECK_THAT(f.error(), Catch::Contains("another user"));
  CHECK(Slurp(victim) == "precious");
  fs::remove_all(dir);
}

TEST_CASE("OutputFile writes devices in place and names what went wrong", "[unit][files]") {
  REQUIRE(WriteOutputFile("/dev/null", "discarded").ok());
  CHECK(fs::exists("/dev/null"));
  CHECK(fs::is_character_file("/dev/null"));
  auto dir = OutputFile::Open("/");
  REQUIRE_FALSE(dir.ok());
  CHECK_THAT(dir.error(), Catch::Contains("directory"));
  auto missing = OutputFile::Open("/nonexistent-dir/report.json");
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.error(), Catch::Contains("/nonexistent-dir/report.json"));
}
