#include "core/run_report.h"

#include "core/enum_names.h"

namespace cxa {

namespace {
constexpr EnumNames<RunVerdict, 5> kVerdicts{
    {"error", "failed", "incomplete", "warning", "passed"}};

// The first finding of `step` or its children (depth first) that `wanted` accepts.
template <typename Pred>
RunCause FirstIn(const StepResult& step, const Pred& wanted) {
  for (const auto& f : step.findings) {
    if (wanted(f)) return {&step, &f};
  }
  for (const auto& c : step.children) {
    if (RunCause found = FirstIn(c, wanted); found.finding != nullptr) return found;
  }
  return {};
}
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
  return std::string(s->SkipWhy());
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

RunCause RunReport::Cause() const {
  RunVerdict v = Verdict();
  auto wanted = [v](const Finding& f) {
    switch (v) {
      case RunVerdict::kError:
        return f.category == FindingCategory::kInternal;
      case RunVerdict::kFailed:
        return f.severity == Severity::kError;
      case RunVerdict::kWarning:
        return f.severity == Severity::kWarning;
      default:
        return false;
    }
  };
  for (const auto& s : steps) {
    if (RunCause found = FirstIn(s, wanted); found.finding != nullptr) return found;
  }
  return {};
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
