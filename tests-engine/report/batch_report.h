// Renderers of a batch run (cxa run SCENARIO --targets FILE): one record per target as it
// completes (CSV, JSON Lines) and the summary table of the text format. Pure functions: the CLI
// decides where the text goes. docs/json-report.md describes the JSONL record; the CSV columns
// are line, target, outcome, exit_code, the scenario's summary columns, findings.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/batch_record.h"

namespace cxa::report {

using cxa::BatchRecord;
using cxa::BatchTotals;

// The scenario a batch runs, as its renderers need it.
struct BatchInfo {
  std::string scenario;             // its name
  std::string scenario_title;       // its title
  std::vector<std::string> titles;  // its summary columns' titles
  bool verbose = false;             // -v: the text summary adds engine and network statistics
};

// Renders a batch as its records arrive (Format::batch makes one). The caller writes what each
// call returns, in order, and serializes the calls.
class BatchRenderer {
 public:
  virtual ~BatchRenderer() = default;
  // Before the first record (a CSV header).
  virtual std::string Begin() { return ""; }
  // One completed target (written at once: JSONL, CSV), or "" when the format keeps what it
  // needs for End. `record.report` is valid during the call only.
  virtual std::string Record(const BatchRecord& record) = 0;
  // After the last record (the text format's summary table).
  virtual std::string End(const BatchTotals&) { return ""; }
};

// The CSV header line for the scenario's summary column titles.
std::string RenderCsvHeader(const std::vector<std::string>& titles);
std::string RenderCsvRecord(const BatchRecord& record);
std::string RenderJsonlRecord(const BatchRecord& record, const std::vector<std::string>& titles);

// The batch renderers of the format table (report/formats.h).
std::unique_ptr<BatchRenderer> CsvRenderer(const BatchInfo& info);
std::unique_ptr<BatchRenderer> JsonlRenderer(const BatchInfo& info);
std::unique_ptr<BatchRenderer> SummaryTableRenderer(const BatchInfo& info);
std::unique_ptr<BatchRenderer> JunitBatchRenderer(const BatchInfo& info);

// The text format: the table of targets (those that did not pass first: error, failed,
// incomplete, warning, then passed; in file order within each), each with the ID of the
// finding its verdict rests on; the totals; a tally of the warning and error findings, most
// frequent first; with `info.verbose`, the engine's and the network's statistics.
std::string RenderSummaryTable(const BatchInfo& info, std::vector<BatchRecord> records,
                               const BatchTotals& totals);

}  // namespace cxa::report
