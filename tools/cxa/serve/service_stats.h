// What cxa serve counts and keeps about its own work: probes by module and outcome, their
// durations, refused requests, the configuration's reload status, and the history ring of the
// last runs the page shows. Thread-safe (probes finish on pool threads). Metrics() renders them
// as the service's own /metrics (never a target's).
#pragma once

#include <ctime>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/run_report.h"

namespace cxa::cli::serve {

struct HistoryEntry {
  int id = 0;
  std::string when, module, target, outcome;
  std::string why;  // the finding that decided the verdict, "" when none
  std::shared_ptr<const RunReport> report;
};

// Figures the stats do not own, read when /metrics is asked.
struct LiveGauges {
  size_t in_flight = 0, max_concurrent = 0, connections = 0;
};

class ServiceStats {
 public:
  ServiceStats(std::string version, size_t history)
      : version_(std::move(version)), history_limit_(history) {}

  // A request answered without a probe: busy, bad_request, forbidden or unknown_module.
  void Rejected(const std::string& reason);
  // A finished probe; returns its id in the history.
  int Record(const std::string& module, const std::string& target, RunReport report,
             double seconds);
  // The history, newest first.
  std::vector<HistoryEntry> History() const;
  void Reloaded(bool ok);
  std::string Metrics(const LiveGauges& live) const;

 private:
  std::string version_;
  size_t history_limit_;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, long> probes_;  // (module, outcome)
  std::map<std::string, std::pair<double, long>> durations_;    // module: seconds, count
  std::map<std::string, long> rejected_;
  std::deque<HistoryEntry> history_;
  int last_id_ = 0;
  bool reload_ok_ = true;
  std::time_t reload_ok_time_ = std::time(nullptr);
};

}  // namespace cxa::cli::serve
