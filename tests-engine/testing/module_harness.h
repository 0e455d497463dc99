// Runs one module in process for a unit test: its descriptor's factory with the options given
// (defaults filled in as the scenario loader would), a StepContext over a ScriptedTransport whose
// handler answers like the server under test, a strict-public policy with the committed lab
// roots, and a pinned time. What a test then asserts: stage, finding IDs, facts.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "cert/cert_evaluator.h"
#include "core/module.h"
#include "core/time_util.h"
#include "testing/fixtures.h"
#include "testing/scripted_transport.h"
#include "transport/credentials.h"

namespace cxa::testing {

class ModuleHarness {
 public:
  ModuleHarness() {
    auto roots =
        cert::TrustStore::FromPemFile(FixturesDir() + "/pki/ca/public-roots.pem", "lab roots");
    REQUIRE(roots.ok());
    policy.public_roots = *roots;
  }

  // Creates the step from `module` with `options` (defaults applied) and runs it.
  StepResult Run(const ModuleDescriptor& module, OptionMap options) {
    for (const auto& spec : module.options) {
      if (!options.count(std::string(spec.name)) && !spec.required) {
        options[std::string(spec.name)] = std::string(spec.default_value);
      }
    }
    auto step = module.create(options);
    REQUIRE(step.ok());
    return RunStep(**step, transport);
  }

  // Runs `step` with this harness's context over `through` (the scripted transport, or a live
  // one against a loopback server).
  StepResult RunStep(Step& step, HttpTransport& through) {
    AiaSettings aia;
    aia.enabled = false;  // lab servers have no AIA URLs to fetch
    StepContext ctx{inputs,   facts, through,  evaluator, policy, now,
                    timeouts, aia,   password, scope,     seed};
    StepResult r = step.Run(ctx);
    r.DeriveOutcome();
    return r;
  }

  // Whether the step reported finding `id`.
  static bool Has(const StepResult& r, std::string_view id) {
    for (const auto& f : r.findings) {
      if (f.id == id) return true;
    }
    return false;
  }
  static std::vector<std::string> Ids(const StepResult& r) {
    std::vector<std::string> v;
    for (const auto& f : r.findings) v.push_back(f.id);
    return v;
  }

  // A 200 answer to `request` with `body` and `headers`.
  static HttpExchange Answer(const HttpRequest& request, int status, std::string body,
                             Headers headers = {}) {
    HttpExchange ex;
    ex.request = request;
    ex.remote_address = "192.0.2.10";
    ex.remote_port = 443;
    ex.reached = Stage::kHttp;
    ex.response =
        HttpResponse{"1.1", status, status == 200 ? "OK" : "", std::move(headers), std::move(body)};
    return ex;
  }

  ScriptedTransport transport;
  cert::CertEvaluator evaluator;
  cert::TrustPolicy policy;
  std::map<std::string, std::string> inputs;
  Facts facts;
  Secret password;
  CredentialScope scope;
  std::string seed;
  Timeouts timeouts;
  std::time_t now = *ParseTime("2031-01-01T00:00:00Z");
};

}  // namespace cxa::testing
