// The trust gate: the one place that decides whether a TLS connection may carry a request. It
// judges the chain a server presents under the request's policy, name and time, inside the
// handshake (a rejection aborts it before the client sends anything), and again before the first
// byte of a request on a connection whose handshake it did not see (a resumed TLS session, an
// open connection an earlier request made). On a connection about to carry credentials it also
// applies the credential rule's transport part: TLS 1.2 or later, a chain that passes the
// anchors even under report-only, a cipher of at least 128 bits and a key exchange of at least
// 112-bit security (transport/credentials.h states the whole rule).
//
// Any TLS client in the engine uses it: libcurl's (CurlTransport installs it on each SSL_CTX
// libcurl creates) or a plain socket upgraded with OpenSSL. It holds no OpenSSL object itself.
#pragma once

#include <openssl/ssl.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cert/cert_evaluator.h"
#include "transport/http_transport.h"

namespace cxa {

// True for a protocol version too old to carry credentials ("SSLv3", "TLSv1", "TLSv1.1").
bool IsObsoleteTls(std::string_view version);

class TrustGate {
 public:
  explicit TrustGate(const cert::CertEvaluator& evaluator) : evaluator_(&evaluator) {}

  // The request the gate judges for and the capture it fills (chain, version, cipher, SNI,
  // evaluation). Both must outlive every later call; `capture` may be null once the connection
  // is open and no handshake can follow (a stream after it opened).
  void Attach(const HttpRequest* request, TlsCapture* capture) {
    request_ = request;
    capture_ = capture;
  }

  // Makes every full handshake of connections made from `ctx` pass through JudgeHandshake: the
  // verify callback judges the chain as sent and aborts the handshake on a rejection. Call it
  // before SSL_new (a connection copies the context's verification mode when it is made). The
  // gate must outlive those connections' handshakes.
  void Install(SSL_CTX* ctx);

  // For a context many connections share (one per transport, not per connection): the verify
  // callback finds each connection's gate on the connection itself (AttachTo). Call once, before
  // the first SSL_new.
  static void InstallShared(SSL_CTX* ctx);
  // Makes this gate judge `ssl`'s handshake (a connection of a context set up by InstallShared).
  void AttachTo(SSL* ssl);

  // A new connection of the same request begins: its handshake has not been judged yet.
  void NewConnection();

  // The chain of a full handshake on `ssl` (may be null in tests), leaf first. Fills the capture
  // and returns false when the connection must not be used: the policy rejects the chain, or the
  // request carries credentials and the protocol is older than TLS 1.2.
  bool JudgeHandshake(SSL* ssl, const std::vector<X509*>& chain);

  // Revocation in the handshake (after JudgeHandshake accepted the chain): records the OCSP
  // staple `ssl` received (`expected`: the server was asked for one in this handshake; false for
  // a resumed session) and has the evaluator judge it with what the run's revocation cache
  // knows (transport/revocation_check.h). False when the policy then rejects the chain (a
  // revoked certificate). Nothing is asked or judged when the request's revocation is off.
  bool JudgeStaple(SSL* ssl, bool expected);
  bool staple_judged() const { return staple_judged_; }

  // Everything the gate checks before the request's first byte goes out on `ssl` (null for
  // plain http): a connection whose handshake was not judged here is judged from its peer chain
  // (`reused`: an earlier request opened it; else a resumed session), then the credential rule.
  bool BeforeSending(SSL* ssl, bool https, bool reused);

  // Why the gate refused the connection, as the transport error to report; nullopt when it did
  // not refuse.
  std::optional<TransportError> Refusal() const;

  bool judged() const { return judged_; }  // a chain of this connection was judged
  // When the last full handshake's chain was judged (the certificate reached the client).
  std::optional<std::chrono::steady_clock::time_point> judged_at() const { return judged_at_; }
  bool resumed() const { return resumed_; }  // ... from a resumed TLS session
  bool reused() const { return reused_; }    // ... on an open connection of an earlier request

 private:
  bool JudgeOpenConnection(SSL* ssl, bool reused);
  bool CredentialConnectionOk(SSL* ssl, bool https);
  bool CarriesCredentials() const;
  bool AsksForStaple() const;

  const cert::CertEvaluator* evaluator_;
  const HttpRequest* request_ = nullptr;
  TlsCapture* capture_ = nullptr;
  bool judged_ = false;
  std::optional<std::chrono::steady_clock::time_point> judged_at_;
  bool resumed_ = false;
  bool reused_ = false;
  bool unjudged_ = false;              // an open connection without a chain: refused
  bool refused_old_protocol_ = false;  // credentials met TLS < 1.2
  bool staple_judged_ = false;         // JudgeStaple ran for this connection
  std::string withheld_;               // why the connection may not carry the credentials
};

}  // namespace cxa
