#include "core/batch_runner.h"

#include <catch2/catch.hpp>
#include <mutex>
#include <set>

#include "protocols/registry.h"
#include "testing/scripted_transport.h"

using namespace cxa;

namespace {

// A scripted transport that several event-loop threads may use: every connection is refused,
// except to hosts named "up.*", which answer a connect-only request with a handshake that has
// no certificate.
class LockedTransport : public testing::ScriptedTransport {
 public:
  HttpExchange Perform(const HttpRequest& request) override {
    std::lock_guard lock(mu_);
    return ScriptedTransport::Perform(request);
  }

 private:
  std::mutex mu_;
};

Result<Scenario> BatchScenario() {
  return LoadScenarioText(R"(<scenario name="s" title="S">
    <input name="host" required="true" target="true"/>
    <step id="a" module="tls"><option name="host" value="${input.host}"/></step>
    <summary-column title="host" value="${input.host}"/>
    <summary-column title="verdict" verdict="a"/>
    <summary-column title="address" value="${a.address}"/>
  </scenario>)",
                          "s.xml", protocols::AllModules());
}

BatchSpec Spec(const Scenario& sc, HttpTransport& transport, const cert::CertEvaluator& ev) {
  BatchSpec spec;
  spec.scenario = &sc;
  spec.modules = protocols::AllModules();
  spec.transport = &transport;
  spec.evaluator = &ev;
  spec.settings.operator_policy.public_roots = cert::TrustStore::Empty();
  spec.tool_version = "test";
  return spec;
}

}  // namespace

TEST_CASE("the batch runner yields one record per target, with columns and finding IDs",
          "[unit][batch]") {
  auto sc = BatchScenario();
  REQUIRE(sc.ok());
  LockedTransport transport;
  cert::CertEvaluator evaluator;
  BatchSpec spec = Spec(*sc, transport, evaluator);
  spec.parallel = 4;
  std::vector<Target> targets;
  for (int i = 0; i < 9; ++i) targets.push_back({i + 2, "h" + std::to_string(i) + ".test", {}});
  size_t at = 0;
  auto next = [&]() -> std::optional<Target> {
    if (at == targets.size()) return std::nullopt;
    return targets[at++];
  };
  std::vector<BatchRecord> records;
  std::set<std::string> reports_seen;
  BatchStats stats = RunBatch(spec, next, [&](const BatchRecord& r) {
    REQUIRE(r.report != nullptr);  // valid during the call
    reports_seen.insert(r.report->inputs.back().second);
    records.push_back(r);
  });
  REQUIRE(records.size() == targets.size());
  CHECK(stats.runs == 4);
  CHECK(stats.event_loops >= 1);
  CHECK(reports_seen.size() == targets.size());
  for (const auto& r : records) {
    INFO(r.target);
    CHECK(r.outcome == RunVerdict::kFailed);
    CHECK(r.exit_code == 1);
    CHECK(r.findings == "net.connect.refused");
    REQUIRE(r.columns.size() == 3);
    CHECK(r.columns[0] == r.target);
    CHECK(r.columns[1] == "net.connect.refused");
    CHECK(r.columns[2].empty());  // a fact the run did not learn: an empty cell
    CHECK(r.line == std::stoi(r.target.substr(1, 1)) + 2);
  }
}

TEST_CASE("a run that throws becomes an error record and the batch goes on", "[unit][batch]") {
  auto sc = BatchScenario();
  REQUIRE(sc.ok());
  LockedTransport transport;
  cert::CertEvaluator evaluator;
  BatchSpec spec = Spec(*sc, transport, evaluator);
  spec.parallel = 1;
  spec.finish = [](RunReport& r) {
    if (r.inputs.back().second == "bad.test") throw std::runtime_error("boom \x1b[2J");
  };
  std::vector<Target> targets = {{1, "a.test", {}}, {2, "bad.test", {}}, {3, "c.test", {}}};
  size_t at = 0;
  std::vector<BatchRecord> records;
  RunBatch(
      spec,
      [&]() -> std::optional<Target> {
        return at < targets.size() ? std::optional<Target>(targets[at++]) : std::nullopt;
      },
      [&](const BatchRecord& r) { records.push_back(r); });
  REQUIRE(records.size() == 3);
  CHECK(records[1].outcome == RunVerdict::kError);
  CHECK(records[1].exit_code == 3);
  CHECK(records[1].report == nullptr);
  CHECK(records[1].columns.size() == 3);
  CHECK_FALSE(records[1].error.empty());
  CHECK(records[2].outcome == RunVerdict::kFailed);
}

TEST_CASE("a target's port and its line's columns become inputs the report shows",
          "[unit][batch]") {
  auto sc = LoadScenarioText(R"(<scenario name="p">
    <input name="host" required="true" target="true" target-port="port"/>
    <input name="port" type="port" default="443"/>
    <input name="note" default=""/>
    <step id="a" module="tls">
      <option name="host" value="${input.host}"/><option name="port" value="${input.port}"/>
    </step>
  </scenario>)",
                             "p.xml", protocols::AllModules());
  REQUIRE(sc.ok());
  LockedTransport transport;
  cert::CertEvaluator evaluator;
  BatchSpec spec = Spec(*sc, transport, evaluator);
  spec.inputs = {{"port", "443"}, {"note", ""}};
  spec.shown_inputs = {{"port", "443"}};
  bool given = false;
  std::vector<std::pair<std::string, std::string>> shown;
  RunBatch(
      spec,
      [&]() -> std::optional<Target> {
        if (given) return std::nullopt;
        given = true;
        return Target{7, "[2001:db8::1]:8443", {{"note", "eu"}}};
      },
      [&](const BatchRecord& r) { shown = r.report->inputs; });
  REQUIRE(transport.requests.size() == 1);
  CHECK(transport.requests[0].url == "https://[2001:db8::1]:8443/");
  using KV = std::pair<std::string, std::string>;
  CHECK(shown == std::vector<KV>{{"port", "8443"}, {"note", "eu"}, {"host", "2001:db8::1"}});
}
