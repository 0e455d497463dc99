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

// For an IP address in text form: "" when it is public, else its kind ("loopback", "private",
// "link-local", ...): the addresses HttpRequest::public_only refuses.
std::string NonPublicAddress(const std::string& ip);

// The libraries the live transport runs on, for `cxa --version` ("libcurl/7.88.1 OpenSSL/3.0.x
// ...").
std::string TransportVersions();

// Validates one --resolve entry; returns an error message or "".
std::string CheckResolveEntry(const std::string& entry);

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
  HttpExchange Run(const HttpRequest& request, std::unique_ptr<Handle>* keep);
  TransportOptions options_;
  const cert::CertEvaluator& evaluator_;
  std::unique_ptr<Shared> shared_;
};

}  // namespace cxa
