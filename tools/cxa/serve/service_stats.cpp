#include "tools/cxa/serve/service_stats.h"

#include <cstdio>

#include "core/time_util.h"
#include "report/prometheus.h"

namespace cxa::cli::serve {
namespace {

std::string Seconds(double s) {
  char out[32];
  std::snprintf(out, sizeof out, "%.6g", s);
  return out;
}

}  // namespace

void ServiceStats::Rejected(const std::string& reason) {
  std::lock_guard lock(mu_);
  ++rejected_[reason];
}

int ServiceStats::Record(const std::string& module, const std::string& target, RunReport report,
                         double seconds) {
  std::lock_guard lock(mu_);
  const std::string outcome(RunVerdictName(report.Verdict()));
  ++probes_[{module, outcome}];
  auto& d = durations_[module];
  d.first += seconds;
  ++d.second;
  const RunCause cause = report.Cause();
  HistoryEntry e{++last_id_,
                 FormatTime(std::time(nullptr)),
                 module,
                 target,
                 outcome,
                 cause.finding != nullptr ? cause.finding->id : "",
                 std::make_shared<const RunReport>(std::move(report))};
  history_.push_front(std::move(e));
  while (history_.size() > history_limit_) history_.pop_back();
  return last_id_;
}

std::vector<HistoryEntry> ServiceStats::History() const {
  std::lock_guard lock(mu_);
  return {history_.begin(), history_.end()};
}

void ServiceStats::Reloaded(bool ok) {
  std::lock_guard lock(mu_);
  reload_ok_ = ok;
  if (ok) reload_ok_time_ = std::time(nullptr);
}

std::string ServiceStats::Metrics(const LiveGauges& live) const {
  std::lock_guard lock(mu_);
  using report::EscapeLabelValue;
  std::string m;
  auto family = [&](const char* name, const char* type, const char* help) {
    m += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  };
  auto gauge = [&](const char* name, const char* help, const std::string& value) {
    family(name, "gauge", help);
    m += std::string(name) + " " + value + "\n";
  };
  family("cxa_serve_build_info", "gauge", "the version of cxa serving");
  m += "cxa_serve_build_info{version=\"" + EscapeLabelValue(version_) + "\"} 1\n";
  family("cxa_serve_probes_total", "counter", "probes run, by module and outcome");
  for (const auto& [key, n] : probes_) {
    m += "cxa_serve_probes_total{module=\"" + EscapeLabelValue(key.first) + "\",outcome=\"" +
         key.second + "\"} " + std::to_string(n) + "\n";
  }
  family("cxa_serve_probe_duration_seconds", "summary", "how long probes took, by module");
  for (const auto& [module, d] : durations_) {
    const std::string l = "{module=\"" + EscapeLabelValue(module) + "\"}";
    m += "cxa_serve_probe_duration_seconds_sum" + l + " " + Seconds(d.first) + "\n";
    m += "cxa_serve_probe_duration_seconds_count" + l + " " + std::to_string(d.second) + "\n";
  }
  family("cxa_serve_probes_rejected_total", "counter",
         "probe requests answered without a probe, by reason");
  for (const char* reason : {"busy", "bad_request", "forbidden", "unknown_module"}) {
    auto it = rejected_.find(reason);
    m += std::string("cxa_serve_probes_rejected_total{reason=\"") + reason + "\"} " +
         std::to_string(it == rejected_.end() ? 0 : it->second) + "\n";
  }
  gauge("cxa_serve_probes_in_flight", "probes running now", std::to_string(live.in_flight));
  gauge("cxa_serve_max_concurrent", "probes that may run at once (--max-concurrent)",
        std::to_string(live.max_concurrent));
  gauge("cxa_serve_connections", "open client connections", std::to_string(live.connections));
  gauge("cxa_serve_config_last_reload_successful",
        "1 when the last configuration (re)load succeeded", reload_ok_ ? "1" : "0");
  gauge("cxa_serve_config_last_reload_success_timestamp_seconds",
        "when the configuration was last loaded successfully", std::to_string(reload_ok_time_));
  return m;
}

}  // namespace cxa::cli::serve
