#include "report/batch_html.h"

#include <algorithm>
#include <sstream>

#include "core/text.h"
#include "report/fact_words.h"
#include "report/report.h"

namespace cxa::report {
namespace {

std::string Esc(const std::string& s) { return XmlEscape(s); }

constexpr const char* kBatchStyle = R"(
.batch{display:flex;flex-direction:column}.overview{order:1}.targets{order:2}
.sorts{margin:.6em 0}.sorts input{margin-left:1em}
.tables>table{display:none;width:100%}
#by-verdict:checked~.tables .by-verdict,#by-target:checked~.tables .by-target,#by-reason:checked~.tables .by-reason{display:table}
td.v-failed,td.v-error{color:var(--bad)}td.v-warning,td.v-incomplete{color:var(--warn)}td.v-passed{color:var(--ok)}
details.target{border-top:1px solid var(--line);padding:.3em 0}
details.target>summary{font-weight:600}
@media print{.sorts{display:none}.tables>table{display:none}.tables>table.by-verdict{display:table}}
)";

// What a row of the tables shows of a target.
struct Row {
  int line = 0;
  std::string target, verdict, reason;
  RunVerdict order = RunVerdict::kPassed;
  std::vector<std::string> columns;
};

class HtmlBatch : public BatchRenderer {
 public:
  explicit HtmlBatch(BatchInfo info) : info_(std::move(info)) {}

  std::string Begin() override {
    std::ostringstream out;
    out << HtmlPageStart(info_.scenario_title + " — cxa batch", kBatchStyle) << "<h1>"
        << Esc(info_.scenario_title) << "</h1>\n<div class=\"batch\">\n"
        << "<section class=\"targets\" id=\"targets\">\n<h2>Each target</h2>\n";
    return out.str();
  }

  std::string Record(const BatchRecord& r) override {
    Row row{r.line,   r.target,  std::string(RunVerdictName(r.outcome)),
            r.reason, r.outcome, r.columns};
    if (!r.error.empty()) row.reason = "internal error";
    if (row.reason.empty() && r.outcome == RunVerdict::kIncomplete) row.reason = "not tested";
    rows_.push_back(row);
    std::ostringstream out;
    bool open = r.outcome != RunVerdict::kPassed && r.outcome != RunVerdict::kWarning;
    out << "<details class=\"target " << Esc(row.verdict) << "\" id=\"t-" << r.line << "\""
        << (open ? " open" : "") << "><summary>" << Esc(r.target) << " — "
        << VerdictWords(r.outcome) << (row.reason.empty() ? "" : " — " + Esc(row.reason))
        << " <span class=\"stage\">(line " << r.line << ")</span></summary>\n";
    if (r.report != nullptr) {
      out << RenderHtmlFragment(*r.report, "t" + std::to_string(r.line) + "-");
    } else {
      out << "<div class=\"verdict failed\"><div class=\"headline\">" << Esc(r.error)
          << "</div></div>\n";
    }
    out << "</details>\n";
    return out.str();
  }

  std::string End(const BatchTotals& t) override {
    std::ostringstream out;
    out << "</section>\n<section class=\"overview\">\n<div class=\"meta\">Scenario <b>"
        << Esc(info_.scenario) << "</b> · " << t.targets << " targets: " << t.passed << " passed, "
        << t.warning << " with warnings, " << t.failed << " failed, " << t.incomplete
        << " incomplete, " << t.error << " internal errors";
    if (t.bad_lines > 0) out << "; " << t.bad_lines << " bad lines skipped";
    out << "</div>\n<div class=\"sorts\">Sort by"
        << "<input type=\"radio\" name=\"sort\" id=\"by-verdict\" checked>"
           "<label for=\"by-verdict\">verdict</label>"
        << "<input type=\"radio\" name=\"sort\" id=\"by-target\">"
           "<label for=\"by-target\">target</label>"
        << "<input type=\"radio\" name=\"sort\" id=\"by-reason\">"
           "<label for=\"by-reason\">reason</label>\n<div class=\"tables\">\n";
    auto by_line = [](const Row& a, const Row& b) { return a.line < b.line; };
    std::sort(rows_.begin(), rows_.end(), [&](const Row& a, const Row& b) {
      return a.order != b.order ? a.order < b.order : by_line(a, b);  // worst first
    });
    Table(out, "by-verdict");
    std::stable_sort(rows_.begin(), rows_.end(),
                     [](const Row& a, const Row& b) { return a.target < b.target; });
    Table(out, "by-target");
    std::stable_sort(rows_.begin(), rows_.end(), [](const Row& a, const Row& b) {
      // Targets with a reason first, grouped by it; then the rest.
      if (a.reason.empty() != b.reason.empty()) return !a.reason.empty();
      return a.reason < b.reason;
    });
    Table(out, "by-reason");
    out << "</div></div>\n</section>\n</div>\n</body></html>\n";
    return out.str();
  }

 private:
  void Table(std::ostream& out, const char* cls) {
    out << "<table class=\"" << cls << "\"><tr><th>target</th><th>verdict</th><th>reason</th>";
    for (const auto& title : info_.titles) out << "<th>" << Esc(title) << "</th>";
    out << "</tr>\n";
    for (const auto& r : rows_) {
      out << "<tr><td><a href=\"#t-" << r.line << "\">" << Esc(r.target)
          << "</a></td><td class=\"v-" << Esc(r.verdict) << "\">" << Esc(r.verdict) << "</td><td>"
          << (r.reason.empty() ? "" : "<code>" + Esc(r.reason) + "</code>") << "</td>";
      for (size_t i = 0; i < info_.titles.size(); ++i) {
        out << "<td>" << (i < r.columns.size() ? Esc(r.columns[i]) : "") << "</td>";
      }
      out << "</tr>\n";
    }
    out << "</table>\n";
  }

  BatchInfo info_;
  std::vector<Row> rows_;
};

}  // namespace

std::unique_ptr<BatchRenderer> HtmlBatchRenderer(const BatchInfo& info) {
  return std::make_unique<HtmlBatch>(info);
}

}  // namespace cxa::report
