// CurlTransport against loopback servers: HTTP exchanges, limits, plain HTTP, the trust gate.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "cert/cert_evaluator.h"
#include "core/time_util.h"
#include "loopback.h"
#include "transport/curl_transport.h"
#include "transport/replay_transport.h"

using namespace cxa;
using namespace cxa::testing;

namespace {

cert::TrustPolicy LabPolicy(cert::TrustMode mode = cert::TrustMode::kStrictPublic) {
  cert::TrustPolicy p;
  auto s = cert::TrustStore::FromPemFile(LabRoots(), "lab");
  REQUIRE(s.ok());
  p.public_roots = *s;
  p.mode = mode;
  return p;
}

// A request to a lab server under `policy`, judged now; the certificate name is the URL's host
// unless `cert_name` is given.
HttpRequest LabRequest(const std::string& url, const cert::TrustPolicy& policy,
                       const std::string& cert_name = "") {
  HttpRequest req;
  req.url = url;
  req.cert_name = cert_name;
  req.trust = &policy;
  req.verify_time = std::time(nullptr);
  req.timeouts = {5000, 5000, 5000, 15000};
  return req;
}

HttpExchange Get(const std::string& site, const std::string& host, const cert::TrustPolicy& policy,
                 Limits limits = {}) {
  int port = FixtureServer::Get().Port(site);
  cert::CertEvaluator evaluator;
  TransportOptions opts;
  opts.resolve = {host + ":" + std::to_string(port) + ":127.0.0.1"};
  CurlTransport t(opts, evaluator);
  HttpRequest req = LabRequest("https://" + host + ":" + std::to_string(port) + "/owa/", policy);
  req.limits = limits;
  return t.Perform(req);
}

}  // namespace

TEST_CASE("an HTTPS GET returns status, headers, body and the TLS capture",
          "[e2e][loopback][transport]") {
  auto policy = LabPolicy();
  HttpExchange ex = Get("good", "mail.contoso.test", policy);
  REQUIRE_FALSE(ex.error.has_value());
  REQUIRE(ex.response.has_value());
  CHECK(ex.response->status == 200);
  CHECK(ex.response->http_version == "1.1");
  CHECK(ex.response->Header("server") == std::optional<std::string>("cxa-fixture-server"));
  CHECK_THAT(ex.response->body, Catch::Contains("cxa fixture site good"));
  CHECK(ex.reached == Stage::kHttp);
  REQUIRE(ex.tls.has_value());
  CHECK(ex.tls->chain.size() == 2);
  CHECK(ex.tls->sni == "mail.contoso.test");
  CHECK(ex.tls->version == "TLSv1.3");
  CHECK_FALSE(ex.tls->cipher.empty());
  REQUIRE(ex.tls->report.has_value());
  CHECK(ex.tls->report->trusted);
}

TEST_CASE("the trust gate aborts the handshake before the request", "[e2e][loopback][transport]") {
  auto policy = LabPolicy();
  HttpExchange ex = Get("self-signed", "mail.contoso.test", policy);
  REQUIRE(ex.error.has_value());
  CHECK(ex.error->id == "tls.certificate.rejected");
  CHECK(ex.error->stage == Stage::kCertificate);
  CHECK_FALSE(ex.response.has_value());
  REQUIRE(ex.tls.has_value());
  CHECK(ex.tls->rejected_by_policy);
  CHECK(ex.tls->chain.size() == 1);

  auto relaxed = LabPolicy(cert::TrustMode::kReportOnly);
  HttpExchange ok = Get("self-signed", "mail.contoso.test", relaxed);
  CHECK_FALSE(ok.error.has_value());
  REQUIRE(ok.response.has_value());
  CHECK(ok.response->status == 200);
}

TEST_CASE("response size limits end the transfer with a finding", "[e2e][loopback][transport]") {
  auto policy = LabPolicy();
  Limits small_body;
  small_body.max_body_bytes = 8;
  HttpExchange body = Get("good", "mail.contoso.test", policy, small_body);
  REQUIRE(body.error.has_value());
  CHECK(body.error->id == "http.response.too_large");
  Limits small_headers;
  small_headers.max_header_bytes = 16;
  HttpExchange headers = Get("good", "mail.contoso.test", policy, small_headers);
  REQUIRE(headers.error.has_value());
  CHECK(headers.error->id == "http.headers.too_large");
}

TEST_CASE("plain HTTP works without a trust policy and HTTPS without one is refused",
          "[e2e][loopback][transport]") {
  cert::CertEvaluator evaluator;
  CurlTransport t({}, evaluator);
  HttpRequest req;
  req.url =
      "http://127.0.0.1:" + std::to_string(FixtureServer::Get().Port("aia")) + "/public-inter.cer";
  HttpExchange ex = t.Perform(req);
  REQUIRE(ex.response.has_value());
  CHECK(ex.response->status == 200);
  CHECK(cert::ParseIssuerResponse(ex.response->body).size() == 1);
  CHECK_FALSE(ex.tls.has_value());

  req.url = "http://127.0.0.1:" + std::to_string(FixtureServer::Get().Port("aia")) + "/nope.cer";
  CHECK(t.Perform(req).response->status == 404);

  req.url = "https://127.0.0.1:1/";
  HttpExchange refused = t.Perform(req);
  REQUIRE(refused.error.has_value());
  CHECK(refused.error->id == "internal.transport.failed");  // no policy: a caller bug, no I/O

  req.url = "ftp://127.0.0.1/";
  CHECK(t.Perform(req).error->id == "internal.transport.failed");
}

TEST_CASE("untrusted URLs are never fetched from loopback or private addresses unless aimed",
          "[e2e][loopback][transport][hostile-world]") {
  cert::CertEvaluator evaluator;
  auto& fs = FixtureServer::Get();
  std::string port = std::to_string(fs.Port("aia"));
  HttpRequest req;
  req.public_only = true;  // as for a certificate's AIA URL
  size_t before = fs.RequestLog().size();
  CurlTransport t({}, evaluator);
  for (const std::string& url :
       {"http://127.0.0.1:" + port + "/public-inter.cer", "http://[::1]:" + port + "/x.cer",
        "http://localhost:" + port + "/public-inter.cer"}) {
    INFO(url);
    req.url = url;
    HttpExchange ex = t.Perform(req);
    REQUIRE(ex.error.has_value());
    CHECK(ex.error->id == "net.address.private");
    CHECK_THAT(ex.error->message, Catch::Contains("loopback address"));
  }
  CHECK(fs.RequestLog().size() == before);  // nothing arrived

  // Aimed by the operator (--connect-to / --resolve): fetched.
  TransportOptions aimed;
  aimed.connect_to = {"pki.cxa.test:80:127.0.0.1:" + port};
  CurlTransport lab(aimed, evaluator);
  req.url = "http://pki.cxa.test/public-inter.cer";
  HttpExchange ok = lab.Perform(req);
  REQUIRE(ok.response.has_value());
  CHECK(ok.response->status == 200);
}

namespace {

// `openssl s_server -rev` answers each line reversed: a real TLS byte-stream peer.
class ReversingServer {
 public:
  ReversingServer(const std::string& leaf, const std::string& key, const std::string& chain) {
    port_ = FreePort();
    std::vector<std::string> args = {"/usr/bin/openssl",
                                     "s_server",
                                     "-accept",
                                     "127.0.0.1:" + std::to_string(port_),
                                     "-cert",
                                     leaf,
                                     "-key",
                                     key,
                                     "-rev",
                                     "-quiet"};
    if (!chain.empty()) args.insert(args.end(), {"-cert_chain", chain});
    REQUIRE(proc_.Start(args));
    REQUIRE(WaitForPort(port_));
  }
  int port() const { return port_; }

 private:
  int port_ = 0;
  BackgroundProcess proc_;
};

HttpRequest StreamRequest(int port, const cert::TrustPolicy& policy) {
  HttpRequest req = LabRequest("https://mail.contoso.test:" + std::to_string(port) + "/", policy);
  req.timeouts.total_ms = 5000;
  return req;
}

std::string ReadLine(Stream& s) {
  std::string line;
  while (line.find('\n') == std::string::npos) {
    auto got = s.Receive(64, 5000);
    REQUIRE(got.ok());
    if (got->empty()) break;
    line += *got;
  }
  return line;
}

}  // namespace

TEST_CASE("streams carry bytes both ways and are recorded and replayed",
          "[e2e][loopback][stream]") {
  ReversingServer server(LabPki() + "/good/leaf.pem", LabPki() + "/good/key.pem",
                         LabPki() + "/ca/public-inter.pem");
  auto policy = LabPolicy();
  cert::CertEvaluator evaluator;
  TransportOptions opts;
  opts.resolve = {"mail.contoso.test:" + std::to_string(server.port()) + ":127.0.0.1"};
  CurlTransport live(opts, evaluator);
  Transcript header;
  header.scenario = "stream-test";
  Redactor redactor;
  redactor.AddSecret("s3cret");
  RecordingTransport recorder(live, redactor, header);
  {
    std::unique_ptr<Stream> s = recorder.OpenStream(StreamRequest(server.port(), policy));
    REQUIRE_FALSE(s->Connection().error.has_value());
    REQUIRE(s->Connection().tls.has_value());
    CHECK(s->Connection().tls->report->trusted);
    auto sent = s->Send("hello cxa\n");
    INFO((sent.ok() ? std::string("ok") : sent.error()));
    REQUIRE(sent.ok());
    CHECK(ReadLine(*s) == "axc olleh\n");
    REQUIRE(s->Send("Authorization: Basic s3cret\n").ok());
    CHECK(ReadLine(*s) == "terc3s cisaB :noitazirohtuA\n");
  }
  std::string dir = BinaryDir() + "/stream-record";
  std::filesystem::remove_all(dir);
  REQUIRE(recorder.Save(dir).ok());
  std::string xml = ReadText(dir + "/transcript.xml");
  CHECK(xml.find("s3cret") == std::string::npos);
  CHECK_THAT(xml, Catch::Contains("<send encoding=\"text\">hello cxa"));
  CHECK_THAT(xml, Catch::Contains("Authorization: Basic [redacted]"));

  auto t = LoadTranscript(dir + "/transcript.xml");
  REQUIRE(t.ok());
  ReplayTransport replay(*t, redactor, evaluator);
  std::unique_ptr<Stream> r = replay.OpenStream(StreamRequest(server.port(), policy));
  REQUIRE_FALSE(r->Connection().error.has_value());
  REQUIRE(r->Send("hello cxa\n").ok());
  CHECK(ReadLine(*r) == "axc olleh\n");
  auto wrong = r->Send("something else\n");
  REQUIRE_FALSE(wrong.ok());
  CHECK_THAT(wrong.error(), Catch::StartsWith("internal.replay.mismatch"));
}

TEST_CASE("the trust gate guards streams too", "[e2e][loopback][stream]") {
  ReversingServer server(LabPki() + "/self-signed/leaf.pem", LabPki() + "/self-signed/key.pem", "");
  auto policy = LabPolicy();
  cert::CertEvaluator evaluator;
  TransportOptions opts;
  opts.resolve = {"mail.contoso.test:" + std::to_string(server.port()) + ":127.0.0.1"};
  CurlTransport live(opts, evaluator);
  std::unique_ptr<Stream> s = live.OpenStream(StreamRequest(server.port(), policy));
  REQUIRE(s->Connection().error.has_value());
  CHECK(s->Connection().error->id == "tls.certificate.rejected");
  CHECK_FALSE(s->Send("credentials\n").ok());
}

TEST_CASE("requests share DNS answers: one lookup per name", "[e2e][loopback][transport]") {
  auto policy = LabPolicy();
  int port = FixtureServer::Get().Port("good");
  cert::CertEvaluator evaluator;
  TransportOptions opts;
  opts.ip_version = 4;
  CurlTransport t(opts, evaluator);
  // "localhost" is the one name a test may resolve without a network; the certificate is
  // judged for the site's name.
  HttpRequest req = LabRequest("https://localhost:" + std::to_string(port) + "/owa/", policy,
                               "mail.contoso.test");
  req.connect_only = true;  // a new connection each time (requests would reuse the first)
  for (int i = 0; i < 3; ++i) {
    HttpExchange ex = t.Perform(req);
    REQUIRE_FALSE(ex.error.has_value());
    CHECK(ex.remote_address == "127.0.0.1");
  }
  CHECK(t.Stats().dns_lookups == 1);
  CHECK(t.Stats().connections == 3);

  // A request pinned to an address resolves nothing and leaves the shared answers alone.
  req.connect_address = "127.0.0.1";
  REQUIRE_FALSE(t.Perform(req).error.has_value());
  CHECK(t.Stats().dns_lookups == 1);
  CHECK(t.Stats().connections == 4);
}

TEST_CASE(
    "open connections and TLS sessions are reused per host and judged again by the trust gate",
    "[e2e][loopback][transport]") {
  auto& fs = FixtureServer::Get();
  cert::CertEvaluator evaluator;
  TransportOptions opts;
  for (const char* site : {"good", "self-signed"}) {
    opts.resolve.push_back(std::string(site) + ".session.test:" + std::to_string(fs.Port(site)) +
                           ":127.0.0.1");
  }
  CurlTransport t(opts, evaluator);
  auto request = [&](const std::string& site, const cert::TrustPolicy& policy) {
    return LabRequest(
        "https://" + site + ".session.test:" + std::to_string(fs.Port(site)) + "/owa/", policy,
        "mail.contoso.test");
  };
  auto strict = LabPolicy();
  HttpExchange first = t.Perform(request("good", strict));
  REQUIRE_FALSE(first.error.has_value());
  HttpExchange second = t.Perform(request("good", strict));  // on the open connection
  REQUIRE_FALSE(second.error.has_value());
  CHECK(t.Stats().connections == 1);
  CHECK(t.Stats().reused == 1);
  CHECK(t.Stats().tls_full == 1);
  REQUIRE(second.tls.has_value());
  CHECK(second.tls->chain == first.tls->chain);  // the connection's chain, judged again
  REQUIRE(second.tls->report.has_value());
  CHECK(second.tls->report->trusted);
  CHECK(second.tls->sni == "good.session.test");
  REQUIRE(second.response.has_value());
  CHECK(second.response->status == 200);

  // A connect-only exchange opens its own connection and resumes the host's TLS session: the
  // server sends no certificate, the session's chain is judged again.
  auto stream = t.OpenStream(request("good", strict));
  REQUIRE_FALSE(stream->Connection().error.has_value());
  CHECK(t.Stats().connections == 2);
  CHECK(t.Stats().tls_resumed == 1);
  REQUIRE(stream->Connection().tls.has_value());
  CHECK(stream->Connection().tls->chain == first.tls->chain);
  stream.reset();

  // A connection or session made under a relaxed policy is not a way around a strict one.
  auto relaxed = LabPolicy(cert::TrustMode::kReportOnly);
  REQUIRE_FALSE(t.Perform(request("self-signed", relaxed)).error.has_value());
  size_t before = fs.RequestLog().size();
  HttpExchange strict_again = t.Perform(request("self-signed", strict));
  CHECK(t.Stats().reused == 2);
  REQUIRE(strict_again.error.has_value());
  CHECK(strict_again.error->id == "tls.certificate.rejected");
  CHECK(strict_again.error->stage == Stage::kCertificate);
  CHECK(strict_again.reached == Stage::kConnect);
  CHECK_FALSE(strict_again.response.has_value());
  REQUIRE(strict_again.tls.has_value());
  CHECK(strict_again.tls->rejected_by_policy);
  CHECK(strict_again.tls->chain.size() == 1);

  auto strict_stream = t.OpenStream(request("self-signed", strict));
  REQUIRE(strict_stream->Connection().error.has_value());
  CHECK(strict_stream->Connection().error->id == "tls.certificate.rejected");
  CHECK_FALSE(strict_stream->Send("GET / HTTP/1.1\r\n\r\n").ok());
  CHECK(t.Stats().tls_resumed == 2);
  CHECK(fs.RequestLog().size() == before);  // the server received nothing
}

TEST_CASE("running out of descriptors is cxa's fault, never the server's",
          "[e2e][loopback][transport]") {
  auto policy = LabPolicy();
  int port = FixtureServer::Get().Port("good");
  cert::CertEvaluator evaluator;
  TransportOptions opts;
  opts.resolve = {"mail.contoso.test:" + std::to_string(port) + ":127.0.0.1"};
  CurlTransport t(opts, evaluator);
  HttpRequest req =
      LabRequest("https://mail.contoso.test:" + std::to_string(port) + "/owa/", policy);
  // Lower the soft limit to what is open now, so that no new descriptor can be opened; restore
  // it before any assertion.
  rlimit saved{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved) == 0);
  int highest = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    highest = std::max(highest, std::stoi(e.path().filename().string()));
  }
  std::vector<int> filler;
  rlimit low = saved;
  low.rlim_cur = static_cast<rlim_t>(highest + 1);
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
  for (int fd; (fd = ::open("/dev/null", O_RDONLY)) >= 0;) filler.push_back(fd);
  HttpExchange ex = t.Perform(req);
  for (int fd : filler) ::close(fd);
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &saved) == 0);
  REQUIRE(ex.error.has_value());
  CHECK(ex.error->id == "local.resource.exhausted");
  CHECK_THAT(ex.error->message, Catch::Contains("EMFILE"));
  // With descriptors back, the same transport reaches the server.
  HttpExchange again = t.Perform(req);
  CHECK_FALSE(again.error.has_value());
}

TEST_CASE("control characters in a URL, a header or a user name stop the request unsent",
          "[e2e][loopback][transport]") {
  auto policy = LabPolicy();
  auto& fs = FixtureServer::Get();
  int port = fs.Port("good");
  cert::CertEvaluator evaluator;
  TransportOptions opts;
  opts.resolve = {"mail.contoso.test:" + std::to_string(port) + ":127.0.0.1"};
  CurlTransport t(opts, evaluator);
  const std::string base = "https://mail.contoso.test:" + std::to_string(port);
  size_t before = fs.RequestLog().size();
  auto unsafe = [&](HttpRequest req) {
    HttpExchange ex = t.Perform(req);
    REQUIRE(ex.error.has_value());
    CHECK(ex.error->id == "http.request.unsafe");
    CHECK(ex.request.url.find('\n') == std::string::npos);  // the record holds no raw control
  };
  HttpRequest anchor = LabRequest(base + "/owa/", policy);
  anchor.headers = {{"X-AnchorMailbox", "alice@contoso.test\r\nX-Evil: 1"}};
  unsafe(anchor);
  unsafe(LabRequest(base + "/owa/\r\nX-Evil: 1", policy));
  HttpRequest name = LabRequest(base + "/owa/", policy);
  name.headers = {{"X-Evil: 1\r\nX-Anchor", "x"}};
  unsafe(name);
  HttpRequest ntlm = LabRequest(base + "/owa/", policy);
  ntlm.ntlm_user = "alice\nX-Evil: 1";
  unsafe(ntlm);
  CHECK(fs.RequestLog().size() == before);  // nothing reached the server
  // A clean request on the same transport goes through.
  CHECK_FALSE(t.Perform(LabRequest(base + "/owa/", policy)).error.has_value());
}
