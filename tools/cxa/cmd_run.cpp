// cxa run SCENARIO: validate everything, then run the steps against live servers.
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <map>

#include "batch.h"
#include "builtin_scenarios.h"
#include "cli.h"
#include "core/runner.h"
#include "core/scenario.h"
#include "core/targets.h"
#include "core/text.h"
#include "core/time_util.h"
#include "protocols/registry.h"
#include "report/redact.h"
#include "transport/replay_transport.h"

namespace cxa::cli {
namespace {

// Live progress on a terminal (stderr), nothing when piped.
class TerminalProgress : public RunObserver {
 public:
  void OnStepStart(const StepDecl& step, const std::string& title) override {
    std::cerr << "\r\033[K… " << title << " [" << step.id << "]" << std::flush;
  }
  void OnStepEnd(const StepResult& r) override {
    const char* icon = r.outcome == Outcome::kPassed    ? "✔"
                       : r.outcome == Outcome::kWarning ? "⚠"
                       : r.outcome == Outcome::kSkipped ? "-"
                                                        : "✖";
    std::cerr << "\r\033[K" << icon << " " << r.title << "\n";
  }
};

const char* kUsage =
    "Usage: cxa run SCENARIO [TARGET] [--input NAME=VALUE ...] [options]\n"
    "\n"
    "Runs a named scenario (see `cxa list scenarios`) or a scenario file (a path ending in .xml)\n"
    "and prints what each step found. Everything is validated before the first packet is sent.";

const char* kFooter =
    "\nExamples:\n"
    "  cxa run tls-endpoint mail.contoso.com\n"
    "  cxa run o365-sso alice@contoso.com\n"
    "  cxa run owa mail.contoso.com --input user=alice@contoso.com --password-stdin\n"
    "  cxa run tls-endpoint --input host=sts.contoso.com --resolve "
    "sts.contoso.com:443:203.0.113.7\n"
    "  cxa run tls-endpoint --input host=mail.contoso.com --format json -o report.json\n"
    "  cxa run tls-endpoint --input host=mail.contoso.com --record run1/\n"
    "  cxa run tls-endpoint --replay run1/ --format junit -o results.xml\n"
    "  cxa run o365-sso --input user=alice@contoso.com --password-env CXA_PASSWORD\n"
    "  cxa run o365-sso --targets domains.txt --parallel 32 --format csv -o federation.csv\n"
    "\nExit status: 0 no error findings, 1 error findings, 2 usage/scenario/input error (nothing\n"
    "was sent), 3 internal error, 4 incomplete: nothing failed, but a step the scenario needs\n"
    "was not run (a password or input missing; the report's first line says what and how).\n"
    "With --targets: the worst over all targets (3, then 1, then 4).\n";

}  // namespace

Scenario LoadScenarioArg(const std::string& arg) {
  if (arg.find('/') != std::string::npos || arg.ends_with(".xml")) {
    auto s = LoadScenarioFile(arg, protocols::AllModules());
    if (!s) throw UsageError{s.error()};
    return std::move(*s);
  }
  auto found = FindScenario(arg);
  if (!found) {
    std::vector<std::string> known;
    for (const auto& s : AllScenarios()) known.push_back(s.name);
    throw UsageError{"no scenario named '" + arg + "'" + DidYouMean(arg, known) +
                     " (known: " + Join(known, ", ") + ")"};
  }
  auto s = found->text.empty()
               ? LoadScenarioFile(found->path, protocols::AllModules())
               : LoadScenarioText(found->text, found->path, protocols::AllModules());
  if (!s) throw UsageError{s.error()};
  return std::move(*s);
}

namespace {

// A password belongs to a user: the scenario must sign in somewhere (an input marked
// credentials="domain") and that input must be given. Throws a UsageError otherwise.
void CheckPasswordHasUser(const Scenario& sc, const std::map<std::string, std::string>& inputs) {
  const InputDecl* user = nullptr;
  for (const auto& in : sc.inputs) {
    if (in.credentials != "domain") continue;
    if (!inputs.at(in.name).empty()) return;
    if (user == nullptr) user = &in;
  }
  if (user == nullptr) {
    throw UsageError{"scenario '" + sc.name + "' signs in nowhere: it takes no password"};
  }
  throw UsageError{"a password belongs to a user: give --input " + user->name +
                   "=USER (the account it signs in as)"};
}

// The terminal settings to put back if the prompt is interrupted (Ctrl-C, SIGTERM).
termios g_saved_terminal{};

void RestoreTerminalAndDie(int sig) {
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved_terminal);  // async-signal-safe
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

// Reads a line from the terminal with echo off (as ssh and sudo do), prompting on stderr; the
// echo comes back however the prompt ends.
std::string ReadFromTerminal() {
  bool tty = ::tcgetattr(STDIN_FILENO, &g_saved_terminal) == 0;
  struct sigaction restore {
  }, old_int{}, old_term{};
  if (tty) {
    restore.sa_handler = RestoreTerminalAndDie;
    sigemptyset(&restore.sa_mask);
    ::sigaction(SIGINT, &restore, &old_int);
    ::sigaction(SIGTERM, &restore, &old_term);
    termios quiet = g_saved_terminal;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::cerr << "Password: " << std::flush;
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved_terminal);
    ::sigaction(SIGINT, &old_int, nullptr);
    ::sigaction(SIGTERM, &old_term, nullptr);
  }
  return line;
}

std::string ReadPassword(const std::string& env, bool from_stdin) {
  if (!env.empty() && from_stdin) {
    throw UsageError{"--password-env and --password-stdin exclude each other"};
  }
  std::string password;
  if (!env.empty()) {
    const char* v = std::getenv(env.c_str());
    if (v == nullptr || *v == '\0') throw UsageError{"--password-env: " + env + " is not set"};
    password = v;
  } else if (from_stdin) {
    if (::isatty(STDIN_FILENO)) {
      password = ReadFromTerminal();
    } else {
      std::getline(std::cin, password);
    }
    if (!password.empty() && password.back() == '\r') password.pop_back();
    if (password.empty()) throw UsageError{"--password-stdin: no password given"};
  }
  return password;
}

}  // namespace

int RunVerb(int argc, char** argv) {
  CommonOptions common;
  std::string positional_target, targets_column;
  std::string scenario_arg, record_dir, replay_dir, password_env, cloud, realm_endpoint, targets;
  int parallel = 16;
  std::vector<std::string> raw_inputs, redact, allow_credentials;
  bool password_stdin = false;
  po::options_description d("Options");
  d.add_options()("scenario", po::value(&scenario_arg)->value_name("SCENARIO"),
                  "scenario name or file")(
      "target", po::value(&positional_target)->value_name("TARGET"),
      "the scenario's target input, also as the argument after SCENARIO: `cxa run tls-endpoint "
      "mail.contoso.com:8443` is --input host=mail.contoso.com --input port=8443")(
      "input,i", po::value(&raw_inputs)->value_name("NAME=VALUE")->composing(),
      "scenario input (repeatable); `cxa describe SCENARIO` lists them")(
      "password-env", po::value(&password_env)->value_name("VAR"),
      "read the password from environment variable VAR (never pass it on the command line)")(
      "password-stdin", po::bool_switch(&password_stdin),
      "read the password from standard input (asked for without echo on a terminal)")(
      "allow-credentials-to",
      po::value(&allow_credentials)->value_name("HOST|*.DOMAIN")->composing(),
      "also send the password to HOST, or to DOMAIN and every name below it (repeatable; '*' "
      "means anywhere). Without it, credentials go only to the user's domain, to hosts named "
      "by --input, and to hosts an authenticated answer named (README, Security)")(
      "record", po::value(&record_dir)->value_name("DIR"),
      "record every exchange, secrets redacted, to DIR/transcript.xml")(
      "replay", po::value(&replay_dir)->value_name("DIR"),
      "answer from DIR/transcript.xml instead of the network; certificates are verified as of "
      "the recording time unless --time says otherwise")(
      "redact", po::value(&redact)->value_name("TEXT")->composing(),
      "also replace TEXT wherever it appears in recordings (repeatable): tokens, user names; "
      "not host names, which replay needs")(
      "cloud", po::value(&cloud)->value_name("CLOUD"),
      "Microsoft cloud for realm discovery: global (default), usgov or china (sets the input "
      "realm_endpoint of scenarios that have it)")(
      "realm-endpoint", po::value(&realm_endpoint)->value_name("URL"),
      "realm discovery endpoint URL (labs, tests); overrides --cloud")(
      "targets", po::value(&targets)->value_name("FILE"),
      "run once per line of FILE ('-' = standard input): one target per line (for o365-sso a "
      "UPN or a bare domain), '#' comments and blank lines ignored, or CSV with a header naming "
      "the target column (the target input's name, or user, upn, email, mail, domain, host ...); "
      "a column named after another input (port, rpc_proxy ...) is that target's value of it; "
      "bad lines are reported with their number and skipped. "
      "Formats: text (summary table), jsonl or csv (one record per target, streamed), junit "
      "(one testsuite per target), html (a table of targets and each one's report)")(
      "targets-column", po::value(&targets_column)->value_name("NAME"),
      "with a CSV --targets file: the column that holds the targets")(
      "parallel", po::value(&parallel)->value_name("N")->default_value(16),
      "with --targets: targets in flight at once (1-1024), on one event loop per core: a target "
      "waiting for a slow server costs a small stack, not a thread");
  AddTrustOptions(d, common);
  AddNetworkOptions(d, common);
  AddOutputOptions(d, common);
  po::positional_options_description pos;
  pos.add("scenario", 1);
  pos.add("target", 1);
  po::variables_map vm;
  if (!Parse(argc, argv, d, pos, vm, kUsage, kFooter)) {
    // `cxa run SCENARIO --help`: that scenario's inputs too.
    if (vm.count("scenario")) {
      PrintScenarioInputs(LoadScenarioArg(vm["scenario"].as<std::string>()), std::cout);
    }
    return kExitOk;
  }
  if (scenario_arg.empty()) throw UsageError{"which scenario? (cxa list scenarios)"};
  const bool batch = !targets.empty();
  if (batch) {
    CheckFormat(common.format, /*batch=*/true);
    CheckOutput(common);
    if (!record_dir.empty() || !replay_dir.empty()) {
      throw UsageError{"--targets runs live only (no --record or --replay)"};
    }
    if (!password_env.empty() || password_stdin) {
      throw UsageError{
          "--targets checks many users; a password belongs to one: run the sign-in check for "
          "that user without --targets"};
    }
    if (parallel < 1 || parallel > 1024) throw UsageError{"--parallel must be 1..1024"};
    size_t open_files = RaiseOpenFileLimit();
    if (int most = FileBudgetFor(open_files).max_parallel; parallel > most) {
      std::cerr << "cxa run: --parallel " << parallel << " lowered to " << most
                << ": the open-file limit (ulimit -n) is " << open_files
                << "; raise it to run more targets at once\n";
      parallel = most;
    }
  } else {
    CheckFormat(common.format, /*batch=*/false);
    CheckOutput(common);
    if (!vm["parallel"].defaulted()) throw UsageError{"--parallel goes with --targets"};
    if (!targets_column.empty()) throw UsageError{"--targets-column goes with --targets"};
  }
  if (!record_dir.empty() && !replay_dir.empty()) {
    throw UsageError{"--record and --replay exclude each other"};
  }
  for (const auto& pattern : allow_credentials) {
    if (std::string e = CredentialScope().AllowPattern(pattern); !e.empty()) {
      throw UsageError{"--allow-credentials-to: " + e};
    }
  }
  std::optional<Scenario> scenario = LoadScenarioArg(scenario_arg);
  std::optional<Transcript> transcript;
  if (!replay_dir.empty()) {
    auto t = LoadTranscript(replay_dir + "/transcript.xml");
    if (!t) throw UsageError{t.error()};
    if (!t->scenario.empty() && t->scenario != scenario->name) {
      throw UsageError{"--replay: " + replay_dir + " holds a run of '" + t->scenario +
                       "', not of '" + scenario->name + "'"};
    }
    transcript = std::move(*t);
  }

  std::vector<std::pair<std::string, std::string>> given;
  for (const auto& kv : raw_inputs) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw UsageError{"--input expects NAME=VALUE, got '" + kv + "'"};
    }
    given.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  if (!cloud.empty() && realm_endpoint.empty()) realm_endpoint = CloudRealmEndpoint(cloud);
  if (!realm_endpoint.empty()) {
    if (realm_endpoint.rfind("https://", 0) != 0) {
      throw UsageError{"--realm-endpoint must be an https:// URL, got '" + realm_endpoint + "'"};
    }
    if (!scenario->FindInput("realm_endpoint")) {
      throw UsageError{"scenario '" + scenario->name +
                       "' has no realm discovery step (--cloud, --realm-endpoint)"};
    }
    given.emplace_back("realm_endpoint", realm_endpoint);
  }
  if (transcript) {  // the recorded inputs, unless --input overrides them
    for (const auto& [name, v] : transcript->inputs) {
      const std::string& k = name;  // (a structured binding cannot be captured before clang 16)
      bool overridden =
          std::any_of(given.begin(), given.end(), [&](const auto& g) { return g.first == k; });
      if (!overridden && scenario->FindInput(k)) given.emplace_back(k, v);
    }
  }
  const InputDecl* target_input = scenario->TargetInput();
  if (!positional_target.empty()) {  // cxa run SCENARIO TARGET
    if (target_input == nullptr) {
      throw UsageError{"scenario '" + scenario->name + "' takes no target ('" + positional_target +
                       "'): give its inputs with --input NAME=VALUE"};
    }
    if (batch) throw UsageError{"a target and --targets exclude each other"};
    for (const auto& g : given) {
      if (g.first == target_input->name) {
        throw UsageError{"the target '" + positional_target + "' and --input " + g.first +
                         " exclude each other"};
      }
    }
    given.emplace_back(target_input->name, positional_target);
  }
  if (target_input != nullptr && !target_input->target_port.empty()) {
    // A host input with a port input: HOST:PORT, [IPv6]:PORT or an https URL is taken apart.
    std::vector<std::pair<std::string, std::string>> ports;
    for (auto& [name, value] : given) {
      if (name != target_input->name) continue;
      auto hp = ParseHostTarget(value);
      if (!hp) throw UsageError{"--input " + name + ": " + hp.error()};
      value = hp->host;
      if (!hp->port.empty()) ports.emplace_back(target_input->target_port, hp->port);
    }
    for (const auto& p : ports) {
      for (const auto& g : given) {
        if (g.first == p.first && g.second != p.second) {
          throw UsageError{"the port in the target (" + p.second + ") and --input " + p.first +
                           "=" + g.second + " disagree"};
        }
      }
      given.push_back(p);
    }
  }
  if (batch) {
    if (target_input == nullptr) {
      throw UsageError{"scenario '" + scenario->name + "' takes no --targets"};
    }
    for (const auto& g : given) {
      if (g.first == target_input->name) {
        throw UsageError{"--input " + g.first + " and --targets exclude each other (each line of " +
                         targets + " is a " + g.first + ")"};
      }
    }
    // Filled per line; a value of the input's kind, so that checking the others passes.
    given.emplace_back(target_input->name, target_input->type == OptionType::kEmail
                                               ? "target@placeholder.invalid"
                                               : "placeholder.invalid");
  }
  auto inputs = ResolveInputs(*scenario, given);
  if (!inputs) throw UsageError{inputs.error()};
  if (batch && !scenario->batch_needs.empty() && inputs->at(scenario->batch_needs).empty() &&
      !TargetsHaveColumn(targets, target_input->name, scenario->batch_needs)) {
    throw UsageError{"--targets: '" + scenario->name +
                     "' would test nothing in a batch without --input " + scenario->batch_needs +
                     "=... (what it replaces needs each user's "
                     "password, which a batch does not take): give it, or run one user at a time "
                     "with the password"};
  }
  // The password last: every other input error shows before anyone is asked to type it.
  std::string password = ReadPassword(password_env, password_stdin);
  if (!password.empty()) CheckPasswordHasUser(*scenario, *inputs);
  if (password.empty() && transcript && transcript->credentials) {
    password = "cxa-replay-placeholder";  // the recorded requests carry "[redacted]" anyway
  }

  RunSettings settings;
  settings.operator_policy = BuildPolicy(common, std::nullopt);
  settings.verify_time = VerificationTime(common);
  settings.timeouts = BuildTimeouts(common);
  settings.aia = !common.no_aia;
  ApplyRevocation(common, settings);
  settings.password = password;
  settings.allow_credentials_to = allow_credentials;
  Redactor redactor;
  redactor.AddSecret(password);
  for (const auto& r : redact) redactor.AddSecret(r);
  std::vector<std::pair<std::string, std::string>> shown;  // inputs as reports show them
  for (const auto& in : scenario->inputs) {
    if (batch && &in == target_input) continue;
    const std::string& v = inputs->at(in.name);
    if (in.secret) redactor.AddSecret(v);
    if (!v.empty()) shown.emplace_back(in.name, in.secret ? "[redacted]" : v);
  }
  for (auto& kv : shown) kv.second = redactor.Text(kv.second);

  cert::CertEvaluator evaluator;
  std::unique_ptr<CurlTransport> live;
  std::unique_ptr<RecordingTransport> recorder;
  std::unique_ptr<ReplayTransport> replayer;
  HttpTransport* transport = nullptr;
  if (transcript) {
    if (common.time.empty()) settings.verify_time = transcript->recorded_at;
    settings.seed = FormatTime(transcript->recorded_at);
    settings.deterministic = true;
    // Moved, not copied: a large transcript is held once.
    replayer = std::make_unique<ReplayTransport>(std::move(*transcript), redactor, evaluator);
    transport = replayer.get();
  } else {
    live = std::make_unique<CurlTransport>(BuildTransportOptions(common), evaluator);
    transport = live.get();
    if (!record_dir.empty()) {
      Transcript header;
      header.scenario = scenario->name;
      header.recorded_at = settings.verify_time;
      settings.seed = FormatTime(header.recorded_at);
      header.inputs = shown;
      header.credentials = !password.empty();
      recorder = std::make_unique<RecordingTransport>(*live, redactor, header);
      transport = recorder.get();
    }
  }

  if (batch) {
    inputs->erase(target_input->name);
    BatchJob job{
        &*scenario,     protocols::AllModules(),
        *transport,     evaluator,
        settings,       *inputs,
        shown,          targets,
        targets_column, parallel,
        true,           common,
        Version(),      [&redactor](std::string s) { return redactor.Text(std::move(s)); }};
    return RunBatch(job);
  }
  Runner runner(protocols::AllModules(), *transport, evaluator);
  TerminalProgress progress;
  bool show_progress = ::isatty(STDERR_FILENO) && common.format == "text" && !transcript;
  RunReport report = runner.Run(*scenario, *inputs, settings, show_progress ? &progress : nullptr);
  report.tool_version = Version();
  report.mode = transcript ? "replay" : "live";
  report.inputs = shown;
  // What a server echoed (the password in a page, a header, an error) never reaches a report.
  report::Redact(report, [&redactor](std::string s) { return redactor.Text(std::move(s)); });
  if (recorder) {
    if (auto saved = recorder->Save(record_dir); !saved) throw UsageError{saved.error()};
  }
  Emit(report, common);
  return report.ExitCode();
}

}  // namespace cxa::cli
