// The libcurl side of CurlTransport, shared by its files (curl_transport.cpp: requests,
// curl_callbacks.cpp: what libcurl calls back during a transfer, curl_stream.cpp: streams over
// a connect-only transfer). Not for use outside transport/.
#pragma once

#include <curl/curl.h>
#include <openssl/ssl.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "transport/curl_ptr.h"
#include "transport/curl_transport.h"
#include "transport/trust_gate.h"

namespace cxa {
namespace curl_glue {

// Per-request state shared with libcurl's and OpenSSL's callbacks.
struct State {
  const HttpRequest* request = nullptr;
  HttpExchange* exchange = nullptr;
  std::optional<TrustGate> gate;  // judges every TLS connection of the transfer
  CURL* easy = nullptr;
  bool https = false;
  size_t header_bytes = 0;
  bool headers_too_large = false;
  bool body_too_large = false;
  bool first_byte = false;
  // When the TLS layer started, i.e. TCP was connected (libcurl 7.88 records its own connect
  // time only once the whole connection, TLS included, is up).
  std::optional<std::chrono::steady_clock::time_point> tls_started;
  // When the transfer was set up: the origin of the timings measured here rather than by
  // libcurl (a handshake the gate aborted at the certificate leaves libcurl's at zero).
  std::chrono::steady_clock::time_point created = std::chrono::steady_clock::now();
  enum class Abort { kNone, kTlsTimeout, kFirstByteTimeout } abort = Abort::kNone;
  HttpResponse response;
  std::vector<Timing> arrivals;  // HttpRequest::track_arrivals: "body@OFFSET" entries
  bool have_status = false;
  bool public_only = false;     // refuse non-public addresses (HttpRequest::public_only)
  std::string private_refused;  // the address refused, "kind address"
  int local_errno = 0;          // socket() failed for a lack of local resources (local_fault.h)
};

// libcurl's callbacks; `arg` is the transfer's State.
curl_socket_t OnOpenSocket(void* arg, curlsocktype, curl_sockaddr* address);
int OnPrereq(void* arg, char*, char*, int, int);
CURLcode OnSslContext(CURL*, void* ssl_ctx, void* arg);
size_t OnHeader(char* data, size_t size, size_t n, void* arg);
size_t OnBody(char* data, size_t size, size_t n, void* arg);
int OnProgress(void* arg, curl_off_t, curl_off_t, curl_off_t, curl_off_t);

// A numeric transfer info (times in microseconds), 0 when libcurl has none.
curl_off_t Info(CURL* easy, CURLINFO what);
// The OpenSSL connection of a transfer, or nullptr.
SSL* SslOf(CURL* easy);
// The trust gate's judgement before a request's first byte (transport/trust_gate.h).
bool GateBeforeSending(State& st);
// The refusal of a connection by the trust gate or the address filter, as a transport error.
std::optional<TransportError> GateRefusal(const State& st);
// What a failed transfer means (curl_errors.h), after the gate's and this machine's own reasons.
TransportError Classify(CURLcode rc, const State& st, const char* errbuf, bool proxy);

}  // namespace curl_glue

// Everything libcurl needs alive while a connection exists: the easy handle, the state its
// callbacks point to, and the lists it was given.
struct CurlTransport::Handle {
  CurlEasyPtr easy;
  curl_glue::State st;
  CurlSlistPtr resolve, connect_to, headers;
  char errbuf[CURL_ERROR_SIZE] = {};
  HttpRequest request;  // what the callbacks point to once the handle outlives Run()
};

// A stream over the connection of a connect-only transfer (`handle`), opened as `opened`.
std::unique_ptr<Stream> MakeCurlStream(std::unique_ptr<CurlTransport::Handle> handle,
                                       HttpExchange opened, int io_timeout_ms,
                                       const cert::CertEvaluator& evaluator);

}  // namespace cxa
