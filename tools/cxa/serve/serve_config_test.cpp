#include "tools/cxa/serve/serve_config.h"

#include <catch2/catch.hpp>

using namespace cxa;
using namespace cxa::cli::serve;

namespace {

std::string ErrorOf(const std::string& text) {
  auto c = ParseServeConfig(text, "cxa.yml");
  return c ? std::string() : c.error();
}

}  // namespace

TEST_CASE("serve configuration: modules with scenario, inputs, options, targets", "[unit][serve]") {
  auto c = ParseServeConfig(R"(# monitoring
modules:
  owa:
    scenario: owa
    inputs:
      path: /owa/
    options:
      public-roots: /etc/cxa/roots.pem
      resolve: [mail.contoso.test:443:192.0.2.1, autodiscover.contoso.test:443:192.0.2.1]
      ignore-trust: true
      timeout: 5
    targets: [mail.contoso.com, "*.fabrikam.com"]
  o365:
    scenario: o365-sso
    password_file: /etc/cxa/probe.password
)",
                            "cxa.yml");
  REQUIRE(c.ok());
  REQUIRE(c->modules.size() == 2);
  const ModuleConfig& owa = c->modules.at("owa");
  CHECK(owa.line == 3);
  CHECK(owa.scenario == "owa");
  CHECK(owa.inputs == std::vector<std::pair<std::string, std::string>>{{"path", "/owa/"}});
  CHECK(owa.options == std::vector<std::pair<std::string, std::string>>{
                           {"public-roots", "/etc/cxa/roots.pem"},
                           {"resolve", "mail.contoso.test:443:192.0.2.1"},
                           {"resolve", "autodiscover.contoso.test:443:192.0.2.1"},
                           {"ignore-trust", "true"},
                           {"timeout", "5"}});
  CHECK(owa.targets == std::vector<std::string>{"mail.contoso.com", "*.fabrikam.com"});
  CHECK(c->modules.at("o365").password_file == "/etc/cxa/probe.password");
}

TEST_CASE("serve configuration: every error names the file and line", "[unit][serve]") {
  struct Case {
    const char* text;
    const char* where;
    const char* says;
  };
  auto c = GENERATE(values<Case>({
      {"", "cxa.yml:", "empty"},
      {"modules: [a, b]\n", "cxa.yml:1:", "mapping of module names"},
      {"modules:\n  a:\n    scenario: owa\n  b:\n    scenarios: owa\n",
       "cxa.yml:5:", "did you mean 'scenario'"},
      {"modules:\n  a:\n    inputs: {host: x}\n", "cxa.yml:2:", "no scenario"},
      {"modules:\n  a:\n    scenario: owa\n    password: hunter2\n",
       "cxa.yml:4:", "never goes into the file"},
      {"modules:\n  a:\n    scenario: owa\n    inputs:\n      proxy_password: x\n",
       "cxa.yml:5:", "never goes into the file"},
      {"modules:\n  a:\n    scenario: owa\n    options:\n      format: json\n",
       "cxa.yml:5:", "from the request"},
      {"modules:\n  a:\n    scenario: owa\n    options:\n      password-stdin: true\n",
       "cxa.yml:5:", "no terminal"},
      {"modules:\n  a:\n    scenario: owa\n    targets: [\"bad name\"]\n",
       "cxa.yml:4:", "target pattern"},
      {"modules:\n  a:\n    scenario: owa\n  a:\n    scenario: owa\n",
       "cxa.yml:4:", "appears twice"},
      {"modules:\n  a:\n    scenario: owa\n    password_file: /x\n    password_env: X\n",
       "cxa.yml:2:", "not both"},
      {"modules:\n  a:\n    scenario: owa\n    password_env: 'X Y'\n",
       "cxa.yml:2:", "environment variable"},
      {"modules:\n  a:\n    scenario: [owa]\n", "cxa.yml:3:", "single value"},
      {"modules:\n  a b:\n    scenario: owa\n", "cxa.yml:2:", "module name"},
      {"modules:\n  a:\n    scenario: owa\n  - x\n", "cxa.yml:", ""},
      {"modulez:\n  a:\n    scenario: owa\n", "cxa.yml:1:", "did you mean 'modules'"},
      {"modules:\n  a: {scenario: owa, options: {input: x}}\n", "cxa.yml:2:", "inputs:"},
  }));
  INFO(c.text);
  const std::string e = ErrorOf(c.text);
  CHECK(e.rfind(c.where, 0) == 0);
  CHECK(e.find(c.says) != std::string::npos);
}

TEST_CASE("serve configuration: a file that cannot be read or is too large", "[unit][serve]") {
  auto missing = LoadServeConfig("/nonexistent/cxa.yml");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error() == "/nonexistent/cxa.yml: cannot be read");
}

TEST_CASE("serve allow-list: exact names and *.DOMAIN, for hosts and addresses", "[unit][serve]") {
  const std::vector<std::string> p = {"mail.contoso.com", "*.fabrikam.com"};
  CHECK(TargetAllowed({}, "anything.example"));
  CHECK(TargetAllowed(p, "mail.contoso.com"));
  CHECK(TargetAllowed(p, "MAIL.contoso.com"));
  CHECK(TargetAllowed(p, "mail.contoso.com:8443"));
  CHECK(TargetAllowed(p, "https://mail.contoso.com/owa/"));
  CHECK_FALSE(TargetAllowed(p, "https://mail.contoso.com@evil.test/"));
  CHECK_FALSE(TargetAllowed(p, "evil.test:443"));
  CHECK(TargetAllowed(p, "alice@mail.contoso.com"));
  CHECK(TargetAllowed(p, "sts.fabrikam.com"));
  CHECK(TargetAllowed(p, "bob@eu.fabrikam.com"));
  CHECK_FALSE(TargetAllowed(p, "fabrikam.com"));
  CHECK_FALSE(TargetAllowed(p, "contoso.com"));
  CHECK_FALSE(TargetAllowed(p, "evilfabrikam.com"));
  CHECK_FALSE(TargetAllowed(p, "mail.contoso.com.evil.test"));
}
