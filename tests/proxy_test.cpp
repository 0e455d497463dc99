// cxa through a real HTTP proxy: Debian's squid with basic authentication on loopback. A proxy
// that demands credentials is the proxy's finding (net.proxy.auth_required), never an empty
// response or a refused connection of the server behind it.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "cert/cert_evaluator.h"
#include "loopback.h"
#include "transport/curl_transport.h"

using namespace cxa;
using namespace cxa::testing;
using json = nlohmann::json;

namespace {

constexpr const char* kSquid = "/usr/sbin/squid";

// A squid on 127.0.0.1 that lets nobody through without the user "operator"; every name it
// is asked for resolves to 127.0.0.1 (its own hosts file, no DNS). One per test process.
class Squid {
 public:
  static Squid& Get() {
    static Squid squid;
    return squid;
  }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string AccessLog() const {
    std::ifstream in(dir_ + "/access.log");
    return {std::istreambuf_iterator<char>(in), {}};
  }

 private:
  Squid() {
    REQUIRE(std::filesystem::exists(kSquid));
    dir_ = BinaryDir() + "/test-logs/squid-" + std::to_string(::getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ::chmod(dir_.c_str(), 0777);  // squid started as root works as the user "proxy"
    CommandResult hash = RunCommand({"/usr/bin/openssl", "passwd", "-apr1", "lab-proxy-secret"});
    REQUIRE(hash.exit_code == 0);
    std::ofstream(dir_ + "/passwd") << "operator:" << hash.out;
    std::ofstream(dir_ + "/hosts") << "127.0.0.1 mail.contoso.test autodiscover.contoso.test\n";
    port_ = FreePort();
    std::ofstream(dir_ + "/squid.conf")
        << "http_port 127.0.0.1:" << port_ << "\n"
        << "visible_hostname cxa-lab-proxy\n"
        << "pid_filename " << dir_ << "/squid.pid\n"
        << "cache_log " << dir_ << "/cache.log\n"
        << "access_log stdio:" << dir_ << "/access.log\n"
        << "coredump_dir " << dir_ << "\n"
        << "hosts_file " << dir_ << "/hosts\n"
        << "cache deny all\n"
        << "shutdown_lifetime 0 seconds\n"
        << "auth_param basic program /usr/lib/squid/basic_ncsa_auth " << dir_ << "/passwd\n"
        << "auth_param basic realm cxa lab proxy\n"
        << "acl signed_in proxy_auth REQUIRED\n"
        << "http_access allow signed_in\n"
        << "http_access deny all\n";
    for (const char* f : {"/passwd", "/hosts", "/squid.conf"}) {
      ::chmod((dir_ + f).c_str(), 0644);
    }
    REQUIRE(proc_.Start({kSquid, "-N", "-f", dir_ + "/squid.conf"}));
    REQUIRE(WaitForPort(port_, 20000));
  }
  std::string dir_;
  int port_ = 0;
  BackgroundProcess proc_;
};

}  // namespace

TEST_CASE("a proxy that demands authentication is the proxy's finding, for HTTPS and plain HTTP",
          "[e2e][loopback][proxy]") {
  Squid& squid = Squid::Get();
  auto& fs = FixtureServer::Get("tls.xml");
  cert::TrustPolicy policy;
  auto roots = cert::TrustStore::FromPemFile(LabRoots(), "lab");
  REQUIRE(roots.ok());
  policy.public_roots = *roots;
  cert::CertEvaluator evaluator;
  TransportOptions opts;
  opts.proxy = squid.url();
  CurlTransport t(opts, evaluator);

  HttpRequest tls;  // through a CONNECT tunnel
  tls.url = "https://mail.contoso.test:" + std::to_string(fs.Port("good")) + "/owa/";
  tls.trust = &policy;
  tls.verify_time = std::time(nullptr);
  HttpExchange a = t.Perform(tls);
  REQUIRE(a.error.has_value());
  CHECK(a.error->id == "net.proxy.auth_required");
  CHECK_FALSE(a.response.has_value());

  HttpRequest plain;  // the proxy answers for the server
  plain.url = "http://mail.contoso.test:" + std::to_string(fs.Port("aia")) + "/";
  HttpExchange b = t.Perform(plain);
  REQUIRE(b.error.has_value());
  CHECK(b.error->id == "net.proxy.auth_required");

  CHECK_THAT(squid.AccessLog(), Catch::Contains("TCP_DENIED/407"));
}

TEST_CASE("cxa run through a proxy that demands authentication names the proxy",
          "[e2e][loopback][proxy]") {
  Squid& squid = Squid::Get();
  int port = FixtureServer::Get("tls.xml").Port("good");
  CommandResult r =
      RunCommand({CxaBinary(), "run", "tls-endpoint", "--input", "host=mail.contoso.test",
                  "--input", "port=" + std::to_string(port), "--proxy", squid.url(),
                  "--public-roots", LabRoots(), "--no-aia", "--format", "json"});
  CAPTURE(r.out, r.err);
  CHECK(r.exit_code == 1);
  json j = json::parse(r.out);
  std::string ids = j["steps"][0]["findings"].dump();
  CHECK_THAT(ids, Catch::Contains("net.proxy.auth_required"));
  CHECK_THAT(ids, !Catch::Contains("net.connect.refused"));
  CHECK_THAT(ids, !Catch::Contains("http.response.empty"));
}

TEST_CASE("a proxy password on the command line is refused", "[e2e][proxy]") {
  CommandResult r =
      RunCommand({CxaBinary(), "run", "tls-endpoint", "--input", "host=mail.contoso.test",
                  "--proxy", "http://operator:lab-proxy-secret@127.0.0.1:3128"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("--proxy"));
  CHECK(r.err.find("lab-proxy-secret") == std::string::npos);
}
