// A probe's time budget, as blackbox_exporter users know it: the module's timeout, within the
// scrape timeout Prometheus announces (X-Prometheus-Scrape-Timeout-Seconds) less an offset that
// leaves time for the answer to travel.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace cxa::cli::serve {

// min(module_timeout_s, scrape_header - offset_s), at least 50 ms; a header that is missing, not
// a positive number, or absurd (over a day) is ignored.
std::chrono::milliseconds ProbeBudget(double module_timeout_s,
                                      std::optional<std::string_view> scrape_header,
                                      double offset_s);

}  // namespace cxa::cli::serve
