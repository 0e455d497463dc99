#include "transport/tls_socket.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <poll.h>

#include <chrono>

#include "transport/curl_errors.h"

namespace cxa {
namespace {

bool IsIpLiteral(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "the connection closed";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

// The SSL_ERROR_WANT_* of a call that returned `rc`, as poll events; 0 for a real failure.
short WantedEvents(SSL* ssl, int rc) {
  switch (SSL_get_error(ssl, rc)) {
    case SSL_ERROR_WANT_READ:
      return POLLIN;
    case SSL_ERROR_WANT_WRITE:
      return POLLOUT;
    default:
      return 0;
  }
}

}  // namespace

cert::SslCtxPtr TlsSocket::SharedClientContext() {
  cert::SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return ctx;
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_VERSION);
  SSL_CTX_set_security_level(ctx.get(), 0);
  TrustGate::InstallShared(ctx.get());
  return ctx;
}

std::unique_ptr<TlsSocket> TlsSocket::Connect(int fd, const std::string& name, TrustGate& gate,
                                              const Wait& wait, int timeout_ms,
                                              TransportError* error, SSL_CTX* shared) {
  // The same settings as every other TLS connection of the engine: old servers may complete the
  // handshake so that they are diagnosed; the gate judges the certificate.
  // The context is configured before the connection is made from it: SSL_new copies its
  // verification mode, so the gate must be installed first.
  cert::SslCtxPtr ctx;
  cert::SslPtr ssl;
  auto fail = [&](Stage stage, TransportFindingId id, std::string message) {
    *error = TransportError{stage, id, std::move(message)};
    return nullptr;
  };
  gate.NewConnection();
  if (shared != nullptr) {
    SSL_CTX_up_ref(shared);
    ctx.reset(shared);
  } else {
    ctx.reset(SSL_CTX_new(TLS_client_method()));
    if (!ctx) return fail(Stage::kTls, "internal.transport.failed", "no TLS context");
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_VERSION);
    SSL_CTX_set_security_level(ctx.get(), 0);
    gate.Install(ctx.get());
  }
  ssl.reset(SSL_new(ctx.get()));
  if (!ssl) return fail(Stage::kTls, "internal.transport.failed", "no TLS connection");
  if (shared != nullptr) gate.AttachTo(ssl.get());
  SSL_set_connect_state(ssl.get());
  if (!IsIpLiteral(name)) SSL_set_tlsext_host_name(ssl.get(), name.c_str());
  if (SSL_set_fd(ssl.get(), fd) != 1)
    return fail(Stage::kTls, "internal.transport.failed", OpenSslError());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    int rc = SSL_do_handshake(ssl.get());
    if (rc == 1) break;
    short events = WantedEvents(ssl.get(), rc);
    if (events == 0) {
      std::string why = OpenSslError();
      if (auto refused = gate.Refusal()) {
        *error = *refused;
        return nullptr;
      }
      *error = ClassifyTlsFailure(why);
      return nullptr;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0 || !wait(events, static_cast<int>(left))) {
      return fail(Stage::kTls, "tls.handshake.timeout",
                  "TLS handshake not complete after " + std::to_string(timeout_ms) + " ms");
    }
  }
  return std::unique_ptr<TlsSocket>(new TlsSocket(std::move(ctx), std::move(ssl)));
}

Status TlsSocket::Send(std::string_view bytes, const Wait& wait, int timeout_ms) {
  while (!bytes.empty()) {
    size_t n = 0;
    int rc = SSL_write_ex(ssl_.get(), bytes.data(), bytes.size(), &n);
    if (rc == 1) {
      bytes.remove_prefix(n);
      continue;
    }
    short events = WantedEvents(ssl_.get(), rc);
    if (events == 0) return Fail("send failed: " + OpenSslError());
    if (!wait(events, timeout_ms)) return Fail("send timed out");
  }
  return Ok{};
}

Result<std::string> TlsSocket::Receive(size_t max, const Wait& wait, int timeout_ms) {
  std::string buf(std::max<size_t>(max, 1), '\0');
  for (;;) {
    size_t n = 0;
    int rc = SSL_read_ex(ssl_.get(), buf.data(), buf.size(), &n);
    if (rc == 1) {
      buf.resize(n);
      return buf;
    }
    int err = SSL_get_error(ssl_.get(), rc);
    if (err == SSL_ERROR_ZERO_RETURN) return std::string();  // the peer closed the session
    short events = WantedEvents(ssl_.get(), rc);
    if (events == 0) {
      if (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) return std::string();
      return Fail("receive failed: " + OpenSslError());
    }
    if (!wait(events, timeout_ms)) {
      return Fail("nothing received within " + std::to_string(timeout_ms) + " ms");
    }
  }
}

}  // namespace cxa
