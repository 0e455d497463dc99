// A client TLS session over a connected socket that another layer opened: a plain stream that a
// protocol upgrades with STARTTLS (SMTP, IMAP, POP, LDAP). The trust gate judges the handshake:
// a rejected chain ends it before the client sends anything of its own.
#pragma once

#include <openssl/ssl.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "cert/openssl_ptr.h"
#include "core/result.h"
#include "transport/http_transport.h"
#include "transport/trust_gate.h"

namespace cxa {

class TlsSocket {
 public:
  // Waits until the socket is ready for `events` (POLLIN / POLLOUT) or `timeout_ms` passed;
  // true when ready. The caller's event loop decides how (a batch yields instead of blocking).
  using Wait = std::function<bool(short events, int timeout_ms)>;

  // Runs the handshake on `fd` (non-blocking or not; not owned) with SNI `name` (none for an IP
  // literal) within `timeout_ms`. `gate` must be attached to the request and the capture to
  // fill. On failure the error is the gate's refusal, tls.handshake.timeout or what
  // ClassifyTlsFailure makes of OpenSSL's error. `shared`, when given, is a context made by
  // SharedClientContext (one for many connections); else the connection gets its own.
  static std::unique_ptr<TlsSocket> Connect(int fd, const std::string& name, TrustGate& gate,
                                            const Wait& wait, int timeout_ms, TransportError* error,
                                            SSL_CTX* shared = nullptr);
  // A client context for many connections, set up as every TLS client of the engine (old
  // servers may complete the handshake so that they are diagnosed; the gate judges).
  static cert::SslCtxPtr SharedClientContext();
  ~TlsSocket() = default;
  TlsSocket(const TlsSocket&) = delete;
  TlsSocket& operator=(const TlsSocket&) = delete;

  SSL* ssl() const { return ssl_.get(); }
  // All of `bytes`, each wait at most `timeout_ms`.
  Status Send(std::string_view bytes, const Wait& wait, int timeout_ms);
  // Up to `max` bytes within `timeout_ms`; "" when the peer closed the session.
  Result<std::string> Receive(size_t max, const Wait& wait, int timeout_ms);

 private:
  TlsSocket(cert::SslCtxPtr ctx, cert::SslPtr ssl) : ctx_(std::move(ctx)), ssl_(std::move(ssl)) {}
  cert::SslCtxPtr ctx_;  // freed after the connection made from it
  cert::SslPtr ssl_;
};

}  // namespace cxa
