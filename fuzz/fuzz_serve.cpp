// cxa serve's input: request targets from any client (the query parser), and the YAML of its
// configuration and web configuration files.
#include "tools/cxa/serve/query.h"
#include "tools/cxa/serve/serve_config.h"
#include "tools/cxa/serve/web_config.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)cxa::cli::serve::ParseRequestTarget(text);
  if (auto c = cxa::cli::serve::ParseServeConfig(text, "fuzz.yml")) {
    for (const auto& [name, m] : c->modules) (void)cxa::cli::serve::TargetAllowed(m.targets, name);
  }
  (void)cxa::cli::serve::ParseWebConfig(text, "web.yml");
  return 0;
}
