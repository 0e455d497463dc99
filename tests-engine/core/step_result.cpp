#include "core/step_result.h"

#include "core/enum_names.h"

namespace cxa {

namespace {
constexpr EnumNames<Outcome, 5> kOutcomes{{"passed", "warning", "failed", "skipped", "error"}};
constexpr EnumNames<Stage, 7> kStages{
    {"none", "resolve", "connect", "tls", "certificate", "http", "protocol"}};
}  // namespace

std::string_view OutcomeName(Outcome o) { return kOutcomes.Name(o); }

std::string_view StageName(Stage s) { return kStages.Name(s); }

std::string PolicySummary::Describe() const {
  if (mode.empty()) return "";
  std::string s = mode + "; public roots: " + (public_roots.empty() ? "none" : public_roots);
  if (!custom_anchors.empty()) s += "; custom anchors: " + custom_anchors;
  s += "; expiry warning: " + std::to_string(expiry_warning_days) + " days";
  if (!refused.empty()) {
    s += "; the operator asked for " + refused +
         ", refused: this step requires a publicly trusted certificate";
  }
  return s;
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

std::string_view StepResult::SkipWhy() const {
  constexpr std::string_view kPrefix = "skipped: ";
  std::string_view why = skip_reason;
  if (why.substr(0, kPrefix.size()) == kPrefix) why.remove_prefix(kPrefix.size());
  return why;
}

bool StepResult::HasErrors() const {
  if (outcome == Outcome::kFailed || outcome == Outcome::kError) return true;
  for (const auto& c : children) {
    if (c.HasErrors()) return true;
  }
  return false;
}

}  // namespace cxa
