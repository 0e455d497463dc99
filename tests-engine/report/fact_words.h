// Facts in words, for the reports people read (text and HTML). The connection and certificate
// facts every TLS step exports read as one sentence each; any other fact reads as
// "label: value" with its name in words. JSON keeps the names as they are (public API).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/run_report.h"

namespace cxa::report {

// "auth_schemes" -> "auth schemes", "ews_url" -> "EWS URL", "connection_timeout_ms" ->
// "connection timeout (ms)".
std::string FactLabel(std::string_view name);

// "expires in 299 days (2027-10-03)", "expires today (…)", "expired 3 days ago (…)"; `days_left`
// as the facts hold it (a decimal, negative once expired), `not_after` RFC 3339. Empty when
// `days_left` is not a number.
std::string ExpiryInWords(const std::string& days_left, const std::string& not_after);

// One line per fact, in words: the connection (address, port, TLS version, cipher) as one
// sentence, the certificate facts as another (left out when `chain_shown`: the chain says it),
// then every other fact as "label: value", in name order.
std::vector<std::string> FactsInWords(const Facts& facts, bool chain_shown);

// The verdict as the banners say it: PASSED, PASSED WITH WARNINGS, INCOMPLETE, FAILED, ERROR.
std::string_view VerdictWords(RunVerdict verdict);

// "12 ms", "1.3 s": the step's own time (live runs) or its exchanges' (replays); "" if unknown.
std::string Elapsed(const StepResult& step);

// The trust policy most steps ran under, in words (the reports print it once, and on a step
// only where it differs); "" when no step has one.
std::string CommonPolicy(const RunReport& report);

// How far a step got, in words: "name resolution", "connection", "TLS handshake",
// "certificate check", "HTTP", "protocol"; "" for Stage::kNone.
std::string_view StageInWords(Stage stage);

}  // namespace cxa::report
