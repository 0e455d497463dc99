#include "transport/trust_gate.h"

#include <openssl/evp.h>
#include <openssl/x509_vfy.h>

#include "cert/x509.h"
#include "transport/revocation_check.h"

namespace cxa {
namespace {

// OpenSSL's certificate verification hook: the gate judges the chain as sent (the untrusted
// stack holds it, leaf first); returning 0 aborts the handshake.
// The ex_data slot of a connection's gate (InstallShared, AttachTo).
int GateIndex() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

bool StapleArrived(SSL* ssl) {
  const unsigned char* p = nullptr;
  return SSL_get_tlsext_status_type(ssl) == TLSEXT_STATUSTYPE_ocsp &&
         SSL_get_tlsext_status_ocsp_resp(ssl, &p) > 0 && p != nullptr;
}

int VerifyChain(X509_STORE_CTX* ctx, void* arg) {
  STACK_OF(X509)* sent = X509_STORE_CTX_get0_untrusted(ctx);
  X509* leaf = X509_STORE_CTX_get0_cert(ctx);
  std::vector<X509*> chain;
  if (sent != nullptr && sk_X509_num(sent) > 0) {
    for (int i = 0; i < sk_X509_num(sent); ++i) chain.push_back(sk_X509_value(sent, i));
  } else if (leaf != nullptr) {
    chain.push_back(leaf);
  }
  auto* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(ctx, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* gate = arg != nullptr   ? static_cast<TrustGate*>(arg)
               : ssl != nullptr ? static_cast<TrustGate*>(SSL_get_ex_data(ssl, GateIndex()))
                                : nullptr;
  if (gate == nullptr || !gate->JudgeHandshake(ssl, chain)) {
    X509_STORE_CTX_set_error(ctx, X509_V_ERR_APPLICATION_VERIFICATION);
    return 0;
  }
  // TLS 1.3 carries the staple with the certificate: judge it now. TLS 1.2 sends it later
  // (CertificateStatus): OnStatus judges it then.
  if (ssl != nullptr && StapleArrived(ssl) && !gate->JudgeStaple(ssl, /*expected=*/true)) {
    X509_STORE_CTX_set_error(ctx, X509_V_ERR_APPLICATION_VERIFICATION);
    return 0;
  }
  return 1;
}

// OpenSSL's OCSP status hook, called once the server's first flight is in (before the client
// sends its key exchange or Finished): the staple, or its absence. 0 aborts the handshake.
int OnStatus(SSL* ssl, void* arg) {
  auto* gate = arg != nullptr ? static_cast<TrustGate*>(arg)
                              : static_cast<TrustGate*>(SSL_get_ex_data(ssl, GateIndex()));
  if (gate == nullptr || gate->staple_judged()) return 1;
  return gate->JudgeStaple(ssl, /*expected=*/true) ? 1 : 0;
}

}  // namespace

bool IsObsoleteTls(std::string_view version) {
  return version == "SSLv3" || version == "TLSv1" || version == "TLSv1.1";
}

void TrustGate::Install(SSL_CTX* ctx) {
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  SSL_CTX_set_cert_verify_callback(ctx, VerifyChain, this);
  SSL_CTX_set_tlsext_status_cb(ctx, OnStatus);
  SSL_CTX_set_tlsext_status_arg(ctx, this);
  if (AsksForStaple()) SSL_CTX_set_tlsext_status_type(ctx, TLSEXT_STATUSTYPE_ocsp);
}

void TrustGate::InstallShared(SSL_CTX* ctx) {
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  SSL_CTX_set_cert_verify_callback(ctx, VerifyChain, nullptr);
  SSL_CTX_set_tlsext_status_cb(ctx, OnStatus);
  SSL_CTX_set_tlsext_status_arg(ctx, nullptr);
}

void TrustGate::AttachTo(SSL* ssl) {
  SSL_set_ex_data(ssl, GateIndex(), this);
  if (AsksForStaple()) SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp);
}

void TrustGate::NewConnection() {
  judged_ = false;
  resumed_ = false;
  staple_judged_ = false;
}

bool TrustGate::AsksForStaple() const {
  return request_ != nullptr && request_->revocation != nullptr &&
         request_->revocation->mode != cert::RevocationMode::kOff;
}

bool TrustGate::JudgeStaple(SSL* ssl, bool expected) {
  staple_judged_ = true;
  if (!AsksForStaple() || capture_ == nullptr || !capture_->report) return true;
  TlsCapture& tls = *capture_;
  tls.staple_requested = expected;
  tls.ocsp_staple.reset();
  const unsigned char* p = nullptr;
  long len = ssl != nullptr ? SSL_get_tlsext_status_ocsp_resp(ssl, &p) : -1;
  if (len > 0 && p != nullptr) {
    tls.ocsp_staple.emplace(reinterpret_cast<const char*>(p), static_cast<size_t>(len));
  }
  JudgeRevocation(*request_, tls, *evaluator_);
  if (request_->trust->Enforcing() && tls.report->HasErrors()) {
    tls.rejected_by_policy = true;
    return false;  // a revoked certificate: nothing is sent
  }
  return true;
}

bool TrustGate::CarriesCredentials() const {
  return request_ != nullptr && (request_->carries_credentials || !request_->ntlm_user.empty());
}

bool TrustGate::JudgeHandshake(SSL* ssl, const std::vector<X509*>& chain) {
  judged_ = true;
  judged_at_ = std::chrono::steady_clock::now();
  if (request_ == nullptr || capture_ == nullptr || request_->trust == nullptr) return false;
  TlsCapture& tls = *capture_;
  tls.chain.clear();
  for (X509* x : chain) tls.chain.push_back(cert::ToDer(x));
  if (ssl != nullptr) {
    tls.version = SSL_get_version(ssl);
    if (const SSL_CIPHER* c = SSL_get_current_cipher(ssl)) tls.cipher = SSL_CIPHER_get_name(c);
    if (const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)) tls.sni = sni;
  }
  cert::CertInput in;
  in.chain = tls.chain;
  in.host = request_->cert_name;
  in.time = request_->verify_time;
  in.parsed = chain;
  tls.report = evaluator_->Evaluate(in, *request_->trust);
  if (request_->trust->Enforcing() && tls.report->HasErrors()) {
    tls.rejected_by_policy = true;
    return false;  // nothing is sent to this server
  }
  if (CarriesCredentials() && IsObsoleteTls(tls.version)) {
    refused_old_protocol_ = true;
    return false;  // credentials never travel over an obsolete protocol
  }
  return true;
}

bool TrustGate::JudgeOpenConnection(SSL* ssl, bool reused) {
  if (judged_) return true;  // this connection's own handshake was judged
  if (ssl == nullptr) {
    unjudged_ = true;
    return false;
  }
  STACK_OF(X509)* peer = SSL_get_peer_cert_chain(ssl);  // client side: leaf first
  std::vector<X509*> chain;
  for (int i = 0; peer != nullptr && i < sk_X509_num(peer); ++i) {
    chain.push_back(sk_X509_value(peer, i));
  }
  if (chain.empty()) {
    unjudged_ = true;  // no chain to judge: never use the connection
    return false;
  }
  reused_ = reused;
  resumed_ = !reused && SSL_session_reused(ssl) == 1;
  // A resumed session carries no staple; an open connection still holds its handshake's.
  return JudgeHandshake(ssl, chain) && JudgeStaple(ssl, /*expected=*/reused);
}

bool TrustGate::CredentialConnectionOk(SSL* ssl, bool https) {
  if (!CarriesCredentials()) return true;
  if (!https) {
    withheld_ = "credentials never go over plain http";
    return false;
  }
  const TlsCapture* tls = capture_;
  if (tls == nullptr || !tls->report || !tls->report->trusted) {
    std::string first;
    if (tls != nullptr && tls->report) {
      for (const auto& f : tls->report->findings) {
        if (f.severity != Severity::kInfo && f.id.rfind("cert.", 0) == 0) {
          first = f.id;
          break;
        }
      }
    }
    withheld_ = "the server's certificate does not pass the trust anchors" +
                (first.empty() ? std::string() : " (" + first + ")") +
                "; --ignore-trust relaxes the diagnosis, never where credentials go";
    return false;
  }
  if (ssl == nullptr) return true;
  if (const SSL_CIPHER* c = SSL_get_current_cipher(ssl); c != nullptr) {
    int bits = SSL_CIPHER_get_bits(c, nullptr);
    if (bits < 128) {
      withheld_ = std::string("the cipher ") + SSL_CIPHER_get_name(c) + " has " +
                  std::to_string(bits) + "-bit keys; credentials need at least 128";
      return false;
    }
  }
  EVP_PKEY* raw_kx = nullptr;
  if (SSL_get_peer_tmp_key(ssl, &raw_kx) == 1 && raw_kx != nullptr) {
    cert::EvpPkeyPtr kx(raw_kx);
    int bits = EVP_PKEY_get_security_bits(kx.get());
    int size = EVP_PKEY_get_bits(kx.get());
    const char* name = EVP_PKEY_get0_type_name(kx.get());
    std::string type = name != nullptr ? name : "";
    if (bits < 112) {
      withheld_ = "the key exchange (" + type + ", " + std::to_string(size) + " bits) gives " +
                  std::to_string(bits) +
                  "-bit security; credentials need at least 112 (OpenSSL security level 2)";
      return false;
    }
  }
  return true;
}

bool TrustGate::BeforeSending(SSL* ssl, bool https, bool reused) {
  if (https && !JudgeOpenConnection(ssl, reused)) return false;
  return CredentialConnectionOk(ssl, https);
}

std::optional<TransportError> TrustGate::Refusal() const {
  if (refused_old_protocol_) {
    return TransportError{Stage::kTls, "tls.protocol.too_old",
                          "the server negotiated " + (capture_ ? capture_->version : "?") +
                              "; cxa sends credentials only over TLS 1.2 or later, so nothing "
                              "was sent"};
  }
  if (capture_ != nullptr && capture_->rejected_by_policy) {
    return TransportError{
        Stage::kCertificate, "tls.certificate.rejected",
        resumed_  ? "the resumed TLS session's certificate fails the trust policy; nothing was "
                    "sent to the server"
        : reused_ ? "the open connection's certificate fails this request's trust policy; "
                    "nothing was sent to the server"
                  : "the TLS handshake was aborted because the certificate fails the trust "
                    "policy; nothing was sent to the server"};
  }
  if (!withheld_.empty()) {
    return TransportError{Stage::kCertificate, "auth.credentials.withheld",
                          withheld_ + "; nothing was sent to the server"};
  }
  if (unjudged_) {
    return TransportError{Stage::kCertificate, "tls.certificate.rejected",
                          "the connection's certificate chain is not known (a resumed TLS "
                          "session or an open connection without one), so the trust gate could "
                          "not judge it; nothing was sent"};
  }
  return std::nullopt;
}

}  // namespace cxa
