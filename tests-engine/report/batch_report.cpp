#include "report/batch_report.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "report/report.h"

namespace cxa::report {
namespace {

// RFC 4180: a field with a comma, a quote or a line break is quoted, quotes doubled.
std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string RenderCsvHeader(const std::vector<std::string>& titles) {
  std::string line = "line,target,outcome,exit_code";
  for (const auto& t : titles) line += "," + CsvField(t);
  return line + ",findings\n";
}

std::string RenderCsvRecord(const BatchRecord& r) {
  std::string line = std::to_string(r.line) + "," + CsvField(r.target) + "," +
                     std::string(RunVerdictName(r.outcome)) + "," + std::to_string(r.exit_code);
  for (const auto& c : r.columns) line += "," + CsvField(c);
  return line + "," + CsvField(r.error.empty() ? r.findings : r.error) + "\n";
}

std::string RenderJsonlRecord(const BatchRecord& r, const std::vector<std::string>& titles) {
  nlohmann::json j = {
      {"schema_version", kReportSchemaVersion},
      {"line", r.line},
      {"target", r.target},
      {"outcome", RunVerdictName(r.outcome)},
      {"exit_code", r.exit_code},
      {"reason", r.reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.reason)}};
  if (!r.error.empty()) {
    j["error"] = r.error;
  } else {
    nlohmann::json cols = nlohmann::json::object();
    for (size_t i = 0; i < titles.size() && i < r.columns.size(); ++i) {
      cols[titles[i]] =
          r.columns[i].empty() ? nlohmann::json(nullptr) : nlohmann::json(r.columns[i]);
    }
    j["columns"] = cols;
    if (r.report != nullptr) j["report"] = ToJson(*r.report);
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

namespace {

// The reason column: the deciding finding, or what stands in for one.
std::string ReasonOf(const BatchRecord& r) {
  if (!r.error.empty()) return "internal error";
  if (!r.reason.empty()) return r.reason;
  return r.outcome == RunVerdict::kIncomplete ? "not tested" : "";
}

// "cert.chain.self_signed ×30, adfs.mex.unreachable ×2": every warning and error finding of
// the batch, most frequent first (then by ID).
std::string Tally(const std::vector<BatchRecord>& records) {
  std::map<std::string, int> count;
  for (const auto& r : records) {
    std::istringstream ids(r.findings);
    for (std::string id; ids >> id;) ++count[id];
  }
  std::vector<std::pair<std::string, int>> v(count.begin(), count.end());
  std::stable_sort(v.begin(), v.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (const auto& [id, n] : v) out += (out.empty() ? "" : ", ") + id + " ×" + std::to_string(n);
  return out;
}

}  // namespace

std::string RenderSummaryTable(const BatchInfo& info, std::vector<BatchRecord> records,
                               const BatchTotals& t) {
  // RunVerdict is ordered worst first.
  std::stable_sort(records.begin(), records.end(), [](const BatchRecord& a, const BatchRecord& b) {
    return a.outcome != b.outcome ? a.outcome < b.outcome : a.line < b.line;
  });
  std::vector<std::string> titles = {"target"};
  titles.insert(titles.end(), info.titles.begin(), info.titles.end());
  titles.insert(titles.end(), {"outcome", "reason"});
  auto fit = [](const std::string& v) { return v.size() > 48 ? v.substr(0, 45) + "..." : v; };
  auto cells = [&](const BatchRecord& r) {
    std::vector<std::string> v = {r.target};
    v.insert(v.end(), r.columns.begin(), r.columns.end());
    v.resize(info.titles.size() + 1);
    v.emplace_back(RunVerdictName(r.outcome));
    v.push_back(ReasonOf(r));
    for (auto& c : v) c = fit(c.empty() ? "-" : c);
    return v;
  };
  std::vector<size_t> width;
  for (const auto& title : titles) width.push_back(title.size());
  for (const auto& r : records) {
    auto v = cells(r);
    for (size_t i = 0; i < v.size(); ++i) width[i] = std::max(width[i], v[i].size());
  }
  std::string out;
  auto print = [&](const std::vector<std::string>& v) {
    std::string line;
    for (size_t i = 0; i < v.size(); ++i) {
      line += v[i];
      if (i + 1 < v.size()) line += std::string(width[i] - v[i].size() + 2, ' ');
    }
    out += line + "\n";
  };
  auto n = [](int count, const char* one, const char* many) {
    return std::to_string(count) + " " + (count == 1 ? one : many);
  };
  out += info.scenario_title + " (" + info.scenario + "): " + n(t.targets, "target", "targets") +
         "\n\n";
  print(titles);
  for (const auto& r : records) print(cells(r));
  out += "\n" + n(t.targets, "target", "targets") + ": " + std::to_string(t.passed) + " passed";
  if (t.warning) out += ", " + n(t.warning, "with warnings", "with warnings");
  if (t.failed) out += ", " + std::to_string(t.failed) + " failed";
  if (t.incomplete) out += ", " + std::to_string(t.incomplete) + " incomplete (not tested)";
  if (t.error) out += ", " + n(t.error, "internal error", "internal errors");
  if (t.bad_lines > 0) out += "; " + n(t.bad_lines, "bad line", "bad lines") + " skipped";
  out += "\n";
  if (std::string tally = Tally(records); !tally.empty()) out += "findings: " + tally + "\n";
  if (info.verbose) {
    out +=
        "checks shared between targets (same host and options): " + std::to_string(t.checks_run) +
        " run, " + std::to_string(t.checks_reused) + " reused\n";
    out += "engine: " + n(t.event_loops, "event loop", "event loops") + ", " +
           n(t.runs, "run", "runs") + "\n";
    if (!t.network.empty()) out += t.network + "\n";
  }
  return out;
}

namespace {

class Csv : public BatchRenderer {
 public:
  explicit Csv(BatchInfo info) : info_(std::move(info)) {}
  std::string Begin() override { return RenderCsvHeader(info_.titles); }
  std::string Record(const BatchRecord& r) override { return RenderCsvRecord(r); }

 private:
  BatchInfo info_;
};

class Jsonl : public BatchRenderer {
 public:
  explicit Jsonl(BatchInfo info) : info_(std::move(info)) {}
  std::string Record(const BatchRecord& r) override { return RenderJsonlRecord(r, info_.titles); }

 private:
  BatchInfo info_;
};

// A JUnit document of the batch, streamed: one <testsuite> per target (named after it, its id the
// target's line), so a CI server shows a migration wave as a test run. A target that ended in
// cxa's own error is a suite with one test case in error.
class JunitBatch : public BatchRenderer {
 public:
  explicit JunitBatch(BatchInfo info) : info_(std::move(info)) {}
  std::string Begin() override {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
  }
  std::string Record(const BatchRecord& r) override {
    if (r.report != nullptr) return RenderJunitSuite(*r.report, r.line, r.target);
    RunReport failed;
    failed.scenario = info_.scenario;
    failed.scenario_title = info_.scenario_title;
    StepResult step;
    step.step_id = "target";
    step.module = "batch";
    step.title = r.target;
    step.outcome = Outcome::kError;
    step.skip_reason = r.error;
    failed.steps.push_back(std::move(step));
    return RenderJunitSuite(failed, r.line, r.target);
  }
  std::string End(const BatchTotals&) override { return "</testsuites>\n"; }

 private:
  BatchInfo info_;
};

// Keeps one short row per target (no report) for the table at the end.
class SummaryTable : public BatchRenderer {
 public:
  explicit SummaryTable(BatchInfo info) : info_(std::move(info)) {}
  std::string Record(const BatchRecord& r) override {
    rows_.push_back(r);
    rows_.back().report = nullptr;
    return "";
  }
  std::string End(const BatchTotals& totals) override {
    return RenderSummaryTable(info_, std::move(rows_), totals);
  }

 private:
  BatchInfo info_;
  std::vector<BatchRecord> rows_;
};

}  // namespace

std::unique_ptr<BatchRenderer> CsvRenderer(const BatchInfo& info) {
  return std::make_unique<Csv>(info);
}
std::unique_ptr<BatchRenderer> JsonlRenderer(const BatchInfo& info) {
  return std::make_unique<Jsonl>(info);
}
std::unique_ptr<BatchRenderer> JunitBatchRenderer(const BatchInfo& info) {
  return std::make_unique<JunitBatch>(info);
}
std::unique_ptr<BatchRenderer> SummaryTableRenderer(const BatchInfo& info) {
  return std::make_unique<SummaryTable>(info);
}

}  // namespace cxa::report
