#include <arpa/inet.h>
#include <sys/socket.h>

#include <cerrno>

#include "core/text.h"
#include "transport/address_filter.h"
#include "transport/curl_errors.h"
#include "transport/curl_handle.h"
#include "transport/http_head.h"
#include "transport/local_fault.h"

namespace cxa::curl_glue {

// Opens the socket libcurl asks for, unless the request may reach public addresses only and
// this one is not (a refusal ends the connection attempt with CURL_SOCKET_BAD).
curl_socket_t OnOpenSocket(void* arg, curlsocktype, curl_sockaddr* address) {
  auto* st = static_cast<State*>(arg);
  if (st->public_only) {
    std::string kind = NonPublicKind(&address->addr);
    if (!kind.empty()) {
      st->private_refused = kind + " address " + AddressText(&address->addr);
      return CURL_SOCKET_BAD;
    }
  }
  curl_socket_t s = socket(address->family, address->socktype, address->protocol);
  if (s == CURL_SOCKET_BAD && IsLocalShortage(errno)) st->local_errno = errno;
  return s;
}

// The OpenSSL connection of a transfer, or nullptr.
SSL* SslOf(CURL* easy) {
  const curl_tlssessioninfo* info = nullptr;
  if (curl_easy_getinfo(easy, CURLINFO_TLS_SSL_PTR, &info) != CURLE_OK || info == nullptr ||
      info->backend != CURLSSLBACKEND_OPENSSL) {
    return nullptr;
  }
  return static_cast<SSL*>(info->internals);
}

// The trust gate before a request's first byte (transport/trust_gate.h). OnSslContext runs for
// every connection this transfer opens; none ran for an open connection an earlier request made.
bool GateBeforeSending(State& st) {
  return st.gate->BeforeSending(st.https ? SslOf(st.easy) : nullptr, st.https,
                                /*reused=*/!st.tls_started.has_value());
}

int OnPrereq(void* arg, char*, char*, int, int) {
  return GateBeforeSending(*static_cast<State*>(arg)) ? CURL_PREREQFUNC_OK : CURL_PREREQFUNC_ABORT;
}

CURLcode OnSslContext(CURL*, void* ssl_ctx, void* arg) {
  auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
  auto* st = static_cast<State*>(arg);
  st->tls_started = std::chrono::steady_clock::now();
  // A new connection (one transfer may open more than one, e.g. NTLM after a close): its
  // handshake has not been judged yet, whatever an earlier connection of the transfer was.
  st->gate->NewConnection();
  st->gate->Install(ctx);
  // Let old servers complete the handshake so that they are diagnosed (tls.protocol.too_old)
  // rather than reported as an anonymous failure. Certificate judgement is separate (level 2).
  SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
  SSL_CTX_set_security_level(ctx, 0);
  return CURLE_OK;
}

size_t OnHeader(char* data, size_t size, size_t n, void* arg) {
  auto* st = static_cast<State*>(arg);
  size_t len = size * n;
  st->first_byte = true;
  st->header_bytes += len;
  if (st->header_bytes > st->request->limits.max_header_bytes) {
    st->headers_too_large = true;
    return 0;
  }
  std::string line = Printable(Trim(std::string_view(data, len)));  // a server's bytes
  if (line.rfind("HTTP/", 0) == 0) {  // a new response (after 1xx ones)
    st->response = ParseStatusLine(line).value_or(HttpResponse{});
    st->arrivals.clear();
    st->have_status = true;
  } else if (auto header = ParseHeaderLine(line)) {
    st->response.headers.push_back(std::move(*header));
  }
  return len;
}

namespace {

// HttpRequest::track_arrivals: the piece about to be appended arrived now.
void NoteArrival(State& st) {
  constexpr size_t kMaxEntries = 128;
  constexpr double kSameEntryMs = 20;
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - st.created)
          .count();
  if (!st.arrivals.empty() && ms - st.arrivals.back().ms < kSameEntryMs) return;
  Timing t{"body@" + std::to_string(st.response.body.size()), ms};
  if (st.arrivals.size() < kMaxEntries) {
    st.arrivals.push_back(std::move(t));
  } else {
    st.arrivals.back() = std::move(t);
  }
}

}  // namespace

size_t OnBody(char* data, size_t size, size_t n, void* arg) {
  auto* st = static_cast<State*>(arg);
  size_t len = size * n;
  st->first_byte = true;
  if (st->response.body.size() + len > st->request->limits.max_body_bytes) {
    st->body_too_large = true;
    return 0;
  }
  if (st->request->track_arrivals) NoteArrival(*st);
  st->response.body.append(data, len);
  return len;
}

curl_off_t Info(CURL* easy, CURLINFO what) {
  curl_off_t v = 0;
  curl_easy_getinfo(easy, what, &v);
  return v;
}

int OnProgress(void* arg, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* st = static_cast<State*>(arg);
  curl_off_t total = Info(st->easy, CURLINFO_TOTAL_TIME_T);
  curl_off_t handshaken = Info(st->easy, CURLINFO_APPCONNECT_TIME_T);
  curl_off_t sent = Info(st->easy, CURLINFO_PRETRANSFER_TIME_T);
  const Timeouts& t = st->request->timeouts;
  if (st->https && st->tls_started && handshaken == 0 &&
      std::chrono::steady_clock::now() - *st->tls_started > std::chrono::milliseconds(t.tls_ms)) {
    st->abort = State::Abort::kTlsTimeout;
    return 1;
  }
  if (!st->request->connect_only && sent > 0 && !st->first_byte &&
      total - sent > static_cast<curl_off_t>(t.first_byte_ms) * 1000) {
    st->abort = State::Abort::kFirstByteTimeout;
    return 1;
  }
  return 0;
}

// The refusal of a connection by the trust gate (a handshake aborted, a resumed session or open
// connection whose chain fails the policy, credentials withheld) or by the address filter, as a
// transport error.
std::optional<TransportError> GateRefusal(const State& st) {
  if (auto refused = st.gate->Refusal()) return refused;
  if (!st.private_refused.empty()) {
    return TransportError{Stage::kConnect, "net.address.private",
                          "the URL leads to a " + st.private_refused +
                              "; cxa does not follow URLs from certificates or unauthenticated "
                              "answers into private networks (aim the name there with --resolve "
                              "or --connect-to if you mean it); nothing was sent"};
  }
  return std::nullopt;
}

// A failure of this machine rather than of the network or the server: a socket that could not
// be opened, a connect() without a local port, or (for failures that carry no errno, such as a
// DNS lookup that could not start) no descriptor left right now.
std::optional<TransportError> LocalFault(CURLcode rc, const State& st) {
  long os_errno = 0;
  curl_easy_getinfo(st.easy, CURLINFO_OS_ERRNO, &os_errno);
  int err = st.local_errno;
  if (err == 0 && IsLocalShortage(static_cast<int>(os_errno))) err = static_cast<int>(os_errno);
  if (err == 0 && (rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_CONNECT ||
                   rc == CURLE_OUT_OF_MEMORY || rc == CURLE_FAILED_INIT)) {
    err = DescriptorShortage();
  }
  if (err == 0) return std::nullopt;
  return TransportError{Stage::kConnect, "local.resource.exhausted",
                        DescribeLocalShortage(err) + "; nothing was learned about the server"};
}

TransportError Classify(CURLcode rc, const State& st, const char* errbuf, bool proxy) {
  if (auto refused = GateRefusal(st)) return *refused;
  if (auto local = LocalFault(rc, st)) return *local;
  CurlFailure f;
  f.code = rc;
  f.message = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
  f.url = st.request->url;
  f.host_port = st.exchange->remote_address.empty()
                    ? st.request->url
                    : st.exchange->remote_address + ":" + std::to_string(st.exchange->remote_port);
  f.https = st.https;
  f.proxy = proxy;
  if (proxy) curl_easy_getinfo(st.easy, CURLINFO_HTTP_CONNECTCODE, &f.tunnel_status);
  curl_easy_getinfo(st.easy, CURLINFO_OS_ERRNO, &f.os_errno);
  f.resolved = Info(st.easy, CURLINFO_NAMELOOKUP_TIME_T) > 0;
  f.connected = Info(st.easy, CURLINFO_CONNECT_TIME_T) > 0 || st.tls_started.has_value();
  f.handshaken = Info(st.easy, CURLINFO_APPCONNECT_TIME_T) > 0;
  f.first_byte = st.first_byte;
  f.tls_timeout_abort = st.abort == State::Abort::kTlsTimeout;
  f.headers_too_large = st.headers_too_large;
  f.body_too_large = st.body_too_large;
  f.timeouts = st.request->timeouts;
  f.limits = st.request->limits;
  return ClassifyCurlFailure(f);
}

}  // namespace cxa::curl_glue
