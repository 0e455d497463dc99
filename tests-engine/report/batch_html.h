// The HTML page of a batch (cxa run SCENARIO --targets FILE --format html): one self-contained
// page (the single report's stylesheet and Content-Security-Policy, no script) with a table of
// the targets (verdict, reason, the scenario's summary columns) that can be sorted by target,
// verdict or reason without script (three pre-sorted tables behind radio buttons), each row
// linking to the target's whole report further down, collapsed unless it did not pass.
//
// Bounded memory: each target's report is rendered and written as it completes (the details
// come first in the document); only a short row per target is kept for the tables, written at
// the end and shown first (CSS order).
#pragma once

#include <memory>

#include "report/batch_report.h"

namespace cxa::report {

std::unique_ptr<BatchRenderer> HtmlBatchRenderer(const BatchInfo& info);

}  // namespace cxa::report
