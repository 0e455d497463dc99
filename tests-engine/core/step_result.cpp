#include "core/step_result.h"

namespace cxa {

std::string_view OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kPassed:
      return "passed";
    case Outcome::kWarning:
      return "warning";
    case Outcome::kFailed:
      return "failed";
    case Outcome::kSkipped:
      return "skipped";
    case Outcome::kError:
      return "error";
  }
  return "error";
}

std::string_view StageName(Stage s) {
  switch (s) {
    case Stage::kNone:
      return "none";
    case Stage::kResolve:
      return "resolve";
    case Stage::kConnect:
      return "connect";
    case Stage::kTls:
      return "tls";
    case Stage::kCertificate:
      return "certificate";
    case Stage::kHttp:
      return "http";
    case Stage::kProtocol:
      return "protocol";
  }
  return "none";
}

void StepResult::DeriveOutcome() {
  for (auto& child : children) child.DeriveOutcome();
  if (outcome == Outcome::kSkipped || outcome == Outcome::kError) return;
  for (const auto& f : findings) {
    if (f.category == FindingCategory::kInternal) {  // cxa's own failure, never the server's
      outcome = Outcome::kError;
      if (skip_reason.empty()) skip_reason = "internal error: " + f.message;
      return;
    }
  }
  bool error = false;
  bool warning = false;
  for (const auto& f : findings) {
    error |= f.severity == Severity::kError;
    warning |= f.severity == Severity::kWarning;
  }
  for (const auto& child : children) {
    error |= child.outcome == Outcome::kFailed || child.outcome == Outcome::kError;
    warning |= child.outcome == Outcome::kWarning;
  }
  outcome = error ? Outcome::kFailed : warning ? Outcome::kWarning : Outcome::kPassed;
}

bool StepResult::HasErrors() const {
  if (outcome == Outcome::kFailed || outcome == Outcome::kError) return true;
  for (const auto& c : children) {
    if (c.HasErrors()) return true;
  }
  return false;
}

}  // namespace cxa
