// Protocol modules: a stateless descriptor (name, docs, option schema, facts it exports, the
// findings it may emit) plus a factory for configured steps. Modules never print, never open
// sockets themselves (they use the HttpTransport of the StepContext) and hold no globals.
#pragma once

#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cert/cert_evaluator.h"
#include "cert/trust_policy.h"
#include "core/finding.h"
#include "core/result.h"
#include "core/step_result.h"
#include "transport/aia.h"
#include "transport/credentials.h"
#include "transport/http_transport.h"

namespace cxa {

// kPort: a TCP port, 1..65535; kEmail: an e-mail address (local@domain.name).
// kUpnOrDomain: a user principal name (alice@contoso.com) or a bare domain (contoso.com).
// kHost: a server as operators type it: HOST, HOST:PORT, [IPv6]:PORT or an https:// URL.
enum class OptionType { kString, kInt, kBool, kPort, kEmail, kUpnOrDomain, kHost };
std::string_view OptionTypeName(OptionType t);
// Checks a literal value against a type; returns an error message or "".
std::string CheckOptionValue(OptionType type, std::string_view value);

struct OptionSpec {
  std::string_view name;
  OptionType type = OptionType::kString;
  bool required = false;
  std::string_view default_value;  // used when not required and not given
  std::string_view doc;
};

struct FactSpec {
  std::string_view name;
  std::string_view doc;
};

using OptionMap = std::map<std::string, std::string>;

// What a running step may use. Everything is owned by the runner.
struct StepContext {
  const std::map<std::string, std::string>& inputs;
  const Facts& facts;  // every fact so far, as "<step-id>.<fact>"
  HttpTransport& transport;
  const cert::CertEvaluator& evaluator;
  const cert::TrustPolicy& trust;  // this step's effective policy
  std::time_t now;                 // verification time (pinned in replay and with --time)
  Timeouts timeouts;
  AiaSettings aia;  // completing incomplete chains via AIA (live runs)
  // The operator's password (--password-env / --password-stdin), or empty. Its value is handed
  // out only by `credentials.Release` (the credential rule, transport/credentials.h); it never
  // goes into facts, findings or logs.
  const Secret& password;
  // Where the password may go in this run: the user's domain, the hosts the operator named,
  // --allow-credentials-to, and the grants of earlier steps. A step that learns a host from an
  // answer it authenticated copies the scope and extends its copy (and returns the grant in
  // StepResult::credential_grants for the later steps).
  const CredentialScope& credentials;
  // Recording or replaying (--record / --replay): the recording time as text. Values a step
  // would pick at random (RPC over HTTP cookies) derive from it instead, so that a replay sends
  // the recorded bytes. Empty in other runs: use real randomness.
  const std::string& seed;
  // How this step's handshakes judge revocation, and the run's cache of fetched answers: on
  // every HttpRequest the step makes (StepRequest puts it there). Null: off.
  const RevocationContext* revocation = nullptr;
};

// A request to `url` with the step's trust policy, verification time and timeouts: what every
// module's requests start from.
HttpRequest StepRequest(const StepContext& ctx, std::string url);

// For steps that need the operator's password: a skipped result with the reason when there is
// none, else nullopt.
std::optional<StepResult> SkipWithoutPassword(const StepContext& ctx);

class Step {
 public:
  virtual ~Step() = default;
  // Fills findings, facts, stage and certificate; the runner sets ids, title and outcome.
  virtual StepResult Run(StepContext& ctx) = 0;
};

struct ModuleDescriptor {
  std::string_view name;
  std::string_view summary;
  std::string_view description;  // what it does, step by step
  std::span<const OptionSpec> options;
  std::span<const FactSpec> facts;
  std::span<const FindingInfo> findings;
  // Options arrive with references resolved and defaults applied, type-checked.
  Result<std::unique_ptr<Step>> (*create)(const OptionMap& options);
  // The result depends only on the options, the policy and the time (no user, no password): a
  // batch run computes it once and shares it between targets (e.g. one check per AD FS host).
  bool shareable;
  // For a shareable module whose result depends on less than all its options: the part of the
  // options that decides it (e.g. the domain of a user). nullptr: all options.
  std::string (*share_key)(const OptionMap& options);
};

}  // namespace cxa
