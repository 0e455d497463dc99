// CurlTransport: HttpTransport over libcurl. This file sets up and concludes transfers; what
// libcurl calls back during one is in curl_callbacks.cpp, streams in curl_stream.cpp, and the
// judgement of certificates in trust_gate.cpp (installed by OnSslContext).
#include "transport/curl_transport.h"

#include <fcntl.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>

#include "core/text.h"
#include "transport/address_filter.h"
#include "transport/curl_errors.h"
#include "transport/curl_handle.h"
#include "transport/event_loop.h"
#include "transport/request_check.h"
#include "transport/tls_socket.h"
#include "transport/trust_gate.h"
#include "transport/url.h"

namespace cxa {

using namespace curl_glue;

namespace {

std::once_flag g_curl_init;

// The scheme and host of `url` as libcurl reads it ("" when it cannot).
// A part of a parsed URL, "" when it has none.
std::string UrlPart(CURLU* u, CURLUPart what, unsigned flags = 0) {
  char* raw = nullptr;
  if (curl_url_get(u, what, &raw, flags) != CURLUE_OK) return "";
  CurlStringPtr part(raw);
  return part ? std::string(part.get()) : "";
}

std::pair<std::string, std::string> SchemeAndHost(const std::string& url) {
  CurlUrlPtr u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return {};
  return {UrlPart(u.get(), CURLUPART_SCHEME), UrlPart(u.get(), CURLUPART_HOST)};
}

// The --resolve entry that pins `url`'s host and port to `address`, or "".
std::string PinEntry(const std::string& url, const std::string& address) {
  CurlUrlPtr u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), CURLU_DEFAULT_PORT) != CURLUE_OK) {
    return "";
  }
  std::string host = UrlPart(u.get(), CURLUPART_HOST);
  std::string port = UrlPart(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  return host.empty() || port.empty() ? "" : host + ":" + port + ":" + HostForUrl(address);
}

void Append(CurlSlistPtr& list, const std::string& line) {
  list.reset(curl_slist_append(list.release(), line.c_str()));
}

}  // namespace

std::string TransportVersions() { return curl_version(); }

struct CurlTransport::Shared {
  CurlSharePtr share;  // reset in ~CurlTransport, while the locks it calls still exist
  std::once_flag tls_ctx_once;
  cert::SslCtxPtr tls_ctx;  // CheckTls's one client context
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
  shared_->share.reset(curl_share_init());
  if (CURLSH* share = shared_->share.get()) {
    curl_share_setopt(share, CURLSHOPT_LOCKFUNC, Shared::Lock);
    curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, Shared::Unlock);
    curl_share_setopt(share, CURLSHOPT_USERDATA, shared_.get());
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
  }
}

CurlTransport::~CurlTransport() { shared_->share.reset(); }

TransportStats CurlTransport::Stats() const {
  TransportStats s;
  s.dns_lookups = shared_->dns_lookups.load();
  s.connections = shared_->connections.load();
  s.tls_full = shared_->tls_full.load();
  s.tls_resumed = shared_->tls_resumed.load();
  s.reused = shared_->reused.load();
  return s;
}

HttpExchange CurlTransport::Perform(const HttpRequest& request) {
  if (request.connect_only && options_.proxy.empty() &&
      strncasecmp(request.url.c_str(), "https://", 8) == 0) {
    return CheckTls(request);
  }
  return Run(request, nullptr);
}

HttpExchange CurlTransport::CheckTls(const HttpRequest& request) {
  // The same host and port (443 when the URL names none), over plain TCP.
  auto url = SplitHttpUrl(request.url);
  if (!url) return Run(request, nullptr);  // not one we can split: libcurl says why
  HttpRequest tcp = request;
  tcp.url = "http://" + HostForUrl(url->host) + ":" + std::to_string(url->port) + "/";
  int fd = -1;
  HttpExchange ex = Run(tcp, nullptr, &fd);
  ex.request.url = request.url;
  if (ex.error && ex.error->id != "http.request.unsafe") {
    // The same words as the https URL's own failure would have had.
    for (size_t at; (at = ex.error->message.find(tcp.url)) != std::string::npos;) {
      ex.error->message.replace(at, tcp.url.size(), request.url);
    }
  }
  if (ex.error || fd < 0) {
    if (fd >= 0) ::close(fd);
    if (!ex.error) {
      ex.error = TransportError{Stage::kConnect, "internal.transport.failed",
                                "the connection's socket was not available"};
    }
    return ex;
  }
  std::call_once(shared_->tls_ctx_once,
                 [this] { shared_->tls_ctx = TlsSocket::SharedClientContext(); });
  ex.tls.emplace();
  TrustGate gate(evaluator_);
  gate.Attach(&ex.request, &*ex.tls);
  EventLoop* loop = EventLoop::Current();
  auto wait = [loop, fd](short events, int ms) {
    if (loop != nullptr) return loop->WaitFd(fd, events, ms);
    pollfd p{fd, events, 0};
    return poll(&p, 1, ms) > 0;
  };
  auto started = std::chrono::steady_clock::now();
  TransportError error;
  auto tls = TlsSocket::Connect(fd, ex.request.cert_name, gate, wait, request.timeouts.tls_ms,
                                &error, shared_->tls_ctx.get());
  if (tls && !gate.BeforeSending(tls->ssl(), true, false)) {
    tls.reset();
    error = *gate.Refusal();
  }
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  // Timings as libcurl's for https: tls (and total) count from the start of the transfer.
  double connected = 0;
  for (const auto& t : ex.timings) {
    if (t.name == "connect") connected = t.ms;
  }
  std::vector<Timing> timings;
  for (const auto& t : ex.timings) {
    timings.push_back({t.name, t.name == "total" ? connected + ms : t.ms});
    if (t.name == "connect") timings.push_back({"tls", connected + ms});
  }
  ex.timings = std::move(timings);
  if (gate.judged()) ++(gate.resumed() ? shared_->tls_resumed : shared_->tls_full);
  if (tls) {
    ex.reached = Stage::kCertificate;
    SSL_shutdown(tls->ssl());  // a check ends at once: close_notify, then the socket
  } else {
    ex.error = std::move(error);
    ex.reached = Stage::kConnect;
  }
  tls.reset();
  ::shutdown(fd, SHUT_RDWR);  // libcurl still holds its own descriptor of the connection
  ::close(fd);
  return ex;
}

DnsAnswer CurlTransport::LookupDns(const std::string& name, DnsType type,
                                   const Timeouts& timeouts) {
  return LookupDnsLive(name, type, DnsOptions{options_.dns_server, options_.srv},
                       timeouts.connect_ms);
}

namespace {}  // namespace

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
  return MakeCurlStream(std::move(handle), std::move(ex), req.timeouts.total_ms, evaluator_);
}

HttpExchange CurlTransport::Run(const HttpRequest& request, std::unique_ptr<Handle>* keep,
                                int* socket) {
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
  st.exchange = &ex;
  st.gate.emplace(evaluator_);
  handle->easy.reset(curl_easy_init());
  auto [scheme, host] = SchemeAndHost(request.url);
  if (!handle->easy || (scheme != "https" && scheme != "http") || host.empty()) {
    ex.error = TransportError{Stage::kNone, "internal.transport.failed",
                              "not an http(s) URL: '" + request.url + "'"};
    return ex;
  }
  st.easy = handle->easy.get();
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
  Configure(request, *handle, keep != nullptr || socket != nullptr);

  // Inside a batch's event loop the transfer joins the loop's multi handle and this run yields
  // until it completes; a stream's connection (kept after the transfer) is opened directly.
  CURL* c = handle->easy.get();
  auto take_socket = [c, socket] {
    curl_socket_t fd = CURL_SOCKET_BAD;
    if (socket != nullptr && curl_easy_getinfo(c, CURLINFO_ACTIVESOCKET, &fd) == CURLE_OK &&
        fd != CURL_SOCKET_BAD) {
      *socket = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    }
  };
  EventLoop* loop = keep == nullptr ? EventLoop::Current() : nullptr;
  CURLcode rc = loop != nullptr ? loop->Perform(c, take_socket) : curl_easy_perform(c);
  if (loop == nullptr && rc == CURLE_OK) take_socket();
  // A connect-only transfer sends nothing of its own: a resumed session is judged here, before
  // the caller (a stream) can send anything.
  std::optional<TransportError> refused;
  if (rc == CURLE_OK && !GateBeforeSending(st)) refused = GateRefusal(st);
  Count(*handle);
  Capture(*handle, rc == CURLE_OK && !refused, ex);
  Conclude(*handle, rc, std::move(refused), ex);
  if (keep != nullptr && !ex.error) {
    handle->request = ex.request;
    st.request = &handle->request;
    st.exchange = nullptr;  // no more captures after the handshake
    st.gate->Attach(&handle->request, nullptr);
    *keep = std::move(handle);
  }
  return ex;
}

void CurlTransport::Configure(const HttpRequest& request, Handle& handle, bool kept_open) {
  State& st = handle.st;
  CURL* c = handle.easy.get();
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, handle.errbuf);
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  // Requests reuse open connections to the same host (the trust gate judges a reused
  // connection's chain again, OnPrereq). A connect-only exchange always opens its own, and its
  // connection never serves another request: a check's closes at once, a stream's with it.
  if (request.connect_only) {
    curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
    if (!kept_open) curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
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
  ConfigureAddresses(request, handle);
  if (st.https) {
    // libcurl's own verification is off: the trust gate (OnSslContext) decides instead.
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, OnSslContext);
    curl_easy_setopt(c, CURLOPT_SSL_CTX_DATA, &st);
  }
  ConfigureRequest(request, handle);
}

void CurlTransport::ConfigureAddresses(const HttpRequest& request, Handle& handle) {
  CURL* c = handle.easy.get();
  for (const auto& r : options_.resolve) Append(handle.resolve, r);
  // After --resolve, so that it wins for its host and port (libcurl: the last entry does): the
  // request asks for that one address of the name.
  if (!request.connect_address.empty()) {
    if (std::string pin = PinEntry(request.url, request.connect_address); !pin.empty()) {
      Append(handle.resolve, pin);
    }
  }
  if (handle.resolve) curl_easy_setopt(c, CURLOPT_RESOLVE, handle.resolve.get());
  // The shared DNS cache, except for a request pinned to an address of its own: libcurl keeps
  // --resolve pins in the cache, and this pin must not redirect other requests for the name.
  if (request.connect_address.empty() && shared_->share) {
    curl_easy_setopt(c, CURLOPT_SHARE, shared_->share.get());
  }
  curl_easy_setopt(c, CURLOPT_RESOLVER_START_FUNCTION, Shared::OnResolverStart);
  curl_easy_setopt(c, CURLOPT_RESOLVER_START_DATA, shared_.get());
  for (const auto& r : options_.connect_to) Append(handle.connect_to, r);
  if (handle.connect_to) curl_easy_setopt(c, CURLOPT_CONNECT_TO, handle.connect_to.get());
  handle.st.public_only = request.public_only && options_.proxy.empty() &&
                          !AimedByOperator(options_.resolve, options_.connect_to, request.url);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, OnOpenSocket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &handle.st);
}

void CurlTransport::ConfigureRequest(const HttpRequest& request, Handle& handle) {
  CURL* c = handle.easy.get();
  for (const auto& [k, v] : request.headers)
    Append(handle.headers, v.empty() ? k + ";" : k + ": " + v);
  bool typed = std::any_of(request.headers.begin(), request.headers.end(), [](const auto& h) {
    return strcasecmp(h.first.c_str(), "Content-Type") == 0;
  });
  if (!typed && request.method != "GET" && request.method != "HEAD" && !request.connect_only) {
    Append(handle.headers, "Content-Type:");  // no form type of libcurl's own on our body
  }
  if (handle.headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, handle.headers.get());
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
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
  }
}

void CurlTransport::Count(const Handle& handle) {
  const State& st = handle.st;
  long opened = 0;
  curl_easy_getinfo(st.easy, CURLINFO_NUM_CONNECTS, &opened);
  shared_->connections += static_cast<uint64_t>(opened);
  if (st.gate->reused()) {
    ++shared_->reused;
  } else if (st.gate->judged()) {
    ++(st.gate->resumed() ? shared_->tls_resumed : shared_->tls_full);
  }
}

void CurlTransport::Capture(const Handle& handle, bool handshake_kept, HttpExchange& ex) {
  const State& st = handle.st;
  CURL* c = st.easy;
  char* ip = nullptr;
  if (curl_easy_getinfo(c, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip != nullptr) {
    ex.remote_address = ip;
  }
  long port = 0;
  curl_easy_getinfo(c, CURLINFO_PRIMARY_PORT, &port);
  ex.remote_port = static_cast<int>(port);
  if (st.https && handshake_kept) {
    if (SSL* ssl = SslOf(c)) {
      ex.tls->version = SSL_get_version(ssl);
      if (const SSL_CIPHER* ci = SSL_get_current_cipher(ssl)) {
        ex.tls->cipher = SSL_CIPHER_get_name(ci);
      }
    }
  }
  auto ms = [&](CURLINFO what) { return static_cast<double>(Info(c, what)) / 1000.0; };
  ex.timings = {{"dns", ms(CURLINFO_NAMELOOKUP_TIME_T)},
                {"connect", ms(CURLINFO_CONNECT_TIME_T)},
                {"tls", ms(CURLINFO_APPCONNECT_TIME_T)},
                {"first_byte", ms(CURLINFO_STARTTRANSFER_TIME_T)},
                {"total", ms(CURLINFO_TOTAL_TIME_T)}};
  // A handshake the gate aborted leaves libcurl's connect and TLS times at zero: the times it
  // measured itself stand in (TCP connected when TLS started; the certificate judged).
  auto since = [&](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(t - st.created).count();
  };
  if (ex.timings[1].ms == 0 && st.tls_started) ex.timings[1].ms = since(*st.tls_started);
  if (st.https && ex.timings[2].ms == 0 && st.gate && st.gate->judged_at()) {
    ex.timings[2].ms = since(*st.gate->judged_at());
  }
  if (!st.https) ex.timings.erase(ex.timings.begin() + 2);
  ex.timings.insert(ex.timings.end(), st.arrivals.begin(), st.arrivals.end());
}

void CurlTransport::Conclude(Handle& handle, int curl_code, std::optional<TransportError> refused,
                             HttpExchange& ex) {
  const auto rc = static_cast<CURLcode>(curl_code);
  State& st = handle.st;
  CURL* c = st.easy;
  const HttpRequest& request = *st.request;
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
    ex.error = Classify(rc, st, handle.errbuf, !options_.proxy.empty());
    if (ex.error->stage == Stage::kHttp && st.have_status) ex.response = std::move(st.response);
  }
}

}  // namespace cxa
