#include "tools/cxa/serve/page.h"

#include "core/text.h"

namespace cxa::cli::serve {

// The analyzer page: a form, the history, links.
std::string LandingPage(const ProbeModules& modules, const std::vector<HistoryEntry>& history) {
  std::string options;
  for (const auto& [name, m] : modules.modules) {
    options += "<option value=\"" + XmlEscape(name) + "\">" + XmlEscape(name) + " (" +
               XmlEscape(m->scenario.name) + ")</option>";
  }
  std::string rows;
  for (const auto& e : history) {
    rows += "<tr><td>" + XmlEscape(e.when) + "</td><td>" + XmlEscape(e.module) + "</td><td>" +
            XmlEscape(e.target) + "</td><td class=\"" + e.outcome + "\">" + e.outcome +
            "</td><td><code>" + XmlEscape(e.why) +
            "</code></td><td><a href=\"/report?id=" + std::to_string(e.id) +
            "\">report</a></td></tr>";
  }
  if (rows.empty()) rows = "<tr><td colspan=\"6\">no probes yet</td></tr>";
  return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>cxa serve</title>"
         "<meta name=\"viewport\" content=\"width=device-width\"><style>"
         "body{font-family:sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse}"
         "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}"
         ".passed,.warning{color:#176f2c}.failed,.error{color:#b00020}.incomplete{color:#8a5a00}"
         "</style></head><body><h1>cxa connectivity analyzer</h1>"
         "<form method=\"get\" action=\"/run\" id=\"probe\"><label>Test <select name=\"module\">" +
         options +
         "</select></label> <label>against <input name=\"target\" required size=\"40\" "
         "placeholder=\"mail.contoso.com or alice@contoso.com\"></label> "
         "<button type=\"submit\">Perform test</button></form>"
         "<h2>Recent results</h2><table id=\"history\"><tr><th>time (UTC)</th><th>module</th>"
         "<th>target</th><th>outcome</th><th>why</th><th></th></tr>" +
         rows +
         "</table><p><a href=\"/metrics\">the service's metrics</a> · <a href=\"/config\">the "
         "configuration in effect</a> · probes for Prometheus: "
         "<code>/probe?module=NAME&amp;target=TARGET</code></p></body></html>\n";
}

// The configuration in effect, secrets shown as <secret>.
std::string ConfigText(const ProbeModules& modules) {
  std::string out = "# " + modules.path + "\nmodules:\n";
  for (const auto& [name, m] : modules.modules) {
    const ModuleConfig& c = m->config;
    out += "  " + name + ":\n    scenario: " + c.scenario + "\n";
    if (!c.inputs.empty()) out += "    inputs:\n";
    for (const auto& [k, v] : c.inputs) out += "      " + k + ": " + v + "\n";
    if (!c.options.empty()) out += "    options:\n";
    for (const auto& [k, v] : c.options) out += "      " + k + ": " + v + "\n";
    if (!c.targets.empty()) out += "    targets: [" + Join(c.targets, ", ") + "]\n";
    if (!c.password_file.empty()) out += "    password_file: " + c.password_file + "  # <secret>\n";
    if (!c.password_env.empty()) out += "    password_env: " + c.password_env + "  # <secret>\n";
  }
  return out;
}

}  // namespace cxa::cli::serve
