#include "testing/fixtures.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace cxa::testing {

std::string SourceDir() { return CXA_SOURCE_DIR; }
std::string FixturesDir() { return SourceDir() + "/fixtures"; }
std::string BinaryDir() { return CXA_BINARY_DIR; }
std::string CxaBinary() { return BinaryDir() + "/tools/cxa"; }

std::vector<std::string> FilesEndingWith(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    std::string p = e.path().string();
    if (e.is_regular_file() && p.size() >= suffix.size() &&
        p.compare(p.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.push_back(p);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace cxa::testing
