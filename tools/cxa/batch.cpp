// cxa run SCENARIO --targets FILE: one run of the scenario per target line, N at a time, with
// shareable step results (one check per AD FS host) computed once. Records stream out as runs
// complete (jsonl, csv) so memory stays flat in the number of targets; the text format keeps one
// short row per target for the closing summary table.
#include "batch.h"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "core/output_file.h"
#include "core/targets.h"
#include "core/text.h"
#include "report/batch_report.h"
#include "report/report.h"
#include "transport/event_loop.h"

namespace cxa::cli {
namespace {

using Clock = std::chrono::steady_clock;

// The signal that interrupted the batch (SIGINT, SIGTERM), 0 while none did. Set by the
// handler (async-signal-safe); read when a run asks for its next target.
volatile std::sig_atomic_t g_interrupted = 0;

void OnInterrupt(int sig) { g_interrupted = sig; }

// While a batch runs, SIGINT and SIGTERM stop it between targets (the runs in flight finish
// within their time limits); a second signal acts as usual (SA_RESETHAND). Restored after.
class InterruptGuard {
 public:
  InterruptGuard() {
    g_interrupted = 0;
    struct sigaction sa {};
    sa.sa_handler = OnInterrupt;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, &old_int_);
    ::sigaction(SIGTERM, &sa, &old_term_);
  }
  ~InterruptGuard() {
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
  }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  struct sigaction old_int_ {
  }, old_term_{};
};

// The worse of two exit statuses: internal error (3), findings (1), incomplete (4), ok (0).
int WorseExit(int a, int b) {
  auto rank = [](int code) { return code == 3 ? 3 : code == 1 ? 2 : code == 4 ? 1 : 0; };
  return rank(a) >= rank(b) ? a : b;
}

// A step's verdict for a summary column: the first error finding's ID, else the first warning's,
// else its outcome.
std::string Verdict(const StepResult& s) {
  for (Severity sev : {Severity::kError, Severity::kWarning}) {
    for (const auto& f : s.findings) {
      if (f.severity == sev) return f.id;
    }
  }
  return std::string(OutcomeName(s.outcome));
}

class Progress {
 public:
  Progress(bool enabled, std::string scenario)
      : enabled_(enabled), scenario_(std::move(scenario)) {}

  void Done(RunVerdict o) {
    std::lock_guard lock(mu_);
    ++done_;
    ++counts_[static_cast<int>(o)];
    auto now = Clock::now();
    if (enabled_ && now - last_ > std::chrono::milliseconds(100)) {
      Draw(now);
      last_ = now;
    }
  }
  // The total when it is known up front (a file counted before the run).
  void Expect(int n) {
    std::lock_guard lock(mu_);
    total_ = n;
    total_known_ = true;
  }
  // Targets read so far; `complete` once the list is exhausted.
  void Seen(int read, bool complete) {
    std::lock_guard lock(mu_);
    if (complete || !total_known_) total_ = read;
    total_known_ = total_known_ || complete;
  }
  void Finish() {
    if (!enabled_) return;
    std::lock_guard lock(mu_);
    std::cerr << "\r\033[K" << std::flush;
  }
  bool enabled() const { return enabled_; }
  int count(RunVerdict o) const { return counts_[static_cast<int>(o)]; }

 private:
  void Draw(Clock::time_point now) {
    double secs = std::chrono::duration<double>(now - start_).count();
    double rate = secs > 0 ? done_ / secs : 0;
    int total = std::max(total_, done_);
    int width = 24;
    int filled = total > 0 ? width * done_ / total : 0;
    std::ostringstream bar;
    bar << "\r\033[K" << scenario_ << " [" << std::string(static_cast<size_t>(filled), '#')
        << std::string(static_cast<size_t>(width - filled), '-') << "] " << done_ << "/" << total
        << (total_known_ ? "" : "+") << "  ✔ " << count(RunVerdict::kPassed) << "  ⚠ "
        << count(RunVerdict::kWarning) << "  ✖ "
        << count(RunVerdict::kFailed) + count(RunVerdict::kError) << "  ○ "
        << count(RunVerdict::kIncomplete) << "  " << std::fixed << std::setprecision(1) << rate
        << "/s";
    if (total_known_ && rate > 0 && total > done_) {
      int eta = static_cast<int>((total - done_) / rate);
      bar << "  ETA " << eta / 60 << ":" << std::setw(2) << std::setfill('0') << eta % 60;
    }
    std::cerr << bar.str() << std::flush;
  }

  bool enabled_;
  std::string scenario_;
  std::mutex mu_;
  int done_ = 0, total_ = 0;
  bool total_known_ = false;
  int counts_[5] = {};
  Clock::time_point start_ = Clock::now(), last_{};
};

// How many good targets a file holds, read by the same reader as the run (one pass, constant
// memory): the progress bar's total and ETA.
int CountTargets(const std::string& path, const TargetColumns& columns) {
  std::ifstream in(path, std::ios::binary);
  TargetReader reader(in, columns);
  int n = 0;
  for (;;) {
    std::optional<BadTargetLine> bad;
    auto next = reader.Next(bad);
    if (!next || (!bad && !*next)) return n;
    if (!bad) ++n;
  }
}

}  // namespace

bool TargetsHaveColumn(const std::string& path, const std::string& target,
                       const std::string& name) {
  if (path == "-") return false;  // standard input cannot be read twice
  std::ifstream in(path, std::ios::binary);
  TargetReader reader(in, TargetColumns{target, "", {name}});
  std::optional<BadTargetLine> bad;
  if (!reader.Next(bad)) return false;  // no usable header: the run will say why
  auto filled = reader.filled_inputs();
  return std::find(filled.begin(), filled.end(), name) != filled.end();
}

int RunBatch(const BatchJob& job) {
  const Scenario& sc = *job.scenario;
  const InputDecl* target_input = sc.TargetInput();
  std::ifstream file;
  std::istream* in = &std::cin;
  if (job.targets_path != "-") {
    std::error_code ec;
    auto kind = std::filesystem::status(job.targets_path, ec).type();
    if (kind == std::filesystem::file_type::directory) {
      throw UsageError{"--targets: " + job.targets_path + " is a directory"};
    }
    if (kind == std::filesystem::file_type::character ||
        kind == std::filesystem::file_type::block) {
      throw UsageError{"--targets: " + job.targets_path +
                       " is a device, not a file (use --targets - for standard input)"};
    }
    file.open(job.targets_path, std::ios::binary);
    if (!file) throw UsageError{"--targets: cannot read " + job.targets_path};
    in = &file;
  }
  TargetColumns columns{target_input->name, job.targets_column, {}};
  for (const auto& decl : sc.inputs) {
    if (&decl != target_input) columns.inputs.push_back(decl.name);
  }
  TargetReader reader(*in, columns);
  bool columns_reported = false;

  // Output: stdout, or -o FILE written through an OutputFile (never half-written, committed at
  // the end; dropped unwritten when the batch stops with an error).
  std::unique_ptr<OutputFile> out_file;
  std::ostream* out = &std::cout;
  if (!job.common.output.empty()) {
    auto f = OutputFile::Open(job.common.output);
    if (!f) throw UsageError{f.error()};
    out_file = std::move(*f);
    out = &out_file->stream();
  }
  const std::string& format = job.common.format;
  std::vector<std::string> titles;
  for (const auto& c : sc.columns) titles.push_back(c.title);
  if (format == "csv") *out << report::RenderCsvHeader(titles);

  StepCache cache;
  RunSettings settings = job.settings;
  settings.cache = &cache;
  Runner runner(job.modules, job.transport, job.evaluator);
  Progress progress(::isatty(STDERR_FILENO) && job.progress, sc.name);
  if (progress.enabled() && in == &file) {
    progress.Expect(CountTargets(job.targets_path, columns));
  }

  std::mutex read_mu, out_mu;
  std::vector<report::BatchRecord> rows;  // text format only
  int bad_lines = 0, targets = 0, worst = kExitOk;
  std::string fatal;
  bool input_done = false;

  InterruptGuard interrupt_guard;
  int done = 0;  // targets whose record was written (under out_mu)
  auto next_target = [&]() -> std::optional<Target> {
    std::lock_guard lock(read_mu);
    while (!input_done && g_interrupted == 0) {
      std::optional<BadTargetLine> bad;
      auto r = reader.Next(bad);
      if (!r) {
        fatal = job.targets_path + ": " + r.error();
        input_done = true;
        break;
      }
      if (!columns_reported && !reader.ignored_columns().empty()) {
        columns_reported = true;
        std::lock_guard olock(out_mu);
        std::cerr << (progress.enabled() ? "\r\033[K" : "") << "cxa run: " << job.targets_path
                  << ": columns ignored (not inputs of " << sc.name
                  << "): " << Join(reader.ignored_columns(), ", ") << "\n";
      }
      if (!bad && r->has_value()) {
        // The target and a column's value must be valid values of their inputs, else the line
        // is a bad one (e.g. a bare domain where an e-mail address is needed).
        std::string target_value = SplitHostPort((*r)->value).host;
        if (target_input->target_port.empty()) target_value = (*r)->value;
        if (std::string e = CheckOptionValue(target_input->type, target_value); !e.empty()) {
          bad = BadTargetLine{(*r)->line, (*r)->value, e};
        }
        for (const auto& [name, value] : (*r)->inputs) {
          const InputDecl* decl = sc.FindInput(name);
          if (std::string e = CheckOptionValue(decl->type, value); !e.empty()) {
            bad = BadTargetLine{(*r)->line, (*r)->value, "column " + name + ": " + e};
          }
        }
      }
      if (bad) {
        ++bad_lines;
        std::lock_guard olock(out_mu);
        std::cerr << (progress.enabled() ? "\r\033[K" : "") << "cxa run: " << job.targets_path
                  << ":" << bad->line << ": skipped \"" << bad->text << "\": " << bad->why << "\n";
        continue;
      }
      if (!*r) {
        input_done = true;
        progress.Seen(targets, true);
        break;
      }
      ++targets;
      progress.Seen(targets, false);
      return **r;
    }
    return std::nullopt;
  };

  // One target: its run, its record, its row. May throw (a bug of cxa): `work` then records the
  // target as an internal error and goes on with the others.
  auto process = [&](const auto& t) {
    {
      std::map<std::string, std::string> inputs = job.inputs;
      inputs[target_input->name] = t->value;
      if (!target_input->target_port.empty()) {  // host:port, [IPv6]:port
        HostPort hp = SplitHostPort(t->value);
        inputs[target_input->name] = hp.host;
        if (!hp.port.empty()) inputs[target_input->target_port] = hp.port;
      }
      for (const auto& [name, value] : t->inputs) inputs[name] = value;  // the line's own columns
      RunReport report = runner.Run(sc, inputs, settings, nullptr);
      report.tool_version = job.tool_version;
      report.mode = "live";
      report.inputs = job.shown_inputs;
      for (auto& [k, v] : report.inputs) {
        bool own = k == target_input->target_port ||
                   std::any_of(t->inputs.begin(), t->inputs.end(),
                               [&](const auto& c) { return c.first == k; });
        if (own && !sc.FindInput(k)->secret) v = inputs[k];  // the line's :PORT or column
      }
      for (const auto& [k, v] : t->inputs) {
        bool listed = std::any_of(report.inputs.begin(), report.inputs.end(),
                                  [&](const auto& i) { return i.first == k; });
        if (!listed) report.inputs.emplace_back(k, sc.FindInput(k)->secret ? "[redacted]" : v);
      }
      report.inputs.emplace_back(target_input->name, inputs[target_input->name]);
      if (job.redact) report::Redact(report, job.redact);
      RunVerdict overall = report.Verdict();
      int code = report.ExitCode();

      Facts facts;
      for (const auto& s : report.steps) {
        for (const auto& [k, v] : s.facts) facts[s.step_id + "." + k] = v;
      }
      report::BatchRecord row{t->line, t->value, overall, code, {}, {}, &report, {}};
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
          if (f.severity != Severity::kInfo)
            row.findings += (row.findings.empty() ? "" : " ") + f.id;
        }
      }
      std::string record = format == "jsonl" ? report::RenderJsonlRecord(row, titles)
                           : format == "csv" ? report::RenderCsvRecord(row)
                                             : std::string();
      row.report = nullptr;  // the report ends with this target
      {
        std::lock_guard lock(out_mu);
        if (!record.empty()) *out << record << std::flush;
        if (format == "text") rows.push_back(std::move(row));
        worst = WorseExit(worst, code);
        ++done;
      }
      progress.Done(overall);
    }
  };
  auto work = [&] {
    while (auto t = next_target()) {
      try {
        process(t);
      } catch (const std::exception& e) {
        report::BatchRecord row{t->line,
                                t->value,
                                RunVerdict::kError,
                                kExitInternal,
                                std::vector<std::string>(sc.columns.size()),
                                {},
                                nullptr,
                                ValidUtf8(std::string("internal error: ") + e.what())};
        std::string record = format == "jsonl" ? report::RenderJsonlRecord(row, titles)
                             : format == "csv" ? report::RenderCsvRecord(row)
                                               : std::string();
        {
          std::lock_guard lock(out_mu);
          if (!record.empty()) *out << record << std::flush;
          if (format == "text") rows.push_back(std::move(row));
          worst = kExitInternal;
          ++done;
        }
        progress.Done(RunVerdict::kError);
      }
    }
  };

  // --parallel runs on one event loop per core (transport/event_loop.h): each run is a fiber
  // taking targets one after the other; network waits yield to the loop, no thread per run.
  int n = std::max(1, job.parallel);
  int loops = std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, n);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(loops));
  for (int l = 0; l < loops; ++l) {
    int runs = n / loops + (l < n % loops ? 1 : 0);
    threads.emplace_back([&work, runs] {
      EventLoop loop;
      for (int r = 0; r < runs; ++r) loop.Spawn(work);
      loop.Run();
    });
  }
  for (auto& th : threads) th.join();
  progress.Finish();
  if (int sig = g_interrupted; sig != 0) {
    // The output file is dropped unwritten (OutputFile removes its temporary file).
    std::cerr << "cxa run: interrupted (" << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ") after "
              << done << " of the targets read so far (" << targets << ")"
              << (job.common.output.empty() ? "" : "; " + job.common.output + " was not written")
              << "\n";
    return 128 + sig;
  }

  if (!fatal.empty()) throw UsageError{fatal};
  if (targets == 0) {
    throw UsageError{"--targets: " + job.targets_path + " holds no usable target" +
                     (bad_lines ? " (" + std::to_string(bad_lines) + " bad lines)" : "")};
  }

  if (format == "text") {
    report::BatchTotals totals;
    totals.targets = targets;
    totals.passed = progress.count(RunVerdict::kPassed);
    totals.warning = progress.count(RunVerdict::kWarning);
    totals.failed = progress.count(RunVerdict::kFailed);
    totals.incomplete = progress.count(RunVerdict::kIncomplete);
    totals.error = progress.count(RunVerdict::kError);
    totals.bad_lines = bad_lines;
    totals.checks_run = cache.computed();
    totals.checks_reused = cache.reused();
    totals.event_loops = loops;
    totals.runs = n;
    TransportStats net = job.transport.Stats();
    if (net.connections > 0 || net.dns_lookups > 0) {
      totals.network = "network: " + std::to_string(net.connections) +
                       " connections (requests on open ones: " + std::to_string(net.reused) +
                       "), " + std::to_string(net.tls_full) + " full TLS handshakes, " +
                       std::to_string(net.tls_resumed) + " resumed TLS sessions, " +
                       std::to_string(net.dns_lookups) + " DNS lookups";
    }
    *out << report::RenderSummaryTable(sc.title, sc.name, titles, std::move(rows), totals);
  }
  if (out_file) {
    if (auto s = out_file->Commit(); !s) throw UsageError{s.error()};
  } else if (!(*out << std::flush)) {
    throw UsageError{"cannot write the records to standard output"};
  }
  return worst;
}

}  // namespace cxa::cli
