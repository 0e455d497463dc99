// cxa run SCENARIO: validate everything, then run the steps against live servers.
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "cli.h"
#include "core/runner.h"
#include "core/scenario.h"
#include "protocols/registry.h"

namespace cxa::cli {
namespace {

// Live progress on a terminal (stderr), nothing when piped.
class TerminalProgress : public RunObserver {
 public:
  void OnStepStart(const StepDecl& step, const std::string& title) override {
    std::cerr << "\r\033[K… " << title << " [" << step.id << "]" << std::flush;
  }
  void OnStepEnd(const StepResult& r) override {
    std::cerr << "\r\033[K" << (r.HasErrors() ? "✖ " : "✔ ") << r.title << "\n";
  }
};

const char* kUsage =
    "Usage: cxa run SCENARIO [--input NAME=VALUE ...] [options]\n"
    "\n"
    "Runs a named scenario (see `cxa list scenarios`) or a scenario file (a path ending in .xml)\n"
    "and prints what each step found. Everything is validated before the first packet is sent.";

const char* kFooter =
    "\nExamples:\n"
    "  cxa run tls-endpoint --input host=mail.contoso.com\n"
    "  cxa run tls-endpoint --input host=sts.contoso.com --resolve "
    "sts.contoso.com:443:203.0.113.7\n"
    "  cxa run tls-endpoint --input host=mail.contoso.com --format json -o report.json\n"
    "\nExit status: 0 no error findings, 1 error findings, 2 usage/scenario/input error (nothing\n"
    "was sent), 3 internal error.\n";

}  // namespace

std::string ResolveScenarioPath(const std::string& arg) {
  if (arg.find('/') != std::string::npos || arg.ends_with(".xml")) return arg;
  std::string path = ScenarioDir() + "/" + arg + ".xml";
  if (!std::filesystem::exists(path)) {
    std::string known;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(ScenarioDir(), ec)) {
      if (e.path().extension() == ".xml") known += " " + e.path().stem().string();
    }
    throw UsageError{"no scenario named '" + arg + "' (known:" + known + ")"};
  }
  return path;
}

int RunVerb(int argc, char** argv) {
  CommonOptions common;
  std::string scenario_arg;
  std::vector<std::string> raw_inputs;
  po::options_description d("Options");
  d.add_options()("scenario", po::value(&scenario_arg)->value_name("SCENARIO"),
                  "scenario name or file")(
      "input,i", po::value(&raw_inputs)->value_name("NAME=VALUE")->composing(),
      "scenario input (repeatable); `cxa describe SCENARIO` lists them");
  AddTrustOptions(d, common);
  AddNetworkOptions(d, common);
  AddOutputOptions(d, common, "report format: text or json");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  if (!Parse(argc, argv, d, pos, vm, kUsage, kFooter)) return kExitOk;
  if (scenario_arg.empty()) throw UsageError{"which scenario? (cxa list scenarios)"};
  if (common.format != "text" && common.format != "json") {
    throw UsageError{"--format must be text or json"};
  }

  auto scenario = LoadScenarioFile(ResolveScenarioPath(scenario_arg), protocols::AllModules());
  if (!scenario) throw UsageError{scenario.error()};
  std::vector<std::pair<std::string, std::string>> given;
  for (const auto& kv : raw_inputs) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError{"--input expects NAME=VALUE, got '" + kv + "'"};
    given.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  auto inputs = ResolveInputs(*scenario, given);
  if (!inputs) throw UsageError{inputs.error()};

  RunSettings settings;
  settings.operator_policy = BuildPolicy(common, std::nullopt);
  settings.verify_time = VerificationTime(common);
  settings.timeouts = BuildTimeouts(common);
  settings.aia = !common.no_aia;
  cert::CertEvaluator evaluator;
  CurlTransport transport(BuildTransportOptions(common), evaluator);
  Runner runner(protocols::AllModules(), transport, evaluator);
  TerminalProgress progress;
  bool show_progress = ::isatty(STDERR_FILENO) && common.format == "text";
  RunReport report = runner.Run(*scenario, *inputs, settings, show_progress ? &progress : nullptr);
  report.tool_version = Version();
  report.mode = "live";
  for (const auto& in : scenario->inputs) {
    const std::string& v = inputs->at(in.name);
    if (v.empty()) continue;
    report.inputs.emplace_back(in.name, in.secret && !v.empty() ? "(redacted)" : v);
  }
  Emit(report, common);
  return report.ExitCode();
}

}  // namespace cxa::cli
