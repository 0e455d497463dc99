// CurlTransport: the live HttpTransport, on libcurl with the OpenSSL backend.
//
// HTTP requests to the same host reuse open connections, and new connections resume the host's
// TLS session (both shared by all threads of a batch); connect-only exchanges (the tls step,
// streams) always open their own connection. Neither a reused connection nor a resumed session
// shows a certificate, so the trust gate judges the chain of the full handshake behind it again,
// under the new request's policy, name and time, before anything is sent; the exchange carries
// that chain and its report. SNI is always sent for names. --resolve entries pin names to
// addresses; the URL's name still drives SNI, the Host header and the certificate name check.
// DNS answers are shared too: each name is resolved once while libcurl keeps its answer (60 s).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "transport/http_transport.h"

namespace cxa {

struct TransportOptions {
  std::vector<std::string> resolve;     // "host:port:addr" (curl --resolve syntax)
  std::string proxy;                    // "" = none (environment proxies are ignored)
  std::vector<std::string> connect_to;  // "host:port:host2:port2" (curl --connect-to syntax)
  int ip_version = 0;                   // 0 any, 4, 6
  std::string user_agent = "cxa/0.1 (connectivity analyzer)";
  std::vector<std::string> srv;    // "NAME=TARGET:PORT" SRV answers given instead of DNS
  std::string dns_server;          // "ADDR[:PORT]": DNS records from it, not the system resolver
  long max_idle_connections = 64;  // open connections kept for reuse (each holds a descriptor)
};

// The libraries the live transport runs on, for `cxa --version` ("libcurl/7.88.1 OpenSSL/3.0.x
// ...").
std::string TransportVersions();

class CurlTransport : public HttpTransport {
 public:
  CurlTransport(TransportOptions options, const cert::CertEvaluator& evaluator);
  ~CurlTransport() override;
  HttpExchange Perform(const HttpRequest& request) override;
  std::unique_ptr<Stream> OpenStream(const HttpRequest& request) override;
  DnsAnswer LookupDns(const std::string& name, DnsType type, const Timeouts& timeouts) override;
  TransportStats Stats() const override;

  struct Handle;  // libcurl state that lives as long as the connection
  struct Shared;  // what all requests share: DNS answers, TLS sessions, counters

 private:
  // One transfer; with `keep`, its connection is handed over (connect-only, for a stream).
  // With `socket`, a plain connect-only transfer hands over a duplicate of its socket (the
  // caller owns it; -1 when none).
  HttpExchange Run(const HttpRequest& request, std::unique_ptr<Handle>* keep,
                   int* socket = nullptr);
  // A connect-only https check without a proxy: TCP through libcurl (DNS, --resolve,
  // --connect-to, the address filter, timeouts, the event loop), then the handshake on that
  // socket with the transport's one shared TLS context (libcurl would build a context per
  // connection, a large part of a check's CPU), judged by the same gate.
  HttpExchange CheckTls(const HttpRequest& request);
  // The phases of Run: libcurl options for the request, its addresses and its HTTP parts; the
  // connection counters; what the connection was (address, TLS, timings); and the outcome
  // (stage reached, response or error).
  void Configure(const HttpRequest& request, Handle& handle, bool kept_open);
  void ConfigureAddresses(const HttpRequest& request, Handle& handle);
  void ConfigureRequest(const HttpRequest& request, Handle& handle);
  void Count(const Handle& handle);
  void Capture(const Handle& handle, bool handshake_kept, HttpExchange& ex);
  void Conclude(Handle& handle, int curl_code, std::optional<TransportError> refused,
                HttpExchange& ex);
  TransportOptions options_;
  const cert::CertEvaluator& evaluator_;
  std::unique_ptr<Shared> shared_;
};

}  // namespace cxa
