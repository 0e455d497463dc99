// Scenario: a named, ordered list of module steps with declared inputs, loaded from XML
// (scenarios/FORMAT.md). The loader validates everything before any network I/O: unknown
// elements, attributes, modules and options, option types, references to undeclared inputs or
// to facts no earlier step exports. Errors name the file and line.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cert/revocation.h"
#include "core/module.h"
#include "core/result.h"

namespace cxa {

struct InputDecl {
  std::string name;
  bool required = false;
  std::string default_value;
  OptionType type = OptionType::kString;
  bool secret = false;  // redacted in reports
  std::string doc;
  bool target = false;      // the input each line of `cxa run --targets FILE` fills
  std::string target_port;  // with target: the input a line's ":PORT" suffix fills
  // credentials="domain": the value's domain (an e-mail address or UPN) and its subdomains may
  // receive the operator's credentials; credentials="host": the host the value names (a host,
  // host:port or URL) may. See transport/credentials.h.
  std::string credentials;
};

// One column of the summary table of a batch run (--targets): a fact template, or the verdict
// of a step (its outcome, or the ID of its first error finding).
struct SummaryColumn {
  std::string title;
  std::string value;         // ${step.fact} / ${input.x} template, or empty
  std::string verdict_step;  // step id, or empty
};

struct StepDecl {
  std::string id;
  std::string module;
  std::string title;                           // may contain ${...}
  std::map<std::string, std::string> options;  // raw values, may contain ${...}
  bool strict_trust = false;  // trust="strict-public": the operator cannot relax it
  // revocation="off|staple|fetch": how this step's handshakes judge revocation unless the
  // operator chose with --revocation (e.g. fetch for hybrid SMTP and AD FS, whose servers
  // check revocation themselves). Unset: the operator's setting (staple by default).
  std::optional<cert::RevocationMode> revocation;
  std::vector<std::string> needs;  // step ids that must have passed (or warned)
  // if="STEP.FACT=VALUE": the step runs only when that fact has that value (else skipped).
  std::string if_fact, if_value;
  // optional="true": the run is complete without this step (a sign-in that needs a password the
  // operator may not give). Any other step that was not run makes the run incomplete.
  bool optional = false;
  int line = 0;
};

struct Scenario {
  std::string name;
  std::string title;
  std::string summary;
  std::string path;
  std::vector<InputDecl> inputs;
  std::vector<StepDecl> steps;
  std::vector<SummaryColumn> columns;
  // <headline value="..."/>: what the run's summary line says after the title (facts
  // expanded; "Outlook uses MAPI over HTTP ..."), or "".
  std::string headline;
  // batch-needs="INPUT": without this input a batch (--targets) tests nothing, because what
  // would replace it needs each user's password, which a batch does not take.
  std::string batch_needs;

  const InputDecl* FindInput(std::string_view name) const;
  const InputDecl* TargetInput() const;  // the input --targets fills, or nullptr
};

using ModuleTable = std::span<const ModuleDescriptor* const>;

Result<Scenario> LoadScenarioFile(const std::string& path, ModuleTable modules);
Result<Scenario> LoadScenarioText(std::string_view text, const std::string& path,
                                  ModuleTable modules);

// Checks operator-supplied inputs against the declaration: unknown names, missing required
// inputs, types. Returns the complete input map (defaults applied) or an error.
Result<std::map<std::string, std::string>> ResolveInputs(
    const Scenario& scenario, const std::vector<std::pair<std::string, std::string>>& given);

// Expands ${input.X} and ${step.fact}. Missing facts are reported in `missing` (the value is
// then incomplete and must not be used).
std::string Expand(std::string_view text, const std::map<std::string, std::string>& inputs,
                   const Facts& facts, std::vector<std::string>* missing);
// A step's title with its references filled in. When a reference has no value (a fact no
// earlier step produced, an input not given), the title ends before the word that holds it,
// without a dangling connector: "RPC proxy echo of ${autodiscover.proxy}" reads "RPC proxy
// echo" rather than "RPC proxy echo of ".
std::string ExpandTitle(std::string_view title, const std::map<std::string, std::string>& inputs,
                        const Facts& facts);

}  // namespace cxa
