// The hostile test set: servers that never speak, dribble, flood, lie about lengths, send bombs
// or broken RTS (tests/hostile/hostile_server.py, started and stopped by PID here). Each case
// must end with its finding, exit code, within its time bound and under a memory limit.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "loopback.h"

using namespace cxa::testing;
using nlohmann::json;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr long kPeakLimitKb = 768 * 1024;  // ASan's shadow memory and quarantine
constexpr double kSlack = 3;
#else
constexpr long kPeakLimitKb = 64 * 1024;
constexpr double kSlack = 1;
#endif

struct Case {
  const char* mode;
  const char* scenario;
  const char* step;     // the step that must report the finding
  const char* finding;  // its ID (also searched in the step's candidates)
  int exit_code;
  double max_seconds;
  bool plain_untouched = false;  // nothing reached the server's plain HTTP port (https-to-http)
};

// The scenario arguments for a case against the hostile server on `port`.
std::vector<std::string> ScenarioArgs(const std::string& scenario, int port) {
  std::string p = std::to_string(port);
  if (scenario == "tls-endpoint") {
    return {"--input",   "host=mail.contoso.test",
            "--input",   "port=" + p,
            "--resolve", "mail.contoso.test:" + p + ":127.0.0.1"};
  }
  if (scenario == "smtp") {
    return {"--input",   "host=mail.contoso.test",
            "--input",   "port=" + p,
            "--resolve", "mail.contoso.test:" + p + ":127.0.0.1"};
  }
  if (scenario == "owa") {
    return {"--input",      "url=https://mail.contoso.test:" + p + "/owa/",
            "--resolve",    "mail.contoso.test:" + p + ":127.0.0.1",
            "--connect-to", "mail.contoso.test:80:127.0.0.1:1"};
  }
  if (scenario == "o365-sso") {
    return {"--input",      "user=alice@contoso.test",
            "--input",      "realm_endpoint=https://sts.contoso.test:" + p,
            "--resolve",    "sts.contoso.test:" + p + ":127.0.0.1",
            "--connect-to", "sts.contoso.test:443:127.0.0.1:" + p};
  }
  // outlook and outlook-anywhere: Autodiscover against the server, or (rts-*) manual settings.
  std::vector<std::string> a = {"--input",        "email=alice@contoso.test",
                                "--input",        "user=alice",
                                "--password-env", "CXA_PW",
                                "--connect-to",   ":443:127.0.0.1:" + p,
                                "--connect-to",   ":80:127.0.0.1:1",
                                "--srv-record",   "_autodiscover._tcp.contoso.test="};
  if (scenario == "outlook-anywhere-manual") {
    a.insert(a.end(), {"--input", "rpc_proxy=mail.contoso.test", "--input", "auth=basic"});
  }
  return a;
}

bool HasFinding(const json& step, const std::string& id) {
  for (const auto& f : step["findings"]) {
    if (f["id"] == id) return true;
  }
  for (const auto& c : step["children"]) {
    if (HasFinding(c, id)) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("hostile servers end with a finding, in bounded time and memory", "[e2e][hostile]") {
  auto c = GENERATE(values<Case>({
      {"silent", "tls-endpoint", "tls", "tls.handshake.timeout", 1, 10},
      {"garbage", "tls-endpoint", "tls", "tls.handshake.failed", 1, 5},
      {"abort-handshake", "tls-endpoint", "tls", "tls.handshake.failed", 1, 5},
      {"big-chain", "tls-endpoint", "tls", "tls.certificate.rejected", 1, 10},
      {"many-sans", "tls-endpoint", "tls", "tls.handshake.failed", 1, 5},
      {"slow-body", "owa", "frontend", "http.transfer.timeout", 1, 15},
      {"endless-body", "owa", "frontend", "http.response.too_large", 1, 10},
      {"long-header", "owa", "frontend", "http.headers.too_large", 1, 5},
      {"many-headers", "owa", "frontend", "http.headers.too_large", 1, 5},
      {"http10", "owa", "frontend", "owa.auth.anonymous", 0, 5},
      {"not-http", "owa", "frontend", "http.response.malformed", 1, 5},
      {"bad-status", "owa", "frontend", "http.response.malformed", 1, 5},
      {"http-unknown-version", "owa", "frontend", "http.response.malformed", 1, 5},
      {"redirect-chain", "owa", "frontend", "owa.http.redirect_loop", 1, 5},
      {"redirect-loop", "owa", "frontend", "owa.http.redirect_loop", 1, 5},
      // Signed in over HTTPS, then sent to plain HTTP: refused, the password never follows.
      {"https-to-http", "outlook-anywhere", "autodiscover", "autodiscover.redirect.refused", 1, 10,
       true},
      {"realm-bomb", "o365-sso", "realm", "realm.lookup.unavailable", 1, 5},
      {"xml-bomb", "o365-sso", "mex", "adfs.mex.malformed", 1, 5},
      {"xml-bomb", "o365-sso", "metadata", "adfs.metadata.malformed", 1, 5},
      {"autodiscover-bomb", "outlook-anywhere", "autodiscover", "autodiscover.answer.malformed", 1,
       10},
      {"rts-long-frag", "outlook-anywhere-manual", "store", "oa.rpc.protocol_error", 1, 20},
      {"rts-unknown-command", "outlook-anywhere-manual", "store", "oa.rpc.protocol_error", 1, 10},
      {"rts-bad-count", "outlook-anywhere-manual", "store", "oa.rpc.protocol_error", 1, 10},
      // Each byte comes within the read timeout; the stream's overall budget (3 x --timeout)
      // still ends each endpoint's channel.
      {"rts-dribble", "outlook-anywhere-manual", "store", "oa.rpc.protocol_error", 1, 30},
      // Mail servers: replies and lines that never end are cut at their bounds; a greeting
      // dribbled byte by byte ends when the stream's budget does.
      {"mapi-lying-chunk", "outlook", "session", "http.response.malformed", 1, 10},
      {"mapi-endless-pending", "outlook", "session", "http.response.too_large", 1, 10},
      {"mapi-huge-body", "outlook", "session", "http.response.too_large", 1, 10},
      {"smtp-endless", "smtp", "mx1", "smtp.reply.malformed", 1, 5},
      {"smtp-long-line", "smtp", "mx1", "smtp.reply.malformed", 1, 5},
      {"smtp-dribble", "smtp", "mx1", "smtp.banner.timeout", 1, 12},
  }));
  INFO(c.mode << " / " << c.scenario);
  std::string work = BinaryDir() + "/test-logs/hostile-" + std::to_string(::getpid());
  std::filesystem::create_directories(work);
  std::string plain_log = work + "/plain-requests.log";
  std::filesystem::remove(plain_log);
  BackgroundProcess server;
  REQUIRE(server.Start({"/usr/bin/python3", SourceDir() + "/tests/hostile/hostile_server.py",
                        "--pki", LabPki(), "--work", work, c.mode}));
  std::string line = server.WaitForLine("PORT ", 120);  // big-chain makes 200 certificates
  REQUIRE(!line.empty());
  int port = std::stoi(line.substr(5));
  REQUIRE(!server.WaitForLine("READY", 10).empty());

  std::string scenario = c.scenario;
  if (scenario == "outlook-anywhere-manual") scenario = "outlook-anywhere";
  std::vector<std::string> args = {"/usr/bin/time", "-f",     "CXA_PEAK_KB=%M", CxaBinary(),
                                   "run",           scenario, "--public-roots", LabRoots(),
                                   "--timeout",     "2",      "--format",       "json"};
  auto extra = ScenarioArgs(c.scenario, port);
  args.insert(args.end(), extra.begin(), extra.end());
  CommandResult r = RunCommand(args, "", 120, {"CXA_PW=not-a-real-password"});
  INFO(r.err);
  REQUIRE(r.out.rfind("{", 0) == 0);
  json report = json::parse(r.out);
  CHECK(r.exit_code == c.exit_code);
  const json* step = nullptr;
  for (const auto& s : report["steps"]) {
    if (s["id"] == c.step) step = &s;
  }
  REQUIRE(step != nullptr);
  CHECK(HasFinding(*step, c.finding));
  CHECK(r.seconds < c.max_seconds * kSlack);
  size_t at = r.err.rfind("CXA_PEAK_KB=");
  REQUIRE(at != std::string::npos);
  long peak_kb = std::stol(r.err.substr(at + 12));
  CHECK(peak_kb < kPeakLimitKb);
  if (c.plain_untouched) CHECK_FALSE(std::filesystem::exists(plain_log));
}

TEST_CASE("bytes that are not UTF-8 and terminal escapes never break a report or a batch",
          "[e2e][hostile]") {
  std::string work = BinaryDir() + "/test-logs/hostile-utf8-" + std::to_string(::getpid());
  std::filesystem::create_directories(work);
  BackgroundProcess server;
  REQUIRE(server.Start({"/usr/bin/python3", SourceDir() + "/tests/hostile/hostile_server.py",
                        "--pki", LabPki(), "--work", work, "bad-utf8"}));
  std::string line = server.WaitForLine("PORT ", 60);
  REQUIRE(!line.empty());
  int port = std::stoi(line.substr(5));
  REQUIRE(!server.WaitForLine("READY", 10).empty());
  auto command = [&](const std::string& scenario) {
    std::vector<std::string> args = {CxaBinary(), "run",       scenario, "--public-roots",
                                     LabRoots(),  "--timeout", "2"};
    auto extra = ScenarioArgs(scenario, port);
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  std::vector<std::string> base = command("o365-sso");

  // Each scenario in every format: each renders, none carries a raw escape, the JUnit report is
  // valid XML and the HTML well-formed. The certificate's subject and one alternative name hold
  // escapes; so do the realm, MEX, metadata and Autodiscover answers and the headers.
  for (const char* scenario : {"o365-sso", "owa", "outlook-anywhere"}) {
    for (const char* format : {"json", "text", "junit", "html", "prometheus"}) {
      INFO(scenario << " " << format);
      std::vector<std::string> args = command(scenario);
      args.insert(args.end(), {"--format", format, "--no-color"});
      CommandResult r = RunCommand(args, "", 60, {"CXA_PW=not-a-real-password"});
      INFO(r.err);
      CHECK((r.exit_code == 0 || r.exit_code == 1));
      CHECK(r.out.find('\x1b') == std::string::npos);
      CHECK(r.out.find("\xc2\x9b") == std::string::npos);
      CHECK(r.out.find('\x07') == std::string::npos);
      CHECK(r.err.find('\x1b') == std::string::npos);
      std::string path = work + "/report-" + scenario + "." + format;
      std::ofstream(path) << r.out;
      if (std::string(format) == "json") {
        json report = json::parse(r.out);  // throws on invalid UTF-8
        if (std::string(scenario) == "o365-sso") {
          CHECK(report["steps"][0]["facts"]["brand"].get<std::string>().find("\xEF\xBF\xBD") !=
                std::string::npos);
        }
      }
      if (std::string(format) == "junit") {
        CHECK(RunCommand({"/usr/bin/xmllint", "--noout", path}, "", 30).exit_code == 0);
      }
      if (std::string(format) == "prometheus") {
        // Prometheus' own linter accepts the exposition: the hostile names stay label values.
        CommandResult check = RunCommand({"/usr/bin/promtool", "check", "metrics"}, r.out, 30);
        INFO(check.out << check.err);
        CHECK(check.exit_code == 0);
      }
      if (std::string(format) == "html") {
        CommandResult check = RunCommand(
            {"/usr/bin/python3", SourceDir() + "/tests/hostile/html_check.py", path}, "", 30);
        INFO(check.out);
        CHECK(check.exit_code == 0);
      }
      if (std::string(format) == "text") {
        // The escapes are shown, visibly: the names are not silently dropped.
        CHECK_THAT(r.out, Catch::Contains("\\x1b"));
      }
    }
  }

  // A batch of 1,000 targets: every record arrives, each one valid JSON.
  std::string targets = work + "/targets.txt";
  {
    std::ofstream t(targets);
    for (int i = 0; i < 1000; ++i) t << "user" << i << "@contoso.test\n";
  }
  std::vector<std::string> args = base;
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--input" && args[i + 1].rfind("user=", 0) == 0) {
      args.erase(args.begin() + static_cast<long>(i), args.begin() + static_cast<long>(i) + 2);
      break;
    }
  }
  args.insert(args.end(), {"--targets", targets, "--parallel", "32", "--format", "jsonl"});
  CommandResult r = RunCommand(args, "", 300);
  INFO(r.err.substr(0, 2000));
  CHECK((r.exit_code == 0 || r.exit_code == 1));
  size_t records = 0, at = 0;
  while (at < r.out.size()) {
    size_t nl = r.out.find('\n', at);
    REQUIRE(nl != std::string::npos);
    json record = json::parse(r.out.substr(at, nl - at));
    CHECK(record["exit_code"] != 3);
    ++records;
    at = nl + 1;
  }
  CHECK(records == 1000);
}
