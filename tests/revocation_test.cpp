// End-to-end revocation: the real cxa against the fixture server's revocation sites (leaves
// with OCSP and CRL pointers, stapling or not; the CRLs over plain HTTP), a real OCSP responder
// (`openssl ocsp -index ... -port`), a real server that staples (`openssl s_server
// -status_file`) and hostile responders (tests/hostile/hostile_server.py).
//
// `openssl ocsp` cannot be told to listen on loopback only, so ctest runs this binary in a
// network namespace of its own (tests/CMakeLists.txt: `unshare`), where loopback is the only
// interface: nothing here can leave the machine or be reached from outside.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "loopback.h"
#include "testing/fixtures.h"
#include "testing/process.h"

using namespace cxa::testing;

namespace {

using Ids = std::vector<std::string>;

// A JSON report of one step (tls-endpoint's `tls`, cxa cert's `certificate`), read through
// loopback.h's ScenarioRun; finding IDs sorted.
struct Run : ScenarioRun {
  std::string step_id;
  std::vector<std::string> Ids() const {
    auto ids = ScenarioRun::Ids(step_id);
    std::sort(ids.begin(), ids.end());
    return ids;
  }
  std::string Severity(const std::string& id) const {
    for (const auto& f : Step(step_id)["findings"]) {
      if (f["id"] == id) return f["severity"];
    }
    return "";
  }
  std::string Fact(const std::string& name) const { return ScenarioRun::Fact(step_id, name); }
};

// The IDs, sorted as Run::Ids gives them.
Ids Sorted(Ids ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::string Rev(const std::string& name) { return LabPki() + "/revocation/" + name; }

// `openssl ocsp` answering for the revocation CA from its records, signed by `signer` (rev-ca
// or the delegated ocsp-signer); `ca` is the CA it answers for (another one: unauthorized).
class Responder {
 public:
  explicit Responder(const std::string& signer = "rev-ca", const std::string& ca = "rev-ca",
                     const std::string& index = Rev("rev-ca.idx"))
      : port_(FreePort()) {
    auto file = [](const std::string& name) {
      std::string here = Rev(name);
      return std::filesystem::exists(here) ? here : LabPki() + "/ca/" + name;
    };
    REQUIRE(proc_.Start({"/usr/bin/openssl", "ocsp", "-index", index, "-port",
                         std::to_string(port_), "-rsigner", file(signer + ".pem"), "-rkey",
                         file(signer + ".key"), "-CA", file(ca + ".pem"), "-ndays", "1"}));
    // Ready when it answers a real request (a bare connection probe would be taken for a
    // broken request by the single-threaded responder and delay the next one).
    bool ready = false;
    for (int i = 0; i < 50 && !ready; ++i) {
      CommandResult r = RunCommand(
          {"/usr/bin/openssl", "ocsp", "-issuer", Rev("rev-ca.pem"), "-cert", Rev("good.pem"),
           "-url", "http://127.0.0.1:" + std::to_string(port_) + "/", "-noverify", "-timeout", "2"},
          "", 5);
      ready = r.exit_code == 0;
      if (!ready) ::usleep(100 * 1000);
    }
    REQUIRE(ready);
  }
  int port() const { return port_; }

 private:
  int port_;
  BackgroundProcess proc_;
};

// A plain-HTTP hostile server (hostile_server.py MODE), or a silent one.
class Hostile {
 public:
  explicit Hostile(const std::string& mode) {
    std::string work = BinaryDir() + "/test-logs/revocation-hostile";
    std::filesystem::create_directories(work);
    REQUIRE(proc_.Start({"/usr/bin/python3", SourceDir() + "/tests/hostile/hostile_server.py",
                         "--pki", LabPki(), "--work", work, mode}));
    std::string line = proc_.WaitForLine("PORT ", 30);
    REQUIRE(!line.empty());
    port_ = std::stoi(line.substr(5));
    REQUIRE(!proc_.WaitForLine("READY", 10).empty());
  }
  int port() const { return port_; }

 private:
  BackgroundProcess proc_;
  int port_ = 0;
};

Run Cxa(std::vector<std::string> args) {
  Run r;
  r.step_id = args.at(0) == "cert" ? "certificate" : "tls";
  args.insert(args.begin(), CxaBinary());
  static_cast<ScenarioRun&>(r) = RunScenario(args);
  return r;
}

// tls-endpoint against a fixture site, the revocation URLs aimed at `ocsp_port` and `crl_port`
// (0: the lab's CRL site; an unused port for the "-down" hosts).
Run Endpoint(const std::string& site, int ocsp_port, std::vector<std::string> extra = {},
             int crl_port = 0) {
  static const int closed = FreePort();
  int port = FixtureServer::Get().Port(site);
  int crl = crl_port != 0 ? crl_port : FixtureServer::Get().Port("crl");
  std::vector<std::string> args = {"run",
                                   "tls-endpoint",
                                   "--input",
                                   "host=mail.contoso.test",
                                   "--input",
                                   "port=" + std::to_string(port),
                                   "--resolve",
                                   "mail.contoso.test:" + std::to_string(port) + ":127.0.0.1",
                                   "--connect-to",
                                   "ocsp.cxa.test:80:127.0.0.1:" + std::to_string(ocsp_port),
                                   "--connect-to",
                                   "crl.cxa.test:80:127.0.0.1:" + std::to_string(crl),
                                   "--connect-to",
                                   "ocsp-down.cxa.test:80:127.0.0.1:" + std::to_string(closed),
                                   "--connect-to",
                                   "crl-down.cxa.test:80:127.0.0.1:" + std::to_string(closed),
                                   "--public-roots",
                                   LabRoots(),
                                   "--timeout",
                                   "2",
                                   "--format",
                                   "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  return Cxa(args);
}

Run Fetch(const std::string& site, int ocsp_port) {
  return Endpoint(site, ocsp_port, {"--revocation", "fetch"});
}

int CountRequests(const std::string& target) {
  std::istringstream log(FixtureServer::Get().RequestLog());
  int n = 0;
  for (std::string line; std::getline(log, line);) {
    if (line.find(" " + target + " ") != std::string::npos) ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("staples are asked for in every handshake and judged", "[e2e][revocation]") {
  const int none = FreePort();  // staple mode fetches nothing
  Run good = Endpoint("rev-good-stapled", none);
  CHECK(good.cmd.exit_code == 0);
  CHECK(good.Ids().empty());
  CHECK(good.Fact("ocsp_staple") == "good");

  Run revoked = Endpoint("rev-revoked-stapled", none);
  CHECK(revoked.cmd.exit_code == 1);
  CHECK(revoked.Ids() == Ids{"cert.revocation.revoked", "tls.certificate.rejected"});
  CHECK(revoked.Fact("ocsp_staple") == "revoked");
  CHECK(revoked.Fact("revocation") == "revoked");

  // Report-only: the revoked certificate is a warning, the connection proceeds.
  Run relaxed = Endpoint("rev-revoked-stapled", none, {"--ignore-trust"});
  CHECK(relaxed.cmd.exit_code == 0);
  CHECK(relaxed.Severity("cert.revocation.revoked") == "warning");
  CHECK(relaxed.Fact("certificate_trusted") == "false");

  // Off: nothing asked, nothing judged.
  Run off = Endpoint("rev-revoked-stapled", none, {"--revocation", "off"});
  CHECK(off.cmd.exit_code == 0);
  CHECK(off.Ids().empty());
  CHECK(off.Fact("ocsp_staple").empty());

  Run absent = Endpoint("rev-good", none);
  CHECK(absent.cmd.exit_code == 0);
  CHECK(absent.Ids().empty());  // a missing staple alone is no finding in staple mode
  CHECK(absent.Fact("ocsp_staple") == "absent");

  Run must = Endpoint("rev-must-staple", none);
  CHECK(must.Ids() == Ids{"cert.ocsp.must_staple_violated"});
  CHECK(must.Severity("cert.ocsp.must_staple_violated") == "warning");

  Run rogue = Endpoint("rev-rogue-staple", none);
  CHECK(rogue.Ids() == Ids{"cert.ocsp.staple_invalid"});
  CHECK(rogue.Fact("ocsp_staple") == "invalid");

  Run unknown = Endpoint("rev-unknown-staple", none);
  CHECK(unknown.Ids() == Ids{"cert.ocsp.status_unknown"});
  CHECK(unknown.Fact("ocsp_staple") == "unknown");

  // The stale staple (one day of validity) judged three days on.
  std::time_t later = std::time(nullptr) + 3 * 86400;
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&later));
  Run stale = Endpoint("rev-stale-staple", none, {"--time", when});
  CHECK(stale.Ids() == Ids{"cert.ocsp.staple_stale"});
  CHECK(stale.Fact("ocsp_staple") == "stale");
}

TEST_CASE("a real server's staple over TLS 1.2 and 1.3: openssl s_server -status_file",
          "[e2e][revocation]") {
  for (const char* version : {"-tls1_2", "-tls1_3"}) {
    INFO(version);
    int port = FreePort();
    BackgroundProcess server;
    REQUIRE(server.Start({"/usr/bin/openssl", "s_server", "-accept",
                          "127.0.0.1:" + std::to_string(port), "-cert", Rev("revoked/chain.pem"),
                          "-key", Rev("revoked/key.pem"), "-cert_chain", Rev("revoked/chain.pem"),
                          "-status_file", Rev("revoked.ocsp"), version, "-www", "-quiet"}));
    REQUIRE(WaitForPort(port));
    Run r = Cxa({"run", "tls-endpoint", "--input", "host=mail.contoso.test", "--input",
                 "port=" + std::to_string(port), "--resolve",
                 "mail.contoso.test:" + std::to_string(port) + ":127.0.0.1", "--public-roots",
                 LabRoots(), "--format", "json"});
    CHECK(r.cmd.exit_code == 1);
    CHECK(r.Ids() == Ids{"cert.revocation.revoked", "tls.certificate.rejected"});
  }
}

TEST_CASE("fetch mode asks the OCSP responder, then the CRL, for every certificate",
          "[e2e][revocation]") {
  Responder responder;
  int ocsp = responder.port();

  Run good = Fetch("rev-good", ocsp);
  CHECK(good.cmd.exit_code == 0);
  CHECK(good.Ids() == Ids{"cert.ocsp.staple_missing"});
  CHECK(good.Fact("revocation") == "good");
  // The leaf's responder answered; the issuing CA's status comes from the root's CRL.
  CHECK(good.Fact("revocation_fetched") ==
        "http://ocsp.cxa.test/ http://crl.cxa.test/public-root.crl");

  Run revoked = Fetch("rev-revoked", ocsp);
  CHECK(revoked.cmd.exit_code == 1);
  CHECK(revoked.Ids() == Ids{"cert.ocsp.staple_missing", "cert.revocation.revoked"});
  CHECK(revoked.Fact("revocation") == "revoked");

  Run crl_only = Fetch("rev-crl-only", ocsp);
  CHECK(crl_only.cmd.exit_code == 0);
  CHECK(crl_only.Ids().empty());
  CHECK(crl_only.Fact("revocation") == "good");

  // A missing staple is worth saying only for a certificate that names an OCSP responder.
  struct Case {
    const char* site;
    const char* id;
    const char* severity;
    bool names_ocsp;
  };
  for (const Case& c : {Case{"rev-bare", "cert.revocation.no_info", "info", false},
                        Case{"rev-unreachable", "cert.revocation.unreachable", "warning", true},
                        Case{"rev-crl-expired", "cert.crl.expired", "warning", false},
                        Case{"rev-crl-badsig", "cert.crl.bad_signature", "warning", false},
                        Case{"rev-crl-huge", "cert.crl.too_large", "warning", false},
                        Case{"rev-crl-html", "cert.crl.invalid", "warning", false}}) {
    INFO(c.site);
    Run r = Fetch(c.site, ocsp);
    CHECK(r.cmd.exit_code == 0);
    Ids want = {c.id};
    if (c.names_ocsp) want.push_back("cert.ocsp.staple_missing");
    CHECK(r.Ids() == Sorted(want));
    CHECK(r.Severity(c.id) == c.severity);
  }

  // With a good staple the leaf needs no fetch: only the issuing CA's CRL is asked.
  Run stapled = Fetch("rev-good-stapled", ocsp);
  CHECK(stapled.Ids().empty());
  CHECK(stapled.Fact("revocation_fetched") == "http://crl.cxa.test/public-root.crl");
}

TEST_CASE("delegated and unauthorised OCSP responders", "[e2e][revocation]") {
  Responder delegated("ocsp-signer");
  Run ok = Fetch("rev-good", delegated.port());
  CHECK(ok.Ids() == Ids{"cert.ocsp.staple_missing"});
  CHECK(ok.Fact("revocation") == "good");

  // Records without the leaf: the CA's own responder answers "unknown"; the CRL then decides.
  std::string records = BinaryDir() + "/test-logs/revocation-records-without-good.idx";
  {
    std::ifstream in(Rev("rev-ca.idx"));
    std::ofstream out(records);
    for (std::string line; std::getline(in, line);) {
      if (line.find("/CN=good") == std::string::npos) out << line << "\n";
    }
  }
  Responder forgetful("rev-ca", "rev-ca", records);
  Run unknown = Fetch("rev-good", forgetful.port());
  CHECK(unknown.Ids() == Ids{"cert.ocsp.staple_missing", "cert.ocsp.status_unknown"});
  CHECK(unknown.Severity("cert.ocsp.status_unknown") == "warning");
  CHECK(unknown.Fact("revocation") == "good");  // from the CRL

  // A responder for another CA answers unauthorized; the CRL then decides.
  Responder other("public-inter", "public-inter");
  Run unauthorized = Fetch("rev-good", other.port());
  CHECK(unauthorized.Ids() == Ids{"cert.ocsp.responder_error", "cert.ocsp.staple_missing"});
  CHECK(unauthorized.Fact("revocation") == "good");
  CHECK(unauthorized.Fact("revocation_fetched").find("rev-ca.crl") != std::string::npos);
}

TEST_CASE("hostile OCSP responders end in a finding, bounded", "[e2e][revocation][hostile]") {
  // The leaf's responder is hostile; its CRL (the lab's) still decides: the run ends within
  // its timeouts, says where the status came from and names a responder that answered junk.
  for (const char* mode : {"silent", "plain-slow-body", "plain-endless-body", "plain-junk"}) {
    INFO(mode);
    Hostile server(mode);
    Run r = Fetch("rev-good", server.port());
    CHECK(r.cmd.exit_code == 0);
    CHECK(r.Fact("revocation") == "good");
    CHECK(r.Fact("revocation_fetched").find("rev-ca.crl") != std::string::npos);
    Ids want = {"cert.ocsp.staple_missing"};
    if (std::string(mode) == "plain-junk") want.push_back("cert.ocsp.responder_error");
    CHECK(r.Ids() == Sorted(want));
  }
  // A CRL host that never answers or dribbles: the only source, so the status is unreachable.
  const int no_ocsp = FreePort();  // rev-crl-only names no responder
  for (const char* mode : {"silent", "plain-slow-body"}) {
    INFO("CRL host " << mode);
    Hostile crl_host(mode);
    Run r = Endpoint("rev-crl-only", no_ocsp, {"--revocation", "fetch"}, crl_host.port());
    CHECK(r.cmd.exit_code == 0);
    CHECK(r.Ids() == Ids{"cert.revocation.unreachable", "cert.revocation.unreachable"});
    CHECK(r.Fact("revocation") == "unreachable");
  }
  // A CRL host that sends forever: capped, not read to the end.
  Hostile endless("plain-endless-body");
  Run r = Endpoint("rev-crl-only", no_ocsp, {"--revocation", "fetch"}, endless.port());
  CHECK(r.cmd.exit_code == 0);
  // Both CRLs (the leaf's and the CA's) come from the endless host: each capped.
  CHECK(r.Ids() == Ids{"cert.crl.too_large", "cert.crl.too_large"});
}

TEST_CASE("a batch under one CA fetches each CRL once", "[e2e][revocation]") {
  Responder responder;
  int port = FixtureServer::Get().Port("rev-crl-only");
  std::string targets = BinaryDir() + "/test-logs/revocation-targets.txt";
  std::filesystem::create_directories(BinaryDir() + "/test-logs");
  {
    std::ofstream out(targets);
    for (int i = 1; i <= 6; ++i) out << "h" << i << ".contoso.test\n";
  }
  int before = CountRequests("/rev-ca.crl");
  CommandResult r =
      RunCommand({CxaBinary(), "run", "tls-endpoint", "--targets", targets, "--input",
                  "port=" + std::to_string(port), "--input", "name=mail.contoso.test", "--resolve",
                  "*:" + std::to_string(port) + ":127.0.0.1", "--connect-to",
                  "crl.cxa.test:80:127.0.0.1:" + std::to_string(FixtureServer::Get().Port("crl")),
                  "--public-roots", LabRoots(), "--revocation", "fetch", "--format", "jsonl"},
                 "", 90);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(CountRequests("/rev-ca.crl") - before == 1);
}

TEST_CASE("cxa cert judges a chain with a CRL and an OCSP response offline", "[e2e][revocation]") {
  Run revoked = Cxa({"cert", "--chain", Rev("revoked/chain.pem"), "--host", "mail.contoso.test",
                     "--public-roots", LabRoots(), "--crl", Rev("rev-ca.crl"), "--format", "json"});
  CHECK(revoked.cmd.exit_code == 1);
  CHECK(revoked.Ids() == Ids{"cert.revocation.revoked"});

  Run good = Cxa({"cert", "--chain", Rev("good/chain.pem"), "--host", "mail.contoso.test",
                  "--public-roots", LabRoots(), "--ocsp-response", Rev("good.ocsp"), "--crl",
                  Rev("public-root.crl"), "--format", "json"});
  CHECK(good.cmd.exit_code == 0);
  CHECK(good.Ids().empty());

  CommandResult bad =
      RunCommand({CxaBinary(), "cert", "--connect", "127.0.0.1:1", "--crl", Rev("rev-ca.crl")});
  CHECK(bad.exit_code == 2);  // a usage error: --crl goes with --chain
}
