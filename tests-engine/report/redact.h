// Redaction of a whole report: every string a server or a certificate could have put into it
// (facts, finding messages and details, titles, certificate names, inputs) goes through
// `filter` — the run's redactor (transport/transcript.h Redactor::Text), so that a server that
// echoes the password into a page, a header or an error cannot put it into a text, JSON, JUnit
// or HTML report. Renderers stay pure functions of the redacted report.
#pragma once

#include <functional>
#include <string>

#include "core/run_report.h"

namespace cxa::report {

using TextFilter = std::function<std::string(std::string)>;

void Redact(RunReport& report, const TextFilter& filter);

}  // namespace cxa::report
