// `.expect` files (fixtures/FORMAT.md): `key: value` lines, `#` comments, repeatable keys.
// Used by the data-driven tests; malformed files fail with file:line.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace cxa::testing {

struct ExpectFile {
  std::string path;
  std::vector<std::pair<std::string, std::string>> entries;  // in file order

  // The single value of `key`, or `fallback` when absent.
  std::string Get(const std::string& key, const std::string& fallback = "") const;
  std::vector<std::string> All(const std::string& key) const;
  bool Has(const std::string& key) const;
};

Result<ExpectFile> ReadExpectFile(const std::string& path);

}  // namespace cxa::testing
