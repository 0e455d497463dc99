// StepResult: what one scenario step found. Plain data; renderers read it, nobody else writes it
// after the step returns.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/certificate_info.h"
#include "core/finding.h"

namespace cxa {

enum class Outcome { kPassed, kWarning, kFailed, kSkipped, kError };
// How far the step got. Ordered: a later stage means more of the connection worked.
enum class Stage { kNone, kResolve, kConnect, kTls, kCertificate, kHttp, kProtocol };

std::string_view OutcomeName(Outcome o);  // passed | warning | failed | skipped | error
std::string_view StageName(
    Stage s);  // none | resolve | connect | tls | certificate | http | protocol

using Facts = std::map<std::string, std::string>;

struct Timing {
  std::string name;  // "dns", "connect", "tls", "first_byte", "total"
  double ms = 0;
};

// The trust policy a step ran under, as reports show it (cert::TrustPolicy::Summary fills it).
struct PolicySummary {
  std::string mode;            // strict-public | custom | system-plus-custom | report-only; "" none
  std::string public_roots;    // where the public roots came from
  std::string custom_anchors;  // the operator's anchors where the mode uses them, else ""
  int expiry_warning_days = 0;
  // The mode the operator asked for when the step refused to relax to it ("" when none).
  std::string refused;

  bool empty() const { return mode.empty(); }
  // In words, one line: "strict-public; public roots: FILE; expiry warning: 30 days".
  std::string Describe() const;
  bool operator==(const PolicySummary&) const = default;
};

struct StepResult {
  std::string step_id;
  std::string module;
  std::string title;
  Outcome outcome = Outcome::kPassed;
  Stage stage = Stage::kNone;
  std::string skip_reason;  // set when outcome is skipped or error ("skipped: no user given")
  // For a skipped step: true when it should have run but could not (a missing input, password
  // or fact, or a needed step that did not pass); false when it does not apply by design (its
  // if= condition is false, or a step it needs did not apply).
  bool not_run = false;
  bool optional = false;       // the scenario marks it optional: not running it is not incomplete
  PolicySummary trust_policy;  // effective policy of this step, for the report
  std::vector<Finding> findings;
  Facts facts;  // names without the step prefix
  std::optional<CertificateSummary> certificate;
  std::vector<Timing> timings;
  std::vector<StepResult> children;
  // Hosts this step vouches for as credential destinations of the later steps (host, why): e.g.
  // the RPC proxy an authenticated Autodiscover answer named, the federation service Microsoft's
  // realm discovery named. The runner applies them only when the step's policy was enforcing
  // (transport/credentials.h). Never rendered.
  std::vector<std::pair<std::string, std::string>> credential_grants;

  // Outcome from the findings (and the children): any error -> failed, any warning -> warning.
  // Leaves skipped/error outcomes alone.
  void DeriveOutcome();
  bool HasErrors() const;
  // skip_reason without its leading "skipped: ", for sentences that say so already
  // ("not tested: no user given").
  std::string_view SkipWhy() const;
};

}  // namespace cxa
