#include "core/batch_runner.h"

#include <algorithm>
#include <mutex>
#include <thread>

#include "core/text.h"
#include "transport/event_loop.h"

namespace cxa {
namespace {

// A step's verdict for a summary column: the first error finding's ID, else the first warning's,
// else its outcome.
std::string Verdict(const StepResult& s) {
  for (Severity want : {Severity::kError, Severity::kWarning}) {
    for (const auto& f : s.findings) {
      if (f.severity == want) return f.id;
    }
  }
  return std::string(OutcomeName(s.outcome));
}

// The inputs of one target's run: the batch's, the target (split into host and port when the
// scenario's target input takes one) and the line's own columns.
std::map<std::string, std::string> TargetInputs(const BatchSpec& spec, const Target& t) {
  const InputDecl* target_input = spec.scenario->TargetInput();
  std::map<std::string, std::string> inputs = spec.inputs;
  inputs[target_input->name] = t.value;
  if (!target_input->target_port.empty()) {  // host:port, [IPv6]:port
    HostPort hp = SplitHostPort(t.value);
    inputs[target_input->name] = hp.host;
    if (!hp.port.empty()) inputs[target_input->target_port] = hp.port;
  }
  for (const auto& [name, value] : t.inputs) inputs[name] = value;
  return inputs;
}

// The inputs a target's report shows: the batch's (a line's own :PORT or column replacing the
// batch value, secrets still redacted), the line's other columns, then the target.
std::vector<std::pair<std::string, std::string>> ShownInputs(
    const BatchSpec& spec, const Target& t, std::map<std::string, std::string>& inputs) {
  const Scenario& sc = *spec.scenario;
  const InputDecl* target_input = sc.TargetInput();
  auto shown = spec.shown_inputs;
  auto from_line = [&](const std::string& k) {
    return std::any_of(t.inputs.begin(), t.inputs.end(),
                       [&](const auto& c) { return c.first == k; });
  };
  for (auto& [k, v] : shown) {
    bool own = k == target_input->target_port || from_line(k);
    if (own && !sc.FindInput(k)->secret) v = inputs[k];
  }
  for (const auto& input : t.inputs) {
    const std::string& k = input.first;  // named: clang 14 cannot capture a structured binding
    bool listed =
        std::any_of(shown.begin(), shown.end(), [&](const auto& i) { return i.first == k; });
    if (!listed) shown.emplace_back(k, sc.FindInput(k)->secret ? "[redacted]" : input.second);
  }
  shown.emplace_back(target_input->name, inputs[target_input->name]);
  return shown;
}

}  // namespace

BatchRecord MakeBatchRecord(const Scenario& sc, const Target& target,
                            const std::map<std::string, std::string>& inputs,
                            const RunReport& report) {
  BatchRecord row{
      target.line, target.value, report.Verdict(), report.ExitCode(), {}, {}, &report, {}, {}};
  Facts facts;
  for (const auto& s : report.steps) {
    for (const auto& [k, v] : s.facts) facts[s.step_id + "." + k] = v;
  }
  for (const auto& c : sc.columns) {
    std::string v;
    if (!c.verdict_step.empty()) {
      for (const auto& s : report.steps) {
        if (s.step_id == c.verdict_step) v = Verdict(s);
      }
    } else {
      std::vector<std::string> missing;
      v = Expand(c.value, inputs, facts, &missing);
      if (!missing.empty()) v.clear();
    }
    row.columns.push_back(v);
  }
  for (const auto& s : report.steps) {
    for (const auto& f : s.findings) {
      if (f.severity != Severity::kInfo) row.findings += (row.findings.empty() ? "" : " ") + f.id;
    }
  }
  if (RunCause cause = report.Cause(); cause.finding != nullptr) row.reason = cause.finding->id;
  return row;
}

BatchStats RunBatch(const BatchSpec& spec, const std::function<std::optional<Target>()>& next,
                    const std::function<void(const BatchRecord&)>& on_record) {
  const Scenario& sc = *spec.scenario;
  StepCache cache;
  RunSettings settings = spec.settings;
  settings.cache = &cache;
  RevocationCache revocations;  // one fetch per OCSP question and CRL URL for the whole batch
  if (settings.revocation_cache == nullptr) settings.revocation_cache = &revocations;
  Runner runner(spec.modules, *spec.transport, *spec.evaluator);
  std::mutex next_mu, record_mu;

  auto run_one = [&](const Target& t) {
    std::map<std::string, std::string> inputs = TargetInputs(spec, t);
    RunReport report = runner.Run(sc, inputs, settings, nullptr);
    report.tool_version = spec.tool_version;
    report.mode = "live";
    report.inputs = ShownInputs(spec, t, inputs);
    if (spec.finish) spec.finish(report);
    BatchRecord row = MakeBatchRecord(sc, t, inputs, report);
    std::lock_guard lock(record_mu);
    on_record(row);
  };
  auto work = [&] {
    for (;;) {
      std::optional<Target> t;
      {
        std::lock_guard lock(next_mu);
        t = next();
      }
      if (!t) return;
      try {
        run_one(*t);
      } catch (const std::exception& e) {
        BatchRecord row{t->line,
                        t->value,
                        RunVerdict::kError,
                        ExitCodeOf(RunVerdict::kError),
                        std::vector<std::string>(sc.columns.size()),
                        {},
                        nullptr,
                        ValidUtf8(std::string("internal error: ") + e.what()),
                        {}};
        std::lock_guard lock(record_mu);
        on_record(row);
      }
    }
  };

  BatchStats stats;
  stats.runs = std::max(1, spec.parallel);
  stats.event_loops =
      std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, stats.runs);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(stats.event_loops));
  for (int l = 0; l < stats.event_loops; ++l) {
    int runs = stats.runs / stats.event_loops + (l < stats.runs % stats.event_loops ? 1 : 0);
    threads.emplace_back([&work, runs] {
      EventLoop loop;
      for (int r = 0; r < runs; ++r) loop.Spawn(work);
      loop.Run();
    });
  }
  for (auto& th : threads) th.join();
  stats.checks_run = cache.computed();
  stats.checks_reused = cache.reused();
  return stats;
}

}  // namespace cxa
