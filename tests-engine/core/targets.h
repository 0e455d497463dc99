// Target lists for batch runs (`cxa run SCENARIO --targets FILE`): one target per line, `#`
// comments and blank lines ignored, or a CSV file whose header names the target column. Read
// line by line (memory does not grow with the file); bad lines are reported with their number
// and skipped, never fatal.
#pragma once

#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cxa {

struct Target {
  int line = 0;
  std::string value;
  // Cells of columns named after other inputs of the scenario (e.g. port, rpc_proxy): that
  // target's own values of those inputs. Empty cells are left out.
  std::vector<std::pair<std::string, std::string>> inputs;
};

// Which CSV columns a target file's header may name.
struct TargetColumns {
  std::string target;               // the scenario's target input (e.g. "user")
  std::string named;                // --targets-column NAME: exactly this one ("" = look)
  std::vector<std::string> inputs;  // the scenario's other inputs, which a column may fill
};

// The header names that hold the targets when the file names no column after the target input
// itself (as exports have them): user, upn, userprincipalname, email, mail, ...
const std::vector<std::string>& UsualTargetColumnNames();

struct BadTargetLine {
  int line = 0;
  std::string text;  // the line, shortened
  std::string why;
};

class TargetReader {
 public:
  TargetReader(std::istream& in, TargetColumns columns) : in_(in), columns_(std::move(columns)) {}

  // The next good target, or nullopt at the end. Bad lines are returned through `bad` one at a
  // time: when Next() sets `bad`, call it again for the following target. A CSV header without
  // the target column is an error for the whole file.
  Result<std::optional<Target>> Next(std::optional<BadTargetLine>& bad);

  // After the header: the CSV columns that are neither the target nor an input (reported once).
  const std::vector<std::string>& ignored_columns() const { return ignored_; }
  // After the header: the inputs that columns fill.
  std::vector<std::string> filled_inputs() const {
    std::vector<std::string> v;
    for (const auto& [index, input] : input_cells_) v.push_back(input);
    return v;
  }
  // The CSV column the targets come from ("" for a plain list).
  const std::string& target_column() const { return target_column_; }

 private:
  Status ReadHeader(const std::string& text);

  std::istream& in_;
  TargetColumns columns_;
  std::vector<std::pair<size_t, std::string>> input_cells_;  // column index -> input name
  std::vector<std::string> ignored_;
  std::string target_column_;
  int line_ = 0;
  bool header_seen_ = false;
  int csv_index_ = -1;  // >= 0: CSV, the target's column
  size_t csv_columns_ = 0;
};

// True for a DNS host name: dot-separated labels of letters, digits, '-' (not at either end) and
// '_', each 1-63 bytes, at most 253 in all, an optional trailing dot. Nothing else (no space,
// control character, port, path or IP literal).
bool IsHostName(std::string_view host);

// True for a name no one outside the organisation can resolve: a single label, or a private-use
// suffix (.local, .lan, .internal, .corp, .home.arpa, .localdomain, .intranet, .private). Case
// and a trailing dot do not matter.
bool IsInternalName(std::string_view host);

// Checks a target value: a user principal name (user@domain), a domain or a host name with an
// optional :port, or an http(s) URL of such a host. Returns the reason it is not, or "".
std::string CheckTargetValue(std::string_view value);

// Splits one CSV record (RFC 4180 quoting, no line breaks inside fields). nullopt when the quotes
// are unbalanced.
std::optional<std::vector<std::string>> SplitCsvLine(std::string_view line);

// A target written as HOST:PORT or [IPv6]:PORT, taken apart: {host, port}; port is "" when the
// value carries none (a bare name, a bare IPv6 literal such as ::1, a URL or an address with
// '@' are left whole). The brackets of [IPv6] are removed.
struct HostPort {
  std::string host, port;
};
HostPort SplitHostPort(std::string_view value);

// A host as operators type it where a host is expected: HOST, HOST:PORT, [IPv6]:PORT, or an
// https:// URL (its host, and its port or 443). The host must be a DNS name or an IP literal;
// the port, when present, is returned unchecked (the port input's type checks it). The error
// says what was expected.
Result<HostPort> ParseHostTarget(std::string_view value);

}  // namespace cxa
