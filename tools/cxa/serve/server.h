// The HTTP side of `cxa serve` (Boost.Beast, one event loop; probes run on a pool of
// --max-concurrent threads): /probe for Prometheus, /metrics for the service's own metrics, the
// analyzer page (/), reports of its runs (/run, /api/run, /report), the configuration in effect
// (/config, secrets hidden) and /-/reload. Bounded: heads and bodies, idle connections, open
// connections, probes in flight (the rest get 503 at once).
#pragma once

#include <memory>
#include <string>

#include "tools/cxa/serve/probe_module.h"

namespace cxa::cli::serve {

struct ServeOptions {
  std::string config_path;
  std::string address = "127.0.0.1";
  int port = 9731;
  int max_concurrent = 8;
  double timeout_offset_s = 0.5;  // subtracted from X-Prometheus-Scrape-Timeout-Seconds
  size_t history = 100;           // probe results the page keeps
  std::string web_config_path;    // --web.config.file: TLS and basic authentication
  double idle_timeout_s = 15;     // a request head must arrive within this, idle ones close
  size_t max_connections = 1024;  // open client connections; more are closed at once
};

// Serves until SIGTERM or SIGINT (then drains the probes in flight, at most 30 s) and returns
// the exit code. Prints "listening on ADDR:PORT" once the socket is bound. SIGHUP reloads the
// configuration; a bad file keeps the modules in effect and says why on stderr.
int Serve(const ServeOptions& options, std::shared_ptr<const ProbeModules> modules);

}  // namespace cxa::cli::serve
