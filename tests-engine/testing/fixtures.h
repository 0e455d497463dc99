// Where the test data lives, and small helpers shared by the test binaries.
#pragma once

#include <string>
#include <vector>

namespace cxa::testing {

std::string FixturesDir();  // <source>/fixtures
std::string SourceDir();    // <source>
std::string BinaryDir();    // the build directory
std::string CxaBinary();    // the built cxa executable
// Sorted paths of the files below `dir` (recursively) whose names end with `suffix`.
std::vector<std::string> FilesEndingWith(const std::string& dir, const std::string& suffix);
std::string ReadText(const std::string& path);

}  // namespace cxa::testing
