// The configuration of `cxa serve` (YAML, in the manner blackbox_exporter users know): named
// modules, each a scenario with fixed inputs, `cxa run` options under their long names, an
// optional allow-list of targets, and the password by reference only. Loading checks the file's
// shape; every error names FILE:LINE. What the options mean is checked where `cxa run` checks
// it (the CLI's option parser), so both refuse the same things.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace cxa::cli::serve {

struct ModuleConfig {
  std::string name;
  int line = 0;  // where the module starts, for later errors
  std::string scenario;
  std::vector<std::pair<std::string, std::string>> inputs;
  // `cxa run` options without their dashes, in file order; a list gives the option once per
  // item (resolve, connect-to, ca-file), true/false stand for a switch given or not.
  std::vector<std::pair<std::string, std::string>> options;
  std::vector<std::string> targets;  // allow-list patterns: exact names or *.DOMAIN; empty: any
  std::string password_file;         // the password's file (its first line), or
  std::string password_env;          // the environment variable that holds it
};

struct ServeConfig {
  std::string path;
  std::map<std::string, ModuleConfig> modules;
};

// Reads and checks FILE. Errors: "FILE:LINE: what is wrong" (or "FILE: ..." when the file
// cannot be read).
Result<ServeConfig> LoadServeConfig(const std::string& path);
// The same from text (`path` only names it in errors).
Result<ServeConfig> ParseServeConfig(const std::string& text, const std::string& path);

// Whether `target` (a host, HOST:PORT, an https URL, an e-mail address or UPN, as the
// scenario's target input takes it) is allowed by the patterns: the host or the address's
// domain equals a pattern, or is below a `*.DOMAIN` pattern; no patterns allow everything.
bool TargetAllowed(const std::vector<std::string>& patterns, const std::string& target);

}  // namespace cxa::cli::serve
