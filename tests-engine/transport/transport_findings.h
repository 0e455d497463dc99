// The catalogue of transport findings (where a connection stopped before any protocol step
// could judge the server), and their IDs as a type that only holds catalogue IDs: an ID written
// in the code is checked when it is compiled, so a typo does not build.
#pragma once

#include <optional>
#include <string_view>

#include "core/finding.h"

namespace cxa {

inline constexpr FindingInfo kTransportFindingInfos[] = {
    {"net.dns.no_such_host", Severity::kError, "Host name does not resolve",
     "The name has no A or AAAA record in public DNS (or the resolver used by cxa). Clients "
     "outside "
     "the network cannot find the service.",
     "Publish an A (or AAAA) record for the name in the public DNS zone, or correct the name in "
     "the "
     "configuration that handed it out (Autodiscover, federation metadata, the URL). A name ending "
     "in .local or a single label is internal-only. To test a server before DNS points at it, use "
     "--resolve NAME:PORT:ADDRESS.",
     "RFC 1034; Remote Connectivity Analyzer: The Host Name Could Not be Resolved in DNS"},
    {"net.dns.timeout", Severity::kError, "DNS lookup timed out",
     "The resolver did not answer within the time limit.",
     "Check the authoritative name servers of the zone and the resolver of the testing machine.",
     "RFC 1035"},
    {"net.connect.refused", Severity::kError, "Connection refused",
     "The address answered, but nothing accepts connections on that port (the service is stopped, "
     "listens elsewhere, or a firewall rejects actively).",
     "Start the service or fix its binding, and check the firewall/NAT rule that forwards the port "
     "to the server.",
     "RFC 9293 §3.10.7.1; Remote Connectivity Analyzer: A Network Error Occurred while "
     "Communicating with Remote Host"},
    {"net.connect.timeout", Severity::kError, "Connection timed out",
     "No answer to the TCP connection attempt within the time limit: a firewall drops the packets, "
     "the address is wrong, or the host is down.",
     "Check that the public address is right and that the firewall/NAT forwards the port to the "
     "server.",
     "RFC 9293"},
    {"net.connect.unreachable", Severity::kError, "Network unreachable",
     "The connection failed before reaching the host (no route, host unreachable).",
     "Check the address and the routing towards it.", "RFC 9293"},
    {"net.proxy.failed", Severity::kError, "Proxy failure",
     "The HTTP proxy given with --proxy could not be used (unreachable, or it refused the "
     "tunnel to the server).",
     "Check the proxy URL and whether the proxy allows connections to this host and port, or "
     "run without --proxy.",
     "RFC 9110 §9.3.6"},
    {"net.proxy.auth_required", Severity::kError, "Proxy demands authentication",
     "The HTTP proxy given with --proxy answered 407 Proxy Authentication Required: it lets no "
     "request through without the proxy's own credentials, so the server behind it was not "
     "reached. This is the proxy's answer, not the server's.",
     "Run from a machine or network that may use the proxy without signing in, or through a "
     "proxy that allows this machine (an exception for its address). Do not put a proxy "
     "password into the --proxy URL: it would show in the process list and the shell history.",
     "RFC 9110 §15.5.8 (407 Proxy Authentication Required)"},
    {"tls.handshake.failed", Severity::kError, "TLS handshake failed",
     "The server accepted the TCP connection but the TLS handshake failed: it speaks no TLS on "
     "this port, offers no cipher in common, or closed the connection.",
     "Check that the port serves HTTPS with a certificate bound to it (IIS: the site binding; a "
     "load balancer: its TLS profile), and that TLS 1.2 or later is enabled.",
     "RFC 8446; RFC 5246"},
    {"tls.handshake.timeout", Severity::kError, "TLS handshake timed out",
     "The TCP connection opened but the TLS handshake did not complete within the time limit.",
     "Check the server or load balancer that terminates TLS; a device inspecting traffic may be "
     "stalling the handshake.",
     "RFC 8446"},
    {"tls.protocol.unsupported", Severity::kError, "No TLS version in common",
     "The server and cxa share no TLS protocol version.",
     "Enable TLS 1.2 and TLS 1.3 on the server.", "RFC 8996; RFC 8446"},
    {"tls.protocol.too_old", Severity::kError, "Obsolete TLS version",
     "The server negotiated TLS 1.0 or 1.1. Current clients and Microsoft 365 refuse these "
     "versions.",
     "Enable TLS 1.2 (and 1.3) on the server and disable TLS 1.0/1.1 once clients are ready.",
     "RFC 8996"},
    {"tls.certificate.rejected", Severity::kInfo, "Connection stopped by the trust policy",
     "The certificate findings of this step break the step's trust policy, so cxa aborted the "
     "TLS handshake (or, on a resumed TLS session or an open connection an earlier step made, "
     "judged the chain behind it again and did not use it): no request and no credential was "
     "sent to this server.",
     "Fix the certificate findings reported with this step.", "RFC 8446 §4.4.2.4; RFC 9110 §4.3.4"},
    {"net.address.private", Severity::kWarning, "URL points into a private network",
     "A URL that nobody authenticated (a certificate's AIA address, an unauthenticated answer) "
     "resolves to a loopback, link-local, private, shared or multicast address. cxa does not "
     "follow such URLs: a hostile certificate or server could otherwise aim it at services "
     "inside the operator's own network (a cloud metadata service at 169.254.169.254, an admin "
     "page on localhost).",
     "If the URL is meant to be fetched (a lab, an internal CA), aim its name at the address "
     "yourself with --resolve NAME:PORT:ADDRESS or --connect-to; a public CA's AIA URL must "
     "resolve to public addresses.",
     "RFC 1918; RFC 4193; RFC 6890"},
    {"auth.credentials.withheld", Severity::kError, "Credentials withheld",
     "cxa did not send the credentials, so this part was not tested. A credential goes only "
     "over https to a connection whose certificate passes the trust anchors (even with "
     "--ignore-trust, which relaxes the diagnosis, never this rule), over TLS 1.2 or later with "
     "a modern key exchange, and only to a host within the user's domain, named by the "
     "operator, or named by an answer that was itself authenticated or came over strict public "
     "TLS. Anything a server says without authentication (an HTTP redirect, the port-80 "
     "redirect method, an SRV record, an anonymous Autodiscover answer) can be forged and never "
     "extends that trust: this is what Outlook's \"Allow this website to configure server "
     "settings?\" prompt protects.",
     "If the host is yours (a hosting provider's Autodiscover, a federation service under "
     "another domain), say so with --allow-credentials-to HOST or --allow-credentials-to "
     "*.DOMAIN; otherwise find out who aims clients there. For a certificate or TLS refusal, "
     "fix the certificate or the server's TLS configuration first.",
     "RFC 7617 §4 (Basic sends the password readable); RFC 9325 §3.1.1 (TLS versions); MS-OXDSCLI 3.1.5 (redirect "
     "confirmation)"},
    {"http.request.unsafe", Severity::kError, "Request refused: a value holds control characters",
     "A value that would have gone into cxa's request (a URL, a header, a user name) holds a "
     "control character such as CR or LF. Such values come from answers (a redirect, an "
     "Autodiscover setting): a hostile server uses them to write headers of its own into the "
     "request. cxa sent nothing.",
     "Find out which server handed out the value (the step's facts and the previous steps show "
     "where the URL or address came from); a correctly configured Exchange or AD FS never "
     "does.",
     "RFC 9112 §2.2 (CR and LF end a header line); CWE-113"},
    {"http.response.timeout", Severity::kError, "No response in time",
     "The server accepted the request but did not start answering within the time limit.",
     "Check the application pool / back end behind the web server, and any reverse proxy.",
     "RFC 9110"},
    {"http.transfer.timeout", Severity::kError, "Response too slow",
     "The response did not complete within the total time limit (a very slow or stalled server).",
     "Check the server and the network path; raise --timeout only if the server is known to be "
     "slow.",
     "RFC 9112"},
    {"http.response.too_large", Severity::kError, "Response too large",
     "The response body exceeded cxa's size limit; the transfer was stopped.",
     "Check what the server sends at this URL; a normal answer is small.", "RFC 9112"},
    {"http.headers.too_large", Severity::kError, "Response headers too large",
     "The response headers exceeded cxa's size limit; the transfer was stopped.",
     "Check the server or proxy that produces these headers.", "RFC 9112 §2.3"},
    {"http.response.malformed", Severity::kError, "Malformed HTTP response",
     "The server's answer is not valid HTTP.",
     "Check that the port serves HTTP(S) and that no device rewrites the traffic.", "RFC 9112"},
    {"http.response.empty", Severity::kError, "Connection closed without a response",
     "The server closed the connection (or reset it) without sending a response.",
     "Check the web server's logs and any reverse proxy or firewall that may drop the request.",
     "RFC 9112 §9.6"},
    {"local.resource.exhausted", Severity::kError, "cxa ran out of a local resource",
     "The machine running cxa had no file descriptor, local port or memory left for this "
     "connection, so the server was not tested. This is not a fault of the server or the "
     "network.",
     "Run fewer targets at once (--parallel), raise the open-file limit (ulimit -n; "
     "LimitNOFILE= for a systemd service), or close what holds descriptors and ports on this "
     "machine; then run again.",
     "getrlimit(2); socket(2); connect(2)"},
    {"internal.replay.mismatch", Severity::kError, "Replay does not match the transcript",
     "During --replay the run sent a request that the transcript does not hold at this point "
     "(another URL, method, header or body), or asked for more exchanges than were recorded. The "
     "detail shows what was expected and what was sent.",
     "Replay with the scenario and inputs that were recorded, or record the run again.", "",
     FindingCategory::kInternal},
    {"internal.transport.failed", Severity::kError, "Transport failure",
     "The connection failed for a reason cxa does not classify; the detail has libcurl's message.",
     "Read the detail; report it if it looks like a bug of cxa.", "", FindingCategory::kInternal},
};

// The catalogue entry of `id`; a compile error when `id` is not in it.
consteval const FindingInfo& TransportFinding(const char* id) {
  for (const auto& info : kTransportFindingInfos) {
    if (info.id == std::string_view(id)) return info;
  }
  throw "not a transport finding ID: add it to kTransportFindingInfos";
}

// The ID of a transport finding, always one of kTransportFindingInfos. Written as a literal (in
// a TransportError, a comparison) it is checked when compiled; Find() looks an ID up at run time
// (a transcript's <error id>).
class TransportFindingId {
 public:
  consteval TransportFindingId(const char* id) : info_(&TransportFinding(id)) {}
  // internal.transport.failed, until something better is known.
  constexpr TransportFindingId() : info_(&TransportFinding("internal.transport.failed")) {}
  static std::optional<TransportFindingId> Find(std::string_view id) {
    for (const auto& info : kTransportFindingInfos) {
      if (info.id == id) return TransportFindingId(&info);
    }
    return std::nullopt;
  }

  const FindingInfo& info() const { return *info_; }
  std::string_view str() const { return info_->id; }
  operator std::string_view() const { return info_->id; }
  friend bool operator==(TransportFindingId a, std::string_view b) { return a.str() == b; }

 private:
  explicit constexpr TransportFindingId(const FindingInfo* info) : info_(info) {}
  const FindingInfo* info_;
};

}  // namespace cxa
