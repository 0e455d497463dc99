#include "core/input_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

using namespace cxa;

namespace {

std::string TempDir() {
  std::string t = (std::filesystem::temp_directory_path() / "cxa-input-XXXXXX").string();
  REQUIRE(::mkdtemp(t.data()) != nullptr);
  return t;
}

}  // namespace

TEST_CASE("ReadInputFile reads a file within its bound and refuses one beyond it",
          "[unit][files]") {
  std::string dir = TempDir();
  std::ofstream(dir + "/small") << "hello";
  auto r = ReadInputFile(dir + "/small", 5);
  REQUIRE(r.ok());
  CHECK(*r == "hello");
  auto big = ReadInputFile(dir + "/small", 4);
  REQUIRE_FALSE(big.ok());
  CHECK_THAT(big.error(), Catch::Contains("larger than 4 bytes"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("ReadInputFile refuses devices, directories and missing files without blocking",
          "[unit][files]") {
  auto zero = ReadInputFile("/dev/zero", kMaxCertificateFile);  // endless: must not be read
  REQUIRE_FALSE(zero.ok());
  CHECK_THAT(zero.error(), Catch::Contains("device"));
  auto dir = ReadInputFile("/", kMaxCertificateFile);
  REQUIRE_FALSE(dir.ok());
  CHECK_THAT(dir.error(), Catch::Contains("directory"));
  auto none = ReadInputFile("/nonexistent/cxa", kMaxCertificateFile);
  REQUIRE_FALSE(none.ok());
  CHECK_THAT(none.error(), Catch::Contains("No such file"));
}

TEST_CASE("ReadInputFile reads a pipe up to its bound", "[unit][files]") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  REQUIRE(::write(fds[1], "0123456789", 10) == 10);
  ::close(fds[1]);
  std::string path = "/proc/self/fd/" + std::to_string(fds[0]);
  auto r = ReadInputFile(path, 8);  // a pipe has no size: the bound applies while reading
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error(), Catch::Contains("larger than 8 bytes"));
  ::close(fds[0]);
}

TEST_CASE("SizeInWords", "[unit][files]") {
  CHECK(SizeInWords(16u * 1024 * 1024) == "16 MiB");
  CHECK(SizeInWords(512 * 1024) == "512 KiB");
  CHECK(SizeInWords(1000) == "1000 bytes");
}
