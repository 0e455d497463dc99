// What a failed libcurl transfer means for the operator: its CURLcode and what the transfer
// reached (resolved, connected, TLS done, a first response byte) mapped to a transport finding.
// A pure function of the facts (CurlTransport reads them from its handle and callbacks), so every
// mapping is unit-tested without a network.
#pragma once

#include <curl/curl.h>

#include <string>

#include "transport/http_transport.h"

namespace cxa {

struct CurlFailure {
  CURLcode code = CURLE_OK;
  std::string message;    // libcurl's error buffer, or curl_easy_strerror(code)
  std::string url;        // the request's URL
  std::string host_port;  // "address:port" connected to, or the URL when none
  bool https = false;
  bool proxy = false;              // through --proxy
  long tunnel_status = 0;          // the proxy's answer to CONNECT (0: none)
  long os_errno = 0;               // CURLINFO_OS_ERRNO
  bool resolved = false;           // the name resolved
  bool connected = false;          // TCP connected (or TLS began)
  bool handshaken = false;         // the TLS handshake completed
  bool first_byte = false;         // a response byte arrived
  bool tls_timeout_abort = false;  // our progress callback ended a slow handshake
  bool headers_too_large = false;  // our header callback refused more
  bool body_too_large = false;     // our body callback refused more
  Timeouts timeouts;
  Limits limits;
};

// The finding for a failure the trust gate and the local-fault check did not explain.
TransportError ClassifyCurlFailure(const CurlFailure& f);

// A TLS handshake that failed with OpenSSL's `message` (not the gate's refusal, not a timeout):
// the server did not speak TLS, sent an oversized message, offered no common protocol version,
// or another failure. Shared by libcurl's handshakes and the engine's own (TlsSocket).
TransportError ClassifyTlsFailure(const std::string& message);

// The proxy's 407 to CONNECT or to a plain HTTP request: its own refusal.
TransportError ProxyAuthRequired();

}  // namespace cxa
