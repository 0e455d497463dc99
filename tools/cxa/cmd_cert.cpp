// cxa cert: evaluate a chain offline (--chain) or grab one live (--connect) and evaluate it.
#include <arpa/inet.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cert/cert_evaluator.h"
#include "cli.h"
#include "core/input_file.h"
#include "core/runner.h"
#include "core/scenario.h"
#include "core/time_util.h"
#include "protocols/registry.h"
#include "transport/aia.h"
#include "transport/connection_report.h"
#include "transport/url.h"

namespace cxa::cli {
namespace {

const char* kUsage =
    "Usage: cxa cert --chain FILE [--host NAME | --ip ADDR] [options]\n"
    "       cxa cert --connect HOST[:PORT] [--servername NAME] [options]\n"
    "\n"
    "Explains exactly what is wrong (or right) with a certificate chain: the same evaluator as\n"
    "every scenario step. --chain reads PEM (leaf first, as a server sends it; text around the\n"
    "blocks is ignored) or one DER certificate. When the chain stops at a certificate whose\n"
    "issuer is neither in the file nor a trusted root, that certificate's AIA URL (plain http)\n"
    "is followed, as a live run does, to tell a missing intermediate from a private root;\n"
    "--no-aia keeps it offline (the verdict then stays undecided: cert.chain.incomplete).";

const char* kFooter =
    "\nExamples:\n"
    "  cxa cert --chain server-chain.pem --host mail.contoso.com\n"
    "  cxa cert --chain leaf.pem --untrusted intermediate.pem --host mail.contoso.com\n"
    "  cxa cert --chain chain.pem --host mail.contoso.com --crl issuing-ca.crl\n"
    "  cxa cert --connect sts.contoso.com --resolve sts.contoso.com:443:203.0.113.7\n"
    "\nExit status: 0 trusted without errors, 1 error findings, 2 bad input.\n";

// "-" is standard input (a pipe or a file; read within the same bound).
std::string ReadFile(const std::string& path, const char* what) {
  auto text = ReadInputFile(path == "-" ? "/dev/stdin" : path, kMaxCertificateFile);
  if (!text) throw UsageError{std::string(what) + ": " + text.error()};
  return std::move(*text);
}

std::vector<cert::Der> ReadChain(const std::string& path, const char* what) {
  auto ders = cert::SplitPem(ReadFile(path, what));
  if (!ders) throw UsageError{std::string(what) + ": " + path + ": " + ders.error()};
  return *ders;
}

// What AIA did for the verdict, as the fact `aia`: "fetched" (the chain was completed through
// it), "off" (--no-aia left it incomplete) or "failed" (a fetch failed or the URL was unusable,
// so it stays incomplete). Nothing when AIA was not needed. The URLs asked are `aia_fetched`.
void AiaVerdictFact(bool enabled, StepResult& step) {
  if (ChainUndecided(step.findings)) {
    step.facts["aia"] = enabled ? "failed" : "off";
  } else if (step.facts.count("aia_fetched")) {
    step.facts["aia"] = "fetched";
  }
}

// `cxa cert --connect` is the tls module's step under the operator's policy, run by the runner
// like any scenario's step (the same handshake, trust gate, AIA completion and evaluation).
constexpr std::string_view kConnectScenario =
    R"(<scenario name="cert" title="Certificate chain evaluation">
  <input name="host" required="true"/>
  <input name="port" type="port" default="443"/>
  <input name="name" default=""/>
  <step id="certificate" module="tls" title="Certificate chain of ${input.host}:${input.port}">
    <option name="host" value="${input.host}"/>
    <option name="port" value="${input.port}"/>
    <option name="name" value="${input.name}"/>
  </step>
</scenario>)";

// Runs kConnectScenario against `host`:`port`, the certificate checked for `name` ("" = host).
RunReport ConnectAndEvaluate(const std::string& host, const std::string& port,
                             const std::string& name, const TransportOptions& topts,
                             const cert::TrustPolicy& policy, std::time_t time,
                             const CommonOptions& common) {
  auto sc = LoadScenarioText(kConnectScenario, "cxa cert --connect", protocols::AllModules());
  if (!sc) throw std::runtime_error(sc.error());
  cert::CertEvaluator evaluator;
  CurlTransport transport(topts, evaluator);
  RunSettings settings;
  settings.operator_policy = policy;
  settings.verify_time = time;
  settings.timeouts = BuildTimeouts(common);
  settings.aia = !common.no_aia;
  ApplyRevocation(common, settings);
  Runner runner(protocols::AllModules(), transport, evaluator);
  return runner.Run(*sc, {{"host", host}, {"port", port}, {"name", name}}, settings, nullptr);
}

// --crl / --ocsp-response: judged as answers fetched for the chain (CRLs for every certificate
// their issuer issued, OCSP responses for the server's certificate).
cert::RevocationInput OfflineRevocation(const std::vector<std::string>& crls,
                                        const std::vector<std::string>& ocsp_responses) {
  cert::RevocationInput r;
  if (crls.empty() && ocsp_responses.empty()) return r;
  r.mode = cert::RevocationMode::kFetch;
  auto add = [&](cert::RevocationFetch::Kind kind, const std::string& file, const char* what) {
    cert::RevocationFetch f;
    f.kind = kind;
    f.url = file;
    f.body = std::make_shared<const std::string>(ReadFile(file, what));
    r.fetched.push_back(std::move(f));
  };
  for (const auto& f : ocsp_responses) {
    add(cert::RevocationFetch::Kind::kOcsp, f, "--ocsp-response");
  }
  for (const auto& f : crls) add(cert::RevocationFetch::Kind::kCrl, f, "--crl");
  return r;
}

bool IsIp(const std::string& s) {
  unsigned char b[16];
  return inet_pton(AF_INET, s.c_str(), b) == 1 || inet_pton(AF_INET6, s.c_str(), b) == 1;
}

}  // namespace

int CertVerb(int argc, char** argv) {
  CommonOptions common;
  std::string chain_file, connect, host, ip, servername, policy_name;
  std::vector<std::string> untrusted, crls, ocsp_responses;
  po::options_description d("Options");
  d.add_options()("chain", po::value(&chain_file)->value_name("FILE"),
                  "the chain as the server sends it (- for standard input)")(
      "connect", po::value(&connect)->value_name("HOST[:PORT]"),
      "grab the chain from a live server (port 443 by default)")(
      "servername", po::value(&servername)->value_name("NAME"),
      "with --connect to an IP address: the SNI name to send and to check")(
      "host", po::value(&host)->value_name("NAME"), "the DNS name the certificate must cover")(
      "ip", po::value(&ip)->value_name("ADDR"), "the IP address the certificate must cover")(
      "untrusted", po::value(&untrusted)->value_name("FILE")->composing(),
      "extra intermediates (PEM) that the server did not send, e.g. from the AIA URL")(
      "crl", po::value(&crls)->value_name("FILE")->composing(),
      "with --chain: a CRL (DER or PEM) to judge the path against; it counts for every "
      "certificate its issuer issued (repeatable)")(
      "ocsp-response", po::value(&ocsp_responses)->value_name("FILE")->composing(),
      "with --chain: an OCSP response (DER) about the server's certificate (repeatable)")(
      "policy", po::value(&policy_name)->value_name("POLICY"),
      "strict-public, public+custom or report-only (default: from --ca-file / --ignore-trust)");
  AddTrustOptions(d, common);
  AddNetworkOptions(d, common);
  AddOutputOptions(d, common);
  po::positional_options_description pos;
  po::variables_map vm;
  if (!Parse(argc, argv, d, pos, vm, kUsage, kFooter)) return kExitOk;
  if (chain_file.empty() == connect.empty())
    throw UsageError{"give exactly one of --chain or --connect"};
  if (!connect.empty() && !untrusted.empty()) {
    throw UsageError{"--untrusted goes with --chain (a live chain is completed through AIA)"};
  }
  if (!connect.empty() && (!crls.empty() || !ocsp_responses.empty())) {
    throw UsageError{
        "--crl and --ocsp-response go with --chain (a live run fetches them: "
        "--revocation fetch)"};
  }
  if (!host.empty() && !ip.empty()) throw UsageError{"give --host or --ip, not both"};
  if (!ip.empty() && !IsIp(ip)) throw UsageError{"--ip: '" + ip + "' is not an IP address"};
  CheckFormat(common.format, /*batch=*/false, /*has_targets=*/false);
  CheckOutput(common);
  std::optional<cert::TrustMode> forced;
  if (!policy_name.empty()) {
    forced = cert::ParseTrustMode(policy_name);
    if (!forced) throw UsageError{"--policy must be strict-public, public+custom or report-only"};
  }
  cert::TrustPolicy policy = BuildPolicy(common, forced);
  cert::CertEvaluator evaluator;
  cert::CertInput in;
  in.time = VerificationTime(common);
  in.host = !ip.empty() ? ip : host;
  for (const auto& f : untrusted) {
    for (auto& der : ReadChain(f, "--untrusted")) in.extra_intermediates.push_back(std::move(der));
  }
  in.revocation = OfflineRevocation(crls, ocsp_responses);

  RunReport report;
  report.tool_version = Version();
  report.scenario = "cert";
  report.scenario_title = "Certificate chain evaluation";
  report.started_at = FormatTime(std::time(nullptr));
  StepResult step;
  step.step_id = "certificate";
  step.module = "cert";
  step.trust_policy = policy.Summary();

  if (!chain_file.empty()) {
    report.mode = "offline";
    in.chain = ReadChain(chain_file, "--chain");
    report.inputs.emplace_back("chain", chain_file);
    step.title = "Certificate chain from " + chain_file;
    step.stage = Stage::kCertificate;
    // A chain whose issuer is not in the file: follow the AIA URL as a live run does, so the
    // file is judged missing_intermediate or untrusted_root rather than left undecided.
    cert::CertReport first = evaluator.Evaluate(in, policy);
    if (ChainUndecided(first.findings)) {
      CurlTransport transport(BuildTransportOptions(common), evaluator);
      AiaSettings aia;
      aia.enabled = !common.no_aia;
      aia.timeouts = BuildTimeouts(common);
      for (const auto& got : FollowAia(in, first, transport, evaluator, policy, aia)) {
        std::string& list = step.facts["aia_fetched"];
        list += (list.empty() ? "" : " ") + got.request.url;
      }
    }
  } else {
    report.mode = "live";
    std::string h = connect, port = "443";
    if (h.starts_with('[')) {
      size_t close = h.find(']');
      if (close == std::string::npos) throw UsageError{"--connect: bad address '" + connect + "'"};
      if (close + 1 < h.size() && h[close + 1] == ':') port = h.substr(close + 2);
      h = h.substr(1, close - 1);
    } else if (std::count(h.begin(), h.end(), ':') == 1) {
      port = h.substr(h.find(':') + 1);
      h = h.substr(0, h.find(':'));
    }
    if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos ||
        port.size() > 5 || std::stoi(port) < 1 || std::stoi(port) > 65535) {
      throw UsageError{"--connect: bad port in '" + connect + "'"};
    }
    TransportOptions topts = BuildTransportOptions(common);
    std::string url_host = h;
    if (!servername.empty()) {
      if (!IsIp(h)) throw UsageError{"--servername needs --connect with an IP address"};
      topts.resolve.push_back(servername + ":" + port + ":" + h);
      url_host = servername;
    }
    RunReport run = ConnectAndEvaluate(url_host, port, in.host, topts, policy, in.time, common);
    report.steps = std::move(run.steps);
    report.inputs.emplace_back("connect", connect);
    if (!in.host.empty()) report.inputs.emplace_back(!ip.empty() ? "ip" : "host", in.host);
    for (auto& s : report.steps) AiaVerdictFact(!common.no_aia, s);
    Emit(report, common);
    return report.ExitCode();
  }
  if (!in.host.empty()) report.inputs.emplace_back(!ip.empty() ? "ip" : "host", in.host);

  cert::CertReport cr = evaluator.Evaluate(in, policy);
  step.certificate = cr.summary;
  for (auto& f : cr.findings) step.findings.push_back(f);
  step.facts["certificate_trusted"] = cr.trusted ? "true" : "false";
  AiaVerdictFact(!common.no_aia, step);
  step.DeriveOutcome();
  report.steps.push_back(step);
  Emit(report, common);
  return report.ExitCode();
}

}  // namespace cxa::cli
