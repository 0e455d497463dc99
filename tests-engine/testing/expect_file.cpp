#include "testing/expect_file.h"

#include <fstream>

namespace cxa::testing {

std::string ExpectFile::Get(const std::string& key, const std::string& fallback) const {
  for (const auto& [k, v] : entries) {
    if (k == key) return v;
  }
  return fallback;
}

std::vector<std::string> ExpectFile::All(const std::string& key) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : entries) {
    if (k == key) out.push_back(v);
  }
  return out;
}

bool ExpectFile::Has(const std::string& key) const {
  for (const auto& e : entries) {
    if (e.first == key) return true;
  }
  return false;
}

Result<ExpectFile> ReadExpectFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Fail(path + ": cannot read");
  ExpectFile f;
  f.path = path;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    size_t colon = line.find(':');
    if (colon == std::string::npos) {
      return Fail(path + ":" + std::to_string(n) + ": expected 'key: value'");
    }
    std::string key = line.substr(start, colon - start);
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
    f.entries.emplace_back(key, value);
  }
  return f;
}

}  // namespace cxa::testing
