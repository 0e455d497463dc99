#include "tools/cxa/serve/probe_module.h"

#include <cstdlib>
#include <fstream>

#include "core/targets.h"
#include "core/text.h"
#include "protocols/registry.h"
#include "report/redact.h"
#include "transport/credentials.h"
#include "transport/curl_transport.h"
#include "transport/transcript.h"

namespace cxa::cli::serve {
namespace {

// The module's options as `cxa run` parses them: argv from the configuration's pairs.
void ParseOptions(ProbeModule& m, std::string& realm_endpoint, std::string& cloud) {
  po::options_description d;
  AddTrustOptions(d, m.common);
  AddNetworkOptions(d, m.common);
  d.add_options()("allow-credentials-to", po::value(&m.settings.allow_credentials_to)->composing(),
                  "")("redact", po::value(&m.redact)->composing(), "")(
      "realm-endpoint", po::value(&realm_endpoint), "")("cloud", po::value(&cloud), "");
  std::vector<std::string> args;
  for (const auto& [name, value] : m.config.options) {
    const po::option_description* o = d.find_nothrow(name, false);
    if (o == nullptr) {
      std::vector<std::string> names;
      for (const auto& opt : d.options()) names.push_back(opt->long_name());
      throw UsageError{"option '" + name + "' is not a cxa run option" + DidYouMean(name, names)};
    }
    if (o->semantic()->max_tokens() == 0) {  // a switch: true gives it, false leaves it out
      if (value != "true" && value != "false") {
        throw UsageError{"option '" + name + "' is a switch: true or false, got '" + value + "'"};
      }
      if (value == "true") args.push_back("--" + name);
      continue;
    }
    args.push_back("--" + name);
    args.push_back(value);
  }
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(d).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError{e.what()};
  }
}

std::string ReadPasswordFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError{"password_file " + path + " cannot be read"};
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) throw UsageError{"password_file " + path + " is empty"};
  return line;
}

std::unique_ptr<ProbeModule> Prepare(const ModuleConfig& c) {
  auto m = std::make_unique<ProbeModule>();
  m->config = c;
  m->scenario = LoadScenarioArg(c.scenario);
  m->target_input = m->scenario.TargetInput();
  if (m->target_input == nullptr) {
    throw UsageError{"scenario '" + m->scenario.name +
                     "' has no target input: it cannot be probed per target"};
  }
  std::string realm_endpoint, cloud;
  ParseOptions(*m, realm_endpoint, cloud);
  if (!m->common.time.empty()) throw UsageError{"option 'time': a monitor judges as of now"};
  if (!cloud.empty() && realm_endpoint.empty()) realm_endpoint = CloudRealmEndpoint(cloud);
  std::vector<std::pair<std::string, std::string>> given = c.inputs;
  for (const auto& [name, value] : given) {
    if (name == m->target_input->name) {
      throw UsageError{"input '" + name + "' is the target: it comes with each probe"};
    }
  }
  if (!realm_endpoint.empty()) {
    if (realm_endpoint.rfind("https://", 0) != 0) {
      throw UsageError{"option 'realm-endpoint' must be an https:// URL"};
    }
    if (!m->scenario.FindInput("realm_endpoint")) {
      throw UsageError{"scenario '" + m->scenario.name + "' has no realm discovery step"};
    }
    given.emplace_back("realm_endpoint", realm_endpoint);
  }
  for (const auto& pattern : m->settings.allow_credentials_to) {
    if (std::string e = CredentialScope().AllowPattern(pattern); !e.empty()) {
      throw UsageError{"option 'allow-credentials-to': " + e};
    }
  }
  // The inputs are checked with a stand-in target of the right kind, as a batch does.
  given.emplace_back(m->target_input->name, m->target_input->type == OptionType::kEmail
                                                ? "target@placeholder.invalid"
                                                : "placeholder.invalid");
  auto inputs = ResolveInputs(m->scenario, given);
  if (!inputs) throw UsageError{inputs.error()};
  inputs->erase(m->target_input->name);
  m->inputs = std::move(*inputs);
  if (!c.password_file.empty()) m->settings.password = ReadPasswordFile(c.password_file);
  if (!c.password_env.empty()) {
    const char* v = std::getenv(c.password_env.c_str());
    if (v == nullptr || *v == '\0') {
      throw UsageError{"password_env " + c.password_env + " is not set"};
    }
    m->settings.password = v;
  }
  m->settings.operator_policy = BuildPolicy(m->common, std::nullopt);
  m->settings.timeouts = BuildTimeouts(m->common);
  m->settings.aia = !m->common.no_aia;
  ApplyRevocation(m->common, m->settings);
  m->timeout_s = m->common.timeout_s;
  return m;
}

}  // namespace

Result<std::shared_ptr<const ProbeModules>> PrepareModules(const ServeConfig& config) {
  auto out = std::make_shared<ProbeModules>();
  out->path = config.path;
  for (const auto& [name, c] : config.modules) {
    try {
      out->modules[name] = Prepare(c);
    } catch (const UsageError& e) {
      return Fail(config.path + ":" + std::to_string(c.line) + ": module '" + name +
                  "': " + e.message);
    }
  }
  return std::shared_ptr<const ProbeModules>(std::move(out));
}

Result<std::map<std::string, std::string>> ProbeInputs(const ProbeModule& m,
                                                       const std::string& target) {
  if (target.empty()) return Fail("missing target");
  if (target.size() > 320) return Fail("target longer than 320 bytes");
  std::vector<std::pair<std::string, std::string>> given(m.inputs.begin(), m.inputs.end());
  const InputDecl& in = *m.target_input;
  std::string value = target;
  if (!in.target_port.empty()) {  // HOST:PORT, [IPv6]:PORT or an https URL
    auto hp = ParseHostTarget(target);
    if (!hp) return Fail("target: " + hp.error());
    value = hp->host;
    if (!hp->port.empty()) {
      std::erase_if(given, [&](const auto& g) { return g.first == in.target_port; });
      given.emplace_back(in.target_port, hp->port);
    }
  }
  given.emplace_back(in.name, value);
  auto inputs = ResolveInputs(m.scenario, given);
  if (!inputs) return Fail(Printable(inputs.error()));
  return *inputs;
}

RunReport RunProbe(const ProbeModule& m, const std::map<std::string, std::string>& inputs,
                   std::chrono::milliseconds budget) {
  RunSettings settings = m.settings;
  settings.verify_time = std::time(nullptr);
  settings.deadline = std::chrono::steady_clock::now() + budget;
  cert::CertEvaluator evaluator;
  CurlTransport transport(BuildTransportOptions(m.common), evaluator);
  Runner runner(protocols::AllModules(), transport, evaluator);
  RunReport report = runner.Run(m.scenario, inputs, settings, nullptr);
  report.tool_version = Version();
  report.mode = "live";
  Redactor redactor;
  redactor.AddSecret(settings.password);
  for (const auto& r : m.redact) redactor.AddSecret(r);
  for (const auto& in : m.scenario.inputs) {
    auto it = inputs.find(in.name);
    if (it == inputs.end() || it->second.empty()) continue;
    if (in.secret) redactor.AddSecret(it->second);
    report.inputs.emplace_back(in.name, in.secret ? "[redacted]" : it->second);
  }
  for (auto& kv : report.inputs) kv.second = redactor.Text(kv.second);
  report::Redact(report, [&redactor](std::string s) { return redactor.Text(std::move(s)); });
  return report;
}

}  // namespace cxa::cli::serve
