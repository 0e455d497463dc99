// The text tree, in the spirit of the Remote Connectivity Analyzer's result page: one line per
// step with its verdict, then what was seen, then each finding with what to change.
#include <sstream>

#include "report/report.h"

namespace cxa::report {
namespace {

struct Palette {
  bool on;
  std::string red() const { return on ? "\033[31m" : ""; }
  std::string yellow() const { return on ? "\033[33m" : ""; }
  std::string green() const { return on ? "\033[32m" : ""; }
  std::string dim() const { return on ? "\033[2m" : ""; }
  std::string bold() const { return on ? "\033[1m" : ""; }
  std::string reset() const { return on ? "\033[0m" : ""; }
};

std::string Icon(Outcome o, const Palette& p) {
  switch (o) {
    case Outcome::kPassed:
      return p.green() + "✔" + p.reset();
    case Outcome::kWarning:
      return p.yellow() + "⚠" + p.reset();
    case Outcome::kFailed:
      return p.red() + "✖" + p.reset();
    case Outcome::kSkipped:
      return p.dim() + "-" + p.reset();
    case Outcome::kError:
      return p.red() + "!" + p.reset();
  }
  return "?";
}

std::string SeverityIcon(Severity s, const Palette& p) {
  switch (s) {
    case Severity::kError:
      return p.red() + "✖" + p.reset();
    case Severity::kWarning:
      return p.yellow() + "⚠" + p.reset();
    case Severity::kInfo:
      return p.dim() + "i" + p.reset();
  }
  return "?";
}

// Wraps `text` at ~96 columns with the given indent on every line.
void Wrapped(std::ostream& out, const std::string& indent, const std::string& text) {
  constexpr size_t kWidth = 96;
  std::istringstream words(text);
  std::string word, line;
  while (words >> word) {
    if (!line.empty() && indent.size() + line.size() + 1 + word.size() > kWidth) {
      out << indent << line << "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) out << indent << line << "\n";
}

void RenderCertificate(std::ostream& out, const CertificateSummary& c, const std::string& ind,
                       const Palette& p) {
  out << ind << "Certificate chain" << (c.host.empty() ? "" : " for " + c.host) << " at "
      << c.verification_time << ": " << (c.trusted ? "trusted" : "NOT trusted") << "\n";
  for (size_t i = 0; i < c.certificates.size(); ++i) {
    const auto& ci = c.certificates[i];
    std::string where = ci.source == "sent"     ? "sent #" + std::to_string(ci.sent_index)
                        : ci.source == "anchor" ? "trust anchor"
                                                : "not sent (extra)";
    if (!ci.on_path) where += ", not on the path";
    out << ind << "  [" << i << "] " << p.bold() << ci.subject << p.reset() << "\n";
    out << ind << "      issuer " << ci.issuer << "\n";
    out << ind << "      " << ci.key << ", " << ci.signature_algorithm << ", valid "
        << ci.not_before << " .. " << ci.not_after << " (" << where << ")\n";
    std::string names;
    for (const auto& n : ci.dns_names) names += (names.empty() ? "" : ", ") + n;
    for (const auto& n : ci.ip_addresses) names += (names.empty() ? "" : ", ") + n;
    if (!names.empty()) Wrapped(out, ind + "      names: ", names);
    out << ind << "      sha256 " << p.dim() << ci.sha256 << p.reset() << "\n";
  }
}

void RenderStep(std::ostream& out, const StepResult& s, int depth, const TextOptions& opt,
                const Palette& p) {
  std::string ind(static_cast<size_t>(depth) * 2, ' ');
  out << ind << Icon(s.outcome, p) << " " << p.bold() << s.title << p.reset() << "  " << p.dim()
      << "[" << s.step_id << ": " << OutcomeName(s.outcome);
  if (s.outcome == Outcome::kFailed || s.outcome == Outcome::kError) {
    out << " at " << StageName(s.stage);
  }
  out << "]" << p.reset() << "\n";
  std::string in = ind + "    ";
  if (!s.skip_reason.empty()) Wrapped(out, in, s.skip_reason);
  if (opt.details) {
    if (!s.trust_policy.empty()) Wrapped(out, in + p.dim(), "trust: " + s.trust_policy + p.reset());
    for (const auto& [k, v] : s.facts) out << in << k << ": " << v << "\n";
    if (s.certificate) RenderCertificate(out, *s.certificate, in, p);
  }
  for (const auto& f : s.findings) {
    out << in << SeverityIcon(f.severity, p) << " " << f.id
        << (f.cert_index ? " [cert " + std::to_string(*f.cert_index) + "]" : "") << "\n";
    Wrapped(out, in + "    ", f.message);
    if (opt.details && !f.detail.empty()) Wrapped(out, in + "    " + p.dim(), f.detail + p.reset());
    if (f.severity != Severity::kInfo && !f.remediation.empty()) {
      Wrapped(out, in + "    ", "What to do: " + f.remediation);
    }
  }
  for (const auto& c : s.children) RenderStep(out, c, depth + 1, opt, p);
}

}  // namespace

std::string RenderText(const RunReport& r, const TextOptions& opt) {
  Palette p{opt.color};
  std::ostringstream out;
  // An incomplete run says first what it did not test and why (the reason says how to test it).
  if (const StepResult* missing = r.FirstNotRun(); missing != nullptr && r.ExitCode() == 4) {
    out << p.yellow() << "INCOMPLETE" << p.reset() << ": not tested: " << missing->title << " — "
        << r.NotRunReason() << "\n\n";
  }
  out << p.bold() << r.scenario_title << p.reset() << "  " << p.dim() << "(" << r.scenario << ", "
      << r.mode << ", " << r.started_at << ")" << p.reset() << "\n";
  if (!r.inputs.empty()) {
    std::string in;
    for (const auto& [k, v] : r.inputs) in += (in.empty() ? "" : "  ") + k + "=" + v;
    Wrapped(out, "  ", "inputs: " + in);
  }
  out << "\n";
  int counts[5] = {0, 0, 0, 0, 0};
  for (const auto& s : r.steps) {
    RenderStep(out, s, 0, opt, p);
    counts[static_cast<int>(s.outcome)]++;
    out << "\n";
  }
  int code = r.ExitCode();
  const char* verdict = code == 0 ? "PASSED" : code == 4 ? "INCOMPLETE" : "FAILED";
  out << (code == 0 ? p.green() : code == 4 ? p.yellow() : p.red()) << verdict << p.reset() << ": "
      << r.steps.size() << " step" << (r.steps.size() == 1 ? "" : "s") << " — " << counts[0]
      << " passed, " << counts[1] << " warning, " << counts[2] << " failed, " << counts[3]
      << " skipped";
  if (counts[4] > 0) out << ", " << counts[4] << " internal error";
  out << " (exit " << code << ")\n";
  return out.str();
}

std::string RenderExplanation(const FindingInfo& info) {
  std::ostringstream out;
  out << info.id << " — " << info.title << " (default severity: " << SeverityName(info.severity)
      << ")\n\n";
  Wrapped(out, "", std::string(info.explanation));
  out << "\nWhat to do:\n";
  Wrapped(out, "  ", std::string(info.remediation));
  if (!info.reference.empty()) out << "\nReference: " << info.reference << "\n";
  return out.str();
}

}  // namespace cxa::report
