// cxa run SCENARIO --targets FILE: the target file (bad lines, columns), the progress bar, the
// interruption and the output; the runs themselves are the engine's (core/batch_runner.h) and
// the records are written by the format's batch renderer (report/formats.h) as runs complete
// (jsonl, csv), so memory stays flat in the number of targets; the text format keeps one short
// row per target for the closing summary table.
#include "batch.h"

#include <sys/ioctl.h>
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
#include <vector>

#include "core/batch_runner.h"
#include "core/output_file.h"
#include "core/targets.h"
#include "core/text.h"
#include "report/batch_report.h"
#include "report/formats.h"
#include "report/report.h"

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

// The progress bar on a terminal (stderr): targets done of the total, the tally, targets in
// flight, elapsed time, rate and ETA, fitted to the terminal's width (TIOCGWINSZ, asked at every
// draw: the window may change). A ticker redraws it four times a second, so the clock moves
// while every slot waits on a slow server.
class Progress {
 public:
  Progress(bool enabled, std::string scenario) : enabled_(enabled), scenario_(std::move(scenario)) {
    if (enabled_) ticker_ = std::jthread([this](std::stop_token stop) { Tick(stop); });
  }
  ~Progress() { Finish(); }

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
    read_ = read;
    if (complete || !total_known_) total_ = read;
    total_known_ = total_known_ || complete;
  }
  void Finish() {
    if (!enabled_) return;
    if (ticker_.joinable()) {
      ticker_.request_stop();
      ticker_.join();
    }
    std::lock_guard lock(mu_);
    if (!finished_) std::cerr << "\r\033[K" << std::flush;
    finished_ = true;
  }
  bool enabled() const { return enabled_; }
  int count(RunVerdict o) const { return counts_[static_cast<int>(o)]; }

 private:
  void Tick(const std::stop_token& stop) {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    while (!stop.stop_requested()) {
      cv.wait_for(lock, stop, std::chrono::milliseconds(250), [] { return false; });
      if (stop.stop_requested()) break;
      std::lock_guard g(mu_);
      Draw(Clock::now());
    }
  }

  static size_t Columns() {
    winsize ws{};
    if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
    return 80;
  }
  // Display width of UTF-8 text (each code point one column: the symbols used here are).
  static size_t Width(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
  }
  static std::string Clock2(int secs) {
    std::ostringstream o;
    o << secs / 60 << ":" << std::setw(2) << std::setfill('0') << secs % 60;
    return o.str();
  }

  void Draw(Clock::time_point now) {
    double secs = std::chrono::duration<double>(now - start_).count();
    double rate = secs > 0 ? done_ / secs : 0;
    int total = std::max(total_, done_);
    std::ostringstream tally;
    tally << done_ << "/" << total << (total_known_ ? "" : "+") << "  ✔ "
          << count(RunVerdict::kPassed) << "  ⚠ " << count(RunVerdict::kWarning) << "  ✖ "
          << count(RunVerdict::kFailed) + count(RunVerdict::kError) << "  ○ "
          << count(RunVerdict::kIncomplete);
    // Parts in the order they are given up when the terminal is narrow.
    std::vector<std::string> extra;
    extra.push_back("  " + std::to_string(std::max(0, read_ - done_)) + " in flight");
    extra.push_back("  " + Clock2(static_cast<int>(secs)));
    std::ostringstream r;
    r << "  " << std::fixed << std::setprecision(1) << rate << "/s";
    extra.push_back(r.str());
    if (total_known_ && rate > 0 && total > done_) {
      extra.push_back("  ETA " + Clock2(static_cast<int>((total - done_) / rate)));
    }
    const size_t cols = Columns() - 1;  // never the last column: some terminals wrap there
    auto line = [&](size_t parts, size_t bar) {
      int filled = total > 0 ? static_cast<int>(bar) * done_ / total : 0;
      std::string s = scenario_ + " [" + std::string(static_cast<size_t>(filled), '#') +
                      std::string(bar - static_cast<size_t>(filled), '-') + "] " + tally.str();
      for (size_t i = 0; i < parts; ++i) s += extra[i];
      return s;
    };
    size_t parts = extra.size();
    size_t bar = 24;
    while (Width(line(parts, bar)) > cols && bar > 8) --bar;
    while (Width(line(parts, bar)) > cols && parts > 0) --parts;
    std::string text = line(parts, bar);
    while (Width(text) > cols && !text.empty()) {  // a very narrow window: cut, whole characters
      do {
        text.pop_back();
      } while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80);
    }
    std::cerr << "\r\033[K" << text << std::flush;
  }

  bool enabled_;
  std::string scenario_;
  std::mutex mu_;
  int done_ = 0, total_ = 0, read_ = 0;
  bool total_known_ = false, finished_ = false;
  int counts_[5] = {};
  Clock::time_point start_ = Clock::now(), last_{};
  std::jthread ticker_;  // last: stopped before the members it reads go
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
  const report::Format* format = report::FindFormat(job.common.format, /*batch=*/true);
  if (format == nullptr) throw UsageError{"--format " + job.common.format + ": not a batch format"};
  report::BatchInfo info{sc.name, sc.title, {}, job.common.verbose};
  for (const auto& c : sc.columns) info.titles.push_back(c.title);
  std::unique_ptr<report::BatchRenderer> renderer = format->batch_renderer(info);
  *out << renderer->Begin();

  Progress progress(::isatty(STDERR_FILENO) && job.progress, sc.name);
  if (progress.enabled() && in == &file) {
    progress.Expect(CountTargets(job.targets_path, columns));
  }
  std::mutex io_mu;  // the output and stderr: records, bad lines and notes
  int bad_lines = 0, targets = 0, worst = kExitOk;
  std::string fatal;
  bool input_done = false;

  InterruptGuard interrupt_guard;
  int done = 0;  // targets whose record was written
  // The next good target of the file (the engine asks from one thread at a time). Bad lines are
  // reported and skipped; a target or column that is not a valid value of its input is one.
  auto next_target = [&]() -> std::optional<Target> {
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
        std::lock_guard lock(io_mu);
        std::cerr << (progress.enabled() ? "\r\033[K" : "") << "cxa run: " << job.targets_path
                  << ": columns ignored (not inputs of " << sc.name
                  << "): " << Join(reader.ignored_columns(), ", ") << "\n";
      }
      if (!bad && r->has_value()) {
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
        std::lock_guard lock(io_mu);
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
  // Each record as its run completes (the engine serializes these calls).
  auto write_record = [&](const BatchRecord& record) {
    {
      std::lock_guard lock(io_mu);
      *out << renderer->Record(record) << std::flush;
    }
    worst = WorseExit(worst, record.exit_code);
    ++done;
    progress.Done(record.outcome);
  };

  BatchSpec spec;
  spec.scenario = &sc;
  spec.modules = job.modules;
  spec.transport = &job.transport;
  spec.evaluator = &job.evaluator;
  spec.settings = job.settings;
  spec.inputs = job.inputs;
  spec.shown_inputs = job.shown_inputs;
  spec.tool_version = job.tool_version;
  if (job.redact) spec.finish = [&job](RunReport& r) { report::Redact(r, job.redact); };
  spec.parallel = job.parallel;
  BatchStats stats = cxa::RunBatch(spec, next_target, write_record);
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

  BatchTotals totals;
  totals.targets = targets;
  totals.passed = progress.count(RunVerdict::kPassed);
  totals.warning = progress.count(RunVerdict::kWarning);
  totals.failed = progress.count(RunVerdict::kFailed);
  totals.incomplete = progress.count(RunVerdict::kIncomplete);
  totals.error = progress.count(RunVerdict::kError);
  totals.bad_lines = bad_lines;
  totals.checks_run = stats.checks_run;
  totals.checks_reused = stats.checks_reused;
  totals.event_loops = stats.event_loops;
  totals.runs = stats.runs;
  TransportStats net = job.transport.Stats();
  if (net.connections > 0 || net.dns_lookups > 0) {
    totals.network = "network: " + std::to_string(net.connections) +
                     " connections (requests on open ones: " + std::to_string(net.reused) + "), " +
                     std::to_string(net.tls_full) + " full TLS handshakes, " +
                     std::to_string(net.tls_resumed) + " resumed TLS sessions, " +
                     std::to_string(net.dns_lookups) + " DNS lookups";
  }
  *out << renderer->End(totals);
  if (out_file) {
    if (auto s = out_file->Commit(); !s) throw UsageError{s.error()};
  } else if (!(*out << std::flush)) {
    throw UsageError{"cannot write the records to standard output"};
  }
  return worst;
}

}  // namespace cxa::cli
