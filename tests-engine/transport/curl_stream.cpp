#include <poll.h>

#include <algorithm>
#include <chrono>

#include "transport/curl_handle.h"
#include "transport/event_loop.h"
#include "transport/tls_socket.h"

namespace cxa {
namespace {

// A stream over a connection libcurl opened in connect-only mode; after StartTls, a TLS session
// of our own (TlsSocket) over libcurl's socket.
class CurlStream : public Stream {
 public:
  // Every Send and Receive waits at most `io_timeout_ms`, and all of them together end
  // `io_timeout_ms` after the stream opened: a peer that sends one byte at a time cannot keep
  // the stream alive past that budget.
  CurlStream(std::unique_ptr<CurlTransport::Handle> handle, HttpExchange opened, int io_timeout_ms,
             const cert::CertEvaluator& evaluator)
      : handle_(std::move(handle)),
        opened_(std::move(opened)),
        io_timeout_ms_(io_timeout_ms),
        deadline_(std::chrono::steady_clock::now() + std::chrono::milliseconds(io_timeout_ms)),
        gate_(evaluator) {}

  const HttpExchange& Connection() const override { return opened_; }

  Status StartTls(std::string_view name) override {
    if (!handle_) return Fail("the stream is not connected");
    if (tls_ || opened_.tls) return Fail("the stream already speaks TLS");
    if (opened_.request.trust == nullptr) return Fail("StartTls needs the request's trust policy");
    curl_socket_t fd = CURL_SOCKET_BAD;
    curl_easy_getinfo(handle_->easy.get(), CURLINFO_ACTIVESOCKET, &fd);
    if (fd == CURL_SOCKET_BAD) return Fail("the stream has no socket");
    opened_.request.cert_name = std::string(name);
    opened_.tls.emplace();
    gate_.Attach(&opened_.request, &*opened_.tls);
    auto started = std::chrono::steady_clock::now();
    TransportError error;
    auto wait = [this](short events, int ms) { return Wait(events, ms); };
    tls_ =
        TlsSocket::Connect(fd, opened_.request.cert_name, gate_, wait,
                           std::min(opened_.request.timeouts.tls_ms, Left(io_timeout_ms_)), &error);
    if (tls_ && !gate_.BeforeSending(tls_->ssl(), true, false)) {
      tls_.reset();
      error = *gate_.Refusal();
    }
    opened_.timings.push_back({"starttls", std::chrono::duration<double, std::milli>(
                                               std::chrono::steady_clock::now() - started)
                                               .count()});
    if (!tls_) {
      opened_.error = error;
      handle_.reset();  // closed: nothing more goes to this server
      return Fail(error.message);
    }
    opened_.reached = Stage::kCertificate;
    return Ok{};
  }

  Status Send(std::string_view bytes) override {
    if (!handle_) return Fail("the stream is not connected");
    if (tls_) {
      if (Left(io_timeout_ms_) <= 0) return Spent();
      return tls_->Send(
          bytes, [this](short e, int ms) { return Wait(e, ms); }, Left(io_timeout_ms_));
    }
    while (!bytes.empty()) {
      size_t n = 0;
      CURLcode rc = curl_easy_send(handle_->easy.get(), bytes.data(), bytes.size(), &n);
      if (rc == CURLE_AGAIN) {
        int left = Left(io_timeout_ms_);
        if (left <= 0) return Spent();
        if (!Wait(POLLOUT, left)) return Fail("send timed out");
        continue;
      }
      if (rc != CURLE_OK) return Fail(std::string("send failed: ") + curl_easy_strerror(rc));
      bytes.remove_prefix(n);
    }
    return Ok{};
  }

  Result<std::string> Receive(size_t max, int timeout_ms) override {
    timed_out_ = false;
    if (!handle_) return Fail("the stream is not connected");
    if (tls_) {
      int left = Left(timeout_ms);
      if (left <= 0) return Spent();
      bool waited_out = false;  // a wait for the peer ended without an event
      auto got = tls_->Receive(
          max,
          [this, &waited_out](short e, int ms) {
            bool ready = Wait(e, ms);
            waited_out = !ready;
            return ready;
          },
          left);
      if (!got && left < timeout_ms) return Spent();
      timed_out_ = !got && waited_out;
      return got;
    }
    std::string buf(std::max<size_t>(max, 1), '\0');
    for (;;) {
      size_t n = 0;
      CURLcode rc = curl_easy_recv(handle_->easy.get(), buf.data(), buf.size(), &n);
      if (rc == CURLE_AGAIN) {
        int left = Left(timeout_ms);
        if (left <= 0) return Spent();
        if (!Wait(POLLIN, left)) {
          if (left < timeout_ms) return Spent();
          timed_out_ = true;
          return Fail("nothing received within " + std::to_string(timeout_ms) + " ms");
        }
        continue;
      }
      if (rc != CURLE_OK) return Fail(std::string("receive failed: ") + curl_easy_strerror(rc));
      buf.resize(n);  // 0 = the peer closed the stream
      return buf;
    }
  }
  bool ReceiveTimedOut() const override { return timed_out_; }

 private:
  bool Wait(short events, int timeout_ms) {
    curl_socket_t fd = CURL_SOCKET_BAD;
    curl_easy_getinfo(handle_->easy.get(), CURLINFO_ACTIVESOCKET, &fd);
    if (fd == CURL_SOCKET_BAD) return false;
    if (EventLoop* loop = EventLoop::Current()) return loop->WaitFd(fd, events, timeout_ms);
    pollfd p{fd, events, 0};
    return poll(&p, 1, timeout_ms) > 0;
  }

  // The wait allowed now: `want`, cut to what is left of the stream's budget.
  int Left(int want) const {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline_ - std::chrono::steady_clock::now())
                    .count();
    return static_cast<int>(std::min<long long>(want, std::max<long long>(left, 0)));
  }
  Error Spent() {
    timed_out_ = true;
    return Fail("the stream's time budget (" + std::to_string(io_timeout_ms_) +
                " ms in all) is spent");
  }

  std::unique_ptr<CurlTransport::Handle> handle_;
  HttpExchange opened_;
  int io_timeout_ms_;
  std::chrono::steady_clock::time_point deadline_;
  TrustGate gate_;                  // judges the StartTls handshake
  std::unique_ptr<TlsSocket> tls_;  // after StartTls; freed before handle_ closes the socket
  bool timed_out_ = false;          // the last Receive ran out of time
};

}  // namespace

std::unique_ptr<Stream> MakeCurlStream(std::unique_ptr<CurlTransport::Handle> handle,
                                       HttpExchange opened, int io_timeout_ms,
                                       const cert::CertEvaluator& evaluator) {
  return std::make_unique<CurlStream>(std::move(handle), std::move(opened), io_timeout_ms,
                                      evaluator);
}

}  // namespace cxa
