// MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) as a sending server reads them: the _mta-sts TXT
// record, the policy file, MX pattern matching, and the _smtp._tls TXT record. Pure functions
// over text; the module does the lookups and the fetch.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cxa::protocols::smtp {

// The _mta-sts TXT record (RFC 8461 §3.1): of the domain's TXT strings, those that start with
// "v=STSv1" count; exactly one must, with an id of 1 to 32 letters and digits.
struct StsRecord {
  std::string id;
};
enum class StsRecordStatus { kFound, kNone, kMultiple, kInvalid };
struct StsRecordResult {
  StsRecordStatus status = StsRecordStatus::kNone;
  StsRecord record;
  std::string problem;  // kInvalid: what is wrong
};
StsRecordResult ParseStsRecord(const std::vector<std::string>& txt_strings);

// The policy file (RFC 8461 §3.2): "key: value" lines (CRLF or LF); version STSv1, mode
// enforce | testing | none, one or more mx patterns (unless mode none), max_age up to
// 31557600 seconds. Unknown keys are ignored.
struct StsPolicy {
  std::string mode;
  std::vector<std::string> mx;  // patterns, lower case: "mail.contoso.com", "*.contoso.com"
  long max_age = 0;
};
inline constexpr long kMaxStsAge = 31557600;
Result<StsPolicy> ParseStsPolicy(std::string_view text);

// Whether MX host `host` matches `pattern` ("*.example.net" covers exactly one more label on
// the left; comparison ignores case and a trailing dot).
bool StsMxMatches(std::string_view pattern, std::string_view host);

// The _smtp._tls TXT record (RFC 8460 §3): "v=TLSRPTv1;" and rua= with mailto: or https:
// URIs. Returns the rua list, or why the record is unusable.
Result<std::vector<std::string>> ParseTlsRptRecord(std::string_view record);

}  // namespace cxa::protocols::smtp
