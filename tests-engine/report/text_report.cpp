// The text report, root cause first: a banner naming the verdict and, when not passed, the
// finding that decides it and what to change; then a header (scenario, inputs, the trust policy
// once); then one line per passed step and a block per step that did not pass (its findings,
// the facts that explain them, the certificate chain when a certificate finding is involved);
// then a tally. --brief keeps the banner and the step lines; -v shows everything.
#include <map>
#include <set>
#include <sstream>

#include "core/enum_names.h"
#include "core/references.h"
#include "core/text.h"
#include "report/fact_words.h"
#include "report/report.h"

namespace cxa::report {
namespace {

constexpr size_t kWidth = 96;

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
  static constexpr EnumNames<Outcome, 5> kIcons{{"✔", "⚠", "✖", "-", "!"}};
  const std::string colour = o == Outcome::kPassed    ? p.green()
                             : o == Outcome::kWarning ? p.yellow()
                             : o == Outcome::kSkipped ? p.dim()
                                                      : p.red();
  return colour + std::string(kIcons.Name(o)) + p.reset();
}

std::string SeverityIcon(Severity s, const Palette& p) {
  static constexpr EnumNames<Severity, 3> kIcons{{"i", "⚠", "✖"}};
  const std::string colour = s == Severity::kError     ? p.red()
                             : s == Severity::kWarning ? p.yellow()
                                                       : p.dim();
  return colour + std::string(kIcons.Name(s)) + p.reset();
}

// Writes `text` wrapped at kWidth columns (core/text.h WrapLines): the first line starts with
// `indent` + `label`, the following ones with `indent` and the label's width in spaces.
// `style`/`reset` wrap each line (colour codes take no width).
void Wrapped(std::ostream& out, const std::string& indent, const std::string& text,
             const std::string& label = "", const std::string& style = "",
             const std::string& reset = "") {
  for (const auto& line : WrapLines(text, kWidth - indent.size(), label)) {
    out << indent << style << line << reset << "\n";
  }
}

std::string Plural(size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

bool ChainMatters(const StepResult& s) {
  if (!s.certificate) return false;
  if (!s.certificate->trusted) return true;
  for (const auto& f : s.findings) {
    if (f.cert_index || f.id.rfind("cert.", 0) == 0) return true;
  }
  return false;
}

class TextRenderer {
 public:
  TextRenderer(const RunReport& r, const TextOptions& opt)
      : r_(r), opt_(opt), p_{opt.color}, policy_(CommonPolicy(r)) {}

  std::string Render() {
    Banner();
    if (opt_.detail != Detail::kBrief) Header();
    std::string not_applicable;
    for (const auto& s : r_.steps) {
      if (NotApplicable(s) && !Verbose()) {
        not_applicable += (not_applicable.empty() ? "" : ", ") + s.step_id;
      } else {
        Step(s, 0);
      }
    }
    if (!not_applicable.empty() && opt_.detail != Detail::kBrief) {
      Wrapped(out_, "", not_applicable + " (-v tells why)", "not applicable here: ", p_.dim(),
              p_.reset());
      at_blank_ = false;
    }
    if (opt_.detail != Detail::kBrief) Tally();
    return out_.str();
  }

 private:
  bool Verbose() const { return opt_.detail == Detail::kVerbose; }

  // A step that does not apply to this target by design (a second MX the domain does not have,
  // the AD FS steps of a managed domain): shown as one line for all of them, except with -v.
  static bool NotApplicable(const StepResult& s) {
    return s.outcome == Outcome::kSkipped && !s.not_run && s.findings.empty();
  }

  // The colour of a verdict's word.
  std::string Colour(RunVerdict v) const {
    return v == RunVerdict::kPassed                                    ? p_.green()
           : v == RunVerdict::kWarning || v == RunVerdict::kIncomplete ? p_.yellow()
                                                                       : p_.red();
  }

  // One line: the verdict and the finding that decides it; then what to change.
  void Banner() {
    RunVerdict v = r_.Verdict();
    RunCause cause = r_.Cause();
    out_ << Colour(v) << p_.bold() << VerdictWords(v) << p_.reset();
    if (v == RunVerdict::kPassed) {
      out_ << ": " << r_.scenario_title << " — "
           << (r_.headline.empty() ? "" : Printable(r_.headline) + "; ") << Counts() << "\n";
      return;
    }
    if (v == RunVerdict::kIncomplete) {
      const StepResult* missing = r_.FirstNotRun();
      out_ << ": not tested: " << (missing ? missing->title : "") << " — " << r_.NotRunReason()
           << "\n";
      return;
    }
    if (cause.finding == nullptr) {  // an outcome without a finding (cannot happen today)
      out_ << ": " << Counts() << "\n";
      return;
    }
    const Finding& f = *cause.finding;
    std::string host = cause.step->certificate ? cause.step->certificate->host : "";
    std::string message = f.message;
    if (!host.empty() && message.find(host) == std::string::npos) message += " (" + host + ")";
    out_ << " at " << cause.step->step_id << ": " << p_.bold() << f.id << p_.reset() << " — "
         << message << "\n";
    if (!f.remediation.empty() && opt_.detail != Detail::kBrief) {
      Wrapped(out_, "  ", f.remediation, "What to do: ");
    }
    explained_[f.id] = cause.step->step_id;
  }

  void Header() {
    out_ << "\n"
         << p_.bold() << r_.scenario_title << p_.reset() << p_.dim() << "  (" << r_.scenario << ", "
         << r_.mode << " run, " << r_.started_at;
    if (!r_.tool_version.empty()) out_ << ", cxa " << r_.tool_version;
    out_ << ")" << p_.reset() << "\n";
    if (!r_.headline.empty() && r_.Verdict() != RunVerdict::kPassed) {
      out_ << "  " << Printable(r_.headline) << "\n";
    }
    if (!r_.inputs.empty()) {
      std::string in;
      for (const auto& [k, v] : r_.inputs) in += (in.empty() ? "" : "  ") + k + "=" + v;
      Wrapped(out_, "  ", in, "inputs: ");
    }
    if (!policy_.empty()) Wrapped(out_, "  ", policy_, "trust: ");
    out_ << "\n";
  }

  // "8 steps passed", "4 steps passed, 1 skipped", "5 of 8 steps passed, 3 failed".
  std::string Counts() const {
    size_t n[5] = {0, 0, 0, 0, 0};
    size_t not_applicable = 0;
    for (const auto& s : r_.steps) {
      if (NotApplicable(s)) {
        ++not_applicable;
      } else {
        n[static_cast<int>(s.outcome)]++;
      }
    }
    const std::string rest =
        not_applicable ? ", " + std::to_string(not_applicable) + " not applicable" : "";
    size_t total = r_.steps.size() - not_applicable;
    if (total == 0) return "no step applies" + rest;
    if (total == 1 && not_applicable == 0) {
      const auto& o = r_.steps[0].outcome;
      return o == Outcome::kError
                 ? "the step ended in an internal error"
                 : "the step " + std::string(o == Outcome::kWarning ? "passed with warnings"
                                                                    : OutcomeName(o));
    }
    std::string s =
        n[0] == total ? "all " + Plural(total, "step", "steps") + " passed"
                      : std::to_string(n[0]) + " of " + Plural(total, "step", "steps") + " passed";
    if (n[1]) s += ", " + Plural(n[1], "warning", "warnings");
    if (n[2]) s += ", " + std::to_string(n[2]) + " failed";
    if (n[3]) s += ", " + std::to_string(n[3]) + " skipped";
    if (n[4]) s += ", " + Plural(n[4], "internal error", "internal errors");
    return s + rest;
  }

  void Tally() {
    RunVerdict v = r_.Verdict();
    if (!at_blank_) out_ << "\n";
    out_ << Colour(v) << VerdictWords(v) << p_.reset() << ": " << Counts();
    if (RunCause c = r_.Cause(); c.finding != nullptr) {
      out_ << "; first cause " << c.finding->id << " at " << c.step->step_id;
    }
    out_ << " (exit " << r_.ExitCode() << ")";
    if (Verbose() && r_.duration_ms > 0)
      out_ << " in " << static_cast<long>(r_.duration_ms) << " ms";
    out_ << "\n";
  }

  // Whether the step gets a block under its line: anything that did not pass, and everything
  // with -v; never with --brief.
  bool HasBody(const StepResult& s) const {
    if (opt_.detail == Detail::kBrief) return false;
    return Verbose() || s.outcome != Outcome::kPassed;
  }

  void Step(const StepResult& s, int depth) {
    std::string ind(static_cast<size_t>(depth) * 2, ' ');
    bool body = HasBody(s);
    std::string in = ind + "    ";
    // A skipped step is its line and the reason; it needs no space around it.
    if (s.outcome == Outcome::kSkipped && body && !Verbose()) {
      StepLine(s, ind);
      Wrapped(out_, in, std::string(s.SkipWhy()));
      at_blank_ = false;
      return;
    }
    if (body && !at_blank_) out_ << "\n";
    StepLine(s, ind);
    at_blank_ = false;
    if (!body) return;
    if (!s.skip_reason.empty()) Wrapped(out_, in, std::string(s.SkipWhy()));
    if (std::string words = s.trust_policy.Describe();
        !words.empty() && words != policy_ && s.outcome != Outcome::kSkipped) {
      Wrapped(out_, in, words, "trust: ", p_.dim(), p_.reset());
    }
    for (const auto& f : s.findings) {
      if (f.severity == Severity::kInfo && !Verbose() && s.outcome == Outcome::kPassed) continue;
      FindingBlock(s, f, in);
    }
    bool chain = s.certificate && (Verbose() || ChainMatters(s));
    if (s.outcome != Outcome::kSkipped) {
      for (const auto& line : FactsInWords(s.facts, chain)) Wrapped(out_, in, line);
    }
    if (Verbose() && !s.timings.empty()) {
      std::string t;
      for (const auto& x : s.timings) {
        std::ostringstream v;
        v << x.ms;
        t += (t.empty() ? "" : ", ") + x.name + " " + v.str() + " ms";
      }
      Wrapped(out_, in, t, "timings: ", p_.dim(), p_.reset());
    }
    if (chain) Chain(*s.certificate, in);
    for (const auto& c : s.children) {
      if (Verbose() || c.outcome != Outcome::kPassed) Step(c, depth + 1);
    }
    if (!at_blank_) out_ << "\n";
    at_blank_ = true;
  }

  void StepLine(const StepResult& s, const std::string& ind) {
    std::string tag = s.step_id;
    switch (s.outcome) {
      case Outcome::kPassed:
        break;
      case Outcome::kWarning:
        tag += ": warning";
        break;
      case Outcome::kFailed:
        tag += ": failed";
        if (!StageInWords(s.stage).empty()) tag += " at " + std::string(StageInWords(s.stage));
        break;
      case Outcome::kSkipped:
        tag += s.not_run && !s.optional ? ": not run" : ": skipped";
        break;
      case Outcome::kError:
        tag += ": internal error";
        break;
    }
    if (std::string t = Elapsed(s); !t.empty() && s.outcome != Outcome::kSkipped) tag += ", " + t;
    out_ << ind << Icon(s.outcome, p_) << " " << p_.bold() << s.title << p_.reset() << "  "
         << p_.dim() << "[" << tag << "]" << p_.reset() << "\n";
  }

  void FindingBlock(const StepResult& s, const Finding& f, const std::string& in) {
    out_ << in << SeverityIcon(f.severity, p_) << " " << p_.bold() << f.id << p_.reset();
    if (f.cert_index) out_ << "  (certificate [" << *f.cert_index << "] below)";
    out_ << "\n";
    Wrapped(out_, in + "    ", f.message);
    if (Verbose() && !f.detail.empty())
      Wrapped(out_, in + "    ", f.detail, "", p_.dim(), p_.reset());
    if (f.severity == Severity::kInfo || f.remediation.empty()) return;
    auto earlier = explained_.find(f.id);
    if (earlier != explained_.end() && earlier->second != s.step_id) {
      Wrapped(out_, in + "    ", "as for " + earlier->second + " above", "What to do: ");
      return;
    }
    if (earlier != explained_.end()) return;  // the banner said it for this step
    Wrapped(out_, in + "    ", f.remediation, "What to do: ");
    explained_[f.id] = s.step_id;
  }

  void Chain(const CertificateSummary& c, const std::string& ind) {
    out_ << ind << "certificate chain" << (c.host.empty() ? "" : " for " + c.host) << " at "
         << c.verification_time << ": " << (c.trusted ? "trusted" : "NOT trusted") << "\n";
    for (size_t i = 0; i < c.certificates.size(); ++i) {
      const auto& ci = c.certificates[i];
      std::string where = ci.source == "sent"
                              ? "sent by the server as #" + std::to_string(ci.sent_index)
                          : ci.source == "anchor" ? "trust anchor"
                          : ci.source == "aia"    ? "fetched via AIA, not sent by the server"
                                                  : "supplied, not sent by the server";
      if (!ci.on_path) where += ", not on the path";
      const std::string sub = ind + "      ";
      out_ << ind << "  [" << i << "] " << p_.bold() << ci.subject << p_.reset() << "\n";
      out_ << sub << "issuer " << ci.issuer << "\n";
      out_ << sub << ci.key << ", " << ci.signature_algorithm << ", valid " << ci.not_before
           << " to " << ci.not_after << "\n";
      out_ << sub << where << "\n";
      std::string names;
      for (const auto& n : ci.dns_names) names += (names.empty() ? "" : ", ") + n;
      for (const auto& n : ci.ip_addresses) names += (names.empty() ? "" : ", ") + n;
      if (!names.empty()) Wrapped(out_, sub, names, "names: ");
      if (Verbose()) out_ << sub << "sha256 " << p_.dim() << ci.sha256 << p_.reset() << "\n";
    }
  }

  const RunReport& r_;
  const TextOptions& opt_;
  Palette p_;
  std::string policy_;
  std::ostringstream out_;
  bool at_blank_ = true;                          // the last line written was blank
  std::map<std::string, std::string> explained_;  // finding ID -> step whose block said what to do
};

}  // namespace

std::string RenderText(const RunReport& r, const TextOptions& opt) {
  return TextRenderer(r, opt).Render();
}

std::string RenderExplanation(const FindingInfo& info) {
  std::ostringstream out;
  out << info.id << " — " << info.title << " (default severity: " << SeverityName(info.severity)
      << ")\n\n";
  Wrapped(out, "", std::string(info.explanation));
  out << "\nWhat to do:\n";
  Wrapped(out, "  ", std::string(info.remediation));
  const auto citations = Citations(info.reference);
  if (!citations.empty()) out << "\nReferences:\n";
  for (const auto& c : citations) {
    out << "  " << c.text << (c.url.empty() ? "" : "\n    " + c.url) << "\n";
  }
  return out.str();
}

}  // namespace cxa::report
