#include "transport/curl_errors.h"

#include <cerrno>

namespace cxa {

TransportError ClassifyTlsFailure(const std::string& message) {
  if (message.find("wrong version number") != std::string::npos ||
      message.find("packet length too long") != std::string::npos) {
    return {Stage::kTls, "tls.handshake.failed",
            "the server did not answer with TLS (plain HTTP on this port?): " + message};
  }
  if (message.find("excessive message size") != std::string::npos) {
    return {Stage::kTls, "tls.handshake.failed",
            "a TLS handshake message (usually the certificate list) is larger than the 100 KB "
            "OpenSSL accepts: " +
                message};
  }
  if (message.find("unsupported protocol") != std::string::npos ||
      message.find("protocol version") != std::string::npos) {
    return {Stage::kTls, "tls.protocol.unsupported", message};
  }
  return {Stage::kTls, "tls.handshake.failed", message};
}

TransportError ProxyAuthRequired() {
  return {Stage::kConnect, "net.proxy.auth_required",
          "the proxy given with --proxy answered 407 Proxy Authentication Required: it lets "
          "nobody through without credentials; nothing reached the server"};
}

TransportError ClassifyCurlFailure(const CurlFailure& f) {
  const bool in_tls = f.https && f.connected && !f.handshaken;
  if (f.proxy && f.tunnel_status == 407) return ProxyAuthRequired();
  if (f.proxy && f.tunnel_status >= 300) {
    return {
        Stage::kConnect, "net.proxy.failed",
        "the proxy refused the tunnel to " + f.url + ": HTTP " + std::to_string(f.tunnel_status)};
  }
  switch (f.code) {
    case CURLE_COULDNT_RESOLVE_HOST:
      return {Stage::kResolve, "net.dns.no_such_host", "the name does not resolve: " + f.message};
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_PROXY:
      return {Stage::kConnect, "net.proxy.failed", f.message};
    case CURLE_COULDNT_CONNECT: {
      if (f.proxy) return {Stage::kConnect, "net.proxy.failed", f.message};
      if (f.os_errno == ENETUNREACH || f.os_errno == EHOSTUNREACH) {
        return {Stage::kConnect, "net.connect.unreachable", f.message};
      }
      if (f.os_errno == ETIMEDOUT) return {Stage::kConnect, "net.connect.timeout", f.message};
      return {Stage::kConnect, "net.connect.refused", "connection refused by " + f.host_port};
    }
    case CURLE_OPERATION_TIMEDOUT:
      if (!f.resolved && !f.connected) return {Stage::kResolve, "net.dns.timeout", f.message};
      if (!f.connected)
        return {Stage::kConnect, "net.connect.timeout", "no TCP connection: " + f.message};
      if (in_tls) return {Stage::kTls, "tls.handshake.timeout", f.message};
      if (!f.first_byte) return {Stage::kHttp, "http.response.timeout", f.message};
      return {Stage::kHttp, "http.transfer.timeout", f.message};
    case CURLE_ABORTED_BY_CALLBACK:
      if (f.tls_timeout_abort) {
        return {Stage::kTls, "tls.handshake.timeout",
                "TLS handshake not complete after " + std::to_string(f.timeouts.tls_ms) + " ms"};
      }
      return {
          Stage::kHttp, "http.response.timeout",
          "no response byte " + std::to_string(f.timeouts.first_byte_ms) + " ms after the request"};
    case CURLE_WRITE_ERROR:
      if (f.headers_too_large) {
        return {Stage::kHttp, "http.headers.too_large",
                "response headers exceed " + std::to_string(f.limits.max_header_bytes) + " bytes"};
      }
      if (f.body_too_large) {
        return {Stage::kHttp, "http.response.too_large",
                "response body exceeds " + std::to_string(f.limits.max_body_bytes) + " bytes"};
      }
      return {Stage::kHttp, "internal.transport.failed", f.message};
    case CURLE_OUT_OF_MEMORY:
      // libcurl refuses a single header line above its own bound (100 KB) this way.
      if (f.first_byte) {
        return {Stage::kHttp, "http.headers.too_large",
                "a response header line is longer than libcurl accepts (100 KB): " + f.message};
      }
      return {f.connected ? Stage::kHttp : Stage::kConnect, "internal.transport.failed",
              std::string(curl_easy_strerror(f.code)) + ": " + f.message};
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CERTPROBLEM:
      return ClassifyTlsFailure(f.message);
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
      if (in_tls) return {Stage::kTls, "tls.handshake.failed", f.message};
      return {Stage::kHttp, "http.response.empty", f.message};
    case CURLE_UNSUPPORTED_PROTOCOL:
      // An answer that is not HTTP (another service's banner, binary bytes, an unknown HTTP
      // version): libcurl calls it HTTP/0.9 or an unsupported version. The server's fault.
      if (!f.connected) {
        return {Stage::kConnect, "internal.transport.failed",
                std::string(curl_easy_strerror(f.code)) + ": " + f.message};
      }
      return {Stage::kHttp, "http.response.malformed", "the answer is not HTTP: " + f.message};
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_BAD_CONTENT_ENCODING:
      return {Stage::kHttp, "http.response.malformed", f.message};
    default:
      return {f.connected ? Stage::kHttp : Stage::kConnect, "internal.transport.failed",
              std::string(curl_easy_strerror(f.code)) + ": " + f.message};
  }
}

}  // namespace cxa
