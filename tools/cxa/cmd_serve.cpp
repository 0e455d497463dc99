// cxa serve: the monitoring service (tools/cxa/serve/): Prometheus probes, the service's own
// metrics and a small analyzer page, from a YAML configuration of modules.
#include <iostream>

#include "cli.h"
#include "core/targets.h"
#include "tools/cxa/serve/probe_module.h"
#include "tools/cxa/serve/serve_config.h"
#include "tools/cxa/serve/server.h"
#include "tools/cxa/serve/web_config.h"

namespace cxa::cli {
namespace {

const char* kUsage =
    "Usage: cxa serve --config FILE [--listen ADDR:PORT] [options]\n"
    "       cxa serve --check-config FILE\n"
    "\n"
    "Runs the scenarios of the configuration's modules when Prometheus (or a person) asks:\n"
    "  GET /probe?module=NAME&target=TARGET   the run as Prometheus metrics (docs/metrics.md);\n"
    "                                         &debug=true: the text report instead\n"
    "  GET /metrics                           the service's own metrics\n"
    "  GET /                                  a page to run a module by hand, and the history\n"
    "  GET /run, /api/run (same parameters)   the run's HTML report, or its JSON report\n"
    "  GET /config                            the configuration in effect, secrets hidden\n"
    "  POST /-/reload (or SIGHUP)             read the configuration again\n"
    "The probe's time budget is the module's timeout, within Prometheus' scrape timeout\n"
    "(X-Prometheus-Scrape-Timeout-Seconds) less --timeout-offset. SIGTERM drains the probes in\n"
    "flight (at most 30 s) and exits.";

const char* kFooter =
    "\nExamples:\n"
    "  cxa serve --config /etc/cxa/serve.yml\n"
    "  cxa serve --check-config /etc/cxa/serve.yml\n"
    "  curl 'http://127.0.0.1:9731/probe?module=owa&target=mail.contoso.com'\n"
    "\nThe configuration (YAML) is described in the README (Monitoring). Exit status: 0 stopped\n"
    "by a signal, or the configuration is valid; 2 usage or configuration error.\n";

}  // namespace

int ServeVerb(int argc, char** argv) {
  std::string config, check, listen = "127.0.0.1:9731";
  serve::ServeOptions o;
  po::options_description d("Options");
  d.add_options()("config", po::value(&config)->value_name("FILE"), "the modules to serve (YAML)")(
      "check-config", po::value(&check)->value_name("FILE"),
      "check FILE (its shape, every option, scenario and password reference) and exit: 0 "
      "valid, 2 with FILE:LINE and what is wrong")(
      "listen", po::value(&listen)->value_name("ADDR:PORT")->default_value(listen),
      "where to listen; loopback unless you say otherwise ([::1]:PORT for IPv6, 0.0.0.0:PORT "
      "for every interface, port 0 for any free port)")(
      "max-concurrent", po::value(&o.max_concurrent)->value_name("N")->default_value(8),
      "probes that may run at once (1-256); more requests get 503 at once")(
      "timeout-offset", po::value(&o.timeout_offset_s)->value_name("SECONDS")->default_value(0.5),
      "kept free of Prometheus' scrape timeout, for the answer to arrive")(
      "history", po::value(&o.history)->value_name("N")->default_value(100),
      "probe results the page keeps (0-10000)")(
      "max-connections", po::value(&o.max_connections)->value_name("N")->default_value(1024),
      "open client connections at once (16-65536); more are closed as they arrive, and idle "
      "ones close after --idle-timeout")(
      "idle-timeout", po::value(&o.idle_timeout_s)->value_name("SECONDS")->default_value(15),
      "a connection must send a whole request within this (slow clients are cut off), and is "
      "closed after this long idle")(
      "web.config.file", po::value(&o.web_config_path)->value_name("FILE"),
      "TLS and basic authentication for the listener, as Prometheus exporters configure them "
      "(tls_server_config: cert_file, key_file; basic_auth_users: USER: BCRYPT-HASH)");
  po::variables_map vm;
  if (!Parse(argc, argv, d, {}, vm, kUsage, kFooter)) return kExitOk;
  if (!check.empty()) {
    if (!config.empty()) throw UsageError{"--check-config and --config exclude each other"};
    auto c = serve::LoadServeConfig(check);
    if (!c) throw UsageError{c.error()};
    auto m = serve::PrepareModules(*c);
    if (!m) throw UsageError{m.error()};
    if (!o.web_config_path.empty()) {
      if (auto web = serve::LoadWebConfig(o.web_config_path); !web) throw UsageError{web.error()};
    }
    std::cout << check << ": valid, " << (*m)->modules.size() << " module(s)\n";
    return kExitOk;
  }
  if (config.empty()) throw UsageError{"which configuration? --config FILE"};
  if (o.max_concurrent < 1 || o.max_concurrent > 256) {
    throw UsageError{"--max-concurrent must be 1..256"};
  }
  if (o.history > 10000) throw UsageError{"--history must be 0..10000"};
  if (o.max_connections < 16 || o.max_connections > 65536) {
    throw UsageError{"--max-connections must be 16..65536"};
  }
  if (!(o.idle_timeout_s >= 0.1 && o.idle_timeout_s <= 3600)) {
    throw UsageError{"--idle-timeout must be 0.1..3600 seconds"};
  }
  if (!(o.timeout_offset_s >= 0 && o.timeout_offset_s < 60)) {
    throw UsageError{"--timeout-offset must be 0..60 seconds"};
  }
  auto hp = ParseHostTarget(listen);
  if (!hp || hp->port.empty() || listen.find("://") != std::string::npos) {
    throw UsageError{"--listen expects ADDR:PORT, got '" + listen + "'"};
  }
  o.address = hp->host;
  try {
    o.port = std::stoi(hp->port);
  } catch (const std::exception&) {
    o.port = -1;
  }
  if (o.port < 0 || o.port > 65535) throw UsageError{"--listen: bad port '" + hp->port + "'"};
  o.config_path = config;
  auto c = serve::LoadServeConfig(config);
  if (!c) throw UsageError{c.error()};
  auto modules = serve::PrepareModules(*c);
  if (!modules) throw UsageError{modules.error()};
  return serve::Serve(o, *modules);
}

}  // namespace cxa::cli
