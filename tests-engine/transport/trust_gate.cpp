#include "transport/trust_gate.h"

#include <openssl/evp.h>
#include <openssl/x509_vfy.h>

#include "cert/x509.h"

namespace cxa {
namespace {

// OpenSSL's certificate verification hook: the gate judges the chain as sent (the untrusted
// stack holds it, leaf first); returning 0 aborts the handshake.
// The ex_data slot of a connection's gate (InstallShared, AttachTo).
int GateIndex() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
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
  return 1;
}

}  // namespace

bool IsObsoleteTls(std::string_view version) {
  return version == "SSLv3" || version == "TLSv1" || version == "TLSv1.1";
}

void TrustGate::Install(SSL_CTX* ctx) {
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  SSL_CTX_set_cert_verify_callback(ctx, VerifyChain, this);
}

void TrustGate::InstallShared(SSL_CTX* ctx) {
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  SSL_CTX_set_cert_verify_callback(ctx, VerifyChain, nullptr);
}

void TrustGate::AttachTo(SSL* ssl) { SSL_set_ex_data(ssl, GateIndex(), this); }

void TrustGate::NewConnection() {
  judged_ = false;
  resumed_ = false;
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
  return JudgeHandshake(ssl, chain);
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
