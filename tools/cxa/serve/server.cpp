#include "tools/cxa/serve/server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <mutex>

#include "core/text.h"
#include "core/time_util.h"
#include "report/prometheus.h"
#include "report/report.h"
#include "tools/cxa/serve/budget.h"
#include "tools/cxa/serve/page.h"
#include "tools/cxa/serve/query.h"
#include "tools/cxa/serve/web_config.h"

namespace cxa::cli::serve {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;
using Clock = std::chrono::steady_clock;

constexpr size_t kHeaderLimit = 8 * 1024;
constexpr size_t kBodyLimit = 4 * 1024;
constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr auto kDrainLimit = std::chrono::seconds(30);

Response Text(unsigned status, std::string body,
              std::string_view type = "text/plain; charset=utf-8") {
  Response r{static_cast<http::status>(status), 11};
  r.set(http::field::content_type, std::string(type));
  r.set(http::field::server, "cxa-serve");
  r.set(http::field::cache_control, "no-store");
  r.set("X-Content-Type-Options", "nosniff");
  r.body() = std::move(body);
  return r;
}

Response Html(std::string body) {
  Response r = Text(200, std::move(body), "text/html; charset=utf-8");
  // Nothing loads from anywhere; the report pages carry their own policy too.
  r.set("Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
  r.set("X-Frame-Options", "DENY");
  return r;
}

std::string Param(const Query& q, const std::string& name) {
  auto it = q.params.find(name);
  return it == q.params.end() ? "" : it->second;
}

class Service {
 public:
  Service(const ServeOptions& o, std::shared_ptr<const ProbeModules> m)
      : options_(o),
        pool_(static_cast<size_t>(o.max_concurrent)),
        modules_(std::move(m)),
        stats_(Version(), o.history) {}

  asio::io_context& ioc() { return ioc_; }
  // How long a connection may take to send a whole request (or sit idle between requests).
  std::chrono::milliseconds idle_timeout() const {
    return std::chrono::milliseconds(static_cast<long long>(options_.idle_timeout_s * 1000));
  }
  void SetUsers(std::map<std::string, std::string> users) {
    auth_ = std::make_unique<BasicAuth>(std::move(users));
  }
  // Whether the request may be served: no users configured, or its basic credentials match.
  bool Authorized(const Request& req) {
    return !auth_ || !auth_->enabled() ||
           auth_->Check(std::string(req[http::field::authorization]));
  }
  asio::thread_pool& pool() { return pool_; }
  const ServeOptions& options() const { return options_; }
  size_t max_connections() const { return options_.max_connections; }
  std::atomic<size_t> connections{0};

  std::shared_ptr<const ProbeModules> Modules() {
    std::lock_guard lock(mu_);
    return modules_;
  }

  // Loads the file again; on success the new modules take over (probes in flight finish with
  // the old ones). Returns "" or why the file was refused.
  std::string Reload() {
    std::string error;
    auto config = LoadServeConfig(options_.config_path);
    if (!config) {
      error = config.error();
    } else if (auto prepared = PrepareModules(*config); !prepared) {
      error = prepared.error();
    } else {
      std::lock_guard lock(mu_);
      modules_ = *prepared;
    }
    stats_.Reloaded(error.empty());
    std::cerr << "cxa serve: "
              << (error.empty() ? "configuration reloaded"
                                : "reload refused, the modules in effect stay: " + error)
              << "\n";
    return error;
  }

  bool TryAcquire() {
    size_t n = in_flight_.load();
    while (n < static_cast<size_t>(options_.max_concurrent)) {
      if (in_flight_.compare_exchange_weak(n, n + 1)) return true;
    }
    return false;
  }
  void Release() { --in_flight_; }
  size_t InFlight() const { return in_flight_.load(); }

  ServiceStats& stats() { return stats_; }
  std::string Metrics() {
    return stats_.Metrics(
        {in_flight_.load(), static_cast<size_t>(options_.max_concurrent), connections.load()});
  }

 private:
  ServeOptions options_;
  asio::io_context ioc_{1};
  asio::thread_pool pool_;
  std::mutex mu_;
  std::shared_ptr<const ProbeModules> modules_;
  std::unique_ptr<BasicAuth> auth_;
  std::atomic<size_t> in_flight_{0};
  ServiceStats stats_;
};

using Reply = std::function<void(Response)>;

// A probe request's module and inputs, or the answer that refuses it.
struct Checked {
  std::shared_ptr<const ProbeModules> modules;
  const ProbeModule* module = nullptr;
  std::map<std::string, std::string> inputs;
  std::string target;
  std::optional<Response> refusal;
};

Checked CheckProbe(Service& svc, const Query& q) {
  Checked c;
  auto refuse = [&](unsigned status, const std::string& reason, const char* counter) {
    svc.stats().Rejected(counter);
    c.refusal = Text(status, reason + "\n");
  };
  if (!q.error.empty()) {
    refuse(400, q.error, "bad_request");
    return c;
  }
  c.modules = svc.Modules();
  const std::string module = Param(q, "module");
  auto it = c.modules->modules.find(module);
  if (module.empty() || it == c.modules->modules.end()) {
    refuse(400, module.empty() ? "missing module" : "unknown module '" + module + "'",
           "unknown_module");
    return c;
  }
  c.module = it->second.get();
  c.target = Param(q, "target");
  if (c.target.empty()) {
    refuse(400, "missing target", "bad_request");
    return c;
  }
  auto inputs = ProbeInputs(*c.module, c.target);
  if (!inputs) {
    refuse(400, inputs.error(), "bad_request");
    return c;
  }
  if (!TargetAllowed(c.module->config.targets, c.target)) {
    refuse(403, "target '" + c.target + "' is not in module '" + module + "'s targets",
           "forbidden");
    return c;
  }
  c.inputs = std::move(*inputs);
  return c;
}

enum class ProbeAnswer { kMetrics, kHtml, kJson };

// Runs a probe on the pool and replies on the event loop.
void StartProbe(Service& svc, const Request& req, const Query& q, ProbeAnswer kind, Reply reply) {
  Checked c = CheckProbe(svc, q);
  if (c.refusal) {
    reply(std::move(*c.refusal));
    return;
  }
  if (!svc.TryAcquire()) {
    svc.stats().Rejected("busy");
    Response r = Text(503, "too many probes in flight (--max-concurrent " +
                               std::to_string(svc.options().max_concurrent) + "); try again\n");
    r.set(http::field::retry_after, "1");
    reply(std::move(r));
    return;
  }
  auto header = req.find("X-Prometheus-Scrape-Timeout-Seconds");
  const auto budget =
      ProbeBudget(c.module->timeout_s,
                  header == req.end() ? std::nullopt
                                      : std::optional<std::string_view>(std::string_view(
                                            header->value().data(), header->value().size())),
                  svc.options().timeout_offset_s);
  const bool debug = Param(q, "debug") == "true";
  std::string accept(req[http::field::accept]);
  const auto format = accept.find("application/openmetrics-text") != std::string::npos
                          ? report::Exposition::kOpenMetrics
                          : report::Exposition::kText;
  asio::post(svc.pool(), [&svc, c = std::move(c), budget, debug, format, kind, reply]() {
    Response r = Text(500, "internal error\n");
    auto t0 = Clock::now();
    try {
      RunReport report = RunProbe(*c.module, c.inputs, budget);
      const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
      if (kind == ProbeAnswer::kHtml) {
        r = Html(report::RenderHtml(report));
      } else if (kind == ProbeAnswer::kJson) {
        r = Text(200, report::RenderJson(report), "application/json");
      } else if (debug) {
        r = Text(200, report::RenderText(report, {false, report::Detail::kVerbose}));
      } else {
        r = Text(200, report::RenderPrometheus(report, format),
                 report::ExpositionContentType(format));
      }
      std::cerr << "cxa serve: probe module=" << c.module->config.name
                << " target=" << Printable(c.target)
                << " outcome=" << RunVerdictName(report.Verdict())
                << " seconds=" << seconds << "\n";
      svc.stats().Record(c.module->config.name, c.target, std::move(report), seconds);
    } catch (const std::exception& e) {
      std::cerr << "cxa serve: probe failed: " << Printable(e.what()) << "\n";
    } catch (const UsageError& e) {
      std::cerr << "cxa serve: probe failed: " << Printable(e.message) << "\n";
    }
    svc.Release();
    asio::post(svc.ioc(), [reply, r = std::move(r)]() mutable { reply(std::move(r)); });
  });
}

void Route(Service& svc, const Request& req, Reply reply) {
  Query q = ParseRequestTarget(std::string_view(req.target().data(), req.target().size()));
  const bool get = req.method() == http::verb::get || req.method() == http::verb::head;
  if (q.path == "/-/reload") {
    if (req.method() != http::verb::post) return reply(Text(405, "POST to reload\n"));
    std::string error = svc.Reload();
    return reply(error.empty()
                     ? Text(200, "reloaded\n")
                     : Text(500, "reload refused, the modules in effect stay: " + error + "\n"));
  }
  if (!get) return reply(Text(405, "method not allowed\n"));
  if (q.path == "/probe") return StartProbe(svc, req, q, ProbeAnswer::kMetrics, reply);
  if (q.path == "/run") return StartProbe(svc, req, q, ProbeAnswer::kHtml, reply);
  if (q.path == "/api/run") return StartProbe(svc, req, q, ProbeAnswer::kJson, reply);
  if (q.path == "/metrics") {
    return reply(
        Text(200, svc.Metrics(), report::ExpositionContentType(report::Exposition::kText)));
  }
  if (q.path == "/") return reply(Html(LandingPage(*svc.Modules(), svc.stats().History())));
  if (q.path == "/config") return reply(Text(200, ConfigText(*svc.Modules())));
  if (q.path == "/report") {
    const std::string id = Param(q, "id");
    for (const auto& e : svc.stats().History()) {
      if (std::to_string(e.id) == id) return reply(Html(report::RenderHtml(*e.report)));
    }
    return reply(Text(404, "no such report (the page keeps the last " +
                               std::to_string(svc.options().history) + ")\n"));
  }
  reply(Text(404, "not found\n"));
}

// One client connection, plain or TLS (Stream: beast::tcp_stream or an ssl_stream over one).
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <class... Args>
  Session(Service& svc, Args&&... args) : stream_(std::forward<Args>(args)...), svc_(svc) {
    ++svc_.connections;
  }
  ~Session() { --svc_.connections; }

  void Start() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      Read();
    } else {
      beast::get_lowest_layer(stream_).expires_after(svc_.idle_timeout());
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->Close();
                                self->Read();
                              });
    }
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(kBodyLimit);
    beast::get_lowest_layer(stream_).expires_after(svc_.idle_timeout());
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) {
                       if (ec == http::error::header_limit || ec == http::error::body_limit ||
                           ec == http::error::bad_target || ec == http::error::bad_method) {
                         return self->Send(Text(400, "request too large or malformed\n"), false);
                       }
                       if (ec) return self->Close();
                       Request req = self->parser_->release();
                       const bool keep = req.keep_alive();
                       const bool head = req.method() == http::verb::head;
                       auto reply = [self, keep, head](Response r) {
                         if (head) r.body().clear();
                         self->Send(std::move(r), keep);
                       };
                       if (!self->svc_.Authorized(req)) {
                         Response r = Text(401, "authentication required\n");
                         r.set(http::field::www_authenticate, "Basic realm=\"cxa serve\"");
                         return reply(std::move(r));
                       }
                       Route(self->svc_, req, reply);
                     });
  }

  void Send(Response r, bool keep) {
    auto res = std::make_shared<Response>(std::move(r));
    res->keep_alive(keep);
    res->prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(kWriteTimeout);
    http::async_write(stream_, *res,
                      [self = this->shared_from_this(), res, keep](beast::error_code ec, size_t) {
                        if (!ec && keep) return self->Read();
                        self->Close();
                      });
  }

  void Close() {
    beast::error_code ignored;
    auto& socket = beast::get_lowest_layer(stream_).socket();
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(stream_).close();
  }

  Stream stream_;
  beast::flat_buffer buffer_{kHeaderLimit + kBodyLimit};
  std::optional<http::request_parser<http::string_body>> parser_;
  Service& svc_;
};

class Listener {
 public:
  Listener(Service& svc, tcp::endpoint at, asio::ssl::context* tls)
      : svc_(svc), acceptor_(svc.ioc()), tls_(tls) {
    acceptor_.open(at.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(at);
    acceptor_.listen(asio::socket_base::max_listen_connections);
  }
  tcp::endpoint local() const { return acceptor_.local_endpoint(); }
  void Accept() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        if (svc_.connections.load() >= svc_.max_connections()) {
          beast::error_code ignored;
          socket.close(ignored);  // over the bound: refused at once
        } else if (tls_ != nullptr) {
          using TlsStream = beast::ssl_stream<beast::tcp_stream>;
          std::make_shared<Session<TlsStream>>(svc_, std::move(socket), *tls_)->Start();
        } else {
          std::make_shared<Session<beast::tcp_stream>>(svc_, std::move(socket))->Start();
        }
      }
      Accept();
    });
  }
  void Close() {
    beast::error_code ignored;
    acceptor_.close(ignored);
  }

 private:
  Service& svc_;
  tcp::acceptor acceptor_;
  asio::ssl::context* tls_;
};

}  // namespace

int Serve(const ServeOptions& options, std::shared_ptr<const ProbeModules> modules) {
  Service svc(options, std::move(modules));
  std::optional<asio::ssl::context> tls;
  if (!options.web_config_path.empty()) {
    auto web = LoadWebConfig(options.web_config_path);
    if (!web) throw UsageError{"--web.config.file: " + web.error()};
    svc.SetUsers(web->users);
    if (web->tls()) {
      tls.emplace(asio::ssl::context::tls_server);
      tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1);
      try {
        tls->use_certificate_chain_file(web->cert_file);
        tls->use_private_key_file(web->key_file, asio::ssl::context::pem);
      } catch (const boost::system::system_error& e) {
        throw UsageError{"--web.config.file: " + web->cert_file + " / " + web->key_file + ": " +
                         e.code().message()};
      }
    }
  }
  beast::error_code ec;
  auto address = asio::ip::make_address(options.address, ec);
  if (ec) throw UsageError{"--listen: '" + options.address + "' is not an IP address"};
  std::unique_ptr<Listener> listener;
  try {
    listener = std::make_unique<Listener>(
        svc, tcp::endpoint(address, static_cast<unsigned short>(options.port)),
        tls ? &*tls : nullptr);
  } catch (const boost::system::system_error& e) {
    throw UsageError{"--listen " + options.address + ":" + std::to_string(options.port) + ": " +
                     e.code().message()};
  }
  const tcp::endpoint at = listener->local();
  std::cout << "listening on "
            << (at.address().is_v6() ? "[" + at.address().to_string() + "]"
                                     : at.address().to_string())
            << ":" << at.port() << std::endl;
  listener->Accept();
  asio::signal_set signals(svc.ioc(), SIGTERM, SIGINT, SIGHUP);
  asio::steady_timer drain(svc.ioc());
  Clock::time_point drain_until{};
  std::function<void()> wait_drained = [&]() {
    if (svc.InFlight() == 0 || Clock::now() > drain_until) {
      svc.ioc().stop();
      return;
    }
    drain.expires_after(std::chrono::milliseconds(100));
    drain.async_wait([&](beast::error_code) { wait_drained(); });
  };
  std::function<void(beast::error_code, int)> on_signal = [&](beast::error_code e, int sig) {
    if (e) return;
    if (sig == SIGHUP) {
      svc.Reload();
      signals.async_wait(on_signal);
      return;
    }
    std::cerr << "cxa serve: stopping: no new connections; waiting for " << svc.InFlight()
              << " probe(s) in flight\n";
    listener->Close();
    drain_until = Clock::now() + kDrainLimit;
    wait_drained();
  };
  signals.async_wait(on_signal);
  svc.ioc().run();
  svc.pool().stop();
  svc.pool().join();
  return kExitOk;
}

}  // namespace cxa::cli::serve
