// STARTTLS through the engine's public API only: a minimal example module (greeting, STARTTLS,
// upgrade, one command) against a loopback server that speaks a line protocol and then TLS with
// a lab chain. It proves that a protocol with STARTTLS (SMTP, IMAP, POP) is a module-only change:
// the stream, the upgrade, the trust gate's judgement, recording and replay are the engine's.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "cert/cert_evaluator.h"
#include "core/module.h"
#include "loopback.h"
#include "testing/module_harness.h"
#include "transport/connection_report.h"
#include "transport/credentials.h"
#include "transport/curl_transport.h"
#include "transport/replay_transport.h"
#include "transport/stream_reader.h"

using namespace cxa;
using namespace cxa::testing;

namespace {

// One connection at a time: "220 ready", then on "STARTTLS" "220 go ahead" and a TLS handshake
// presenting lab PKI case `pki_case`; over TLS, "PING" gets "PONG". Counts the bytes it read
// after a TLS handshake completed or failed (a rejected client must send none).
class LineServer {
 public:
  explicit LineServer(const std::string& pki_case) {
    ctx_ = SSL_CTX_new(TLS_server_method());
    std::string dir = LabPki() + "/" + pki_case;
    REQUIRE(SSL_CTX_use_certificate_chain_file(ctx_, (dir + "/chain.pem").c_str()) == 1);
    REQUIRE(SSL_CTX_use_PrivateKey_file(ctx_, (dir + "/key.pem").c_str(), SSL_FILETYPE_PEM) == 1);
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd_, 4) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~LineServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
    SSL_CTX_free(ctx_);
  }
  int port() const { return port_; }
  // Whether the last session's handshake failed; waits (up to 10 s) for that session to end,
  // since the client may return before the server has seen the abort.
  bool handshake_failed() {
    WaitSession();
    return handshake_failed_;
  }
  int bytes_after_failed_handshake() {
    WaitSession();
    return after_failure_;
  }

 private:
  void WaitSession() {
    std::unique_lock<std::mutex> lock(mu_);
    ended_.wait_for(lock, std::chrono::seconds(10), [this] { return sessions_ > 0; });
  }
  void Serve() {
    while (!stop_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      timeval tv{5, 0};
      setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      Session(c);
      ::close(c);
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++sessions_;
      }
      ended_.notify_all();
    }
  }
  std::string ReadLine(int c) {
    std::string line;
    char ch;
    while (line.size() < 512 && ::recv(c, &ch, 1, 0) == 1) {
      line += ch;
      if (ch == '\n') break;
    }
    return line;
  }
  void Session(int c) {
    ::send(c, "220 lab ready\r\n", 15, MSG_NOSIGNAL);
    if (ReadLine(c) != "STARTTLS\r\n") return;
    ::send(c, "220 go ahead\r\n", 14, MSG_NOSIGNAL);
    SSL* ssl = SSL_new(ctx_);
    SSL_set_fd(ssl, c);
    if (SSL_accept(ssl) != 1) {
      handshake_failed_ = true;
      char buf[256];
      ssize_t n = ::recv(c, buf, sizeof buf, 0);  // anything the client still sends
      after_failure_ = n > 0 ? static_cast<int>(n) : 0;
      SSL_free(ssl);
      ERR_clear_error();
      return;
    }
    char buf[64];
    int n = SSL_read(ssl, buf, sizeof buf);
    if (n > 0 && std::string(buf, static_cast<size_t>(n)) == "PING\r\n") {
      SSL_write(ssl, "PONG\r\n", 6);
    }
    SSL_shutdown(ssl);
    SSL_free(ssl);
    ERR_clear_error();
  }

  SSL_CTX* ctx_ = nullptr;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> handshake_failed_{false};
  std::atomic<int> after_failure_{0};
  std::mutex mu_;
  std::condition_variable ended_;
  int sessions_ = 0;  // sessions that ended
};

// The example module's step: what a STARTTLS module looks like against the engine.
class StartTlsExample : public Step {
 public:
  StartTlsExample(std::string host, int port) : host_(std::move(host)), port_(port) {}

  StepResult Run(StepContext& ctx) override {
    StepResult result;
    HttpRequest req = StepRequest(ctx, "tcp://" + host_ + ":" + std::to_string(port_));
    std::unique_ptr<Stream> stream = ctx.transport.OpenStream(req);
    if (!ReportConnectionFailure(stream->Connection(), ctx.now, result)) return result;
    StreamReader in(*stream);
    auto greeting = in.ReadLine(512, 3000);
    if (!greeting) return result;
    result.facts["greeting"] = *greeting;
    if (!stream->Send("STARTTLS\r\n")) return result;
    auto go = in.ReadLine(512, 3000);
    if (!go || go->rfind("220", 0) != 0) return result;
    Status upgraded = stream->StartTls(host_);
    // The upgrade's connection, certificate and findings, exactly as for an https exchange.
    if (!ReportConnection(stream->Connection(), ctx.now, result) || !upgraded) return result;
    result.facts["starttls"] = "ok";
    if (stream->Send("PING\r\n")) {
      if (auto pong = in.ReadLine(512, 3000)) result.facts["answer"] = *pong;
    }
    return result;
  }

 private:
  std::string host_;
  int port_;
};

// The example step against `port`, under strict public trust with the live lab roots, now.
StepResult RunExample(HttpTransport& transport, int port) {
  ModuleHarness h;
  auto roots = cert::TrustStore::FromPemFile(LabRoots(), "lab roots");
  REQUIRE(roots.ok());
  h.policy.public_roots = *roots;
  h.now = std::time(nullptr);
  h.timeouts.tls_ms = 3000;
  h.timeouts.total_ms = 10000;
  StartTlsExample step("mail.contoso.test", port);
  return h.RunStep(step, transport);
}

TransportOptions Aimed(int port) {
  TransportOptions o;
  o.resolve = {"mail.contoso.test:" + std::to_string(port) + ":127.0.0.1"};
  return o;
}

}  // namespace

TEST_CASE("starttls: a plain stream upgrades to TLS and the gate accepts a trusted chain",
          "[e2e][loopback][starttls]") {
  LineServer server("good");
  cert::CertEvaluator evaluator;
  CurlTransport transport(Aimed(server.port()), evaluator);
  StepResult r = RunExample(transport, server.port());
  CHECK(r.facts["greeting"] == "220 lab ready");
  CHECK(r.facts["starttls"] == "ok");
  CHECK(r.facts["answer"] == "PONG");
  CHECK(r.facts["certificate_trusted"] == "true");
  CHECK(r.outcome == Outcome::kPassed);
}

TEST_CASE("starttls: the gate rejects an untrusted chain and nothing follows the handshake",
          "[e2e][loopback][starttls]") {
  LineServer server("self-signed");
  cert::CertEvaluator evaluator;
  CurlTransport transport(Aimed(server.port()), evaluator);
  StepResult r = RunExample(transport, server.port());
  CHECK(r.outcome == Outcome::kFailed);
  CHECK(r.stage == Stage::kCertificate);
  auto ids = ModuleHarness::Ids(r);
  CHECK(std::find(ids.begin(), ids.end(), "cert.chain.self_signed") != ids.end());
  CHECK(std::find(ids.begin(), ids.end(), "tls.certificate.rejected") != ids.end());
  CHECK(r.facts.count("starttls") == 0);
  CHECK(server.handshake_failed());
  CHECK(server.bytes_after_failed_handshake() == 0);
}

TEST_CASE("starttls: an upgrade is recorded and replays to the same verdict",
          "[e2e][loopback][starttls][record]") {
  LineServer server("good");
  cert::CertEvaluator evaluator;
  CurlTransport live(Aimed(server.port()), evaluator);
  Transcript header;
  header.scenario = "starttls-example";
  RecordingTransport recording(live, Redactor{}, header);
  StepResult recorded = RunExample(recording, server.port());
  REQUIRE(recorded.facts["starttls"] == "ok");
  std::string dir = BinaryDir() + "/test-logs/starttls-record";
  REQUIRE(recording.Save(dir));
  std::string xml = ReadText(dir + "/transcript.xml");
  CHECK_THAT(xml, Catch::Contains("<starttls") && Catch::Contains("CN=mail.contoso.test"));

  auto transcript = LoadTranscript(dir + "/transcript.xml");
  REQUIRE(transcript.ok());
  ReplayTransport replay(*transcript, Redactor{}, evaluator);
  StepResult again = RunExample(replay, server.port());
  CHECK(again.facts["starttls"] == "ok");
  CHECK(again.facts["answer"] == "PONG");
  CHECK(again.facts["certificate_subject"] == recorded.facts["certificate_subject"]);
  CHECK(again.outcome == recorded.outcome);
}
