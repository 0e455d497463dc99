#include "report/formats.h"

#include "report/batch_html.h"
#include "report/batch_report.h"
#include "report/prometheus.h"
#include "report/report.h"

namespace cxa::report {
namespace {

std::string Text(const RunReport& r, const TextOptions& o) { return RenderText(r, o); }
std::string Json(const RunReport& r, const TextOptions&) { return RenderJson(r); }
std::string Junit(const RunReport& r, const TextOptions&) { return RenderJunit(r); }
std::string Html(const RunReport& r, const TextOptions&) { return RenderHtml(r); }
std::string Prometheus(const RunReport& r, const TextOptions&) { return RenderPrometheus(r); }

constexpr Format kFormats[] = {
    {"text", true, true, "a tree of steps and findings; with --targets a summary table", Text,
     SummaryTableRenderer},
    {"json", true, false, "the whole report, docs/json-report.md", Json, nullptr},
    {"junit", true, true,
     "JUnit XML for CI servers, one testcase per step; with --targets one testsuite per target",
     Junit, JunitBatchRenderer},
    {"html", true, true,
     "one self-contained page; with --targets a table of the targets and each one's report", Html,
     HtmlBatchRenderer},
    {"prometheus", true, false,
     "Prometheus text exposition (docs/metrics.md), e.g. for node_exporter's textfile collector",
     Prometheus, nullptr},
    {"jsonl", false, true,
     "with --targets: one JSON record per target, as each completes (in completion order, with "
     "its line)",
     nullptr, JsonlRenderer},
    {"csv", false, true,
     "with --targets: one CSV record per target (RFC 4180), in completion order: the line column "
     "gives each target's line",
     nullptr, CsvRenderer},
};

}  // namespace

std::span<const Format> Formats() { return kFormats; }

const Format* FindFormat(std::string_view name, bool batch) {
  for (const auto& f : kFormats) {
    if (f.name == name && (batch ? f.batch : f.single)) return &f;
  }
  return nullptr;
}

std::string FormatNames(bool batch) {
  std::vector<std::string_view> names;
  for (const auto& f : kFormats) {
    if (batch ? f.batch : f.single) names.push_back(f.name);
  }
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + std::string(names[i]);
  }
  return out;
}

std::string FormatHelp() {
  std::string out = "report format:";
  for (const auto& f : kFormats) {
    out += " " + std::string(f.name) + " (" + std::string(f.help) + ");";
  }
  out.pop_back();
  return out;
}

}  // namespace cxa::report
