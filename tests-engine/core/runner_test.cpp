#include "core/runner.h"

#include <catch2/catch.hpp>
#include <thread>

#include "protocols/registry.h"
#include "testing/scripted_transport.h"

using namespace cxa;

namespace {

struct Recorder : RunObserver {
  std::vector<std::string> events;
  void OnStepStart(const StepDecl& s, const std::string&) override {
    events.push_back("start " + s.id);
  }
  void OnStepEnd(const StepResult& r) override {
    events.push_back("end " + r.step_id + " " + std::string(OutcomeName(r.outcome)));
  }
};

RunSettings Settings(cert::TrustPolicy policy) {
  RunSettings s;
  s.operator_policy = std::move(policy);
  return s;
}

cert::TrustPolicy EmptyPolicy() {
  cert::TrustPolicy p;
  p.public_roots = cert::TrustStore::Empty();
  return p;
}

}  // namespace

TEST_CASE("the runner passes facts, skips steps whose facts are missing, and records progress",
          "[unit][runner]") {
  auto sc = LoadScenarioText(R"(<scenario name="s">
    <input name="host" required="true"/>
    <step id="a" module="tls"><option name="host" value="${input.host}"/></step>
    <step id="b" module="tls"><option name="host" value="${a.address}"/></step>
    <step id="c" module="tls" needs="a"><option name="host" value="x"/></step>
  </scenario>)",
                             "s.xml", protocols::AllModules());
  REQUIRE(sc.ok());
  testing::ScriptedTransport transport;  // every connection is refused
  cert::CertEvaluator evaluator;
  Runner runner(protocols::AllModules(), transport, evaluator);
  Recorder rec;
  RunSettings settings = Settings(EmptyPolicy());
  RunReport r = runner.Run(*sc, {{"host", "h.test"}}, settings, &rec);
  REQUIRE(r.steps.size() == 3);
  CHECK(r.steps[0].outcome == Outcome::kFailed);
  CHECK(r.steps[0].stage == Stage::kConnect);
  CHECK(r.steps[0].findings.at(0).id == "net.connect.refused");
  CHECK(r.steps[1].outcome == Outcome::kSkipped);
  CHECK_THAT(r.steps[1].skip_reason, Catch::Contains("a.address"));
  CHECK(r.steps[2].outcome == Outcome::kSkipped);
  CHECK(transport.requests.size() == 1);
  CHECK(transport.requests[0].url == "https://h.test:443/");
  CHECK(r.ExitCode() == 1);
  CHECK(rec.events == std::vector<std::string>{"start a", "end a failed", "start b",
                                               "end b skipped", "start c", "end c skipped"});
}

TEST_CASE("a step that demands strict trust ignores the operator's relaxation", "[unit][runner]") {
  auto sc = LoadScenarioText(R"(<scenario name="s">
    <step id="a" module="tls" trust="strict-public"><option name="host" value="h"/></step>
    <step id="b" module="tls"><option name="host" value="h"/></step>
  </scenario>)",
                             "s.xml", protocols::AllModules());
  REQUIRE(sc.ok());
  testing::ScriptedTransport transport;
  std::vector<cert::TrustMode> modes;
  transport.handler = [&](const HttpRequest& req) {
    modes.push_back(req.trust->mode);
    HttpExchange ex;
    ex.error = TransportError{Stage::kConnect, "net.connect.refused", "x"};
    return ex;
  };
  cert::CertEvaluator evaluator;
  Runner runner(protocols::AllModules(), transport, evaluator);
  RunSettings settings = Settings(EmptyPolicy());
  settings.operator_policy.mode = cert::TrustMode::kReportOnly;
  RunReport r = runner.Run(*sc, {}, settings, nullptr);
  REQUIRE(modes.size() == 2);
  CHECK(modes[0] == cert::TrustMode::kStrictPublic);
  CHECK(modes[1] == cert::TrustMode::kReportOnly);
  CHECK(r.steps[0].trust_policy.refused == "report-only");
  CHECK(r.steps[1].trust_policy.refused.empty());
}

TEST_CASE("an exception inside a step becomes an internal error, exit 3", "[unit][runner]") {
  auto sc = LoadScenarioText(
      R"(<scenario name="s"><step id="a" module="tls"><option name="host" value="h"/></step></scenario>)",
      "s.xml", protocols::AllModules());
  REQUIRE(sc.ok());
  testing::ScriptedTransport transport;
  transport.handler = [](const HttpRequest&) -> HttpExchange { throw std::runtime_error("boom"); };
  cert::CertEvaluator evaluator;
  Runner runner(protocols::AllModules(), transport, evaluator);
  RunReport r = runner.Run(*sc, {}, Settings(EmptyPolicy()), nullptr);
  CHECK(r.steps[0].outcome == Outcome::kError);
  CHECK(r.steps[0].findings.at(0).id == "internal.step.exception");
  CHECK(r.ExitCode() == 3);
}

TEST_CASE("if= skips a step when the fact has another value, with the reason", "[unit][runner]") {
  auto sc = LoadScenarioText(R"(<scenario name="s">
    <step id="a" module="tls"><option name="host" value="h.test"/></step>
    <step id="b" module="tls" if="a.address=192.0.2.1"><option name="host" value="x"/></step>
  </scenario>)",
                             "s.xml", protocols::AllModules());
  REQUIRE(sc.ok());
  testing::ScriptedTransport transport;  // refused: step a has no address fact
  cert::CertEvaluator evaluator;
  Runner runner(protocols::AllModules(), transport, evaluator);
  RunReport r = runner.Run(*sc, {}, Settings(EmptyPolicy()), nullptr);
  CHECK(r.steps[1].outcome == Outcome::kSkipped);
  CHECK_THAT(r.steps[1].skip_reason, Catch::Contains("a.address"));
}

TEST_CASE("a batch's step cache runs a shareable step once per key, also concurrently",
          "[unit][runner]") {
  StepCache cache;
  std::atomic<int> runs{0};
  auto compute = [&] {
    ++runs;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    StepResult r;
    r.facts["x"] = "1";
    return r;
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] { CHECK(cache.GetOrRun("k", compute).facts.at("x") == "1"); });
  }
  for (auto& t : threads) t.join();
  CHECK(runs == 1);
  CHECK(cache.computed() == 1);
  CHECK(cache.reused() == 7);
  cache.GetOrRun("other", compute);
  CHECK(runs == 2);
  // An exception reaches every caller of that key.
  CHECK_THROWS(cache.GetOrRun("bad", []() -> StepResult { throw std::runtime_error("x"); }));
  CHECK_THROWS(cache.GetOrRun("bad", compute));
}

TEST_CASE("the step cache keeps only its most recently used keys", "[unit][runner]") {
  StepCache cache(2);
  int runs = 0;
  auto compute = [&] {
    ++runs;
    return StepResult{};
  };
  cache.GetOrRun("a", compute);
  cache.GetOrRun("b", compute);
  cache.GetOrRun("a", compute);  // still there, and now the most recently used
  CHECK(runs == 2);
  cache.GetOrRun("c", compute);  // evicts b, the least recently used
  cache.GetOrRun("a", compute);
  CHECK(runs == 3);
  cache.GetOrRun("b", compute);  // computed again
  CHECK(runs == 4);
}

TEST_CASE("the step cache keeps its most recently used keys per module", "[unit][runner]") {
  StepCache cache(2);
  int runs = 0;
  auto compute = [&] {
    ++runs;
    return StepResult{};
  };
  cache.GetOrRun("tls\nsts1", compute);
  cache.GetOrRun("tls\nsts2", compute);
  // Many per-domain keys of another module do not push the per-host ones out.
  for (int i = 0; i < 10; ++i) cache.GetOrRun("o365-realm\nd" + std::to_string(i), compute);
  CHECK(runs == 12);
  cache.GetOrRun("tls\nsts1", compute);
  cache.GetOrRun("tls\nsts2", compute);
  CHECK(runs == 12);
  CHECK(cache.reused() == 2);
}

TEST_CASE("remediation placeholders take the step's option, else fact, values", "[unit][runner]") {
  StepResult s;
  s.facts = {{"certificate_cn", "mail.contoso.test"}, {"port", "fact-port"}};
  Finding f;
  f.remediation = "reach <server>:<port>; set msstd:<certificate_cn>; keep <unknown> and <empty>";
  s.findings.push_back(f);
  StepResult child = s;
  s.children.push_back(child);
  FillRemediation(s, {{"server", "mbx01.contoso.local"}, {"port", "6001"}, {"empty", ""}});
  const std::string want =
      "reach mbx01.contoso.local:6001; set msstd:mail.contoso.test; keep <unknown> and <empty>";
  CHECK(s.findings[0].remediation == want);  // the option wins over a fact of the same name
  CHECK(s.children[0].findings[0].remediation == want);
}

TEST_CASE("a run with a time budget shrinks the steps' timeouts and skips what comes after it",
          "[unit][runner]") {
  auto sc = LoadScenarioText(R"(<scenario name="s">
    <step id="a" module="tls"><option name="host" value="a.test"/></step>
    <step id="b" module="tls"><option name="host" value="b.test"/></step>
  </scenario>)",
                             "s.xml", protocols::AllModules());
  REQUIRE(sc.ok());
  testing::ScriptedTransport transport;
  cert::CertEvaluator evaluator;
  Runner runner(protocols::AllModules(), transport, evaluator);
  RunSettings settings = Settings(EmptyPolicy());
  settings.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  RunReport r = runner.Run(*sc, std::map<std::string, std::string>{}, settings, nullptr);
  REQUIRE(transport.requests.size() == 2);
  CHECK(transport.requests[0].timeouts.total_ms <= 5000);
  CHECK(transport.requests[0].timeouts.connect_ms <= 5000);

  settings.deadline = std::chrono::steady_clock::now() - std::chrono::milliseconds(1);
  transport.requests.clear();
  RunReport late = runner.Run(*sc, std::map<std::string, std::string>{}, settings, nullptr);
  CHECK(transport.requests.empty());
  REQUIRE(late.steps.size() == 2);
  CHECK(late.steps[0].outcome == Outcome::kSkipped);
  CHECK(late.steps[0].not_run);
  CHECK_THAT(late.steps[0].skip_reason, Catch::Contains("time budget"));
  CHECK(late.Verdict() == RunVerdict::kIncomplete);
}

TEST_CASE("a step may ask for revocation fetching unless the operator chose a mode",
          "[unit][runner]") {
  auto sc = LoadScenarioText(R"(<scenario name="s">
    <step id="a" module="tls"><option name="host" value="a.test"/></step>
    <step id="b" module="tls" revocation="fetch"><option name="host" value="b.test"/></step>
  </scenario>)",
                             "s.xml", protocols::AllModules());
  REQUIRE(sc.ok());
  cert::CertEvaluator evaluator;
  {
    testing::ScriptedTransport transport;
    Runner runner(protocols::AllModules(), transport, evaluator);
    runner.Run(*sc, {}, Settings(EmptyPolicy()), nullptr);
    CHECK(transport.revocation_modes == std::vector<std::string>{"staple", "fetch"});
  }
  {
    testing::ScriptedTransport transport;
    Runner runner(protocols::AllModules(), transport, evaluator);
    RunSettings forced = Settings(EmptyPolicy());
    forced.revocation = cert::RevocationMode::kOff;
    forced.revocation_forced = true;  // --revocation off
    runner.Run(*sc, {}, forced, nullptr);
    CHECK(transport.revocation_modes == std::vector<std::string>{"off", "off"});
  }
  auto bad = LoadScenarioText(R"(<scenario name="s">
    <step id="a" module="tls" revocation="sometimes"><option name="host" value="a.test"/></step>
  </scenario>)",
                              "s.xml", protocols::AllModules());
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error(), Catch::Contains("revocation must be"));
}
