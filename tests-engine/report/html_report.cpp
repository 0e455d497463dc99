// One self-contained HTML page (no script, no external asset; a Content-Security-Policy forbids
// loading anything) that reads like the Remote Connectivity Analyzer's result page: a verdict
// banner with the root cause and the fix, the trust policy once, a collapsible step tree with
// icons (steps that did not pass open), what each step saw in words, findings with what to do,
// and each certificate path drawn leaf to anchor with the offending certificate marked. The
// stylesheet (html_style.css) has a dark palette, a narrow layout and a print layout that
// expands every step.
#include <set>
#include <sstream>

#include "core/enum_names.h"
#include "core/text.h"
#include "report/fact_words.h"
#include "report/report.h"

namespace cxa::report {
namespace {

std::string Esc(const std::string& s) { return XmlEscape(s); }

std::string_view Icon(Outcome o) {
  static constexpr EnumNames<Outcome, 5> kIcons{{"✔", "⚠", "✖", "–", "!"}};
  return kIcons.Name(o);
}

// The stylesheet is kept as CSS in html_style.css and compiled in (CMake writes it into
// html_style.inc as one string literal).
const char* const kStyle =
#include "report/html_style.inc"
    ;

// A date that never wraps mid-token.
std::string Date(const std::string& rfc3339) {
  return "<span class=\"date\">" + Esc(rfc3339) + "</span>";
}

// What one certificate is on the path, in a word or two.
std::string Role(const CertificateInfo& ci, size_t index) {
  if (!ci.on_path) return "sent, not on the path";
  if (ci.source == "anchor") return "trust anchor";
  if (index == 0) return "server certificate";
  return "intermediate";
}

std::string Source(const CertificateInfo& ci) {
  if (ci.source == "sent") return "sent by the server as #" + std::to_string(ci.sent_index);
  if (ci.source == "aia") return "fetched via AIA, not sent by the server";
  if (ci.source == "anchor") return "from the trust store";
  return "supplied, not sent by the server";
}

// The path as a row of boxes, leaf first; `bad`: the certificates a finding names.
void PathDiagram(std::ostream& out, const CertificateSummary& c, const std::set<int>& bad) {
  out << "<div class=\"path\">";
  for (size_t i = 0; i < c.certificates.size(); ++i) {
    const auto& ci = c.certificates[i];
    std::string cls = "node";
    if (bad.count(static_cast<int>(i))) cls += " bad";
    if (!ci.on_path) cls += " off";
    if (i > 0) out << "<span class=\"arrow\">" << (ci.on_path ? "→" : "·") << "</span>";
    out << "<div class=\"" << cls << "\"><span class=\"role\">[" << i << "] " << Esc(Role(ci, i))
        << "</span><span class=\"name\">" << Esc(ci.subject)
        << "</span><span class=\"until\">until " << Date(ci.not_after.substr(0, 10))
        << "</span></div>";
  }
  out << "</div>\n";
}

void Chain(std::ostream& out, const StepResult& s) {
  const auto& c = *s.certificate;
  std::set<int> bad;
  for (const auto& f : s.findings) {
    if (f.cert_index && f.severity != Severity::kInfo) bad.insert(*f.cert_index);
  }
  out << "<div class=\"chain\"><div class=\"chain-head\">Certificate path"
      << (c.host.empty() ? "" : " for " + Esc(c.host)) << " at " << Date(c.verification_time)
      << ": <b>" << (c.trusted ? "trusted" : "not trusted") << "</b></div>\n";
  PathDiagram(out, c, bad);
  out << "<div class=\"scroll\"><table class=\"certs\"><tr><th>#</th><th>Subject and issuer</th>"
         "<th>Key, signature</th><th>Valid</th><th>Names</th><th>Source</th></tr>\n";
  for (size_t i = 0; i < c.certificates.size(); ++i) {
    const auto& ci = c.certificates[i];
    std::string names;
    for (const auto& n : ci.dns_names) names += (names.empty() ? "" : ", ") + n;
    for (const auto& n : ci.ip_addresses) names += (names.empty() ? "" : ", ") + n;
    out << "<tr" << (bad.count(static_cast<int>(i)) ? " class=\"bad\"" : "") << "><td>" << i
        << "</td><td>" << Esc(ci.subject) << "<br><small>issuer " << Esc(ci.issuer)
        << "</small><div class=\"mono\">sha256 " << Esc(ci.sha256) << "</div></td><td>"
        << Esc(ci.key) << "<br>" << Esc(ci.signature_algorithm) << "</td><td>"
        << Date(ci.not_before) << "<br>" << Date(ci.not_after) << "</td><td>" << Esc(names)
        << "</td><td>" << Esc(Source(ci)) << (ci.on_path ? "" : ", not on the path")
        << "</td></tr>\n";
  }
  out << "</table></div></div>\n";
}

void Finding(std::ostream& out, const cxa::Finding& f) {
  std::string sev(SeverityName(f.severity));
  out << "<div class=\"finding " << sev << "\"><code>" << Esc(f.id)
      << "</code> <span class=\"sev\">(" << sev;
  if (f.cert_index) out << ", certificate [" << *f.cert_index << "]";
  out << ")</span><div>" << Esc(f.message) << "</div>";
  if (!f.detail.empty()) out << "<div class=\"detail\">" << Esc(f.detail) << "</div>";
  if (f.severity != Severity::kInfo && !f.remediation.empty()) {
    out << "<div class=\"fix\"><b>What to do:</b> " << Esc(f.remediation) << "</div>";
  }
  out << "</div>\n";
}

void Step(std::ostream& out, const StepResult& s, const std::string& common_policy,
          const std::string& id_prefix) {
  std::string outcome(OutcomeName(s.outcome));
  bool open = s.outcome != Outcome::kPassed;
  std::string tag = s.step_id;
  if (s.outcome != Outcome::kPassed) tag += ": " + outcome;
  if ((s.outcome == Outcome::kFailed || s.outcome == Outcome::kError) &&
      !StageInWords(s.stage).empty()) {
    tag += " at " + std::string(StageInWords(s.stage));
  }
  if (std::string t = Elapsed(s); !t.empty() && s.outcome != Outcome::kSkipped) tag += ", " + t;
  out << "<details class=\"step " << outcome << "\"" << (open ? " open" : "") << " id=\""
      << Esc(id_prefix) << "step-" << Esc(s.step_id) << "\">\n<summary><span class=\"icon\">"
      << Icon(s.outcome) << "</span><span class=\"title\">" << Esc(s.title)
      << "</span> <span class=\"stage\">[" << Esc(tag)
      << "]</span></summary>\n<div class=\"body\">\n";
  if (!s.skip_reason.empty()) out << "<p>" << Esc(s.skip_reason) << "</p>\n";
  if (std::string words = s.trust_policy.Describe(); !words.empty() && words != common_policy) {
    out << "<div class=\"policy\">Trust policy of this step: " << Esc(words) << "</div>\n";
  }
  for (const auto& f : s.findings) Finding(out, f);
  if (!s.facts.empty()) {
    out << "<div class=\"scroll\"><table class=\"facts\">\n";
    for (const auto& [k, v] : s.facts) {
      bool date = k.size() > 9 && k.substr(k.size() - 9) == "not_after";
      out << "<tr><th>" << Esc(FactLabel(k)) << "</th><td>" << (date ? Date(v) : Esc(v))
          << "</td></tr>\n";
    }
    out << "</table></div>\n";
  }
  if (s.certificate) Chain(out, s);
  for (const auto& child : s.children) Step(out, child, common_policy, id_prefix);
  out << "</div></details>\n";
}

// The banner: the verdict, the finding it rests on and what to do (as the text report's).
void Verdict(std::ostream& out, const RunReport& r, bool with_id) {
  RunVerdict v = r.Verdict();
  std::string cls(RunVerdictName(v));
  if (cls == "error") cls = "failed";
  out << "<div class=\"verdict " << cls << "\"" << (with_id ? " id=\"verdict\"" : "")
      << "><div class=\"headline\"><b>" << VerdictWords(v) << "</b>";
  RunCause cause = r.Cause();
  if (cause.finding != nullptr) {
    out << " at " << Esc(cause.step->step_id) << ": <code>" << Esc(cause.finding->id)
        << "</code> — " << Esc(cause.finding->message);
  } else if (v == RunVerdict::kIncomplete) {
    if (const StepResult* missing = r.FirstNotRun()) {
      out << "<div class=\"not-tested\">Not tested: " << Esc(missing->title) << " — "
          << Esc(r.NotRunReason()) << "</div>";
    }
  } else {
    out << ": " << Esc(r.scenario_title);
  }
  out << " <span class=\"exit\">(exit " << r.ExitCode() << ")</span></div>";
  if (cause.finding != nullptr && !cause.finding->remediation.empty()) {
    out << "<div class=\"fix\"><b>What to do:</b> " << Esc(cause.finding->remediation) << "</div>";
  }
  out << "</div>\n";
}

}  // namespace

std::string HtmlPageStart(const std::string& title, std::string_view extra_style) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<meta name=\"color-scheme\" content=\"light dark\">\n"
      << "<title>" << Esc(title) << "</title>\n<style>" << kStyle << extra_style
      << "</style></head><body>\n";
  return out.str();
}

std::string RenderHtmlFragment(const RunReport& r, const std::string& id_prefix) {
  std::ostringstream out;
  std::string policy = CommonPolicy(r);
  Verdict(out, r, id_prefix.empty());
  if (!policy.empty()) out << "<div class=\"policy\">Trust policy: " << Esc(policy) << "</div>\n";
  out << "<div class=\"tree\"" << (id_prefix.empty() ? " id=\"steps\"" : "") << ">\n";
  for (const auto& s : r.steps) Step(out, s, policy, id_prefix);
  out << "</div>\n";
  return out.str();
}

std::string RenderHtml(const RunReport& r) {
  std::ostringstream out;
  out << HtmlPageStart(r.scenario_title + " — cxa", "") << "<h1>" << Esc(r.scenario_title)
      << "</h1>\n<div class=\"meta\">Scenario <b>" << Esc(r.scenario) << "</b>, " << Esc(r.mode)
      << " run, " << Date(r.started_at) << ", cxa " << Esc(r.tool_version);
  for (const auto& [k, v] : r.inputs) out << " · " << Esc(k) << " = " << Esc(v);
  out << "</div>\n" << RenderHtmlFragment(r, "") << "</body></html>\n";
  return out.str();
}

}  // namespace cxa::report
