// The fixture server's model: the sites a configuration or transcript describes, the listeners
// they share, and the Lab that every session reads (the bound ports, the request log, the open
// RPC over HTTP virtual connections). No globals: main() owns the Lab, sessions hold a reference.
#pragma once

// clang-format off
#include <utility>  // before Boost.Asio: its awaitable.hpp needs std::exchange
// clang-format on

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocols/rpc-http/rpch_codec.h"
#include "transport/ntlm.h"

namespace fixture {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;
using TlsStream = ssl::stream<tcp::socket>;

// An answer to a method and target. Recorded routes (transcript replay) are served once each,
// in order, so that a request asked twice gets its second recorded answer; configured routes
// (<route> in a server configuration) always answer by their order alone: the first that
// matches wins, however often it was used, so results never depend on what ran before.
struct Route {
  std::string method;
  std::string target;
  std::string body_contains;    // config routes: answer only requests whose body contains this
  std::string header_contains;  // ... or one of whose "Name: value" header lines contains this
  bool dribble = false;         // send the body one byte per second (a slow server)
  int status = 200;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool recorded = false;  // from a transcript: prefer routes not yet used
  bool used = false;
};

// A domain the lab's realm discovery endpoint knows (<realm> in a config).
struct RealmEntry {
  std::string namespace_type;  // Federated | Managed | Unknown
  std::string sts;             // federated: the identity provider's host
  std::string auth_path = "/adfs/ls/";
  std::string brand;
};

// A mailbox the lab's Autodiscover knows (<autodiscover><mailbox .../></autodiscover>).
struct Mailbox {
  std::string proxy;  // EXPR/Server ("" = no EXPR)
  std::string auth_package = "Basic";
  std::string server;               // EXCH/Server ("" = no EXCH)
  std::string cert_principal_name;  // "" = not sent
  std::string ssl = "On";
  std::string error;  // ErrorCode instead of settings
  std::string redirect_addr, redirect_url;
  // MAPI over HTTP (answers to X-MapiHttpCapability): the host of its URLs ("" = none), whether
  // only internal URLs are given, and whether EXPR stays in the answer (Exchange 2019 drops it).
  std::string mapi;
  bool mapi_internal_only = false;
  bool mapi_without_mailbox_id = false;  // URLs without ?MailboxId= (a rewriting device)
  bool expr_with_mapi = false;
  // Autodiscover v2 (autodiscover.h): "" answers with the URLs; redirect:HOST a 302 to HOST's
  // endpoint (a hybrid mailbox, as Exchange Online sends it on); insecure a 302 to http://;
  // loop a 302 to itself; error-400 HTTP 400 with an ErrorCode; internal a URL on an internal
  // host name.
  std::string v2;
};

// <rpc-proxy auth="Negotiate NTLM Basic" mode="ok"/>: the site plays an RPC over HTTP v2 proxy
// on /rpc/rpcproxy.dll. Modes: ok, unavailable (503 RPC Error: 6ba), access-denied (503 RPC
// Error: 5), no-a3 (channels accepted, the virtual connection never opens), reject (401 to every
// credential), bind-reject (provider rejection of every bind).
struct RpcProxy {
  std::vector<std::string> schemes;
  std::string mode = "ok";
};

// <smtp mode="ok" greet-ms="0"/>: the site is a mail server on a plain listener (smtp_session.h
// lists the modes); STARTTLS upgrades to the site's chain.
struct SmtpService {
  std::string mode = "ok";
  int greet_ms = 0;     // greet-pause: the delay before the greeting
  int connections = 0;  // starttls-sometimes: which connections offer STARTTLS
};

// <mapi auth="Negotiate NTLM" mode="ok"/>: the site plays Exchange's MAPI over HTTP endpoints
// /mapi/emsmdb/ and /mapi/nspi/ (mapi.h lists the modes).
struct MapiService {
  std::vector<std::string> schemes;
  std::string mode = "ok";
};

struct Site {
  std::string name;
  std::optional<MapiService> mapi;
  std::map<std::string, Mailbox> mailboxes;  // lower-case address -> settings (Autodiscover)
  std::optional<RpcProxy> rpc;
  std::optional<SmtpService> smtp;
  std::vector<Route> routes;                // recorded or configured answers
  std::map<std::string, RealmEntry> realm;  // domain -> entry: this site answers getuserrealm
  std::optional<cxa::ntlm::Account> ntlm;   // <ntlm user password domain/>: NTLM sign-in
  bool plain = false;  // plain HTTP: serves <files>/NAME.pem as DER at /NAME.cer (AIA)
  std::string files;
  // staple="FILE" (relative to --pki): an OCSP response stapled to every handshake that asks
  // for one; its bytes once loaded.
  std::string staple_file;
  std::string staple;
  std::string pki;
  std::string tls;               // "" or "dhe1024": TLS 1.2 only, 1024-bit DHE key exchange only
  bool urls_carry_port = false;  // {{host}} is NAME:PORT (a service published on another port)
  std::vector<std::string> hosts;
  std::string listener;
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::unique_ptr<ssl::context> ctx;
};

struct Listener {
  std::string name;
  std::vector<Site*> sites;  // first = default when SNI matches nothing
  unsigned short port = 0;
};

class RpcChannel;
// An RPC over HTTP virtual connection: its IN and OUT channels, matched by their cookie.
struct VirtualConnection {
  std::weak_ptr<RpcChannel> in, out;
  bool opened = false;  // CONN/C2 sent
};

// What all sessions of one server share. Single-threaded (one io_context thread): no locks.
class Lab {
 public:
  // The port of every site's listener once bound: {{port:SITE}} in a config (a realm's sts, a
  // route's target, header or body, a mailbox's redirect) becomes it, so a lab can hand out URLs
  // that carry the real, non-443 port a client must then connect to.
  std::map<std::string, unsigned short> site_ports;
  // --request-log FILE, or null (LogRequest).
  FILE* request_log = nullptr;
  // RPC over HTTP virtual connections by their cookie.
  std::map<cxa::protocols::rpch::Cookie, VirtualConnection> connections;

  // `text` with every {{port:SITE}} of a known site replaced by its port.
  std::string ExpandPorts(std::string text) const;
  // The same for an answer's header values and body, just before it is written.
  void ExpandPortsIn(Response& res) const;
  // One line per request received, "<site> <method> <target> <body-bytes> credentials=<kind>",
  // so tests can prove what a server did (or did not) receive. <kind> is what the request
  // carried that could reveal a password: basic (an Authorization: Basic header), ntlm (an NTLM
  // AUTHENTICATE), form (a password field in a form body), wstrust (a WS-Trust UsernameToken
  // password), or none.
  void LogRequest(const Site& site, const Request& req) const;
};

// RPC_IN_DATA or RPC_OUT_DATA.
bool IsRpcMethod(const Request& req);

// The request carries the site's lab account: a verified NTLM AUTHENTICATE on its connection
// (`ntlm_verified`) or Basic credentials; an RPC proxy in mode "reject" accepts nobody.
bool SignedIn(const Site& site, const Request& req, bool ntlm_verified);

// Basic credentials of the site's lab account: user, DOMAIN\user or user@domain, and its password.
bool BasicMatches(const Site& site, const Request& req);

}  // namespace fixture
