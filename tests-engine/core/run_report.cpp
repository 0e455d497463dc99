#include "core/run_report.h"

#include "core/enum_names.h"

namespace cxa {

namespace {
constexpr EnumNames<RunVerdict, 5> kVerdicts{
    {"error", "failed", "incomplete", "warning", "passed"}};
}  // namespace

std::string_view RunVerdictName(RunVerdict v) { return kVerdicts.Name(v); }

const StepResult* RunReport::FirstNotRun() const {
  for (const auto& s : steps) {
    if (s.outcome == Outcome::kSkipped && s.not_run && !s.optional) return &s;
  }
  return nullptr;
}

std::string RunReport::NotRunReason() const {
  const StepResult* s = FirstNotRun();
  if (s == nullptr) return "";
  std::string_view why = s->skip_reason;
  if (why.rfind("skipped: ", 0) == 0) why.remove_prefix(9);
  return std::string(why);
}

RunVerdict RunReport::Verdict() const {
  for (const auto& s : steps) {
    if (s.outcome == Outcome::kError) return RunVerdict::kError;
  }
  for (const auto& s : steps) {
    if (s.HasErrors()) return RunVerdict::kFailed;
  }
  if (FirstNotRun() != nullptr) return RunVerdict::kIncomplete;
  for (const auto& s : steps) {
    if (s.outcome == Outcome::kWarning) return RunVerdict::kWarning;
  }
  return RunVerdict::kPassed;
}

int ExitCodeOf(RunVerdict v) {
  switch (v) {
    case RunVerdict::kError:
      return 3;
    case RunVerdict::kFailed:
      return 1;
    case RunVerdict::kIncomplete:
      return 4;
    default:
      return 0;
  }
}

}  // namespace cxa
