// HttpTransport: how modules talk to servers. One request in, one exchange out; redirects are
// never followed (each hop is an exchange the module sees and judges).
//
// Security contract (DESIGN.md, trust gate): for https the transport runs the certificate
// evaluator *inside* the TLS handshake with the request's trust policy. When the policy rejects
// the chain, the handshake is aborted: no request line, no header and no credential reaches that
// server. The exchange still carries the chain and the evaluator's report.
#pragma once

#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cert/cert_evaluator.h"
#include "cert/trust_policy.h"
#include "core/finding.h"
#include "core/result.h"
#include "core/step_result.h"
#include "transport/dns.h"
#include "transport/revocation_cache.h"
#include "transport/transport_findings.h"

namespace cxa {

struct Timeouts {
  int connect_ms = 10000;     // DNS + TCP
  int tls_ms = 10000;         // TLS handshake after TCP connect
  int first_byte_ms = 15000;  // request sent -> first response byte
  int total_ms = 30000;       // whole exchange
};

struct Limits {
  size_t max_header_bytes = 64 * 1024;
  size_t max_body_bytes = 8 * 1024 * 1024;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";  // custom verbs allowed (RPC_IN_DATA)
  std::string url;
  Headers headers;
  std::string body;
  bool connect_only = false;  // stop after TCP (+ TLS and certificate for https)
  // The request carries credentials (a password in the body or a header): the transport
  // refuses to send it over TLS older than 1.2 (tls.protocol.too_old, nothing sent).
  bool carries_credentials = false;
  // Connect to this address instead of resolving the URL's host (Host, SNI and the certificate
  // name stay the host): a later step reusing the address an earlier one resolved.
  std::string connect_address;
  // NTLM sign-in performed by the transport itself (the handshake needs one connection for its
  // three legs): user name and password. The password is used for this request only and never
  // copied into the exchange or a recording. Implies carries_credentials.
  std::string ntlm_user;
  std::string ntlm_password;
  // The URL came from data nobody authenticated (a certificate's AIA URL, an unauthenticated
  // answer): it is fetched only from public addresses. Loopback, link-local (169.254/16, cloud
  // metadata services), private (RFC 1918, ULA), shared (100.64/10), multicast and unspecified
  // addresses are refused (net.address.private) unless the operator aimed the name there with
  // --resolve or --connect-to, or a proxy fetches it.
  bool public_only = false;
  // Recordings keep the response body only when it holds certificates (AIA answers).
  bool record_certificates_only = false;
  // Note when the pieces of the response body arrived: the exchange's timings gain entries
  // named "body@OFFSET" (milliseconds since the transfer began, for the piece that starts at
  // byte OFFSET of the final response's body). Pieces closer than 20 ms share an entry; at most
  // 128 entries (then the last one moves on). For protocols that stream keep-alives inside one
  // response (MAPI over HTTP's PENDING), whose gaps say whether something in between buffers.
  bool track_arrivals = false;
  // How the handshake judges revocation (transport/revocation_cache.h): the mode, and in fetch
  // mode the run's cache of answers. Null: off (no staple asked for, nothing judged).
  const RevocationContext* revocation = nullptr;
  // For https: the policy of the trust gate (required), the name the certificate must cover
  // (default: the URL's host) and the verification time.
  const cert::TrustPolicy* trust = nullptr;
  std::string cert_name;
  std::time_t verify_time = 0;
  Timeouts timeouts;
  Limits limits;
};

struct HttpResponse {
  std::string http_version;  // "1.1", "2"
  int status = 0;
  std::string reason;
  Headers headers;
  std::string body;

  // First value of a header (case-insensitive name), or nullopt.
  std::optional<std::string> Header(std::string_view name) const;
  // The schemes WWW-Authenticate headers offer ("Negotiate", "NTLM", "Basic"), in order, also
  // when several share one header (transport/auth_challenge.h).
  std::vector<std::string> AuthSchemes() const;
  // "HTTP 503 Service Unavailable", for findings.
  std::string StatusLine() const;
};

struct TlsCapture {
  std::vector<cert::Der> chain;  // as the server sent it, leaf first
  std::string version;           // "TLSv1.3"
  std::string cipher;
  std::string sni;
  bool rejected_by_policy = false;         // the trust gate aborted the handshake
  bool staple_requested = false;           // the handshake asked for an OCSP staple
  std::optional<std::string> ocsp_staple;  // the OCSP response the server stapled
  // Revocation was judged into the report (the gate after the chain, or replay), and with how
  // many fetched answers (the run's cache).
  bool revocation_judged = false;
  size_t revocation_evidence = 0;
  std::optional<cert::CertReport> report;
};

// A failure of the transport: where it happened and its stable finding ID (net.*, tls.*, http.*;
// transport_findings.h: a literal ID is checked when compiled).
struct TransportError {
  Stage stage = Stage::kConnect;
  TransportFindingId id;
  std::string message;
};

// One event of a byte stream (see Stream): what the client sent or received, in order, or the
// stream's upgrade to TLS (Stream::StartTls): then `tls` holds the handshake's capture.
struct StreamEvent {
  bool sent = true;
  std::string bytes;
  std::optional<TlsCapture> tls;  // set: a STARTTLS upgrade (no bytes)
  bool timed_out = false;         // a Receive that ran out of time (no bytes, not sent)
};

struct HttpExchange {
  HttpRequest request;  // as sent (no credentials are ever stored here)
  std::string remote_address;
  int remote_port = 0;
  Stage reached = Stage::kNone;  // the last stage that completed
  std::optional<TlsCapture> tls;
  std::optional<HttpResponse> response;
  std::optional<TransportError> error;
  std::vector<Timing> timings;
  // For streams (HttpTransport::OpenStream): the bytes exchanged after the connection opened.
  std::vector<StreamEvent> stream;
};

// A long-lived duplex byte stream over a connection the transport opened (TCP, TLS for https://
// URLs, the trust gate, SNI, --resolve, --connect-to, timeouts as for any request): what RPC over
// HTTP's IN and OUT channels need, where HTTP heads and bodies are written and read incrementally
// on one connection, and what a protocol with STARTTLS needs: a tcp://HOST:PORT stream starts
// plain and upgrades with StartTls. Going through the transport, streams are recorded and
// replayed like any exchange.
class Stream {
 public:
  virtual ~Stream() = default;
  // The connection as it stands: address, TLS capture and certificate report (after StartTls,
  // the upgrade's), or the error that ended it (then Send and Receive fail).
  virtual const HttpExchange& Connection() const = 0;
  virtual Status Send(std::string_view bytes) = 0;
  // Up to `max` bytes within `timeout_ms`; an empty string means the peer closed the stream.
  // A timeout is an error.
  virtual Result<std::string> Receive(size_t max, int timeout_ms) = 0;
  // Whether the last Receive failed because its time ran out (its timeout, or the stream's
  // whole budget) rather than because the connection broke: a protocol names the two apart (a
  // mail server that never greets, a reset).
  virtual bool ReceiveTimedOut() const { return false; }
  // Upgrades a plain (tcp://) stream to TLS: a handshake with SNI `name` whose chain the trust
  // gate judges under the stream's request policy and time, for `name`. On a rejection or a
  // failed handshake the stream is closed (nothing more is sent) and Connection().error says
  // why; on success Connection().tls holds the capture and later bytes travel encrypted.
  virtual Status StartTls(std::string_view name) {
    (void)name;
    return Fail("this stream cannot start TLS");
  }
};

// What a live transport did on the network so far (all zero for replays).
struct TransportStats {
  uint64_t dns_lookups = 0;  // name resolutions started (a cached answer is not one)
  uint64_t connections = 0;  // TCP connections opened
  uint64_t reused = 0;       // HTTP requests sent over a connection an earlier request opened
  uint64_t tls_full = 0;     // full TLS handshakes (the server sent its certificate chain)
  uint64_t tls_resumed = 0;  // TLS sessions resumed (the gate judged the session's chain again)
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual TransportStats Stats() const { return {}; }
  virtual HttpExchange Perform(const HttpRequest& request) = 0;
  // Opens a stream to the request's URL (its scheme, host and port; method, headers and body
  // are ignored). Never null: a failed open is reported by Connection().error.
  virtual std::unique_ptr<Stream> OpenStream(const HttpRequest& request) = 0;
  // The `type` records of `name` (transport/dns.h), within the connect timeout.
  virtual DnsAnswer LookupDns(const std::string& name, DnsType type, const Timeouts& timeouts) {
    (void)timeouts;
    DnsAnswer a;
    a.name = name;
    a.type = type;
    a.error = "this transport does not look up DNS records";
    return a;
  }
};

// The catalogue of net.*, tls.* and http.* findings that transport errors map to.
std::span<const FindingInfo> TransportFindings();
// The finding for a transport error (catalogue severity and remediation).
Finding FindingFor(const TransportError& error);

}  // namespace cxa
