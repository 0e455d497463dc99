// Finding: one observation about the target, identified by a stable public ID.
//
// IDs (`cert.chain.untrusted_root`) are public API: tests, scripts and reports key on them.
// Each ID has exactly one catalogue entry (FindingInfo) declared next to the code that emits it;
// `cxa explain ID` prints it. `message` is one line for the operator; `detail` is diagnostic
// text and never asserted by tests.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cxa {

enum class Severity { kInfo, kWarning, kError };

std::string_view SeverityName(Severity s);  // "info" | "warning" | "error"
std::optional<Severity> ParseSeverity(std::string_view s);

// Whose fault a finding is: the server's (or its network's, or the local machine's, always
// with the server left untested), or cxa's own (a bug, a replay that does not match): then the
// step's outcome is an error and the run exits 3.
enum class FindingCategory { kServer, kInternal };

// One catalogue entry. All strings are static (declared in tables next to the emitting code).
struct FindingInfo {
  std::string_view id;
  Severity severity;             // default severity; a policy may lower it (report-only trust)
  std::string_view title;        // short noun phrase
  std::string_view explanation;  // what it means and who is affected
  std::string_view remediation;  // what to change
  std::string_view reference;    // where the rule comes from (standard, vendor doc)
  FindingCategory category = FindingCategory::kServer;
};

struct Finding {
  std::string id;
  Severity severity = Severity::kError;
  std::string message;            // one line
  std::string detail;             // diagnostic, may be empty
  std::string remediation;        // from the catalogue unless the emitter specialises it
  std::optional<int> cert_index;  // 0 = leaf, index into the reported certificate list
  FindingCategory category = FindingCategory::kServer;  // from the catalogue entry
};

// Builds a finding from its catalogue entry.
Finding MakeFinding(const FindingInfo& info, std::string message, std::string detail = {},
                    std::optional<int> cert_index = std::nullopt);

// The catalogue of every finding the product can emit. Assembled explicitly (no static
// self-registration) from the tables that the engine, the evaluator and each module declare.
class Catalogue {
 public:
  void Add(std::span<const FindingInfo> infos);
  const FindingInfo* Find(std::string_view id) const;
  const std::vector<const FindingInfo*>& all() const { return all_; }

 private:
  std::vector<const FindingInfo*> all_;
};

}  // namespace cxa
