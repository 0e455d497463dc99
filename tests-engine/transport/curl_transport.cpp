#include "transport/curl_transport.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <poll.h>
#include <strings.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>

#include "core/text.h"
#include "transport/credentials.h"
#include "transport/curl_errors.h"
#include "transport/event_loop.h"
#include "transport/local_fault.h"
#include "transport/request_check.h"
#include "transport/tls_socket.h"
#include "transport/trust_gate.h"
#include "transport/url.h"

namespace cxa {
namespace {

std::once_flag g_curl_init;

struct CurlFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

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
  enum class Abort { kNone, kTlsTimeout, kFirstByteTimeout } abort = Abort::kNone;
  HttpResponse response;
  bool have_status = false;
  bool public_only = false;     // refuse non-public addresses (HttpRequest::public_only)
  std::string private_refused;  // the address refused, "kind address"
  int local_errno = 0;          // socket() failed for a lack of local resources (local_fault.h)
};

// The operator aimed `url`'s host and port somewhere with --resolve or --connect-to (an entry
// whose host is the URL's, empty or '*', and whose port is the URL's or empty).
bool AimedByOperator(const TransportOptions& o, const std::string& url) {
  auto u = SplitHttpUrl(url);
  if (!u) return false;
  auto matches = [&](const std::string& entry) {
    size_t colon = entry.find(':');
    if (colon == std::string::npos) return false;
    std::string host = ToLower(entry.substr(0, colon));
    size_t next = entry.find(':', colon + 1);
    std::string port =
        entry.substr(colon + 1, next == std::string::npos ? std::string::npos : next - colon - 1);
    bool host_ok = host.empty() || host == "*" || host == u->host;
    bool port_ok = port.empty() || port == std::to_string(u->port);
    return host_ok && port_ok;
  };
  return std::any_of(o.resolve.begin(), o.resolve.end(), matches) ||
         std::any_of(o.connect_to.begin(), o.connect_to.end(), matches);
}

// What kind of non-public address `sa` is ("loopback", "private", ...), or "" for a public one.
std::string NonPublicKind(const sockaddr* sa) {
  if (sa->sa_family == AF_INET) {
    uint32_t a = ntohl(reinterpret_cast<const sockaddr_in*>(sa)->sin_addr.s_addr);
    auto in = [&](uint32_t net, int bits) { return (a >> (32 - bits)) == (net >> (32 - bits)); };
    if (in(0x7F000000, 8)) return "loopback";
    if (in(0xA9FE0000, 16)) return "link-local";
    if (in(0x0A000000, 8) || in(0xAC100000, 12) || in(0xC0A80000, 16)) return "private";
    if (in(0x64400000, 10)) return "shared (carrier-grade NAT)";
    if (in(0x00000000, 8)) return "unspecified";
    if (in(0xE0000000, 4) || in(0xF0000000, 4)) return "multicast or reserved";
    return "";
  }
  if (sa->sa_family == AF_INET6) {
    const auto& a6 = reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr;
    const unsigned char* b = a6.s6_addr;
    if (IN6_IS_ADDR_V4MAPPED(&a6) || IN6_IS_ADDR_V4COMPAT(&a6)) {
      sockaddr_in v4{};
      v4.sin_family = AF_INET;
      std::memcpy(&v4.sin_addr, b + 12, 4);
      return NonPublicKind(reinterpret_cast<const sockaddr*>(&v4));
    }
    if (IN6_IS_ADDR_LOOPBACK(&a6)) return "loopback";
    if (IN6_IS_ADDR_UNSPECIFIED(&a6)) return "unspecified";
    if (IN6_IS_ADDR_LINKLOCAL(&a6)) return "link-local";
    if ((b[0] & 0xFE) == 0xFC) return "private (unique local)";
    if (b[0] == 0xFF) return "multicast";
    return "";
  }
  return "not an internet";
}

// Opens the socket libcurl asks for, unless the request may reach public addresses only and
// this one is not (a refusal ends the connection attempt with CURL_SOCKET_BAD).
curl_socket_t OnOpenSocket(void* arg, curlsocktype, curl_sockaddr* address) {
  auto* st = static_cast<State*>(arg);
  if (st->public_only) {
    std::string kind = NonPublicKind(&address->addr);
    if (!kind.empty()) {
      char text[INET6_ADDRSTRLEN] = "?";
      const void* raw = address->addr.sa_family == AF_INET6
                            ? static_cast<const void*>(
                                  &reinterpret_cast<const sockaddr_in6*>(&address->addr)->sin6_addr)
                            : static_cast<const void*>(
                                  &reinterpret_cast<const sockaddr_in*>(&address->addr)->sin_addr);
      inet_ntop(address->addr.sa_family, raw, text, sizeof text);
      st->private_refused = kind + " address " + text;
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

std::string Trim(std::string s) {
  while (!s.empty() &&
         (s.back() == '\r' || s.back() == '\n' || s.back() == ' ' || s.back() == '\t')) {
    s.pop_back();
  }
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return s.substr(i);
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
  std::string line = Printable(Trim(std::string(data, len)));  // a server's bytes
  if (line.rfind("HTTP/", 0) == 0) {                           // a new response (after 1xx ones)
    st->response = HttpResponse{};
    st->have_status = true;
    size_t sp = line.find(' ');
    st->response.http_version =
        line.substr(5, sp == std::string::npos ? std::string::npos : sp - 5);
    if (sp != std::string::npos) {
      std::string rest = line.substr(sp + 1);
      try {
        st->response.status = std::stoi(rest.substr(0, 3));
      } catch (...) {
        st->response.status = 0;
      }
      st->response.reason = rest.size() > 4 ? rest.substr(4) : "";
    }
  } else if (!line.empty()) {
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      st->response.headers.emplace_back(Trim(line.substr(0, colon)), Trim(line.substr(colon + 1)));
    }
  }
  return len;
}

size_t OnBody(char* data, size_t size, size_t n, void* arg) {
  auto* st = static_cast<State*>(arg);
  size_t len = size * n;
  st->first_byte = true;
  if (st->response.body.size() + len > st->request->limits.max_body_bytes) {
    st->body_too_large = true;
    return 0;
  }
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

}  // namespace

std::string TransportVersions() { return curl_version(); }

std::string NonPublicAddress(const std::string& ip) {
  sockaddr_in v4{};
  sockaddr_in6 v6{};
  if (inet_pton(AF_INET, ip.c_str(), &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    return NonPublicKind(reinterpret_cast<const sockaddr*>(&v4));
  }
  if (inet_pton(AF_INET6, ip.c_str(), &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    return NonPublicKind(reinterpret_cast<const sockaddr*>(&v6));
  }
  return "not an address";
}

std::string CheckResolveEntry(const std::string& entry) {
  // host:port:addr[,addr]  (addr may be [v6])
  size_t a = entry.find(':');
  if (a == std::string::npos || a == 0) return "expected HOST:PORT:ADDRESS, got '" + entry + "'";
  size_t b = entry.find(':', a + 1);
  if (b == std::string::npos) return "expected HOST:PORT:ADDRESS, got '" + entry + "'";
  std::string port = entry.substr(a + 1, b - a - 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) == 0 ||
      std::stoi(port) > 65535) {
    return "bad port '" + port + "' in '" + entry + "'";
  }
  if (b + 1 >= entry.size()) return "missing address in '" + entry + "'";
  std::string list = entry.substr(b + 1);
  for (size_t at = 0; at <= list.size();) {
    size_t comma = list.find(',', at);
    std::string addr = list.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    if (addr.size() > 2 && addr.front() == '[' && addr.back() == ']') {
      addr = addr.substr(1, addr.size() - 2);
    }
    unsigned char buf[16];
    if (inet_pton(AF_INET, addr.c_str(), buf) != 1 && inet_pton(AF_INET6, addr.c_str(), buf) != 1) {
      return "'" + addr + "' in '" + entry + "' is not an IP address";
    }
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return "";
}

struct CurlTransport::Shared {
  CURLSH* share = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> locks;
  std::atomic<uint64_t> dns_lookups{0}, connections{0}, reused{0}, tls_full{0}, tls_resumed{0};

  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* self) {
    static_cast<Shared*>(self)->locks.at(data).lock();
  }
  static void Unlock(CURL*, curl_lock_data data, void* self) {
    static_cast<Shared*>(self)->locks.at(data).unlock();
  }
  static int OnResolverStart(void*, void*, void* self) {
    ++static_cast<Shared*>(self)->dns_lookups;
    return 0;
  }
};

CurlTransport::CurlTransport(TransportOptions options, const cert::CertEvaluator& evaluator)
    : options_(std::move(options)), evaluator_(evaluator), shared_(std::make_unique<Shared>()) {
  std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  shared_->share = curl_share_init();
  if (shared_->share != nullptr) {
    curl_share_setopt(shared_->share, CURLSHOPT_LOCKFUNC, Shared::Lock);
    curl_share_setopt(shared_->share, CURLSHOPT_UNLOCKFUNC, Shared::Unlock);
    curl_share_setopt(shared_->share, CURLSHOPT_USERDATA, shared_.get());
    curl_share_setopt(shared_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(shared_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_share_setopt(shared_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
  }
}

CurlTransport::~CurlTransport() {
  if (shared_->share != nullptr) curl_share_cleanup(shared_->share);
}

TransportStats CurlTransport::Stats() const {
  TransportStats s;
  s.dns_lookups = shared_->dns_lookups.load();
  s.connections = shared_->connections.load();
  s.tls_full = shared_->tls_full.load();
  s.tls_resumed = shared_->tls_resumed.load();
  s.reused = shared_->reused.load();
  return s;
}

HttpExchange CurlTransport::Perform(const HttpRequest& request) { return Run(request, nullptr); }

DnsAnswer CurlTransport::LookupDns(const std::string& name, DnsType type,
                                   const Timeouts& timeouts) {
  return LookupDnsLive(name, type, DnsOptions{options_.dns_server, options_.srv},
                       timeouts.connect_ms);
}

// Everything libcurl needs alive while a connection exists: the easy handle, the state its
// callbacks point to, and the lists it was given.
struct CurlTransport::Handle {
  std::unique_ptr<CURL, CurlFree> easy;
  State st;
  std::unique_ptr<curl_slist, SlistFree> resolve, connect_to, headers;
  char errbuf[CURL_ERROR_SIZE] = {};
  HttpRequest request;  // what the callbacks point to once the handle outlives Run()
};

namespace {

// A stream over a connection libcurl opened in connect-only mode; after StartTls, a TLS session
// of our own (TlsSocket) over libcurl's socket.
class CurlStream : public Stream {
 public:
  // Every Send and Receive waits at most `io_timeout_ms`, and all of them together end
  // `io_timeout_ms` after the stream opened: a peer that sends one byte at a time cannot keep
  // the stream alive past that budget.
  CurlStream(std::unique_ptr<CurlTransport::Handle> handle, HttpExchange opened, int io_timeout_ms,
             const cert::CertEvaluator& evaluator)
      : handle_(std::move(handle)),
        opened_(std::move(opened)),
        io_timeout_ms_(io_timeout_ms),
        deadline_(std::chrono::steady_clock::now() + std::chrono::milliseconds(io_timeout_ms)),
        gate_(evaluator) {}

  const HttpExchange& Connection() const override { return opened_; }

  Status StartTls(std::string_view name) override {
    if (!handle_) return Fail("the stream is not connected");
    if (tls_ || opened_.tls) return Fail("the stream already speaks TLS");
    if (opened_.request.trust == nullptr) return Fail("StartTls needs the request's trust policy");
    curl_socket_t fd = CURL_SOCKET_BAD;
    curl_easy_getinfo(handle_->easy.get(), CURLINFO_ACTIVESOCKET, &fd);
    if (fd == CURL_SOCKET_BAD) return Fail("the stream has no socket");
    opened_.request.cert_name = std::string(name);
    opened_.tls.emplace();
    gate_.Attach(&opened_.request, &*opened_.tls);
    auto started = std::chrono::steady_clock::now();
    TransportError error;
    auto wait = [this](short events, int ms) { return Wait(events, ms); };
    tls_ =
        TlsSocket::Connect(fd, opened_.request.cert_name, gate_, wait,
                           std::min(opened_.request.timeouts.tls_ms, Left(io_timeout_ms_)), &error);
    if (tls_ && !gate_.BeforeSending(tls_->ssl(), true, false)) {
      tls_.reset();
      error = *gate_.Refusal();
    }
    opened_.timings.push_back({"starttls", std::chrono::duration<double, std::milli>(
                                               std::chrono::steady_clock::now() - started)
                                               .count()});
    if (!tls_) {
      opened_.error = error;
      handle_.reset();  // closed: nothing more goes to this server
      return Fail(error.message);
    }
    opened_.reached = Stage::kCertificate;
    return Ok{};
  }

  Status Send(std::string_view bytes) override {
    if (!handle_) return Fail("the stream is not connected");
    if (tls_) {
      if (Left(io_timeout_ms_) <= 0) return Spent();
      return tls_->Send(
          bytes, [this](short e, int ms) { return Wait(e, ms); }, Left(io_timeout_ms_));
    }
    while (!bytes.empty()) {
      size_t n = 0;
      CURLcode rc = curl_easy_send(handle_->easy.get(), bytes.data(), bytes.size(), &n);
      if (rc == CURLE_AGAIN) {
        int left = Left(io_timeout_ms_);
        if (left <= 0) return Spent();
        if (!Wait(POLLOUT, left)) return Fail("send timed out");
        continue;
      }
      if (rc != CURLE_OK) return Fail(std::string("send failed: ") + curl_easy_strerror(rc));
      bytes.remove_prefix(n);
    }
    return Ok{};
  }

  Result<std::string> Receive(size_t max, int timeout_ms) override {
    if (!handle_) return Fail("the stream is not connected");
    if (tls_) {
      int left = Left(timeout_ms);
      if (left <= 0) return Spent();
      auto got = tls_->Receive(
          max, [this](short e, int ms) { return Wait(e, ms); }, left);
      if (!got && left < timeout_ms) return Spent();
      return got;
    }
    std::string buf(std::max<size_t>(max, 1), '\0');
    for (;;) {
      size_t n = 0;
      CURLcode rc = curl_easy_recv(handle_->easy.get(), buf.data(), buf.size(), &n);
      if (rc == CURLE_AGAIN) {
        int left = Left(timeout_ms);
        if (left <= 0) return Spent();
        if (!Wait(POLLIN, left)) {
          if (left < timeout_ms) return Spent();
          return Fail("nothing received within " + std::to_string(timeout_ms) + " ms");
        }
        continue;
      }
      if (rc != CURLE_OK) return Fail(std::string("receive failed: ") + curl_easy_strerror(rc));
      buf.resize(n);  // 0 = the peer closed the stream
      return buf;
    }
  }

 private:
  bool Wait(short events, int timeout_ms) {
    curl_socket_t fd = CURL_SOCKET_BAD;
    curl_easy_getinfo(handle_->easy.get(), CURLINFO_ACTIVESOCKET, &fd);
    if (fd == CURL_SOCKET_BAD) return false;
    if (EventLoop* loop = EventLoop::Current()) return loop->WaitFd(fd, events, timeout_ms);
    pollfd p{fd, events, 0};
    return poll(&p, 1, timeout_ms) > 0;
  }

  // The wait allowed now: `want`, cut to what is left of the stream's budget.
  int Left(int want) const {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline_ - std::chrono::steady_clock::now())
                    .count();
    return static_cast<int>(std::min<long long>(want, std::max<long long>(left, 0)));
  }
  Error Spent() const {
    return Fail("the stream's time budget (" + std::to_string(io_timeout_ms_) +
                " ms in all) is spent");
  }

  std::unique_ptr<CurlTransport::Handle> handle_;
  HttpExchange opened_;
  int io_timeout_ms_;
  std::chrono::steady_clock::time_point deadline_;
  TrustGate gate_;                  // judges the StartTls handshake
  std::unique_ptr<TlsSocket> tls_;  // after StartTls; freed before handle_ closes the socket
};

}  // namespace

std::unique_ptr<Stream> CurlTransport::OpenStream(const HttpRequest& request) {
  HttpRequest req = request;
  req.connect_only = true;
  // tcp://HOST:PORT: a plain TCP connection (libcurl's connect-only http, which sends nothing),
  // reported under its own URL; StartTls may upgrade it.
  const bool tcp = strncasecmp(req.url.c_str(), "tcp://", 6) == 0;
  if (tcp) req.url = "http://" + req.url.substr(6);
  std::unique_ptr<Handle> handle;
  HttpExchange ex = Run(req, &handle);
  if (tcp) {
    ex.request.url = request.url;
    if (handle) handle->request.url = request.url;
  }
  return std::make_unique<CurlStream>(std::move(handle), std::move(ex), req.timeouts.total_ms,
                                      evaluator_);
}

HttpExchange CurlTransport::Run(const HttpRequest& request, std::unique_ptr<Handle>* keep) {
  HttpExchange ex;
  ex.request = request;
  ex.request.ntlm_password.clear();
  if (std::string bad = UnsafeRequestPart(request); !bad.empty()) {
    ex.request.url = Printable(request.url);
    ex.error = TransportError{Stage::kNone, "http.request.unsafe",
                              bad + "; cxa sent nothing rather than a request a server shaped"};
    return ex;
  }
  auto handle = std::make_unique<Handle>();
  State& st = handle->st;
  st.request = &request;
  st.exchange = &ex;
  st.gate.emplace(evaluator_);

  handle->easy.reset(curl_easy_init());
  auto& easy = handle->easy;
  CURLU* url = curl_url();
  std::string scheme, host;
  if (curl_url_set(url, CURLUPART_URL, request.url.c_str(), 0) == CURLUE_OK) {
    char* part = nullptr;
    if (curl_url_get(url, CURLUPART_SCHEME, &part, 0) == CURLUE_OK) scheme = part;
    curl_free(part);
    part = nullptr;
    if (curl_url_get(url, CURLUPART_HOST, &part, 0) == CURLUE_OK) host = part;
    curl_free(part);
  }
  curl_url_cleanup(url);
  if (!easy || (scheme != "https" && scheme != "http") || host.empty()) {
    ex.error = TransportError{Stage::kNone, "internal.transport.failed",
                              "not an http(s) URL: '" + request.url + "'"};
    return ex;
  }
  st.easy = easy.get();
  st.https = scheme == "https";
  if (st.https && request.trust == nullptr) {
    ex.error = TransportError{Stage::kNone, "internal.transport.failed",
                              "https request without a trust policy (a bug in the caller)"};
    return ex;
  }
  if (ex.request.cert_name.empty()) {
    if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
    ex.request.cert_name = host;
  }
  st.request = &ex.request;
  if (st.https) ex.tls.emplace();
  st.gate->Attach(&ex.request, ex.tls ? &*ex.tls : nullptr);

  CURL* c = easy.get();
  char* errbuf = handle->errbuf;
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  // Requests reuse open connections to the same host (the trust gate judges a reused
  // connection's chain again, OnPrereq). A connect-only exchange always opens its own, and its
  // connection never serves another request: a check's closes at once, a stream's with it.
  if (request.connect_only) {
    curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
    if (keep == nullptr) curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
    // A plain stream (tcp://) through a proxy goes through a CONNECT tunnel to the server.
    if (!st.https && !options_.proxy.empty()) curl_easy_setopt(c, CURLOPT_HTTPPROXYTUNNEL, 1L);
  }
  // Idle connections kept for reuse (a batch's threads share them).
  curl_easy_setopt(c, CURLOPT_MAXCONNECTS, options_.max_idle_connections);
  // TLS sessions are resumed per host (the share keeps them for every thread); the trust gate
  // judges a resumed session's chain again before the request (OnPrereq, JudgeResumed).
  curl_easy_setopt(c, CURLOPT_SSL_SESSIONID_CACHE, 1L);
  curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, OnPrereq);
  curl_easy_setopt(c, CURLOPT_PREREQDATA, &st);
  curl_easy_setopt(c, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(request.timeouts.connect_ms + request.timeouts.tls_ms));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeouts.total_ms));
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &st);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &st);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &st);
  curl_easy_setopt(c, CURLOPT_PROXY, options_.proxy.c_str());  // "" = no proxy, ignore env
  if (options_.ip_version == 4) curl_easy_setopt(c, CURLOPT_IPRESOLVE, CURL_IPRESOLVE_V4);
  if (options_.ip_version == 6) curl_easy_setopt(c, CURLOPT_IPRESOLVE, CURL_IPRESOLVE_V6);
  auto& resolve = handle->resolve;
  if (!request.connect_address.empty()) {
    CURLU* u = curl_url();
    char* host = nullptr;
    char* port = nullptr;
    if (curl_url_set(u, CURLUPART_URL, request.url.c_str(), CURLU_DEFAULT_PORT) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
      std::string entry =
          std::string(host) + ":" + port + ":" + HostForUrl(request.connect_address);
      resolve.reset(curl_slist_append(resolve.release(), entry.c_str()));
    }
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
  }
  for (const auto& r : options_.resolve)
    resolve.reset(curl_slist_append(resolve.release(), r.c_str()));
  if (resolve) curl_easy_setopt(c, CURLOPT_RESOLVE, resolve.get());
  // The shared DNS cache, except for a request pinned to an address of its own: libcurl keeps
  // --resolve pins in the cache, and this pin must not redirect other requests for the name.
  if (request.connect_address.empty() && shared_->share != nullptr) {
    curl_easy_setopt(c, CURLOPT_SHARE, shared_->share);
  }
  curl_easy_setopt(c, CURLOPT_RESOLVER_START_FUNCTION, Shared::OnResolverStart);
  curl_easy_setopt(c, CURLOPT_RESOLVER_START_DATA, shared_.get());
  auto& connect_to = handle->connect_to;
  for (const auto& r : options_.connect_to) {
    connect_to.reset(curl_slist_append(connect_to.release(), r.c_str()));
  }
  if (connect_to) curl_easy_setopt(c, CURLOPT_CONNECT_TO, connect_to.get());
  st.public_only =
      request.public_only && options_.proxy.empty() && !AimedByOperator(options_, request.url);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, OnOpenSocket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &st);
  if (st.https) {
    // libcurl's own verification is off: the trust gate (OnSslContext) decides instead.
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, OnSslContext);
    curl_easy_setopt(c, CURLOPT_SSL_CTX_DATA, &st);
  }
  auto& headers = handle->headers;
  for (const auto& [k, v] : request.headers) {
    std::string line = v.empty() ? k + ";" : k + ": " + v;
    headers.reset(curl_slist_append(headers.release(), line.c_str()));
  }
  bool typed = std::any_of(request.headers.begin(), request.headers.end(), [](const auto& h) {
    return strcasecmp(h.first.c_str(), "Content-Type") == 0;
  });
  if (!typed && request.method != "GET" && request.method != "HEAD" && !request.connect_only) {
    // No form Content-Type of libcurl's own on a body we did not type.
    headers.reset(curl_slist_append(headers.release(), "Content-Type:"));
  }
  if (headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  if (!request.ntlm_user.empty()) {
    // libcurl runs the NTLM legs on one connection within this transfer.
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_NTLM));
    curl_easy_setopt(c, CURLOPT_USERNAME, request.ntlm_user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, request.ntlm_password.c_str());
  }
  if (request.connect_only) {
    curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);
  } else if (request.method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    // Every other method sends its body, even an empty one (Content-Length: 0, as RPC over
    // HTTP's RPC_IN_DATA echo and authentication probes need).
    {
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    }
  }

  // Inside a batch's event loop the transfer joins the loop's multi handle and this run yields
  // until it completes; a stream's connection (kept after the transfer) is opened directly.
  EventLoop* loop = keep == nullptr ? EventLoop::Current() : nullptr;
  CURLcode rc = loop != nullptr ? loop->Perform(c) : curl_easy_perform(c);
  // A connect-only transfer sends nothing of its own: a resumed session is judged here, before
  // the caller (a stream) can send anything.
  std::optional<TransportError> refused;
  if (rc == CURLE_OK && !GateBeforeSending(st)) refused = GateRefusal(st);
  long opened = 0;
  curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &opened);
  shared_->connections += static_cast<uint64_t>(opened);
  if (st.gate->reused()) {
    ++shared_->reused;
  } else if (st.gate->judged()) {
    ++(st.gate->resumed() ? shared_->tls_resumed : shared_->tls_full);
  }

  char* ip = nullptr;
  if (curl_easy_getinfo(c, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip != nullptr) {
    ex.remote_address = ip;
  }
  long port = 0;
  curl_easy_getinfo(c, CURLINFO_PRIMARY_PORT, &port);
  ex.remote_port = static_cast<int>(port);
  if (st.https && rc == CURLE_OK && !refused) {
    const curl_tlssessioninfo* info = nullptr;
    if (curl_easy_getinfo(c, CURLINFO_TLS_SSL_PTR, &info) == CURLE_OK && info != nullptr &&
        info->backend == CURLSSLBACKEND_OPENSSL && info->internals != nullptr) {
      SSL* ssl = static_cast<SSL*>(info->internals);
      ex.tls->version = SSL_get_version(ssl);
      if (const SSL_CIPHER* ci = SSL_get_current_cipher(ssl))
        ex.tls->cipher = SSL_CIPHER_get_name(ci);
    }
  }
  auto ms = [&](CURLINFO what) { return static_cast<double>(Info(c, what)) / 1000.0; };
  ex.timings = {{"dns", ms(CURLINFO_NAMELOOKUP_TIME_T)},
                {"connect", ms(CURLINFO_CONNECT_TIME_T)},
                {"tls", ms(CURLINFO_APPCONNECT_TIME_T)},
                {"first_byte", ms(CURLINFO_STARTTRANSFER_TIME_T)},
                {"total", ms(CURLINFO_TOTAL_TIME_T)}};
  if (!st.https) ex.timings.erase(ex.timings.begin() + 2);

  bool connected = Info(c, CURLINFO_CONNECT_TIME_T) > 0 || rc == CURLE_OK || st.tls_started;
  bool handshaken = Info(c, CURLINFO_APPCONNECT_TIME_T) > 0 || (st.https && rc == CURLE_OK);
  ex.reached = !ex.remote_address.empty() ? Stage::kResolve : Stage::kNone;
  if (connected) ex.reached = Stage::kConnect;
  if (st.https && handshaken) ex.reached = Stage::kCertificate;
  // A connection the gate refused counts as connected only, however far its handshake went.
  if (GateRefusal(st)) ex.reached = Stage::kConnect;
  if (refused) {
    ex.error = std::move(refused);
  } else if (rc == CURLE_OK && !request.connect_only && !options_.proxy.empty() &&
             st.response.status == 407) {
    ex.error = ProxyAuthRequired();  // plain HTTP through the proxy: its own refusal
    ex.reached = Stage::kConnect;
  } else if (rc == CURLE_OK && !request.connect_only) {
    ex.reached = Stage::kHttp;
    ex.response = std::move(st.response);
  } else if (rc != CURLE_OK) {
    ex.error = Classify(rc, st, errbuf, !options_.proxy.empty());
    if (ex.error->stage == Stage::kHttp && st.have_status) ex.response = std::move(st.response);
  }
  if (keep != nullptr && !ex.error) {
    handle->request = ex.request;
    st.request = &handle->request;
    st.exchange = nullptr;  // no more captures after the handshake
    st.gate->Attach(&handle->request, nullptr);
    *keep = std::move(handle);
  }
  return ex;
}

}  // namespace cxa
