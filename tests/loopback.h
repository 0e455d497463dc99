// Shared by the loopback test files: the lab PKI and one fixture server per test process.
#pragma once

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "testing/fixtures.h"
#include "testing/process.h"
#include "testing/report_samples.h"

namespace cxa::testing {

// A `cxa run ... --format json` run: the command's result and its parsed report.
struct ScenarioRun {
  CommandResult cmd;
  nlohmann::json report;
  const nlohmann::json& Step(const std::string& id) const {
    for (const auto& s : report["steps"]) {
      if (s["id"] == id) return s;
    }
    FAIL("no step " << id);
    return report;
  }
  std::vector<std::string> Ids(const std::string& step) const {
    std::vector<std::string> v;
    for (const auto& f : Step(step)["findings"]) v.push_back(f["id"]);
    return v;
  }
  std::string Fact(const std::string& step, const std::string& name) const {
    const nlohmann::json& f = Step(step)["facts"];
    return f.contains(name) ? FactText(f[name]) : "";
  }
};

// Runs `argv` (a `cxa run ... --format json` command) with `env` and `input` on stdin, and
// parses its report; fails the test when no JSON report came out (stderr is shown).
inline ScenarioRun RunScenario(const std::vector<std::string>& argv,
                               const std::vector<std::string>& env = {},
                               const std::string& input = "", int timeout_s = 90) {
  ScenarioRun r;
  r.cmd = RunCommand(argv, input, timeout_s, env);
  INFO(r.cmd.err);
  REQUIRE(r.cmd.out.rfind("{", 0) == 0);
  r.report = nlohmann::json::parse(r.cmd.out);
  return r;
}

inline std::string LabPki() { return BinaryDir() + "/lab-pki"; }
inline std::string LabRoots() { return LabPki() + "/ca/public-roots.pem"; }

// The start of a `cxa run SCENARIO` against the lab (JSON unless told): the lab's public roots
// and a short timeout (loopback answers at once; a silent server must not stall the test).
inline std::vector<std::string> LabRunArgs(const std::string& scenario,
                                           const std::string& format = "json") {
  return {CxaBinary(), "run",       scenario, "--public-roots", LabRoots(), "--format",
          format,      "--timeout", "2"};
}

// One fixture server for the whole binary, started on first use.
class FixtureServer {
 public:
  // One server per configuration (fixtures/servers/<config>), started on first use.
  static FixtureServer& Get(const std::string& config = "tls.xml") {
    static std::map<std::string, std::unique_ptr<FixtureServer>> servers;
    auto& s = servers[config];
    if (!s) s.reset(new FixtureServer(config));
    return *s;
  }
  int Port(const std::string& site) {
    REQUIRE(ports_.count(site) == 1);
    return ports_.at(site);
  }
  // What the server received so far: one line per request,
  // "<site> <method> <target> <bytes> credentials=<kind>" (fixtures/FORMAT.md).
  std::string RequestLog() const {
    std::ifstream in(log_);
    return {std::istreambuf_iterator<char>(in), {}};
  }

 private:
  // `config`: a file under fixtures/servers/, or an absolute path (generated configs).
  explicit FixtureServer(const std::string& config) {
    REQUIRE(std::filesystem::exists(LabRoots()));
    std::string path = config[0] == '/' ? config : FixturesDir() + "/servers/" + config;
    std::filesystem::create_directories(BinaryDir() + "/test-logs");
    log_ = BinaryDir() + "/test-logs/" + std::filesystem::path(config).stem().string() + "-" +
           std::to_string(::getpid()) + ".requests";
    std::filesystem::remove(log_);
    REQUIRE(proc_.Start({BinaryDir() + "/tools/fixture-server", "--pki", LabPki(), "--config", path,
                         "--request-log", log_}));
    for (;;) {
      std::string line = proc_.WaitForLine("", 20);
      REQUIRE(!line.empty());
      if (line == "READY") break;
      if (line.rfind("SITE ", 0) == 0) {
        std::istringstream ss(line.substr(5));
        std::string name;
        int port = 0;
        ss >> name >> port;
        ports_[name] = port;
      }
    }
  }
  BackgroundProcess proc_;
  std::map<std::string, int> ports_;
  std::string log_;
};

}  // namespace cxa::testing
