#include "tools/cxa/serve/budget.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

namespace cxa::cli::serve {

std::chrono::milliseconds ProbeBudget(double module_timeout_s,
                                      std::optional<std::string_view> scrape_header,
                                      double offset_s) {
  double budget = module_timeout_s;
  if (scrape_header) {
    std::string text(*scrape_header);
    char* end = nullptr;
    const double scrape = std::strtod(text.c_str(), &end);
    const bool number = !text.empty() && end == text.c_str() + text.size();
    if (number && std::isfinite(scrape) && scrape > 0 && scrape <= 86400) {
      budget = std::min(budget, scrape - offset_s);
    }
  }
  return std::chrono::milliseconds(static_cast<long long>(std::max(budget, 0.05) * 1000));
}

}  // namespace cxa::cli::serve
