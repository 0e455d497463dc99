// fixture-server: a loopback TLS server that presents the test PKI, for end-to-end tests and the
// demo. It never listens on anything but loopback.
//
//   fixture-server --pki DIR --config FILE [--bind 127.0.0.1] [--bind ::1]
//
// The config (fixtures/servers/*.xml) lists sites: a name, the PKI case whose chain.pem/key.pem
// it presents, the host names it answers for (SNI), an optional shared listener, and the HTTP
// answer it gives. Each listener gets one port (the same on every bound address); sites that
// share a listener are chosen by SNI. When ready it prints one line per site,
//   SITE <name> <port> <host>
// then `READY`, and serves until SIGTERM/SIGINT.
//
// One file per part: lab.h (sites, listeners, what sessions share), config (configuration and
// transcript loading, TLS contexts), tls_session (HTTPS, NTLM, the lab account), routes,
// realm, autodiscover, rpc_channel (RPC over HTTP v2), plain_session (AIA over plain HTTP),
// smtp_session (a mail server with STARTTLS, and the ways real ones misbehave).
#include <csignal>
#include <iostream>

#include "config.h"
#include "lab.h"
#include "plain_session.h"
#include "smtp_session.h"
#include "tls_session.h"

using namespace fixture;

namespace {

int Die(const std::string& msg) {
  std::cerr << "fixture-server: " << msg << "\n";
  return 2;
}

// Accepts connections for `listener` until the server stops: plain listeners serve one plain
// site, TLS listeners choose among theirs by SNI.
void Accept(Lab& lab, tcp::acceptor& acceptor, Listener& listener) {
  acceptor.async_accept([&lab, &acceptor, &listener](beast::error_code ec, tcp::socket socket) {
    if (!ec && listener.sites.front()->smtp) {
      StartSmtpSession(lab, std::move(socket), *listener.sites.front());
    } else if (!ec && listener.sites.front()->plain) {
      StartPlainSession(lab, std::move(socket), *listener.sites.front());
    } else if (!ec) {
      StartTlsSession(lab, std::move(socket), listener);
    }
    if (ec != asio::error::operation_aborted) Accept(lab, acceptor, listener);
  });
}

}  // namespace

int main(int argc, char** argv) {
  Lab lab;
  std::string pki, config, transcript_path, pki_case = "good";
  std::vector<std::string> binds;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--pki") {
      pki = next();
    } else if (a == "--config") {
      config = next();
    } else if (a == "--transcript") {
      transcript_path = next();
    } else if (a == "--pki-case") {
      pki_case = next();
    } else if (a == "--request-log") {
      std::string path = next();
      lab.request_log = std::fopen(path.c_str(), "a");
      if (lab.request_log == nullptr) return Die("cannot open " + path);
    } else if (a == "--bind") {
      binds.push_back(next());
    } else if (a == "-h" || a == "--help") {
      std::cout << "usage: fixture-server --pki DIR (--config FILE | --transcript FILE "
                   "[--pki-case CASE]) [--bind ADDR ...] [--request-log FILE]\n";
      return 0;
    } else {
      return Die("unknown argument " + a);
    }
  }
  if (pki.empty() || config.empty() == transcript_path.empty()) {
    return Die("--pki and one of --config or --transcript are required");
  }
  if (binds.empty()) binds = {"127.0.0.1", "::1"};

  std::vector<std::unique_ptr<Site>> sites;
  std::string source = transcript_path.empty() ? config : transcript_path;
  if (!transcript_path.empty()) {
    auto t = cxa::LoadTranscript(transcript_path);
    if (!t) return Die(t.error());
    sites = SitesFromTranscript(*t, pki_case);
  } else {
    pugi::xml_document doc;
    if (auto r = doc.load_file(config.c_str()); !r) return Die(config + ": " + r.description());
    std::string error;
    std::string dir =
        config.find('/') == std::string::npos ? "." : config.substr(0, config.rfind('/'));
    sites = SitesFromConfig(doc, dir, pki, error);
    if (!error.empty()) return Die(config + ": " + error);
  }
  std::map<std::string, Listener> listeners;
  std::vector<std::string> order;
  for (auto& s : sites) {
    if (s->name.empty() || (!s->plain && s->pki.empty())) {
      return Die(source + ": every <site> needs a name, and a pki unless it is plain");
    }
    if (s->plain) {
      s->files = pki + "/" + s->files;
    } else if (auto e = LoadTls(*s, pki); !e.empty()) {
      return Die(e);
    }
    Listener& l = listeners[s->listener];
    if (l.sites.empty()) order.push_back(s->listener);
    l.name = s->listener;
    l.sites.push_back(s.get());
  }
  if (sites.empty()) return Die(source + ": no <site>");

  signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not kill the server
  asio::io_context io;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  for (const auto& name : order) {
    Listener& l = listeners[name];
    ChooseSiteBySni(l);
    for (const auto& b : binds) {
      boost::system::error_code ec;
      auto addr = asio::ip::make_address(b, ec);
      if (ec || !addr.is_loopback()) return Die("refusing to bind a non-loopback address: " + b);
      auto acc = std::make_unique<tcp::acceptor>(io);
      tcp::endpoint ep(addr, l.port);
      acc->open(ep.protocol(), ec);
      if (ec) continue;  // e.g. no IPv6 on this machine
      if (addr.is_v6()) acc->set_option(asio::ip::v6_only(true), ec);
      acc->set_option(asio::socket_base::reuse_address(true), ec);
      acc->bind(ep, ec);
      if (ec) {
        if (l.port == 0) return Die("cannot bind " + b + ": " + ec.message());
        continue;  // the port is taken on this address family: serve on the others
      }
      acc->listen(asio::socket_base::max_listen_connections, ec);
      if (l.port == 0) l.port = acc->local_endpoint().port();
      Accept(lab, *acc, l);
      acceptors.push_back(std::move(acc));
    }
  }
  for (const auto& s : sites) lab.site_ports[s->name] = listeners[s->listener].port;
  for (const auto& s : sites) {
    std::cout << "SITE " << s->name << " " << listeners[s->listener].port << " "
              << (s->hosts.empty() ? "-" : s->hosts.front()) << "\n";
  }
  std::cout << "READY" << std::endl;

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) { io.stop(); });
  io.run();
  return 0;
}
