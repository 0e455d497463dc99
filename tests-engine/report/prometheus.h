// The Prometheus exposition of one run (docs/metrics.md): what `cxa run --format prometheus`
// writes (for node_exporter's textfile collector) and what `cxa serve` answers on /probe. Metric
// names, labels and units follow Prometheus' naming rules; label values are bounded by the
// scenario (step ids) and the catalogue (finding ids), except the certificate info labels, which
// are one series per judged chain. No sample carries a timestamp.
#pragma once

#include <string>
#include <string_view>

#include "core/run_report.h"

namespace cxa::report {

enum class Exposition {
  kText,         // text format 0.0.4: text/plain; version=0.0.4; charset=utf-8
  kOpenMetrics,  // application/openmetrics-text; version=1.0.0; charset=utf-8 (ends "# EOF")
};

// The Content-Type of an exposition.
std::string_view ExpositionContentType(Exposition format);

// The run's metrics: cxa_probe_success, cxa_probe_duration_seconds, cxa_probe_exit_code,
// cxa_probe_outcome{outcome}, cxa_step_success{step}, cxa_step_duration_seconds{step},
// cxa_finding{step,id,severity}, cxa_cert_not_after_timestamp_seconds{step,position},
// cxa_adfs_token_signing_not_after_timestamp_seconds{step}, cxa_tls_info{step,version,subject,
// issuer,fingerprint_sha256}.
std::string RenderPrometheus(const RunReport& report, Exposition format = Exposition::kText);

// A label value as the exposition formats want it: valid UTF-8, with \, " and newline escaped.
std::string EscapeLabelValue(std::string_view value);

}  // namespace cxa::report
