#include "tools/cxa/serve/service_stats.h"

#include <catch2/catch.hpp>

#include "core/text.h"

using namespace cxa;
using namespace cxa::cli::serve;

namespace {

bool HasLine(const std::string& text, const std::string& line) {
  for (const auto& l : Split(text, '\n')) {
    if (l == line) return true;
  }
  return false;
}

RunReport Failed(const char* id) {
  RunReport r;
  StepResult s;
  s.step_id = "tls";
  s.outcome = Outcome::kFailed;
  Finding f;
  f.id = id;
  f.severity = Severity::kError;
  s.findings.push_back(f);
  r.steps.push_back(s);
  return r;
}

}  // namespace

TEST_CASE("the service's own metrics count probes, refusals and reloads", "[unit][serve]") {
  ServiceStats stats("1.2.3", 2);
  stats.Record("tls", "a.test", RunReport{}, 0.5);
  stats.Record("tls", "b.test", Failed("cert.chain.self_signed"), 1.5);
  stats.Rejected("busy");
  stats.Reloaded(false);
  const std::string m = stats.Metrics({3, 8, 5});
  CHECK(HasLine(m, "cxa_serve_build_info{version=\"1.2.3\"} 1"));
  CHECK(HasLine(m, "cxa_serve_probes_total{module=\"tls\",outcome=\"passed\"} 1"));
  CHECK(HasLine(m, "cxa_serve_probes_total{module=\"tls\",outcome=\"failed\"} 1"));
  CHECK(HasLine(m, "cxa_serve_probe_duration_seconds_sum{module=\"tls\"} 2"));
  CHECK(HasLine(m, "cxa_serve_probe_duration_seconds_count{module=\"tls\"} 2"));
  CHECK(HasLine(m, "cxa_serve_probes_rejected_total{reason=\"busy\"} 1"));
  CHECK(HasLine(m, "cxa_serve_probes_rejected_total{reason=\"forbidden\"} 0"));
  CHECK(HasLine(m, "cxa_serve_probes_in_flight 3"));
  CHECK(HasLine(m, "cxa_serve_connections 5"));
  CHECK(HasLine(m, "cxa_serve_config_last_reload_successful 0"));
}

TEST_CASE("the history keeps the newest runs and the finding that decided each", "[unit][serve]") {
  ServiceStats stats("v", 2);
  stats.Record("tls", "a.test", RunReport{}, 0.1);
  stats.Record("tls", "b.test", Failed("cert.chain.self_signed"), 0.1);
  const int third = stats.Record("tls", "c.test", Failed("cert.name.mismatch"), 0.1);
  auto h = stats.History();
  REQUIRE(h.size() == 2);
  CHECK(h[0].id == third);
  CHECK(h[0].target == "c.test");
  CHECK(h[0].outcome == "failed");
  CHECK(h[0].why == "cert.name.mismatch");
  CHECK(h[1].why == "cert.chain.self_signed");
}
