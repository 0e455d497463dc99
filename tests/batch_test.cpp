// Batch runs (`cxa run o365-sso --targets FILE`) end to end: 1,000 generated domains against a
// generated realm directory and a few AD FS farms on the fixture server.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "loopback.h"

using namespace cxa::testing;
using nlohmann::json;

namespace {

// A loopback listener that never accepts (its descriptor, to close, and its port).
std::pair<int, std::string> SilentListener(int backlog) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(fd, backlog) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  return {fd, std::to_string(ntohs(addr.sin_port))};
}

constexpr int kDomains = 1000;
constexpr int kHealthyHosts = 20;

// Domain i: i%10 == 0 managed, 1 federated to a self-signed AD FS, 2 federated to an AD FS whose
// token-signing certificate expired, 3 unknown (not in the directory), else federated to one of
// 20 healthy farms stsN.bulk.test.
std::string Domain(int i) { return "d" + std::to_string(i) + ".bulk-fed.test"; }

const std::string& BulkConfig() {
  static const std::string path = [] {
    std::string adfs = FixturesDir() + "/servers/adfs/";
    std::filesystem::create_directories(BinaryDir() + "/test-logs");
    std::string p = BinaryDir() + "/test-logs/bulk-1000.xml";
    std::ofstream out(p);
    out << "<fixture-server>\n<site name=\"realm\" pki=\"realm-endpoint\" "
           "host=\"login.cxa.test\">\n";
    for (int i = 0; i < kDomains; ++i) {
      switch (i % 10) {
        case 0:
          out << "<realm domain=\"" << Domain(i) << "\" namespace=\"Managed\"/>\n";
          break;
        case 1:
          out << "<realm domain=\"" << Domain(i) << "\" sts=\"sts.fabrikam.test\"/>\n";
          break;
        case 2:
          out << "<realm domain=\"" << Domain(i) << "\" sts=\"lapsed.bulk.test\"/>\n";
          break;
        case 3:
          break;
        default:
          out << "<realm domain=\"" << Domain(i) << "\" sts=\"sts" << (i / 10) % kHealthyHosts
              << ".bulk.test\"/>\n";
      }
    }
    out << "</site>\n";
    auto site = [&](const char* name, const char* pki, const char* host, const char* listener,
                    const char* metadata) {
      out << "<site name=\"" << name << "\" pki=\"" << pki << "\" host=\"" << host
          << "\" listener=\"" << listener << "\">"
          << "<route method=\"GET\" target=\"/adfs/services/trust/mex\" file=\"" << adfs
          << "mex.xml\"/>"
          << "<route method=\"GET\" target=\"/FederationMetadata/2007-06/FederationMetadata.xml\" "
             "file=\""
          << adfs << metadata << "\"/></site>\n";
    };
    site("sts-bulk", "sts-wildcard", "sts.bulk.test", "bulk", "metadata-current.xml");
    site("sts-lapsed", "sts-wildcard", "lapsed.bulk.test", "bulk", "metadata-expired.xml");
    site("sts-self-signed", "sts-self-signed", "sts.fabrikam.test", "fabrikam",
         "metadata-current.xml");
    out << "</fixture-server>\n";
    return p;
  }();
  return path;
}

const std::string& TargetsFile() {
  static const std::string path = [] {
    std::string p = BinaryDir() + "/test-logs/bulk-1000.txt";
    std::ofstream out(p);
    out << "# 1,000 generated domains (and three bad lines)\n";
    for (int i = 0; i < kDomains; ++i) {
      out << (i % 2 ? "user" + std::to_string(i) + "@" : "") << Domain(i) << "\n";
      if (i == 4) out << "second.user@" << Domain(4) << "\n";  // same domain: no second lookup
      if (i == 500) out << "not a domain\nx@@y.test\n\n-bad.test\n";
    }
    return p;
  }();
  return path;
}

std::vector<std::string> BatchArgs(FixtureServer& fs, const std::string& format) {
  std::string realm = std::to_string(fs.Port("realm"));
  std::vector<std::string> args = {CxaBinary(),
                                   "run",
                                   "o365-sso",
                                   "--targets",
                                   TargetsFile(),
                                   "--parallel",
                                   "16",
                                   "--realm-endpoint",
                                   "https://login.cxa.test:" + realm,
                                   "--resolve",
                                   "login.cxa.test:" + realm + ":127.0.0.1",
                                   "--public-roots",
                                   LabRoots(),
                                   "--no-aia",
                                   "--format",
                                   format};
  auto to = [&](const std::string& host, const std::string& site) {
    args.insert(args.end(),
                {"--connect-to", host + ":443:127.0.0.1:" + std::to_string(fs.Port(site))});
  };
  for (int n = 0; n < kHealthyHosts; ++n) to("sts" + std::to_string(n) + ".bulk.test", "sts-bulk");
  to("lapsed.bulk.test", "sts-lapsed");
  to("sts.fabrikam.test", "sts-self-signed");
  return args;
}

int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("1,000 domains: csv records, one check per AD FS host, the right counts",
          "[e2e][loopback][o365][batch]") {
  auto& fs = FixtureServer::Get(BulkConfig());
  std::string before = fs.RequestLog();
  CommandResult r = RunCommand(BatchArgs(fs, "csv"), "", 300);
  INFO(r.err.substr(0, 2000));
  CHECK(r.exit_code == 1);  // some domains fail
  std::istringstream lines(r.out);
  std::string line;
  std::getline(lines, line);
  CHECK(line ==
        "line,target,outcome,exit_code,domain,namespace,sts host,certificate,token-signing "
        "until,sts port,findings");
  std::map<std::string, int> outcomes;
  std::map<int, std::string> by_kind;  // i % 10 -> a sample record
  int records = 0;
  while (std::getline(lines, line)) {
    ++records;
    std::vector<std::string> f;
    std::string cell;
    std::istringstream cells(line);
    while (std::getline(cells, cell, ',')) f.push_back(cell);
    REQUIRE(f.size() >= 9);
    outcomes[f[2]]++;
    std::string target = f[1];
    int i = std::stoi(target.substr(target.find('d', target.find('@') + 1) + 1));
    by_kind[i % 10] = line;
  }
  CHECK(records == kDomains + 1);
  CHECK(outcomes["passed"] == 601);
  CHECK(outcomes["failed"] == 400);
  CHECK_THAT(by_kind[0],
             Catch::Contains(",failed,1,") && Catch::Contains("realm.namespace.managed"));
  CHECK_THAT(by_kind[1], Catch::Contains("cert.chain.self_signed"));
  CHECK_THAT(by_kind[2], Catch::Contains("adfs.token_signing.expired"));
  CHECK_THAT(by_kind[3], Catch::Contains("realm.namespace.unknown"));
  CHECK_THAT(by_kind[5], Catch::Contains(",passed,0,") && Catch::Contains(",Federated,sts"));
  // Three bad lines, reported with their line numbers, skipped.
  CHECK(Count(r.err, "skipped \"") == 3);
  CHECK_THAT(r.err, Catch::Contains(":504: skipped \"not a domain\""));
  // One MEX and one metadata fetch per distinct healthy or lapsed host, one realm lookup each.
  std::string log = fs.RequestLog().substr(before.size());
  CHECK(Count(log, "GET /adfs/services/trust/mex") == kHealthyHosts + 1);
  CHECK(Count(log, "GET /FederationMetadata/") == kHealthyHosts + 1);
  CHECK(Count(log, "GET /getuserrealm.srf?") == kDomains);
  CHECK(Count(log, "sts-self-signed ") == 0);
}

TEST_CASE("batch jsonl: one valid JSON record per target, with the full report",
          "[e2e][loopback][o365][batch]") {
  auto& fs = FixtureServer::Get(BulkConfig());
  CommandResult r = RunCommand(BatchArgs(fs, "jsonl"), "", 300);
  CHECK(r.exit_code == 1);
  std::istringstream lines(r.out);
  std::string line;
  int records = 0, passed = 0;
  std::set<int> seen_lines;
  while (std::getline(lines, line)) {
    ++records;
    json j = json::parse(line);  // throws (fails the test) on invalid JSON
    REQUIRE(j.contains("target"));
    seen_lines.insert(j["line"].get<int>());
    if (j["outcome"] == "passed") {
      ++passed;
      CHECK(j["columns"]["namespace"] == "Federated");
      CHECK(j["report"]["steps"].size() == 5);
      CHECK(j["report"]["scenario"]["name"] == "o365-sso");
    }
  }
  CHECK(records == kDomains + 1);
  CHECK(passed == 601);
  CHECK(seen_lines.size() == static_cast<size_t>(kDomains + 1));
}

TEST_CASE("batch text: summary table and totals, and a progress bar only on a terminal",
          "[e2e][loopback][o365][batch]") {
  auto& fs = FixtureServer::Get(BulkConfig());
  CommandResult piped = RunCommand(BatchArgs(fs, "text"), "", 300);
  CHECK(piped.exit_code == 1);
  CHECK_THAT(piped.out, Catch::Contains("target") && Catch::Contains("sts host") &&
                            Catch::Contains("token-signing until"));
  CHECK_THAT(piped.out,
             Catch::Contains("1001 targets: 601 passed, 400 failed; 3 bad lines skipped"));
  // The failed targets come first, each with its reason, and the findings are tallied.
  std::string first_row = piped.out.substr(piped.out.find('\n', piped.out.find("reason")) + 1);
  first_row = first_row.substr(0, first_row.find('\n'));
  CHECK_THAT(first_row, Catch::StartsWith("d0.bulk-fed.test ") && Catch::Contains(" failed ") &&
                            Catch::EndsWith(" realm.namespace.managed"));
  CHECK_THAT(piped.out, Catch::Contains("\nfindings: adfs.token_signing.expired ×100, "
                                        "cert.chain.self_signed ×100, realm.namespace.managed "
                                        "×100, realm.namespace.unknown ×100\n"));
  CHECK(piped.out.find("checks shared between targets") == std::string::npos);  // only with -v
  // 1,000 realm lookups (one per domain), 22 hosts' TLS checks, 21 MEX and 21 metadata checks
  // (the self-signed farm stops at TLS).
  std::vector<std::string> verbose = BatchArgs(fs, "text");
  verbose.push_back("-v");
  CHECK_THAT(RunCommand(verbose, "", 300).out,
             Catch::Contains("checks shared between targets (same host and options): 1064 run"));
  CHECK(piped.err.find("ETA") == std::string::npos);  // nothing drawn when not on a terminal

  if (!std::filesystem::exists("/usr/bin/script")) return;
  std::string cmd;
  for (const auto& a : BatchArgs(fs, "text")) cmd += "'" + a + "' ";
  // Each drawing of the bar, as the terminal got it.
  auto drawings = [](const std::string& out) {
    std::vector<std::string> v;
    const std::string erase = "\r\033[K";
    for (size_t at = out.find(erase); at != std::string::npos;) {
      size_t next = out.find(erase, at + erase.size());
      std::string d =
          out.substr(at + erase.size(),
                     next == std::string::npos ? std::string::npos : next - at - erase.size());
      if (!d.empty() && d.find('\n') == std::string::npos) v.push_back(d);
      at = next;
    }
    return v;
  };
  auto columns = [](const std::string& s) {  // one column per code point (the bar's symbols)
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
  };
  CommandResult tty = RunCommand(
      {"/usr/bin/script", "-qec", "stty cols 160; " + cmd + ">/dev/null", "/dev/null"}, "", 300);
  INFO(tty.out.substr(0, 500));
  CHECK_THAT(tty.out,
             Catch::Contains("/1001") && Catch::Contains("ETA") && Catch::Contains("o365-sso ["));
  CHECK_THAT(tty.out, Catch::Contains(" in flight  0:0"));  // targets in flight, elapsed time
  // A narrow terminal: the bar gives up parts rather than wrap.
  CommandResult narrow = RunCommand(
      {"/usr/bin/script", "-qec", "stty cols 50; " + cmd + ">/dev/null", "/dev/null"}, "", 300);
  auto drawn = drawings(narrow.out);
  CHECK(drawn.size() > 2);
  for (const auto& d : drawn) {
    INFO(d);
    CHECK(columns(d) <= 49);
  }
}

TEST_CASE("batch usage errors are refused before any I/O", "[e2e][o365][batch]") {
  std::string targets = TargetsFile();
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {CxaBinary(), "run"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCommand(args);
  };
  CHECK(run({"o365-sso", "--targets", targets, "--format", "json"}).exit_code == 2);
  CHECK(run({"o365-sso", "--targets", targets, "--password-env", "HOME"}).exit_code == 2);
  CHECK(run({"o365-sso", "--targets", targets, "--input", "user=a@b.test"}).exit_code == 2);
  CHECK(run({"o365-sso", "--targets", targets, "--parallel", "0"}).exit_code == 2);
  CHECK(run({"o365-sso", "--input", "user=a@b.test", "--parallel", "4"}).exit_code == 2);
  CHECK(run({"o365-sso", "--input", "user=a@b.test", "--format", "csv"}).exit_code == 2);
  std::string no_target = BinaryDir() + "/test-logs/no-target-input.xml";
  std::ofstream(no_target) << "<scenario name=\"no-target\"><input name=\"host\" "
                              "required=\"true\"/><step id=\"t\" module=\"tls\"><option "
                              "name=\"host\" value=\"${input.host}\"/></step></scenario>";
  CommandResult r0 = run({no_target, "--targets", targets});
  CHECK(r0.exit_code == 2);
  CHECK_THAT(r0.err, Catch::Contains("takes no --targets"));
  CHECK(run({"o365-sso", "--targets", "/nonexistent/list.txt"}).exit_code == 2);
  std::string csv = BinaryDir() + "/test-logs/no-user-column.csv";
  std::ofstream(csv) << "name,office\nAlice,alice@contoso.test\n";  // no column says what
  CommandResult r = run({"o365-sso", "--targets", csv});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("names no target column"));
  CHECK(run({"o365-sso", "--targets", csv, "--targets-column", "email"}).exit_code == 2);
  std::string bad = BinaryDir() + "/test-logs/only-bad.txt";
  std::ofstream(bad) << "# nothing usable\nnot a domain\n";
  CHECK(run({"o365-sso", "--targets", bad}).exit_code == 2);
}

TEST_CASE("tls-endpoint --targets: host:port lines, '*' in --resolve aims every name at one server",
          "[e2e][loopback][batch]") {
  auto& fs = FixtureServer::Get("tls.xml");
  std::string good = std::to_string(fs.Port("good"));
  std::string self_signed = std::to_string(fs.Port("self-signed"));
  std::string list = BinaryDir() + "/test-logs/tls-targets-" + std::to_string(::getpid()) + ".txt";
  {
    std::ofstream out(list);
    for (int i = 0; i < 40; ++i) {
      out << (i % 2 ? "mail" : "autodiscover") << ".contoso.test:" << good << "\n";
    }
    out << "mail.contoso.test:" << self_signed << "\n";
    out << "www.contoso.test:" << good << "\n";  // not a name of that certificate
  }
  // The wave in FORMAT, written to OUT when given.
  auto wave = [&](const std::string& format, const std::string& out = "") {
    std::vector<std::string> args = {CxaBinary(),
                                     "run",
                                     "tls-endpoint",
                                     "--targets",
                                     list,
                                     "--resolve",
                                     "*:" + good + ":127.0.0.1",
                                     "--resolve",
                                     "*:" + self_signed + ":127.0.0.1",
                                     "--public-roots",
                                     LabRoots(),
                                     "--no-aia",
                                     "--parallel",
                                     "8",
                                     "--format",
                                     format};
    if (!out.empty()) args.insert(args.end(), {"-o", out});
    return RunCommand(args);
  };
  // How often `what` stands in `text`.
  auto count = [](const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  CommandResult r = wave("jsonl");
  CHECK(r.exit_code == 1);
  std::istringstream lines(r.out);
  std::map<std::string, int> outcomes;
  std::map<std::string, std::string> verdict_of;
  for (std::string line; std::getline(lines, line);) {
    json j = json::parse(line);
    outcomes[j["outcome"]]++;
    verdict_of[j["target"]] = j["columns"]["certificate"];
    // The line's port reached the scenario's port input.
    CHECK(FactText(j["report"]["steps"][0]["facts"]["port"]) ==
          j["target"].get<std::string>().substr(j["target"].get<std::string>().rfind(':') + 1));
  }
  CHECK(outcomes["passed"] == 40);
  CHECK(outcomes["failed"] == 2);
  CHECK(verdict_of["mail.contoso.test:" + self_signed] == "cert.chain.self_signed");
  CHECK(verdict_of["www.contoso.test:" + good] == "cert.name.mismatch");

  // The same wave as JUnit: one testsuite per target, valid against docs/junit.xsd.
  std::string xml = list + ".xml";
  CommandResult junit = wave("junit", xml);
  CHECK(junit.exit_code == 1);
  CommandResult valid =
      RunCommand({"/usr/bin/xmllint", "--noout", "--schema", SourceDir() + "/docs/junit.xsd", xml});
  INFO(valid.err);
  CHECK(valid.exit_code == 0);
  std::string doc = ReadText(xml);
  CHECK(count(doc, "<testsuite ") == 42);
  CHECK_THAT(doc, Catch::Contains("name=\"www.contoso.test:" + good + "\"") &&
                      Catch::Contains("type=\"cert.name.mismatch\""));
  std::filesystem::remove(xml);

  // And as one HTML page: a table per sort order, each target's report below it.
  std::string page = list + ".html";
  CommandResult html = wave("html", page);
  CHECK(html.exit_code == 1);
  CommandResult well_formed =
      RunCommand({"/usr/bin/python3", SourceDir() + "/tests/hostile/html_check.py", page}, "", 30);
  INFO(well_formed.out);
  CHECK(well_formed.exit_code == 0);
  std::string text = ReadText(page);
  CHECK(count(text, "<details class=\"target ") == 42);
  CHECK(count(text, "<details class=\"target failed\" id=\"t-") == 2);
  CHECK(count(text, "<table class=\"by-") == 3);
  CHECK(count(text, "<tr><td><a href=\"#t-") == 3 * 42);
  for (const char* ref : {"src=", "<script", "<link", "url("}) CHECK(count(text, ref) == 0);
  // Sorted by verdict, the failed targets lead.
  size_t table = text.find("<table class=\"by-verdict\">");
  std::string first = text.substr(table, text.find("</tr>", text.find("<tr><td>", table)) - table);
  CHECK_THAT(first, Catch::Contains(">failed<"));
  std::filesystem::remove(page);
  std::filesystem::remove(list);
}

TEST_CASE("a batch waits on hundreds of silent servers at once without a thread per target",
          "[e2e][loopback][batch]") {
  // The kernel completes every TCP connection, nobody answers the TLS ClientHello, so each of
  // the 300 checks waits for its TLS timeout.
  auto [fd, port] = SilentListener(1024);
  std::string dir = BinaryDir() + "/test-logs";
  std::string list = dir + "/silent-targets-" + std::to_string(::getpid()) + ".txt";
  std::string csv = dir + "/silent-" + std::to_string(::getpid()) + ".csv";
  {
    std::ofstream out(list);
    for (int i = 0; i < 300; ++i) out << "h" << i << ".silent.test:" << port << "\n";
  }
  BackgroundProcess cxa;
  auto start = std::chrono::steady_clock::now();
  REQUIRE(cxa.Start({CxaBinary(), "run", "tls-endpoint", "--targets", list, "--resolve",
                     "*:" + port + ":127.0.0.1", "--public-roots", LabRoots(), "--no-aia",
                     "--timeout", "3", "--parallel", "300", "--format", "csv", "-o", csv}));
  // Sample the process's thread count until it has finished (a zombie, not yet reaped).
  int most_threads = 0;
  for (;;) {
    std::ifstream status("/proc/" + std::to_string(cxa.pid()) + "/status");
    std::string line, state;
    int threads = 0;
    while (std::getline(status, line)) {
      if (line.rfind("State:", 0) == 0) state = line;
      if (line.rfind("Threads:", 0) == 0) threads = std::stoi(line.substr(8));
    }
    if (state.empty() || state.find('Z') != std::string::npos) break;
    most_threads = std::max(most_threads, threads);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  cxa.Stop();
  ::close(fd);
  std::ifstream in(csv);
  int timeouts = 0, rows = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("line,", 0) == 0) continue;
    ++rows;
    if (line.find("tls.handshake.timeout") != std::string::npos) ++timeouts;
  }
  CAPTURE(seconds, most_threads);
  CHECK(rows == 300);
  CHECK(timeouts == 300);
  // All 300 waited together (one timeout, not 300 / N of them) ...
  CHECK(seconds < 20);
  // ... on a few event-loop threads (one per core, plus main), not one thread per target.
  CHECK(most_threads > 0);
  CHECK(most_threads <= static_cast<int>(std::thread::hardware_concurrency()) + 4);
  std::filesystem::remove(list);
  std::filesystem::remove(csv);
}

TEST_CASE("a batch under a low open-file limit lowers --parallel and never blames the servers",
          "[e2e][loopback][batch]") {
  auto& fs = FixtureServer::Get("tls.xml");
  std::string good = std::to_string(fs.Port("good"));
  std::string list = BinaryDir() + "/test-logs/fd-targets-" + std::to_string(::getpid()) + ".txt";
  {
    std::ofstream out(list);
    for (int i = 0; i < 120; ++i) out << "mail.contoso.test:" << good << "\n";
  }
  // `ulimit -n 64` sets the hard limit too: cxa cannot raise it and must fit within 64.
  CommandResult r = RunCommand({"/bin/bash", "-c", "ulimit -n 64 && exec \"$@\"", "cxa",
                                CxaBinary(), "run", "tls-endpoint", "--targets", list, "--resolve",
                                "*:" + good + ":127.0.0.1", "--public-roots", LabRoots(),
                                "--no-aia", "--parallel", "1024", "--format", "jsonl"});
  CAPTURE(r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("--parallel 1024 lowered to"));
  CHECK_THAT(r.err, Catch::Contains("open-file limit (ulimit -n) is 64"));
  std::istringstream lines(r.out);
  int passed = 0, records = 0;
  for (std::string line; std::getline(lines, line);) {
    json j = json::parse(line);
    ++records;
    if (j["outcome"] == "passed") ++passed;
    CHECK(line.find("net.connect.refused") == std::string::npos);
  }
  CHECK(records == 120);
  CHECK(passed == 120);
  std::filesystem::remove(list);
}

TEST_CASE("an interrupted batch says how far it got and leaves no file, whole or partial",
          "[e2e][loopback][batch]") {
  // Silent servers keep every run busy until its timeout, so the signal arrives mid-batch.
  auto [fd, port] = SilentListener(64);
  std::string dir = BinaryDir() + "/test-logs/interrupted-" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(dir + "/targets.txt");
    for (int i = 0; i < 40; ++i) out << "h" << i << ".silent.test:" << port << "\n";
  }
  CommandResult r = RunCommand({"/bin/sh",
                                "-c",
                                "\"$@\" & pid=$!; sleep 1; kill -TERM $pid; wait $pid",
                                "sh",
                                CxaBinary(),
                                "run",
                                "tls-endpoint",
                                "--targets",
                                dir + "/targets.txt",
                                "--resolve",
                                "*:" + port + ":127.0.0.1",
                                "--public-roots",
                                LabRoots(),
                                "--no-aia",
                                "--timeout",
                                "2",
                                "--parallel",
                                "4",
                                "--format",
                                "csv",
                                "-o",
                                dir + "/out.csv"});
  ::close(fd);
  CHECK(r.exit_code == 128 + SIGTERM);
  CHECK_THAT(r.err, Catch::Contains("interrupted (SIGTERM)"));
  CHECK_THAT(r.err, Catch::Contains("was not written"));
  // Only the target list is left: no report, no temporary file.
  CHECK(std::distance(std::filesystem::directory_iterator(dir),
                      std::filesystem::directory_iterator()) == 1);
  std::filesystem::remove_all(dir);
}
