// The report formats, in one table: their names, whether they render one run or a batch, and
// what --help says of them. The CLI validates --format, writes its help and renders through it;
// a new format is a renderer, one row here and a golden file.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/run_report.h"
#include "report/batch_report.h"
#include "report/report.h"

namespace cxa::report {

struct Format {
  std::string_view name;
  bool single;  // renders one run (RunReport)
  bool batch;   // renders a batch (--targets): records as they complete, or a summary
  std::string_view help;
  // For a single run: the report as text (the options shape the text format only).
  std::string (*render)(const RunReport& report, const TextOptions& options);
  // For a batch: a renderer fed each target's record as it completes (report/batch_report.h).
  std::unique_ptr<BatchRenderer> (*batch_renderer)(const BatchInfo& info);
};

std::span<const Format> Formats();
// The format named `name` that renders a single run (batch = false) or a batch; nullopt if none.
const Format* FindFormat(std::string_view name, bool batch);
// "text, json, junit or html": the names of the single-run or the batch formats.
std::string FormatNames(bool batch);
// The --format help line built from the table.
std::string FormatHelp();

}  // namespace cxa::report
