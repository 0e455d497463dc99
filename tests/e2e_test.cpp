// End-to-end: the real cxa binary against loopback servers these tests start and stop
// themselves (the fixture server, `openssl s_server`, a silent socket). Nothing leaves
// 127.0.0.1 / ::1. The lab PKI (dated around today) is made by the ctest fixture `lab_pki`.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "loopback.h"
#include "testing/fixtures.h"
#include "testing/process.h"
#include "testing/report_samples.h"

using namespace cxa::testing;
using nlohmann::json;

namespace {

struct Run {
  CommandResult cmd;
  json report;
  const json& step() const { return report["steps"][0]; }
  std::vector<std::string> Ids() const {
    std::vector<std::string> ids;
    for (const auto& f : step()["findings"]) ids.push_back(f["id"]);
    return ids;
  }
  std::string Severity(const std::string& id) const {
    for (const auto& f : step()["findings"]) {
      if (f["id"] == id) return f["severity"];
    }
    return "";
  }
};

Run Cxa(std::vector<std::string> args) {
  args.insert(args.begin(), CxaBinary());
  Run r;
  r.cmd = RunCommand(args, "", 60);
  INFO(r.cmd.err);
  if (r.cmd.out.rfind("{", 0) == 0) r.report = json::parse(r.cmd.out);
  return r;
}

Run TlsEndpoint(const std::string& site, const std::string& host,
                std::vector<std::string> extra = {}) {
  int port = FixtureServer::Get().Port(site);
  std::vector<std::string> args = {"run",
                                   "tls-endpoint",
                                   "--input",
                                   "host=" + host,
                                   "--input",
                                   "port=" + std::to_string(port),
                                   "--resolve",
                                   host + ":" + std::to_string(port) + ":127.0.0.1",
                                   "--public-roots",
                                   LabRoots(),
                                   "--format",
                                   "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  return Cxa(args);
}

std::vector<std::string> AiaRoute() {
  return {"--connect-to",
          "pki.cxa.test:80:127.0.0.1:" + std::to_string(FixtureServer::Get().Port("aia"))};
}

bool Has(const std::vector<std::string>& v, const std::string& id) {
  return std::find(v.begin(), v.end(), id) != v.end();
}

}  // namespace

TEST_CASE("tls-endpoint passes against a correct chain", "[e2e][loopback]") {
  Run r = TlsEndpoint("good", "mail.contoso.test");
  REQUIRE(r.cmd.exit_code == 0);
  CHECK(r.report["schema_version"] == 3);
  CHECK(r.step()["outcome"] == "passed");
  CHECK(r.step()["stage"] == "certificate");
  CHECK(r.Ids().empty());
  CHECK(r.step()["facts"]["address"] == "127.0.0.1");
  CHECK(r.step()["facts"]["certificate_trusted"] == true);
  CHECK(r.step()["facts"]["tls_version"] == "TLSv1.3");
  CHECK(r.step()["certificate"]["certificates"].size() == 3);
}

TEST_CASE("trust failures are explained and stop the connection", "[e2e][loopback]") {
  struct Case {
    const char* site;
    const char* id;
  };
  auto c = GENERATE(values<Case>({{"self-signed", "cert.chain.self_signed"},
                                  {"private-root", "cert.chain.untrusted_root"},
                                  {"wrong-name", "cert.name.mismatch"},
                                  {"expired", "cert.validity.expired"},
                                  {"reversed-order", "cert.chain.leaf_not_first"}}));
  INFO(c.site);
  Run r = TlsEndpoint(c.site, "mail.contoso.test");
  CHECK(r.cmd.exit_code == 1);
  CHECK(r.step()["outcome"] == "failed");
  CHECK(r.step()["stage"] == "certificate");
  CHECK(r.Severity(c.id) == "error");
  CHECK(Has(r.Ids(), "tls.certificate.rejected"));
}

TEST_CASE("a profile deviation that clients accept is a warning, not a trust failure",
          "[e2e][loopback]") {
  Run r = TlsEndpoint("profile-deviation", "mail.contoso.test");
  CHECK(r.cmd.exit_code == 0);
  CHECK(r.step()["outcome"] == "warning");
  CHECK(r.Severity("cert.profile.deviation") == "warning");
  CHECK(r.step()["facts"]["certificate_trusted"] == true);
  CHECK_FALSE(Has(r.Ids(), "tls.certificate.rejected"));
}

TEST_CASE("ignoring trust reports trust failures as warnings and proceeds", "[e2e][loopback]") {
  Run r = TlsEndpoint("self-signed", "mail.contoso.test", {"--ignore-trust"});
  CHECK(r.cmd.exit_code == 0);
  CHECK(r.Severity("cert.chain.self_signed") == "warning");
  CHECK_FALSE(Has(r.Ids(), "tls.certificate.rejected"));
  CHECK(r.step()["trust_policy"]["mode"] == "report-only");
}

TEST_CASE("a private root given with --ca-file is trusted", "[e2e][loopback]") {
  Run r = TlsEndpoint("private-root", "mail.contoso.test",
                      {"--ca-file", LabPki() + "/ca/private-root.pem"});
  CHECK(r.cmd.exit_code == 0);
  CHECK_FALSE(Has(r.Ids(), "cert.chain.untrusted_root"));
}

TEST_CASE("a missing intermediate is told apart from a private root via AIA", "[e2e][loopback]") {
  auto route = AiaRoute();
  Run missing = TlsEndpoint("missing-intermediate", "mail.contoso.test", route);
  CHECK(missing.cmd.exit_code == 1);
  CHECK(missing.Severity("cert.chain.missing_intermediate") == "error");
  CHECK(missing.step()["facts"]["aia_fetched"] == "http://pki.cxa.test/public-inter.cer");

  Run priv = TlsEndpoint("missing-intermediate-private", "mail.contoso.test", route);
  CHECK(priv.Severity("cert.chain.untrusted_root") == "error");

  Run off = TlsEndpoint("missing-intermediate", "mail.contoso.test", {"--no-aia"});
  CHECK(off.Severity("cert.chain.incomplete") == "error");
  CHECK_FALSE(Has(off.Ids(), "cert.chain.missing_intermediate"));
}

TEST_CASE("one port serves two names by SNI", "[e2e][loopback]") {
  Run mail = TlsEndpoint("sni-mail", "mail.contoso.test");
  Run sts = TlsEndpoint("sni-sts", "sts.contoso.test");
  CHECK(mail.cmd.exit_code == 0);
  CHECK(sts.cmd.exit_code == 0);
  CHECK(mail.step()["facts"]["certificate_subject"] == "CN=mail.contoso.test");
  CHECK(sts.step()["facts"]["certificate_subject"] == "CN=sts.contoso.test");
}

TEST_CASE("IPv6 loopback with an explicit certificate name", "[e2e][loopback]") {
  int port = FixtureServer::Get().Port("good");
  Run r =
      Cxa({"run", "tls-endpoint", "--input", "host=::1", "--input", "port=" + std::to_string(port),
           "--input", "name=mail.contoso.test", "--public-roots", LabRoots(), "--format", "json"});
  if (r.step()["facts"].contains("address")) {  // machines without IPv6 loopback skip
    CHECK(r.cmd.exit_code == 0);
    CHECK(r.step()["facts"]["address"] == "::1");
  }
}

TEST_CASE("an unreachable port gives net.connect.refused quickly", "[e2e][loopback]") {
  int port = FreePort();
  Run r = Cxa({"run", "tls-endpoint", "--input", "host=127.0.0.1", "--input",
               "port=" + std::to_string(port), "--public-roots", LabRoots(), "--format", "json",
               "--timeout", "5"});
  CHECK(r.cmd.exit_code == 1);
  CHECK(r.step()["stage"] == "connect");
  CHECK(r.Ids() == std::vector<std::string>{"net.connect.refused"});
  CHECK(r.cmd.seconds < 5);
}

TEST_CASE("a server that accepts and never speaks ends in a TLS timeout", "[e2e][loopback]") {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(listen(s, 8) == 0);  // the kernel accepts; nobody ever answers
  socklen_t len = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  Run r = Cxa({"run", "tls-endpoint", "--input", "host=127.0.0.1", "--input",
               "port=" + std::to_string(ntohs(a.sin_port)), "--public-roots", LabRoots(),
               "--format", "json", "--timeout", "1"});
  close(s);
  CHECK(r.cmd.exit_code == 1);
  CHECK(r.Ids() == std::vector<std::string>{"tls.handshake.timeout"});
  CHECK(r.step()["stage"] == "tls");
  CHECK(r.cmd.seconds < 10);
}

TEST_CASE("openssl s_server: self-signed fails, a proper chain with its root passes",
          "[e2e][loopback]") {
  std::string dir = BinaryDir() + "/e2e-s_server";
  std::filesystem::create_directories(dir);
  auto gen = RunCommand({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                         "ec_paramgen_curve:P-256", "-nodes", "-keyout", dir + "/key.pem", "-out",
                         dir + "/cert.pem", "-days", "30", "-subj", "/CN=mail.contoso.test",
                         "-addext", "subjectAltName=DNS:mail.contoso.test"});
  REQUIRE(gen.exit_code == 0);
  auto serve = [&](std::vector<std::string> cert_args, BackgroundProcess& p) {
    int port = FreePort();
    std::vector<std::string> args = {"/usr/bin/openssl",
                                     "s_server",
                                     "-accept",
                                     "127.0.0.1:" + std::to_string(port),
                                     "-www",
                                     "-quiet"};
    args.insert(args.end(), cert_args.begin(), cert_args.end());
    REQUIRE(p.Start(args));
    REQUIRE(WaitForPort(port));
    return port;
  };
  auto run = [&](int port, std::vector<std::string> extra) {
    std::vector<std::string> args = {
        "run",       "tls-endpoint",
        "--input",   "host=mail.contoso.test",
        "--input",   "port=" + std::to_string(port),
        "--resolve", "mail.contoso.test:" + std::to_string(port) + ":127.0.0.1",
        "--format",  "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Cxa(args);
  };
  {
    BackgroundProcess p;
    int port = serve({"-cert", dir + "/cert.pem", "-key", dir + "/key.pem"}, p);
    Run r = run(port, {});  // the system's public roots
    CHECK(r.cmd.exit_code == 1);
    CHECK(r.Severity("cert.chain.self_signed") == "error");
  }
  {
    BackgroundProcess p;
    int port = serve({"-cert", LabPki() + "/good/leaf.pem", "-key", LabPki() + "/good/key.pem",
                      "-cert_chain", LabPki() + "/ca/public-inter.pem"},
                     p);
    Run r = run(port, {"--public-roots", LabRoots()});
    CHECK(r.cmd.exit_code == 0);
    CHECK(r.Ids().empty());
  }
}

TEST_CASE("bad scenario files and inputs exit 2 before any I/O", "[e2e]") {
  std::string bad = BinaryDir() + "/e2e-bad-scenario.xml";
  {
    std::ofstream out(bad);
    out << "<scenario name=\"x\">\n  <step id=\"a\" module=\"tls\">\n    <option name=\"hots\" "
           "value=\"y\"/>\n  </step>\n</scenario>\n";
  }
  Run r = Cxa({"run", bad});
  CHECK(r.cmd.exit_code == 2);
  CHECK_THAT(r.cmd.err, Catch::Contains(bad + ":3:"));
  CHECK(Cxa({"run", "tls-endpoint"}).cmd.exit_code == 2);  // missing required input
  CHECK(Cxa({"run", "tls-endpoint", "--input", "host=x", "--input", "port=http"}).cmd.exit_code ==
        2);
  CHECK(Cxa({"run", "tls-endpoint", "--input", "nope=1"}).cmd.exit_code == 2);
  CHECK(Cxa({"run", "no-such-scenario"}).cmd.exit_code == 2);
  CHECK(Cxa({"run", "tls-endpoint", "--input", "host=x", "--resolve", "garbage"}).cmd.exit_code ==
        2);
  CHECK(Cxa({"run", "tls-endpoint", "--input", "host=x", "--bogus-flag"}).cmd.exit_code == 2);
  CHECK(Cxa({"run", "tls-endpoint", "--input", "host=x", "--public-roots", "/nonexistent"})
            .cmd.exit_code == 2);
  // Values are checked by their kind, with one line on stderr and no report.
  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"run", "outlook-anywhere", "--input", "email=notanemail"},
           {"run", "tls-endpoint", "x.test", "--resolve", "a:443:999.1.1.1"},
           {"run", "tls-endpoint", "x.test", "--connect-to", "a:443:999.1.1.1:443"},
           {"run", "tls-endpoint", "x.test", "--connect-to", "a:443:127.0.0.1:99999"},
           {"run", "tls-endpoint", "x.test", "--connect-to", "a:443:[::1:443"},
           {"run", "tls-endpoint", "--input", "host="},
           {"run", "tls-endpoint", "--input", "host=[::1]:443", "--input", "port=99999"},
           {"run", "o365-sso", "not a domain"},
           {"run", "o365-sso", "--input", "user="},
           {"run", "o365-sso", "https://contoso.test/"},
           {"run", "o365-sso", "alice@@contoso.test"},
           {"run", "o365-sso", "alice@com"}}) {
    Run r = Cxa(bad);
    CAPTURE(bad, r.cmd.err);
    CHECK(r.cmd.exit_code == 2);
    CHECK(r.cmd.out.empty());
  }
}

TEST_CASE("input files are bounded: devices, directories and oversized files are refused",
          "[e2e]") {
  // An endless device must be refused at once, not read until memory runs out.
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"run", "tls-endpoint", "--input", "host=x", "--ca-file", "/dev/zero"},
           {"run", "tls-endpoint", "--input", "host=x", "--public-roots", "/dev/urandom"},
           {"run", "/dev/zero"},
           {"run", "tls-endpoint", "--replay", "/dev"},
           {"run", "tls-endpoint", "--targets", "/dev/zero"},
           {"cert", "--chain", "/dev/zero"},
           {"cert", "--chain", "/"}}) {
    Run r = Cxa(args);
    CAPTURE(args, r.cmd.err);
    CHECK(r.cmd.exit_code == 2);  // a run that read on would be killed (exit -1)
    bool says_why = r.cmd.err.find("device") != std::string::npos ||
                    r.cmd.err.find("directory") != std::string::npos ||
                    r.cmd.err.find("Not a directory") != std::string::npos;
    CHECK(says_why);
  }
  std::string big = BinaryDir() + "/test-logs/big-chain.pem";
  std::filesystem::create_directories(BinaryDir() + "/test-logs");
  std::ofstream{big}.close();
  std::filesystem::resize_file(big, 17u * 1024 * 1024);  // sparse: no disk used
  Run r = Cxa({"cert", "--chain", big});
  CHECK(r.cmd.exit_code == 2);
  CHECK_THAT(r.cmd.err, Catch::Contains("larger than 16 MiB"));
  std::filesystem::remove(big);
}

TEST_CASE("output (-o) through symlinks: one's own is written through, one planted in /tmp refused",
          "[e2e]") {
  std::string dir = BinaryDir() + "/test-logs/planted-" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/shared");
  std::string run = FixturesDir() + "/runs/tls-endpoint/good";
  auto cxa = [&](const std::string& out) {
    return RunCommand({CxaBinary(), "run", "tls-endpoint", "--replay", run, "--public-roots",
                       run + "/public-roots.pem", "--format", "json", "-o", out});
  };
  std::ofstream(dir + "/published.json") << "old";
  std::filesystem::create_symlink(dir + "/published.json", dir + "/report.json");
  CHECK(cxa(dir + "/report.json").exit_code == 0);
  CHECK(std::filesystem::is_symlink(dir + "/report.json"));
  CHECK(json::parse(ReadText(dir + "/published.json"))["exit_code"] == 0);
  if (::geteuid() == 0) {  // another user's symlink in a sticky shared directory
    ::chmod((dir + "/shared").c_str(), 01777);
    std::ofstream(dir + "/victim") << "precious";
    std::filesystem::create_symlink(dir + "/victim", dir + "/shared/report.json");
    REQUIRE(::lchown((dir + "/shared/report.json").c_str(), 65534, 65534) == 0);
    CommandResult r = cxa(dir + "/shared/report.json");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("another user"));
    CHECK(ReadText(dir + "/victim") == "precious");
  }
  // No temporary file is left anywhere.
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    CHECK(e.path().filename().string().find(".cxa-") == std::string::npos);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("cxa cert evaluates files offline with exit 0/1/2", "[e2e]") {
  std::string f = FixturesDir();
  std::vector<std::string> common = {"--public-roots", f + "/pki/ca/public-roots.pem",
                                     "--time",         "2031-01-01T00:00:00Z",
                                     "--format",       "json"};
  auto cert = [&](std::vector<std::string> a) {
    a.insert(a.begin(), "cert");
    a.insert(a.end(), common.begin(), common.end());
    return Cxa(a);
  };
  Run good = cert({"--chain", f + "/pki/good/chain.pem", "--host", "mail.contoso.test"});
  CHECK(good.cmd.exit_code == 0);
  CHECK(good.step()["certificate"]["trusted"] == true);
  Run self = cert({"--chain", f + "/pki/self-signed/chain.pem", "--host", "mail.contoso.test"});
  CHECK(self.cmd.exit_code == 1);
  CHECK(self.Ids() == std::vector<std::string>{"cert.chain.self_signed"});
  Run ip = cert({"--chain", f + "/pki/ip-address/chain.pem", "--ip", "127.0.0.1"});
  CHECK(ip.cmd.exit_code == 0);
  Run mal = cert({"--chain", f + "/pki/malformed/chain.pem", "--host", "mail.contoso.test"});
  CHECK(mal.cmd.exit_code == 1);
  CHECK(Has(mal.Ids(), "cert.parse.malformed"));
  // Not a certificate file at all, a missing file, a bad time: usage errors.
  CHECK(cert({"--chain", f + "/cert/good.expect"}).cmd.exit_code == 2);
  CHECK(cert({"--chain", "/nonexistent.pem"}).cmd.exit_code == 2);
  CHECK(Cxa({"cert", "--chain", f + "/pki/good/chain.pem", "--time", "soon"}).cmd.exit_code == 2);
  CHECK(Cxa({"cert"}).cmd.exit_code == 2);
}

TEST_CASE("cxa cert --chain follows the AIA URL like a live run, unless told not to",
          "[e2e][loopback]") {
  auto cert = [&](const std::string& pki_case, std::vector<std::string> extra) {
    std::vector<std::string> a = {
        "cert",     "--chain",           LabPki() + "/" + pki_case + "/chain.pem",
        "--host",   "mail.contoso.test", "--public-roots",
        LabRoots(), "--format",          "json"};
    a.insert(a.end(), extra.begin(), extra.end());
    return Cxa(a);
  };
  Run missing = cert("missing-intermediate", AiaRoute());
  CHECK(missing.cmd.exit_code == 1);
  CHECK(missing.Severity("cert.chain.missing_intermediate") == "error");
  CHECK_FALSE(Has(missing.Ids(), "cert.chain.incomplete"));
  CHECK(missing.step()["facts"]["aia"] == "fetched");
  CHECK_THAT(missing.step()["facts"]["aia_fetched"].get<std::string>(),
             Catch::StartsWith("http://pki.cxa.test/"));

  Run internal = cert("private-incomplete-aia", AiaRoute());
  CHECK(internal.cmd.exit_code == 1);
  CHECK(Has(internal.Ids(), "cert.chain.untrusted_root"));
  CHECK_FALSE(Has(internal.Ids(), "cert.chain.incomplete"));

  // --no-aia: undecided, and the facts say why.
  // A bundle in reverse order is that, not a CA certificate for the wrong name.
  Run reversed = cert("reversed-order", {"--no-aia"});
  CHECK(reversed.cmd.exit_code == 1);
  CHECK(reversed.Ids() == std::vector<std::string>{"cert.chain.leaf_not_first"});
  CHECK(reversed.step()["certificate"]["certificates"][0]["sent_index"] == 2);

  Run off = cert("missing-intermediate", {"--no-aia"});
  CHECK(off.cmd.exit_code == 1);
  CHECK(Has(off.Ids(), "cert.chain.incomplete"));
  CHECK(off.step()["facts"]["aia"] == "off");
  CHECK_FALSE(off.step()["facts"].contains("aia_fetched"));

  // A fetch that fails (nothing listens where the name is aimed): undecided, "failed".
  auto& fs = FixtureServer::Get();
  Run failed = cert("missing-intermediate",
                    {"--connect-to",
                     "pki.cxa.test:80:127.0.0.1:" + std::to_string(fs.Port("missing-intermediate")),
                     "--timeout", "2"});
  CHECK(failed.cmd.exit_code == 1);
  CHECK(Has(failed.Ids(), "cert.chain.incomplete"));
  CHECK(failed.step()["facts"]["aia"] == "failed");

  // A complete chain never goes to the network.
  Run good = cert("good", {"--connect-to", "pki.cxa.test:80:127.0.0.1:1"});
  CHECK(good.cmd.exit_code == 0);
  CHECK_FALSE(good.step()["facts"].contains("aia"));
}

TEST_CASE("cxa cert --connect grabs and evaluates a live chain", "[e2e][loopback]") {
  int port = FixtureServer::Get().Port("missing-intermediate");
  std::vector<std::string> args = {
      "cert",         "--connect",         "127.0.0.1:" + std::to_string(port),
      "--servername", "mail.contoso.test", "--public-roots",
      LabRoots(),     "--format",          "json"};
  auto route = AiaRoute();
  args.insert(args.end(), route.begin(), route.end());
  Run r = Cxa(args);
  CHECK(r.cmd.exit_code == 1);
  CHECK(r.Severity("cert.chain.missing_intermediate") == "error");
}

TEST_CASE("catalogue verbs: list, describe, explain, --version", "[e2e]") {
  Run list = Cxa({"list", "checks", "--format", "json"});
  REQUIRE(list.cmd.exit_code == 0);
  json checks = json::parse(list.cmd.out);
  bool found = false;
  for (const auto& c : checks) found |= c["id"] == "cert.chain.missing_intermediate";
  CHECK(found);
  CHECK(Cxa({"list", "scenarios"}).cmd.out.find("tls-endpoint") != std::string::npos);
  CHECK(Cxa({"list", "modules", "--format", "json"}).cmd.exit_code == 0);
  CHECK(Cxa({"list", "bogus"}).cmd.exit_code == 2);
  Run d = Cxa({"describe", "tls-endpoint"});
  CHECK(d.cmd.exit_code == 0);
  CHECK_THAT(d.cmd.out, Catch::Contains("host"));
  // Every entry cites public documents by URL, in the JSON catalogue and in explain.
  for (const auto& c : checks) {
    for (const auto& ref : c["references"]) {
      INFO(c["id"] << ": " << ref["citation"]);
      CHECK(ref["url"].is_string());
    }
  }
  Run why = Cxa({"explain", "cert.chain.self_signed"});
  CHECK(why.cmd.exit_code == 0);
  CHECK_THAT(why.cmd.out,
             Catch::Contains("https://www.rfc-editor.org/rfc/rfc5280.html#section-6.1") &&
                 Catch::Contains("https://learn.microsoft.com/"));
  CHECK(Cxa({"explain", "cert.chain.nope"}).cmd.exit_code == 2);
  CHECK_THAT(Cxa({"--version"}).cmd.out, Catch::StartsWith("cxa "));
  CHECK(Cxa({"run", "--help"}).cmd.exit_code == 0);
  // Without a verb: the help as a usage error, on standard error; asked for, on standard output.
  CommandResult bare = RunCommand({CxaBinary()});
  CHECK(bare.exit_code == 2);
  CHECK(bare.out.empty());
  CHECK_THAT(bare.err, Catch::Contains("Usage: cxa VERB"));
  CommandResult asked = RunCommand({CxaBinary(), "--help"});
  CHECK(asked.exit_code == 0);
  CHECK_THAT(asked.out, Catch::Contains("serve"));
  // cxa run SCENARIO --help: the options and that scenario's inputs.
  Run help = Cxa({"run", "tls-endpoint", "--help"});
  CHECK(help.cmd.exit_code == 0);
  CHECK_THAT(help.cmd.out, Catch::Contains("--targets-column") &&
                               Catch::Contains("Inputs of tls-endpoint") &&
                               Catch::Contains("port (port, default 443)"));
}

TEST_CASE("the report goes whole into the -o file", "[e2e][loopback]") {
  std::string out = BinaryDir() + "/e2e-report.json";
  std::filesystem::remove(out);
  int port = FixtureServer::Get().Port("good");
  Run r = Cxa({"run", "tls-endpoint", "--input", "host=mail.contoso.test", "--input",
               "port=" + std::to_string(port), "--resolve",
               "mail.contoso.test:" + std::to_string(port) + ":127.0.0.1", "--public-roots",
               LabRoots(), "--format", "json", "-o", out});
  CHECK(r.cmd.exit_code == 0);
  CHECK(r.cmd.out.empty());
  json j = json::parse(ReadText(out));
  CHECK(j["exit_code"] == 0);
}

// (That a recording holds no password is proven where a password is sent: the OWA and AD FS
// sign-in recordings, owa_test and o365_test; tls-endpoint takes none.)
TEST_CASE("a recorded run replays to the same result, byte for byte", "[e2e][loopback][record]") {
  std::string dir = BinaryDir() + "/e2e-record";
  std::filesystem::remove_all(dir);
  int port = FixtureServer::Get().Port("self-signed");
  std::vector<std::string> args = {CxaBinary(),
                                   "run",
                                   "tls-endpoint",
                                   "--input",
                                   "host=mail.contoso.test",
                                   "--input",
                                   "port=" + std::to_string(port),
                                   "--resolve",
                                   "mail.contoso.test:" + std::to_string(port) + ":127.0.0.1",
                                   "--public-roots",
                                   LabRoots(),
                                   "--record",
                                   dir,
                                   "--format",
                                   "json"};
  CommandResult live = RunCommand(args, "", 60);
  REQUIRE(live.exit_code == 1);
  json live_report = json::parse(live.out);

  // Replay needs no server: the answers come from the transcript.
  std::vector<std::string> replay = {CxaBinary(),      "run",      "tls-endpoint", "--replay", dir,
                                     "--public-roots", LabRoots(), "--format",     "json"};
  CommandResult r1 = RunCommand(replay);
  CommandResult r2 = RunCommand(replay);
  CHECK(r1.exit_code == live.exit_code);
  CHECK(r1.out == r2.out);  // byte-identical
  json replayed = json::parse(r1.out);
  CHECK(replayed["mode"] == "replay");
  auto ids = [](const json& report) {
    std::vector<std::string> v;
    for (const auto& f : report["steps"][0]["findings"]) v.push_back(f["id"]);
    return v;
  };
  CHECK(ids(replayed) == ids(live_report));
  CHECK(replayed["steps"][0]["stage"] == live_report["steps"][0]["stage"]);
}

TEST_CASE("the fixture server replays a transcript over real TLS", "[e2e][loopback][record]") {
  // The recorded run of a server that omits its intermediate, with the AIA fetch that decided
  // it. Served again with the committed test PKI, checked live at the PKI's anchor date.
  std::string pki = FixturesDir() + "/pki";
  std::string time = ReadText(pki + "/ANCHOR").substr(0, 10) + "T00:00:00Z";
  BackgroundProcess server;
  REQUIRE(server.Start({BinaryDir() + "/tools/fixture-server", "--pki", pki, "--pki-case",
                        "missing-intermediate", "--transcript",
                        FixturesDir() + "/runs/tls-endpoint/missing-intermediate/transcript.xml"}));
  std::map<std::string, std::string> ports;
  for (std::string line; (line = server.WaitForLine("", 20)) != "READY";) {
    REQUIRE(!line.empty());
    std::istringstream ss(line);
    std::string tag, name, port;
    ss >> tag >> name >> port;
    ports[name.substr(0, name.find(':'))] = port;
  }
  REQUIRE(ports.count("mail.contoso.test") == 1);
  REQUIRE(ports.count("pki.cxa.test") == 1);
  std::string p = ports["mail.contoso.test"];
  Run r = Cxa({"run", "tls-endpoint", "--input", "host=mail.contoso.test", "--input", "port=" + p,
               "--resolve", "mail.contoso.test:" + p + ":127.0.0.1", "--connect-to",
               "pki.cxa.test:80:127.0.0.1:" + ports["pki.cxa.test"], "--public-roots",
               pki + "/ca/public-roots.pem", "--time", time, "--format", "json"});
  CHECK(r.cmd.exit_code == 1);
  CHECK(r.Severity("cert.chain.missing_intermediate") == "error");
  CHECK(r.step()["facts"]["aia_fetched"] == "http://pki.cxa.test/public-inter.cer");
}

TEST_CASE("a server that only speaks TLS 1.0 is diagnosed, not just refused", "[e2e][loopback]") {
  int port = FreePort();
  BackgroundProcess server;
  REQUIRE(
      server.Start({"/usr/bin/openssl", "s_server", "-accept", "127.0.0.1:" + std::to_string(port),
                    "-cert", LabPki() + "/good/leaf.pem", "-key", LabPki() + "/good/key.pem",
                    "-cert_chain", LabPki() + "/ca/public-inter.pem", "-tls1", "-cipher",
                    "DEFAULT@SECLEVEL=0", "-www", "-quiet"}));
  REQUIRE(WaitForPort(port));
  Run r = Cxa({"run", "tls-endpoint", "--input", "host=mail.contoso.test", "--input",
               "port=" + std::to_string(port), "--resolve",
               "mail.contoso.test:" + std::to_string(port) + ":127.0.0.1", "--public-roots",
               LabRoots(), "--format", "json"});
  CHECK(r.cmd.exit_code == 1);
  CHECK(r.step()["facts"]["tls_version"] == "TLSv1");
  CHECK(r.Ids() == std::vector<std::string>{"tls.protocol.too_old"});
}

TEST_CASE("output (-o) to a device or a pipe is written in place, never renamed over", "[e2e]") {
  // A symlink to /dev/stdout (a pipe here): written through, left a symlink. (Renaming over
  // /dev/null as root would replace the device with a regular file.)
  std::string link = BinaryDir() + "/test-logs/stdout-link-" + std::to_string(::getpid());
  std::filesystem::create_directories(BinaryDir() + "/test-logs");
  std::filesystem::remove(link);
  std::filesystem::create_symlink("/dev/stdout", link);
  std::string run = FixturesDir() + "/runs/tls-endpoint/good";
  CommandResult r =
      RunCommand({CxaBinary(), "run", "tls-endpoint", "--replay", run, "--public-roots",
                  run + "/public-roots.pem", "--format", "json", "-o", link});
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("{", 0) == 0);
  CHECK(std::filesystem::is_symlink(link));
  std::filesystem::remove(link);
}

TEST_CASE(
    "passwords: asked for without echo on a terminal, never on the command line, never "
    "without their user",
    "[e2e]") {
  // On a terminal (script(1) gives one), --password-stdin prompts on stderr and the typed
  // password is not echoed.
  std::string out = BinaryDir() + "/test-logs/prompt-" + std::to_string(::getpid()) + ".json";
  std::filesystem::create_directories(BinaryDir() + "/test-logs");
  CommandResult tty = RunCommand(
      {"/bin/sh", "-c",
       "(sleep 1; printf 'Typed-S3cret\\n') | /usr/bin/script -qec \"$0\" /dev/null",
       CxaBinary() +
           " run owa --input url=https://127.0.0.1:1/owa/ --input user=alice@contoso.test"
           " --password-stdin --timeout 1 --format json -o " +
           out});
  CHECK_THAT(tty.out, Catch::Contains("Password: "));
  CHECK(tty.out.find("Typed-S3cret") == std::string::npos);
  CHECK(ReadText(out).find("Typed-S3cret") == std::string::npos);
  std::filesystem::remove(out);

  Run on_command_line = Cxa({"run", "owa", "--input", "url=x", "--password", "hunter2"});
  CHECK(on_command_line.cmd.exit_code == 2);
  CHECK_THAT(on_command_line.cmd.err, Catch::Contains("--password-stdin"));
  CHECK(on_command_line.cmd.err.find("hunter2") == std::string::npos);

  CommandResult no_user =
      RunCommand({CxaBinary(), "run", "owa", "--input", "url=x", "--password-env", "CXA_PW"}, "",
                 30, {"CXA_PW=S3cret"});
  CHECK(no_user.exit_code == 2);
  CHECK_THAT(no_user.err, Catch::Contains("--input user="));
  CommandResult nowhere = RunCommand(
      {CxaBinary(), "run", "tls-endpoint", "--input", "host=x", "--password-env", "CXA_PW"}, "", 30,
      {"CXA_PW=S3cret"});
  CHECK(nowhere.exit_code == 2);
}

TEST_CASE("options are matched exactly, and typos get a suggestion", "[e2e]") {
  Run r = Cxa({"run", "tls-endpoint", "--input", "host=x", "--timeo", "5"});
  CHECK(r.cmd.exit_code == 2);
  CHECK_THAT(r.cmd.err, Catch::Contains("--timeo"));
  Run typo = Cxa({"run", "tls-endpoint", "--input", "host=x", "--ignore-trus"});
  CHECK(typo.cmd.exit_code == 2);
  CHECK_THAT(typo.cmd.err, Catch::Contains("did you mean '--ignore-trust'"));
  CHECK_THAT(Cxa({"run", "tls-endpont", "x"}).cmd.err,
             Catch::Contains("did you mean 'tls-endpoint'"));
  CHECK_THAT(Cxa({"explain", "cert.chain.self_signd"}).cmd.err,
             Catch::Contains("did you mean 'cert.chain.self_signed'"));
}

TEST_CASE("the target as the argument after the scenario, with its port, and bad inputs exit 2",
          "[e2e][loopback]") {
  int port = FixtureServer::Get().Port("good");
  std::string p = std::to_string(port);
  auto run = [&](const std::vector<std::string>& target_args) {
    std::vector<std::string> args = {"run", "tls-endpoint"};
    args.insert(args.end(), target_args.begin(), target_args.end());
    args.insert(args.end(), {"--resolve", "mail.contoso.test:" + p + ":127.0.0.1", "--public-roots",
                             LabRoots(), "--no-aia", "--format", "json"});
    return Cxa(args);
  };
  for (const std::vector<std::string>& form :
       std::vector<std::vector<std::string>>{{"mail.contoso.test:" + p},
                                             {"https://mail.contoso.test:" + p + "/owa/"},
                                             {"--input", "host=mail.contoso.test:" + p},
                                             {"mail.contoso.test", "--input", "port=" + p}}) {
    INFO(form[0]);
    Run r = run(form);
    CHECK(r.cmd.exit_code == 0);
    CHECK(FactText(r.step()["facts"]["port"]) == p);
    CHECK(r.report["inputs"]["host"] == "mail.contoso.test");
  }
  // Input errors: exit 2 and one line on stderr, before anything is sent.
  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"mail.contoso.test:99999"},
           {"mail.contoso.test", "--input", "port=0"},
           {"http://mail.contoso.test/owa"},
           {"mail contoso.test"},
           {"mail.contoso.test:" + p, "--input", "port=444"},
           {"mail.contoso.test", "--input", "host=other.contoso.test"}}) {
    INFO(bad[0]);
    Run r = run(bad);
    CHECK(r.cmd.exit_code == 2);
    CHECK(r.cmd.out.empty());
    CHECK(std::count(r.cmd.err.begin(), r.cmd.err.end(), '\n') == 1);
  }
}

TEST_CASE("output: -o is checked before the run, - is standard output, write errors are not exit 0",
          "[e2e]") {
  std::string run = FixturesDir() + "/runs/tls-endpoint/good";
  auto cxa = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> args = {
        "run",      "tls-endpoint", "--replay", run, "--public-roots", run + "/public-roots.pem",
        "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Cxa(args);
  };
  Run missing_dir = cxa({"-o", "/nonexistent-dir/report.json"});
  CHECK(missing_dir.cmd.exit_code == 2);
  CHECK_THAT(missing_dir.cmd.err, Catch::Contains("No such file or directory"));
  CHECK(cxa({"-o", "/"}).cmd.exit_code == 2);
  Run dash = cxa({"-o", "-"});
  CHECK(dash.cmd.exit_code == 0);
  CHECK(dash.report["exit_code"] == 0);
  // A full disk on standard output: a message and exit 2, never exit 0 with the report lost.
  CommandResult full =
      RunCommand({"/bin/sh", "-c", "\"$@\" > /dev/full", "sh", CxaBinary(), "run", "tls-endpoint",
                  "--replay", run, "--public-roots", run + "/public-roots.pem"});
  CHECK(full.exit_code == 2);
  CHECK_THAT(full.err, Catch::Contains("standard output"));
  // --chain - reads standard input.
  CommandResult chain = RunCommand({CxaBinary(), "cert", "--chain", "-", "--host",
                                    "mail.contoso.test", "--public-roots", LabRoots(), "--no-aia"},
                                   ReadText(LabPki() + "/good/chain.pem"));
  CHECK(chain.exit_code == 0);
}

TEST_CASE("a copied binary carries its scenarios, and a user's directory adds or overrides them",
          "[e2e]") {
  std::string home = BinaryDir() + "/test-logs/home-" + std::to_string(::getpid());
  std::filesystem::remove_all(home);
  std::filesystem::create_directories(home + "/bin");
  std::filesystem::copy_file(CxaBinary(), home + "/bin/cxa");
  std::vector<std::string> env = {"HOME=" + home, "XDG_CONFIG_HOME=", "CXA_SCENARIO_DIR="};
  CommandResult list =
      RunCommand({home + "/bin/cxa", "list", "scenarios", "--format", "json"}, "", 30, env, home);
  REQUIRE(list.exit_code == 0);
  json j = json::parse(list.out);
  std::vector<std::string> names;
  for (const auto& s : j) names.push_back(s["name"]);
  CHECK(names == std::vector<std::string>{"o365-sso", "outlook", "outlook-anywhere", "owa", "smtp",
                                          "tls-endpoint"});
  CHECK(j[5]["source"] == "built-in:tls-endpoint.xml");

  std::filesystem::create_directories(home + "/.config/cxa/scenarios");
  std::string own = ReadText(SourceDir() + "/scenarios/tls-endpoint.xml");
  own.replace(own.find("TLS endpoint and certificate"), 28, "Our TLS check");
  std::ofstream(home + "/.config/cxa/scenarios/tls-endpoint.xml") << own;
  CommandResult overridden =
      RunCommand({home + "/bin/cxa", "describe", "tls-endpoint"}, "", 30, env, home);
  CHECK(overridden.exit_code == 0);
  CHECK_THAT(overridden.out, Catch::StartsWith("tls-endpoint — Our TLS check"));
  std::filesystem::remove_all(home);
}
