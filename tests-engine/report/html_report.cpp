// One self-contained HTML page (no script, no external asset; a Content-Security-Policy forbids
// loading anything) that reads like the Remote Connectivity Analyzer's result page: a
// collapsible step tree with icons, what each step saw, certificate details, findings with what
// to do, and the effective trust policy.
#include <sstream>

#include "core/text.h"
#include "report/report.h"

namespace cxa::report {
namespace {

std::string Esc(const std::string& s) { return XmlEscape(s); }

const char* Icon(Outcome o) {
  switch (o) {
    case Outcome::kPassed:
      return "✔";
    case Outcome::kWarning:
      return "⚠";
    case Outcome::kFailed:
      return "✖";
    case Outcome::kSkipped:
      return "–";
    case Outcome::kError:
      return "!";
  }
  return "?";
}

// The stylesheet is kept as CSS in html_style.css and compiled in (CMake writes it into
// html_style.inc as one string literal).
const char* const kStyle =
#include "report/html_style.inc"
    ;

void Step(std::ostream& out, const StepResult& s) {
  std::string outcome(OutcomeName(s.outcome));
  bool open = s.outcome != Outcome::kPassed;
  out << "<details class=\"step " << outcome << "\"" << (open ? " open" : "") << " id=\"step-"
      << Esc(s.step_id) << "\">\n<summary><span class=\"icon\">" << Icon(s.outcome) << "</span>"
      << Esc(s.title) << " <span class=\"stage\">[" << Esc(s.step_id) << ": " << outcome;
  if (s.outcome == Outcome::kFailed || s.outcome == Outcome::kError) {
    out << " at " << StageName(s.stage);
  }
  out << "]</span></summary>\n";
  if (!s.skip_reason.empty()) out << "<p>" << Esc(s.skip_reason) << "</p>\n";
  if (!s.trust_policy.empty()) {
    out << "<div class=\"policy\">Trust policy: " << Esc(s.trust_policy.Describe()) << "</div>\n";
  }
  for (const auto& f : s.findings) {
    std::string sev(SeverityName(f.severity));
    out << "<div class=\"finding " << sev << "\"><code>" << Esc(f.id) << "</code> (" << sev;
    if (f.cert_index) out << ", certificate " << *f.cert_index;
    out << ")<div>" << Esc(f.message) << "</div>";
    if (!f.detail.empty()) out << "<div class=\"detail\">" << Esc(f.detail) << "</div>";
    if (f.severity != Severity::kInfo && !f.remediation.empty()) {
      out << "<div class=\"fix\"><b>What to do:</b> " << Esc(f.remediation) << "</div>";
    }
    out << "</div>\n";
  }
  if (!s.facts.empty()) {
    out << "<table class=\"facts\"><tr><th>Fact</th><th>Value</th></tr>\n";
    for (const auto& [k, v] : s.facts) {
      out << "<tr><td>" << Esc(k) << "</td><td>" << Esc(v) << "</td></tr>\n";
    }
    out << "</table>\n";
  }
  if (s.certificate) {
    const auto& c = *s.certificate;
    out << "<details class=\"certs\"" << (c.trusted ? "" : " open") << "><summary>Certificate chain"
        << (c.host.empty() ? "" : " for " + Esc(c.host)) << ": "
        << (c.trusted ? "trusted" : "not trusted") << "</summary>\n"
        << "<table><tr><th>#</th><th>Subject / issuer</th><th>Key, signature</th>"
           "<th>Valid</th><th>Names</th><th>Source</th></tr>\n";
    for (size_t i = 0; i < c.certificates.size(); ++i) {
      const auto& ci = c.certificates[i];
      std::string names;
      for (const auto& n : ci.dns_names) names += (names.empty() ? "" : ", ") + n;
      for (const auto& n : ci.ip_addresses) names += (names.empty() ? "" : ", ") + n;
      std::string src = ci.source == "sent"  ? "sent #" + std::to_string(ci.sent_index)
                        : ci.source == "aia" ? "fetched via AIA, not sent by the server"
                                             : ci.source;
      if (!ci.on_path) src += ", not on the path";
      out << "<tr><td>" << i << "</td><td>" << Esc(ci.subject) << "<br><small>issuer "
          << Esc(ci.issuer) << "</small><div class=\"mono\">sha256 " << Esc(ci.sha256)
          << "</div></td><td>" << Esc(ci.key) << "<br>" << Esc(ci.signature_algorithm)
          << "</td><td>" << Esc(ci.not_before) << "<br>" << Esc(ci.not_after) << "</td><td>"
          << Esc(names) << "</td><td>" << Esc(src) << "</td></tr>\n";
    }
    out << "</table></details>\n";
  }
  for (const auto& child : s.children) Step(out, child);
  out << "</details>\n";
}

}  // namespace

std::string RenderHtml(const RunReport& r) {
  int code = r.ExitCode();
  std::string verdict(RunVerdictName(r.Verdict()));
  if (verdict == "error") verdict = "failed";
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>" << Esc(r.scenario_title) << " — cxa</title>\n<style>" << kStyle
      << "</style></head><body>\n"
      << "<h1>" << Esc(r.scenario_title) << "</h1>\n<div class=\"meta\">Scenario <b>"
      << Esc(r.scenario) << "</b>, " << Esc(r.mode) << " run, " << Esc(r.started_at) << ", cxa "
      << Esc(r.tool_version);
  for (const auto& [k, v] : r.inputs) out << " · " << Esc(k) << " = " << Esc(v);
  out << "</div>\n<div class=\"verdict " << verdict << "\" id=\"verdict\">"
      << (verdict == "failed"       ? "Connectivity test failed"
          : verdict == "incomplete" ? "Connectivity test incomplete"
          : verdict == "warning"    ? "Connectivity test passed with warnings"
                                    : "Connectivity test passed")
      << " (exit " << code << ")";
  if (const StepResult* missing = r.FirstNotRun(); missing != nullptr && code == 4) {
    out << "<div class=\"not-tested\">Not tested: " << Esc(missing->title) << " — "
        << Esc(r.NotRunReason()) << "</div>";
  }
  out << "</div>\n<div class=\"tree\" id=\"steps\">\n";
  for (const auto& s : r.steps) Step(out, s);
  out << "</div>\n</body></html>\n";
  return out.str();
}

}  // namespace cxa::report
