// Modules in process, from data: every fixtures/exchanges/<module>/<case>/ holds the exchanges
// one step made (transcript.xml) and a case.expect with the step's module, options and trust,
// and the outcome, stage, findings and facts it must give. The step runs through ReplayTransport
// exactly as in `cxa run --replay`, and must ask for every recorded exchange, in order, and for
// nothing else. A new front-end variant of a module is a new directory (tools/cut-exchanges
// makes one from a recorded run; fixtures/FORMAT.md).
#include <catch2/catch.hpp>
#include <filesystem>
#include <set>

#include "cert/cert_evaluator.h"
#include "cert/trust_policy.h"
#include "core/module.h"
#include "core/time_util.h"
#include "protocols/registry.h"
#include "testing/expect_file.h"
#include "testing/fixtures.h"
#include "transport/credentials.h"
#include "transport/replay_transport.h"

using namespace cxa;
using namespace cxa::testing;

namespace {

// "name=value" -> {name, value}.
std::pair<std::string, std::string> NameValue(const std::string& line) {
  size_t eq = line.find('=');
  REQUIRE(eq != std::string::npos);
  return {line.substr(0, eq), line.substr(eq + 1)};
}

cert::TrustPolicy CasePolicy(const ExpectFile& ex, const std::string& dir) {
  auto roots = cert::TrustStore::FromPemFile(dir + "/public-roots.pem", "public-roots.pem");
  REQUIRE(roots.ok());
  cert::TrustPolicy op;
  op.public_roots = *roots;
  std::string trust = ex.Get("trust", "operator");
  if (trust == "report-only") op.mode = cert::TrustMode::kReportOnly;
  return cert::ResolveStepPolicy(op, trust == "strict-public");
}

}  // namespace

TEST_CASE("every module case replays in process to its expected step result",
          "[replay][exchanges]") {
  auto files = FilesEndingWith(FixturesDir() + "/exchanges", "case.expect");
  REQUIRE(files.size() >= 14);
  auto path = GENERATE_COPY(from_range(files));
  INFO(path);
  auto ex = ReadExpectFile(path);
  REQUIRE(ex.ok());
  std::string dir = std::filesystem::path(path).parent_path().string();
  const ModuleDescriptor* module = protocols::FindModule(ex->Get("module"));
  REQUIRE(module != nullptr);
  // The case directory is named after the module it tests.
  CHECK(std::filesystem::path(dir).parent_path().filename() == module->name);

  OptionMap options;
  for (const auto& line : ex->All("option")) options.insert(NameValue(line));
  for (const auto& spec : module->options) {
    if (!options.count(std::string(spec.name)) && !spec.required) {
      options[std::string(spec.name)] = std::string(spec.default_value);
    }
  }
  auto step = module->create(options);
  REQUIRE(step.ok());

  auto transcript = LoadTranscript(dir + "/transcript.xml");
  REQUIRE(transcript.ok());
  const std::time_t now = transcript->recorded_at;
  const std::string seed = FormatTime(now);
  const std::string secret = ex->Get("password") == "yes" ? "cxa-replay-placeholder" : "";
  Secret password(secret);
  Redactor redactor;
  redactor.AddSecret(secret);
  cert::CertEvaluator evaluator;
  ReplayTransport replay(std::move(*transcript), redactor, evaluator);
  cert::TrustPolicy policy = CasePolicy(*ex, dir);
  // Where the password may go: the case lists the scope the step had in the recorded run.
  CredentialScope scope;
  for (const auto& pattern : ex->All("credentials-to")) {
    INFO("credentials-to: " << pattern);
    REQUIRE(scope.AllowPattern(pattern).empty());
  }
  std::map<std::string, std::string> inputs;
  Facts facts;
  AiaSettings aia;
  aia.enabled = false;
  StepContext ctx{inputs, facts, replay, evaluator, policy, now, Timeouts{}, aia, password, scope,
                  seed};
  StepResult r = (*step)->Run(ctx);
  r.DeriveOutcome();

  CHECK(OutcomeName(r.outcome) == ex->Get("outcome"));
  CHECK(StageName(r.stage) == ex->Get("stage"));
  std::multiset<std::string> want, got;
  for (const auto& line : ex->All("finding")) want.insert(line);
  for (const auto& f : r.findings) got.insert(std::string(SeverityName(f.severity)) + " " + f.id);
  CHECK(got == want);
  for (const auto& line : ex->All("fact")) {
    auto [name, value] = NameValue(line);
    INFO("fact " << name);
    CHECK(r.facts[name] == value);
  }
  CHECK(replay.Unused() == 0);  // every recorded exchange was asked for
}
