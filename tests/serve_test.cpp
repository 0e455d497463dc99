// cxa serve end to end: the real binary serving modules over the loopback labs, asked by curl,
// checked by promtool, and scraped by a real Prometheus.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <regex>
#include <thread>

#include "core/text.h"
#include "loopback.h"
#include "nlohmann/json.hpp"
#include "transport/url.h"

using namespace cxa;
using namespace cxa::testing;

namespace {

const char* const kPassword = "cxa-lab-S3cret";

struct Answer {
  int status = 0;
  std::string body;
};

// A request by curl: METHOD URL [headers...].
Answer Http(const std::string& url, std::vector<std::string> extra = {}, int timeout_s = 30) {
  std::vector<std::string> args = {"/usr/bin/curl",
                                   "-s",
                                   "-S",
                                   "-g",
                                   "--path-as-is",
                                   "-w",
                                   "\n%{http_code}",
                                   "--max-time",
                                   std::to_string(timeout_s)};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(url);
  CommandResult r = RunCommand(args, "", timeout_s + 5);
  Answer a;
  size_t nl = r.out.rfind('\n');
  if (nl == std::string::npos) return a;
  a.status = std::atoi(r.out.c_str() + nl + 1);
  a.body = r.out.substr(0, nl);
  return a;
}

bool HasLine(const std::string& text, const std::string& line) {
  for (const auto& l : Split(text, '\n')) {
    if (l == line) return true;
  }
  return false;
}

bool PromtoolAccepts(const std::string& metrics) {
  CommandResult r = RunCommand({"/usr/bin/promtool", "check", "metrics"}, metrics, 30);
  UNSCOPED_INFO(r.out << r.err);
  return r.exit_code == 0;
}

// A socket that accepts connections (the kernel does) and never says anything.
class SilentServer {
 public:
  SilentServer() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(listen(fd_, 64) == 0);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~SilentServer() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// owa over the OWA lab (forms-based sign-in page) and outlook-anywhere over the Outlook Anywhere
// lab, signed in with the lab password.
std::string OwaAndOaModules() {
  FixtureServer& owa = FixtureServer::Get("owa.xml");
  FixtureServer& oa = FixtureServer::Get("oa.xml");
  auto port = [](FixtureServer& fs, const char* site) { return std::to_string(fs.Port(site)); };
  return "  owa:\n"
         "    scenario: owa\n"
         "    options:\n"
         "      public-roots: " +
         LabRoots() +
         "\n"
         "      connect-to: [\"fba.contoso.test:443:127.0.0.1:" +
         port(owa, "owa-fba") +
         "\", \"fba.contoso.test:80:127.0.0.1:" + port(owa, "http-redirect") +
         "\"]\n"
         "      timeout: 3\n"
         "  outlook-anywhere:\n"
         "    scenario: outlook-anywhere\n"
         "    password_env: CXA_SERVE_TEST_PW\n"
         "    inputs:\n"
         "      user: LAB\\labuser\n"
         "    options:\n"
         "      public-roots: " +
         LabRoots() +
         "\n"
         "      connect-to: [\":443:127.0.0.1:" +
         port(oa, "oa-apex") + "\", \":80:127.0.0.1:" + port(oa, "oa-http-none") +
         "\"]\n"
         "      srv-record: \"_autodiscover._tcp.oa.test=\"\n"
         "      timeout: 3\n";
}

// A TCP connection to 127.0.0.1:port, or -1.
int ConnectLoopback(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// The lab's modules: tls-endpoint over the TLS lab (an allow-list, every port aimed at
// loopback) and o365-sso over the AD FS lab with the lab password from the environment.
std::string LabConfig(int silent_port) {
  FixtureServer& tls = FixtureServer::Get("tls.xml");
  FixtureServer& o365 = FixtureServer::Get("o365.xml");
  const std::string realm = std::to_string(o365.Port("realm"));
  std::string resolve;
  for (const char* site : {"good", "self-signed", "expiring-soon"}) {
    resolve += "\"*:" + std::to_string(tls.Port(site)) + ":127.0.0.1\", ";
  }
  resolve += "\"*:" + std::to_string(silent_port) + ":127.0.0.1\"";
  return "# the lab\nmodules:\n"
         "  tls:\n"
         "    scenario: tls-endpoint\n"
         "    options:\n"
         "      public-roots: " +
         LabRoots() +
         "\n"
         "      resolve: [" +
         resolve +
         "]\n"
         "      timeout: 2\n"
         "    targets: [\"*.contoso.test\"]\n"
         "  o365-sso:\n"
         "    scenario: o365-sso\n"
         "    password_env: CXA_SERVE_TEST_PW\n"
         "    options:\n"
         "      public-roots: " +
         LabRoots() +
         "\n"
         "      no-aia: true\n"
         "      realm-endpoint: https://login.cxa.test:" +
         realm +
         "\n"
         "      resolve: login.cxa.test:" +
         realm +
         ":127.0.0.1\n"
         "      connect-to: sts.contoso.test:443:127.0.0.1:" +
         std::to_string(o365.Port("sts-good")) +
         "\n"
         "      timeout: 5\n" +
         OwaAndOaModules();
}

// `cxa serve` on a free loopback port with the configuration `yaml`.
class Service {
 public:
  explicit Service(const std::string& yaml, std::vector<std::string> extra = {}) {
    static int instances = 0;
    dir_ = BinaryDir() + "/serve-" + std::to_string(::getpid()) + "-" + std::to_string(++instances);
    std::filesystem::create_directories(dir_);
    config_ = dir_ + "/serve.yml";
    Write(yaml);
    setenv("CXA_SERVE_TEST_PW", kPassword, 1);
    // Its log (standard error) goes to a file the tests can read.
    log_ = dir_ + "/serve.log";
    std::filesystem::remove(log_);
    std::vector<std::string> args = {
        "/bin/bash", "-c",       "exec \"$0\" \"$@\" 2>>'" + log_ + "'",
        CxaBinary(), "serve",    "--config",
        config_,     "--listen", "127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    REQUIRE(proc_.Start(args));
    std::string line = proc_.WaitForLine("listening on ", 20);
    REQUIRE(!line.empty());
    base_ = "http://" + line.substr(std::string("listening on ").size());
  }
  void Write(const std::string& yaml) { std::ofstream(config_) << yaml; }
  std::string Url(const std::string& path) const { return base_ + path; }
  pid_t pid() const { return proc_.pid(); }
  const std::string& config() const { return config_; }
  std::string Log() const { return ReadText(log_); }
  int port() const { return std::stoi(base_.substr(base_.rfind(':') + 1)); }

 private:
  std::string dir_, config_, base_, log_;
  BackgroundProcess proc_;
};

}  // namespace

TEST_CASE("serve: probes answer as Prometheus metrics, with the reason a probe failed",
          "[e2e][loopback][serve]") {
  SilentServer silent;
  Service svc(LabConfig(silent.port()));
  const std::string good = std::to_string(FixtureServer::Get("tls.xml").Port("good"));
  const std::string bad = std::to_string(FixtureServer::Get("tls.xml").Port("self-signed"));

  Answer ok = Http(svc.Url("/probe?module=tls&target=mail.contoso.test:" + good));
  INFO(ok.body);
  CHECK(ok.status == 200);
  CHECK(HasLine(ok.body, "cxa_probe_success 1"));
  CHECK(HasLine(ok.body, "cxa_step_success{step=\"tls\"} 1"));
  CHECK(ok.body.find("cxa_cert_not_after_timestamp_seconds{step=\"tls\",position=\"0\"}") !=
        std::string::npos);
  CHECK(PromtoolAccepts(ok.body));

  Answer self = Http(svc.Url("/probe?module=tls&target=mail.contoso.test:" + bad));
  CHECK(self.status == 200);
  CHECK(HasLine(self.body, "cxa_probe_success 0"));
  CHECK(HasLine(self.body,
                "cxa_finding{step=\"tls\",id=\"cert.chain.self_signed\",severity=\"error\"} 1"));
  CHECK(PromtoolAccepts(self.body));

  // OpenMetrics when Prometheus asks for it; the text report with debug=true.
  Answer om = Http(svc.Url("/probe?module=tls&target=mail.contoso.test:" + good),
                   {"-H", "Accept: application/openmetrics-text; version=1.0.0"});
  CHECK(om.body.size() > 6);
  CHECK(om.body.substr(om.body.size() - 6) == "# EOF\n");
  Answer debug = Http(svc.Url("/probe?module=tls&target=mail.contoso.test:" + bad + "&debug=true"));
  CHECK(debug.body.find("cert.chain.self_signed") != std::string::npos);
  CHECK(debug.body.find("cxa_probe_success") == std::string::npos);

  // The AD FS lab: the token-signing certificate's expiry, and a sign-in with the password the
  // service read from its environment.
  Answer sso = Http(svc.Url("/probe?module=o365-sso&target=alice@contoso.test"));
  INFO(sso.body);
  CHECK(HasLine(sso.body, "cxa_probe_success 1"));
  CHECK(sso.body.find("cxa_adfs_token_signing_not_after_timestamp_seconds{step=\"metadata\"}") !=
        std::string::npos);
  CHECK(sso.body.find("id=\"adfs.signin.ok\"") != std::string::npos);
  CHECK(PromtoolAccepts(sso.body));

  // The seed scenarios as modules: OWA's front end, Outlook Anywhere signed in.
  Answer owa = Http(svc.Url("/probe?module=owa&target=fba.contoso.test"));
  INFO(owa.body);
  CHECK(HasLine(owa.body, "cxa_probe_success 1"));
  CHECK(PromtoolAccepts(owa.body));
  Answer oa = Http(svc.Url("/probe?module=outlook-anywhere&target=labuser@oa.test"));
  INFO(oa.body);
  CHECK(HasLine(oa.body, "cxa_probe_success 1"));
  CHECK(HasLine(oa.body, "cxa_step_success{step=\"echo\"} 1"));  // signed in at the RPC proxy
  CHECK(PromtoolAccepts(oa.body));
  CHECK(oa.body.find(kPassword) == std::string::npos);

  // The service's own metrics count them.
  Answer metrics = Http(svc.Url("/metrics"));
  CHECK(metrics.status == 200);
  CHECK(PromtoolAccepts(metrics.body));
  CHECK(HasLine(metrics.body, "cxa_serve_probes_total{module=\"tls\",outcome=\"passed\"} 2"));
  CHECK(HasLine(metrics.body, "cxa_serve_probes_total{module=\"tls\",outcome=\"failed\"} 2"));
  CHECK(metrics.body.find("cxa_probe_success") == std::string::npos);  // never a target's

  // The page: a form that works without script, the history, each run's report.
  Answer page = Http(svc.Url("/"));
  CHECK(page.body.find("<form method=\"get\" action=\"/run\"") != std::string::npos);
  CHECK(page.body.find("alice@contoso.test") != std::string::npos);
  Answer run = Http(svc.Url("/run?module=tls&target=mail.contoso.test:" + bad));
  CHECK(run.status == 200);
  CHECK(run.body.find("cert.chain.self_signed") != std::string::npos);
  Answer report = Http(svc.Url("/report?id=1"));
  CHECK(report.status == 200);
  CHECK(report.body.find("<!DOCTYPE html>") != std::string::npos);
  Answer api = Http(svc.Url("/api/run?module=tls&target=mail.contoso.test:" + good));
  REQUIRE(api.status == 200);
  auto json = nlohmann::json::parse(api.body);
  CHECK(json["outcome"] == "passed");

  // No answer carries the password in any form.
  Answer config = Http(svc.Url("/config"));
  CHECK(config.body.find("CXA_SERVE_TEST_PW  # <secret>") != std::string::npos);
  for (const Answer* a : {&sso, &metrics, &page, &config, &run, &api}) {
    for (const std::string& form : {std::string(kPassword), std::string("Y3hhLWxhYi1TM2NyZXQ"),
                                    std::string("cxa-lab-S3cret")}) {
      CHECK(a->body.find(form) == std::string::npos);
    }
  }
  Answer sso_debug = Http(svc.Url("/probe?module=o365-sso&target=alice@contoso.test&debug=true"));
  CHECK(sso_debug.body.find(kPassword) == std::string::npos);
}

TEST_CASE("serve: requests it refuses, each with a status and a one-line reason",
          "[e2e][loopback][serve]") {
  SilentServer silent;
  Service svc(LabConfig(silent.port()));
  struct Case {
    const char* path;
    int status;
    const char* says;
  };
  auto c = GENERATE(values<Case>({
      {"/probe?target=mail.contoso.test", 400, "missing module"},
      {"/probe?module=nope&target=mail.contoso.test", 400, "unknown module"},
      {"/probe?module=tls", 400, "missing target"},
      {"/probe?module=tls&target=mail.fabrikam.test", 403, "not in module"},
      {"/probe?module=tls&target=evil.test%2F..%2F", 400, ""},
      {"/probe?module=tls&target=a%20b.contoso.test", 400, "host"},
      {"/probe?module=tls&target=%ff.contoso.test", 400, "UTF-8"},
      {"/probe?module=tls&module=tls&target=mail.contoso.test", 400, "twice"},
      {"/probe?module=o365-sso&target=not-an-address", 400, ""},
      {"/../../etc/passwd", 404, ""},
      {"/probe/../config", 404, ""},
  }));
  INFO(c.path);
  Answer a = Http(svc.Url(c.path));
  CHECK(a.status == c.status);
  CHECK(a.body.find(c.says) != std::string::npos);
  CHECK(std::count(a.body.begin(), a.body.end(), '\n') <= 1);
  // A head larger than the bound, and a method that is not served.
  CHECK(Http(svc.Url("/probe?module=tls&target=" + std::string(9000, 'a'))).status == 400);
  CHECK(Http(svc.Url("/metrics"), {"-X", "DELETE"}).status == 405);
  CHECK(Http(svc.Url("/-/reload")).status == 405);
}

TEST_CASE("serve: the probe's budget comes from the scrape timeout, and probes are bounded",
          "[e2e][loopback][serve]") {
  SilentServer silent;
  Service svc(LabConfig(silent.port()), {"--max-concurrent", "1"});
  const std::string slow =
      "/probe?module=tls&target=slow.contoso.test:" + std::to_string(silent.port());
  // Prometheus says it waits 1.5 s: the probe ends within 1 s (less the 0.5 s offset) and
  // reports what it reached.
  auto t0 = std::chrono::steady_clock::now();
  Answer budget = Http(svc.Url(slow), {"-H", "X-Prometheus-Scrape-Timeout-Seconds: 1.5"});
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  INFO(budget.body);
  CHECK(budget.status == 200);
  CHECK(HasLine(budget.body, "cxa_probe_success 0"));
  CHECK(budget.body.find("tls.handshake.timeout") != std::string::npos);
  CHECK(took < 1.9);  // the module's own timeout (2 s per stage) would take longer

  // One probe in flight (the silent server, 2 s): a second one is refused at once.
  std::thread first([&] { Http(svc.Url(slow)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  Answer busy = Http(svc.Url("/probe?module=tls&target=mail.contoso.test:" +
                             std::to_string(FixtureServer::Get("tls.xml").Port("good"))));
  first.join();
  CHECK(busy.status == 503);
  CHECK(busy.body.find("max-concurrent") != std::string::npos);
  CHECK(HasLine(Http(svc.Url("/metrics")).body,
                "cxa_serve_probes_rejected_total{reason=\"busy\"} 1"));

  // Hundreds of idle connections do not stop it from answering.
  std::vector<int> idle;
  for (int i = 0; i < 300; ++i) {
    int fd = ConnectLoopback(svc.port());
    if (fd < 0) continue;
    (void)!write(fd, "GET /metrics HTTP/1.1\r\nHost: x\r\n", 32);  // a head never finished
    idle.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  for (int fd : idle) close(fd);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(Http(svc.Url("/metrics")).status == 200);
}

TEST_CASE("serve: reloads keep the modules in effect when the new file is bad",
          "[e2e][loopback][serve]") {
  SilentServer silent;
  const std::string config = LabConfig(silent.port());
  Service svc(config);
  const std::string good = "/probe?module=tls&target=mail.contoso.test:" +
                           std::to_string(FixtureServer::Get("tls.xml").Port("good"));
  svc.Write("modules:\n  tls:\n    scenarios: tls-endpoint\n");
  Answer refused = Http(svc.Url("/-/reload"), {"-X", "POST"});
  CHECK(refused.status == 500);
  CHECK(refused.body.find(svc.config() + ":3:") != std::string::npos);
  CHECK(Http(svc.Url(good)).status == 200);
  CHECK(HasLine(Http(svc.Url("/metrics")).body, "cxa_serve_config_last_reload_successful 0"));

  // A good file (the tls module gone, a new one) by SIGHUP.
  std::string renamed = config;
  renamed.replace(renamed.find("  tls:"), 6, "  edge:");
  svc.Write(renamed);
  REQUIRE(kill(svc.pid(), SIGHUP) == 0);
  bool reloaded = false;
  for (int i = 0; i < 50 && !reloaded; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    reloaded = HasLine(Http(svc.Url("/metrics")).body, "cxa_serve_config_last_reload_successful 1");
  }
  CHECK(reloaded);
  CHECK(Http(svc.Url(good)).status == 400);  // unknown module now
  std::string edge = good;
  edge.replace(edge.find("module=tls"), 10, "module=edge");
  CHECK(Http(svc.Url(edge)).status == 200);
}

TEST_CASE("serve: --check-config names the file and line of what is wrong",
          "[e2e][loopback][serve]") {
  const std::string dir = BinaryDir() + "/serve-check-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  const std::string file = dir + "/serve.yml";
  std::ofstream(file) << "modules:\n  tls:\n    scenario: tls-endpoint\n    options:\n"
                         "      timeout: soon\n";
  CommandResult bad = RunCommand({CxaBinary(), "serve", "--check-config", file});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find(file + ":2: module 'tls'") != std::string::npos);
  std::ofstream(file) << "modules:\n  tls:\n    scenario: no-such-scenario\n";
  CHECK(RunCommand({CxaBinary(), "serve", "--check-config", file}).exit_code == 2);
  std::ofstream(file) << "modules:\n  tls:\n    scenario: tls-endpoint\n    options:\n"
                         "      ignore-trust: true\n      resolve: ['*:443:127.0.0.1']\n";
  CommandResult ok = RunCommand({CxaBinary(), "serve", "--check-config", file});
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.find("valid, 1 module") != std::string::npos);
  // The shipped example is valid (its password file put where this test can write).
  std::string example = ReadText(SourceDir() + "/deploy/serve.yml");
  const std::string secret = dir + "/probe.password";
  std::ofstream(secret) << "not-a-real-password\n";
  example.replace(example.find("/etc/cxa/probe.password"), 23, secret);
  std::ofstream(file) << example;
  CommandResult shipped = RunCommand({CxaBinary(), "serve", "--check-config", file});
  INFO(shipped.err);
  CHECK(shipped.exit_code == 0);
  CHECK(shipped.out.find("valid, 4 module") != std::string::npos);
  // No listener is opened on anything but loopback unless asked, and a bad address is refused.
  CHECK(RunCommand({CxaBinary(), "serve", "--config", file, "--listen", "nowhere"}).exit_code == 2);
}

TEST_CASE("serve: a real Prometheus scrapes the probes and stores why one failed",
          "[e2e][loopback][serve][prometheus]") {
  SilentServer silent;
  Service svc(LabConfig(silent.port()));
  FixtureServer& tls = FixtureServer::Get("tls.xml");
  const std::string good = "mail.contoso.test:" + std::to_string(tls.Port("good"));
  const std::string bad = "mail.contoso.test:" + std::to_string(tls.Port("self-signed"));
  const std::string service = svc.Url("").substr(std::string("http://").size());
  const std::string dir = BinaryDir() + "/serve-prometheus-" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  // The shipped scrape configuration (deploy/prometheus.yml): its target files, its service
  // address and its intervals made fit for a test, nothing else changed.
  std::string shipped = ReadText(SourceDir() + "/deploy/prometheus.yml");
  for (size_t at; (at = shipped.find("/etc/prometheus/cxa/")) != std::string::npos;) {
    shipped.replace(at, 20, dir + "/");
  }
  for (size_t at; (at = shipped.find("127.0.0.1:9731")) != std::string::npos;) {
    shipped.replace(at, 14, service);
  }
  shipped =
      std::regex_replace(shipped, std::regex("scrape_interval: [0-9]+s"), "scrape_interval: 1s");
  shipped =
      std::regex_replace(shipped, std::regex("scrape_timeout: [0-9]+s"), "scrape_timeout: 1s");
  std::ofstream(dir + "/prometheus.yml")
      << shipped << "global: {scrape_interval: 1s, evaluation_interval: 1s}\n";
  std::filesystem::copy_file(SourceDir() + "/deploy/cxa-alerts.yml", dir + "/cxa-alerts.yml");
  std::ofstream(dir + "/tls.yml") << "- targets: ['" << good << "', '" << bad << "']\n";
  std::ofstream(dir + "/o365-sso.yml") << "- targets: ['alice@contoso.test']\n";
  std::ofstream(dir + "/owa.yml") << "- targets: ['fba.contoso.test']\n";
  std::ofstream(dir + "/outlook.yml") << "[]\n";
  const int port = FreePort();
  BackgroundProcess prometheus;
  REQUIRE(prometheus.Start({"/usr/bin/prometheus", "--config.file=" + dir + "/prometheus.yml",
                            "--storage.tsdb.path=" + dir + "/data",
                            "--web.listen-address=127.0.0.1:" + std::to_string(port),
                            "--log.level=warn"}));
  REQUIRE(WaitForPort(port, 20000));
  const std::string api = "http://127.0.0.1:" + std::to_string(port) + "/api/v1/query?query=";
  // The value of the series of `query` whose instance is `instance`, once Prometheus has it.
  auto value = [&](const std::string& query, const std::string& instance) -> std::string {
    for (int i = 0; i < 100; ++i) {
      Answer a = Http(api + UrlEncode(query));
      if (a.status == 200) {
        auto j = nlohmann::json::parse(a.body, nullptr, false);
        if (!j.is_discarded()) {
          for (const auto& r : j["data"]["result"]) {
            if (instance.empty() || r["metric"]["instance"] == instance) {
              return r["value"][1].get<std::string>();
            }
          }
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return "";
  };
  CHECK(value("cxa_probe_success", good) == "1");
  CHECK(value("cxa_probe_success", bad) == "0");
  CHECK(value("cxa_finding{id=\"cert.chain.self_signed\",severity=\"error\"}", bad) == "1");
  CHECK_FALSE(
      value("cxa_adfs_token_signing_not_after_timestamp_seconds", "alice@contoso.test").empty());
  CHECK(value("cxa_probe_success", "fba.contoso.test") == "1");
  CHECK(value("up{job=\"cxa-serve\"}", "") == "1");
  CHECK(value("cxa_serve_max_concurrent", "") == "8");
  // The shipped alerting rules are loaded.
  Answer rules = Http("http://127.0.0.1:" + std::to_string(port) + "/api/v1/rules");
  CHECK(rules.body.find("CxaProbeFailing") != std::string::npos);
  CHECK(rules.body.find("CxaTokenSigningExpiringSoon") != std::string::npos);
}

TEST_CASE("serve: TLS and basic authentication for the listener (--web.config.file)",
          "[e2e][loopback][serve]") {
  SilentServer silent;
  const std::string dir = BinaryDir() + "/serve-web-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  const std::string web = dir + "/web.yml";
  // bcrypt (cost 6) of cxa-web-S3cret, a test value.
  std::ofstream(web)
      << "tls_server_config:\n  cert_file: " << LabPki() << "/good/chain.pem\n"
      << "  key_file: " << LabPki() << "/good/key.pem\n"
      << "basic_auth_users:\n"
         "  prometheus: '$2b$06$gf2gBoeKnB6DNTsNrs6EJ.pCX/td5N9pKZqHUM2R/donnNCpg81UG'\n";
  Service svc(LabConfig(silent.port()), {"--web.config.file", web});
  std::string url = svc.Url("/metrics");
  url.replace(0, 4, "https");
  const std::string port = url.substr(url.rfind(':') + 1, url.find('/', 8) - url.rfind(':') - 1);
  const std::vector<std::string> tls = {"--cacert", LabRoots(), "--resolve",
                                        "mail.contoso.test:" + port + ":127.0.0.1"};
  std::string named = url;
  named.replace(named.find("127.0.0.1"), 9, "mail.contoso.test");
  auto with = [&](std::vector<std::string> extra) {
    extra.insert(extra.begin(), tls.begin(), tls.end());
    return extra;
  };
  CHECK(Http(named, with({})).status == 401);
  CHECK(Http(named, with({"-u", "prometheus:wrong"})).status == 401);
  Answer ok = Http(named, with({"-u", "prometheus:cxa-web-S3cret"}));
  CHECK(ok.status == 200);
  CHECK(ok.body.find("cxa_serve_max_concurrent") != std::string::npos);
  // Plain HTTP to the TLS listener gets nothing.
  CHECK(Http(svc.Url("/metrics")).status != 200);
  // A web configuration that would not be enforced is refused before listening.
  std::ofstream(web) << "basic_auth_users:\n  prometheus: cxa-web-S3cret\n";
  CommandResult refused = RunCommand({CxaBinary(), "serve", "--config", svc.config(), "--listen",
                                      "127.0.0.1:0", "--web.config.file", web});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("bcrypt") != std::string::npos);
  CHECK(refused.err.find("cxa-web-S3cret") == std::string::npos);
}

TEST_CASE("serve: hostile clients get cut off, and the service keeps answering",
          "[e2e][loopback][serve]") {
  SilentServer silent;
  Service svc(LabConfig(silent.port()), {"--idle-timeout", "1"});
  auto open_socket = [&]() { return ConnectLoopback(svc.port()); };
  // A head that never ends (slowloris): closed after the idle timeout.
  int slow = open_socket();
  REQUIRE(slow >= 0);
  const std::string partial = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-A: ";
  (void)!write(slow, partial.data(), partial.size());
  timeval tv{4, 0};
  setsockopt(slow, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  auto t0 = std::chrono::steady_clock::now();
  char buf[64];
  const ssize_t got = read(slow, buf, sizeof buf);
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  close(slow);
  CHECK(got <= 0);
  CHECK(waited < 3.5);
  // Hundreds of connections at once: those over the bound are closed, the service answers.
  std::vector<int> crowd;
  for (int i = 0; i < 500; ++i) {
    int fd = open_socket();
    if (fd >= 0) crowd.push_back(fd);
  }
  CHECK(Http(svc.Url("/metrics")).status == 200);
  for (int fd : crowd) close(fd);
  // Over --max-connections, new ones are closed at once (and the crowd times out).
  {
    Service small(LabConfig(silent.port()), {"--max-connections", "16", "--idle-timeout", "1"});
    std::vector<int> full;
    for (int i = 0; i < 16; ++i) {
      if (int fd = ConnectLoopback(small.port()); fd >= 0) full.push_back(fd);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK(Http(small.Url("/metrics"), {}, 5).status == 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the idle ones are closed
    CHECK(Http(small.Url("/metrics"), {}, 5).status == 200);
    for (int fd : full) close(fd);
  }
  // Two thousand probe requests, 300 at a time: at most --max-concurrent run, the rest get 503
  // at once, and afterwards nothing is left in flight.
  {
    const std::string urls = BinaryDir() + "/serve-flood-" + std::to_string(::getpid()) + ".cfg";
    std::ofstream out(urls);
    const std::string target =
        "mail.contoso.test:" + std::to_string(FixtureServer::Get("tls.xml").Port("good"));
    for (int i = 0; i < 2000; ++i) {
      out << "url = \"" << svc.Url("/probe?module=tls&target=" + target) << "\"\n"
          << "output = /dev/null\n";
    }
    out.close();
    CommandResult flood =
        RunCommand({"/usr/bin/curl", "-s", "--no-progress-meter", "-Z", "--parallel-max", "300",
                    "-w", "%{http_code}\n", "--config", urls},
                   "", 120);
    const auto codes = Split(flood.out, '\n');
    const long ok = std::count(codes.begin(), codes.end(), "200");
    const long busy = std::count(codes.begin(), codes.end(), "503");
    CHECK(ok + busy == 2000);
    CHECK(ok > 0);
    const std::string metrics = Http(svc.Url("/metrics")).body;
    CHECK(HasLine(metrics, "cxa_serve_probes_in_flight 0"));
    CHECK(HasLine(metrics,
                  "cxa_serve_probes_rejected_total{reason=\"busy\"} " + std::to_string(busy)));
  }
  // Bytes that are not HTTP, and a header line of a megabyte.
  int junk = open_socket();
  REQUIRE(junk >= 0);
  const std::string hello = "\x16\x03\x01\x02\x00garbage\r\n\r\n";
  (void)!write(junk, hello.data(), hello.size());
  close(junk);
  CHECK(Http(svc.Url("/metrics"), {"-H", "X-Big: " + std::string(1 << 20, 'x')}).status != 200);
  CHECK(Http(svc.Url("/metrics")).status == 200);

  // A sign-in probe: the password is in no answer and not in the log, in any encoding.
  Answer sso = Http(svc.Url("/probe?module=o365-sso&target=alice@contoso.test&debug=true"));
  CHECK(sso.body.find("adfs.signin.ok") != std::string::npos);
  const std::string log = svc.Log();
  CHECK(log.find("probe module=o365-sso") != std::string::npos);
  for (const std::string& form : {std::string(kPassword), std::string("Y3hhLWxhYi1TM2NyZXQ"),
                                  std::string("cxa%2Dlab%2DS3cret")}) {
    CHECK(log.find(form) == std::string::npos);
    CHECK(sso.body.find(form) == std::string::npos);
  }
}

TEST_CASE("serve: the page in a real browser: the form, a report reached through it, the history",
          "[e2e][loopback][serve][html]") {
  SilentServer silent;
  Service svc(LabConfig(silent.port()));
  const std::string bad =
      "mail.contoso.test:" + std::to_string(FixtureServer::Get("tls.xml").Port("self-signed"));
  // Headless Chromium, kept off every network but loopback (which it never proxies).
  auto dom = [&](const std::string& url) {
    CommandResult r = RunCommand(
        {"/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--user-data-dir=" + BinaryDir() + "/chromium-profile-serve",
         "--proxy-server=http://127.0.0.1:9", "--dump-dom", url},
        "", 120);
    return r.out;
  };
  const std::string page = dom(svc.Url("/"));
  CHECK_THAT(page, Catch::Contains("<form method=\"get\" action=\"/run\" id=\"probe\">"));
  CHECK_THAT(page, Catch::Contains("<option value=\"tls\">"));
  // What the form sends (a plain GET, no script): the run's report.
  const std::string report = dom(svc.Url("/run?module=tls&target=" + bad));
  CHECK_THAT(report, Catch::Contains("cert.chain.self_signed"));
  CHECK_THAT(report, Catch::Contains("id=\"steps\""));
  // The history links the run's report.
  const std::string after = dom(svc.Url("/"));
  CHECK_THAT(after, Catch::Contains(bad));
  CHECK_THAT(after, Catch::Contains("href=\"/report?id=1\""));
  CHECK_THAT(after, Catch::Contains("<code>cert.chain.self_signed</code>"));  // why it failed
  CHECK_THAT(dom(svc.Url("/report?id=1")), Catch::Contains("cert.chain.self_signed"));
}

TEST_CASE("serve: SIGTERM lets the probe in flight finish, then exits", "[e2e][loopback][serve]") {
  SilentServer silent;
  Service svc(LabConfig(silent.port()));
  Answer slow;
  // A probe of the silent server takes the module's 2 s.
  std::thread probe([&] {
    slow = Http(
        svc.Url("/probe?module=tls&target=slow.contoso.test:" + std::to_string(silent.port())));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  REQUIRE(kill(svc.pid(), SIGTERM) == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // No new connection is accepted while it drains.
  CHECK(ConnectLoopback(svc.port()) < 0);
  probe.join();
  CHECK(slow.status == 200);
  CHECK(HasLine(slow.body, "cxa_probe_success 0"));
  int status = 0;
  pid_t done = 0;
  for (int i = 0; i < 50 && done == 0; ++i) {
    done = waitpid(svc.pid(), &status, WNOHANG);
    if (done == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(done == svc.pid());
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(svc.Log().find("waiting for 1 probe(s) in flight") != std::string::npos);
}
