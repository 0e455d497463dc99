// A peer for unit tests of stream modules (SMTP and other line protocols): what the server says
// first, then its answer to each thing the client sends, handed out in chunks of a chosen size
// (to split a reply across receives); when nothing is pending, silence (a timeout) or a close.
// StartTls either succeeds with a given capture (its report from the real evaluator) or fails
// with a given transport error, as the engine's streams do.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "transport/http_transport.h"

namespace cxa::testing {

class ScriptedStream : public Stream {
 public:
  HttpExchange connection;  // Connection(): address and port; tls and error after StartTls
  std::string pending;      // what the client can receive now (the greeting, to begin with)
  // The server's answer to one send (appended to `pending`); unset: no answer.
  std::function<std::string(std::string_view sent)> on_send;
  bool close_when_idle = false;   // with nothing pending: the peer closes (else: silence)
  size_t chunk = 0;               // at most this many bytes per Receive (0: all that is pending)
  std::optional<TlsCapture> tls;  // what a StartTls results in (then encrypted)
  std::optional<TransportError> tls_error;  // or how it fails (the stream closes)
  std::vector<std::string> sent;            // every send, in order
  std::vector<std::string> sent_after_tls;  // the sends after a successful StartTls

  const HttpExchange& Connection() const override { return connection; }
  Status Send(std::string_view bytes) override {
    if (closed_) return Fail("the stream is closed");
    sent.emplace_back(bytes);
    if (upgraded_) sent_after_tls.emplace_back(bytes);
    if (on_send) pending += on_send(bytes);
    return Ok{};
  }
  Result<std::string> Receive(size_t max, int timeout_ms) override {
    timed_out_ = false;
    if (closed_) return Fail("the stream is closed");
    if (pending.empty()) {
      if (close_when_idle) return std::string();
      timed_out_ = true;
      return Fail("nothing received within " + std::to_string(timeout_ms) + " ms");
    }
    size_t n = std::min(pending.size(), std::max<size_t>(max, 1));
    if (chunk > 0) n = std::min(n, chunk);
    std::string out = pending.substr(0, n);
    pending.erase(0, n);
    return out;
  }
  bool ReceiveTimedOut() const override { return timed_out_; }
  Status StartTls(std::string_view name) override {
    connection.request.cert_name = std::string(name);
    if (tls_error || !tls) {
      connection.error = tls_error ? *tls_error
                                   : TransportError{Stage::kTls, "tls.handshake.failed",
                                                    "scripted: no TLS configured"};
      if (tls) connection.tls = tls;
      closed_ = true;
      return Fail(connection.error->message);
    }
    connection.tls = tls;
    connection.reached = Stage::kCertificate;
    upgraded_ = true;
    return Ok{};
  }

 private:
  bool closed_ = false;
  bool upgraded_ = false;
  bool timed_out_ = false;
};

// Hands a transport's caller a stream the test keeps: the test reads what was sent after the
// step (which owns and frees what OpenStream returned) has finished.
class BorrowedStream : public Stream {
 public:
  explicit BorrowedStream(Stream& inner) : inner_(inner) {}
  const HttpExchange& Connection() const override { return inner_.Connection(); }
  Status Send(std::string_view bytes) override { return inner_.Send(bytes); }
  Result<std::string> Receive(size_t max, int timeout_ms) override {
    return inner_.Receive(max, timeout_ms);
  }
  bool ReceiveTimedOut() const override { return inner_.ReceiveTimedOut(); }
  Status StartTls(std::string_view name) override { return inner_.StartTls(name); }

 private:
  Stream& inner_;
};

}  // namespace cxa::testing
