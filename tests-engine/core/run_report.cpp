#include "core/run_report.h"

namespace cxa {

int RunReport::ExitCode() const {
  for (const auto& s : steps) {
    if (s.outcome == Outcome::kError) return 3;
  }
  for (const auto& s : steps) {
    if (s.HasErrors()) return 1;
  }
  return 0;
}

}  // namespace cxa
