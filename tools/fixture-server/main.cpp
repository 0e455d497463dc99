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
// clang-format off
#include <utility>  // before Boost.Asio: its awaitable.hpp needs std::exchange
// clang-format on

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <csignal>
#include <deque>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <pugixml.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cert/x509.h"
#include "core/text.h"
#include "protocols/rpc-http/rpch_codec.h"
#include "transport/ntlm.h"
#include "transport/transcript.h"
#include "transport/url.h"

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

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
};

// <rpc-proxy auth="Negotiate NTLM Basic" mode="ok"/>: the site plays an RPC over HTTP v2 proxy
// on /rpc/rpcproxy.dll. Modes: ok, unavailable (503 RPC Error: 6ba), access-denied (503 RPC
// Error: 5), no-a3 (channels accepted, the virtual connection never opens), reject (401 to every
// credential), bind-reject (provider rejection of every bind).
struct RpcProxy {
  std::vector<std::string> schemes;
  std::string mode = "ok";
};

struct Site {
  std::string name;
  std::map<std::string, Mailbox> mailboxes;  // lower-case address -> settings (Autodiscover)
  std::optional<RpcProxy> rpc;
  std::vector<Route> routes;                // recorded or configured answers
  std::map<std::string, RealmEntry> realm;  // domain -> entry: this site answers getuserrealm
  std::optional<cxa::ntlm::Account> ntlm;   // <ntlm user password domain/>: NTLM sign-in
  bool plain = false;  // plain HTTP: serves <files>/NAME.pem as DER at /NAME.cer (AIA)
  std::string files;
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

int Die(const std::string& msg) {
  std::cerr << "fixture-server: " << msg << "\n";
  return 2;
}

Site* SiteForSni(Listener& l, const char* sni) {
  if (sni != nullptr) {
    for (Site* s : l.sites) {
      for (const auto& h : s->hosts) {
        if (strcasecmp(h.c_str(), sni) == 0) return s;
      }
    }
  }
  return l.sites.front();
}

// Boost.Asio keeps its own pointer in SSL app data: the chosen site lives in our own slot.
int SiteIndex() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

int OnServerName(SSL* ssl, int*, void* arg) {
  auto* l = static_cast<Listener*>(arg);
  Site* s = SiteForSni(*l, SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name));
  SSL_set_SSL_CTX(ssl, s->ctx->native_handle());
  SSL_set_ex_data(ssl, SiteIndex(), s);
  return SSL_TLSEXT_ERR_OK;
}

// The port of every site's listener once bound: {{port:SITE}} in a config (a realm's sts, a route's
// target, header or body, a mailbox's redirect) becomes it, so a lab can hand out URLs that carry
// the real, non-443 port a client must then connect to.
std::map<std::string, unsigned short> g_site_ports;

std::string ExpandPorts(std::string text) {
  const std::string open = "{{port:";
  for (size_t at = 0; (at = text.find(open, at)) != std::string::npos;) {
    size_t end = text.find("}}", at);
    if (end == std::string::npos) break;
    auto it = g_site_ports.find(text.substr(at + open.size(), end - at - open.size()));
    if (it == g_site_ports.end()) {
      at = end;
      continue;
    }
    std::string port = std::to_string(it->second);
    text.replace(at, end + 2 - at, port);
    at += port.size();
  }
  return text;
}

// Every {{port:SITE}} of an answer (header values and body) replaced, just before it is written:
// whatever part of the configuration the text came from.
void ExpandPortsIn(http::response<http::string_body>& res) {
  bool in_headers = false;
  for (const auto& f : res) in_headers |= f.value().find("{{port:") != std::string_view::npos;
  if (in_headers) {
    std::vector<std::pair<std::string, std::string>> fields;
    for (const auto& f : res) {
      fields.emplace_back(std::string(f.name_string()), ExpandPorts(std::string(f.value())));
    }
    for (const auto& [k, v] : fields) res.erase(k);
    for (const auto& [k, v] : fields) res.insert(k, v);
  }
  if (res.body().find("{{port:") != std::string::npos) res.body() = ExpandPorts(res.body());
}

// Transcript mode: answers a request from the site's recorded routes (404 when the transcript
// holds no such request). Returns false when the site has no routes at all.
bool AnswerFromRoutes(Site& site, const http::request<http::string_body>& req,
                      http::response<http::string_body>& res, const std::string& host,
                      const Route** chosen = nullptr) {
  if (site.routes.empty()) return false;
  std::string method(req.method_string());
  std::string target(req.target());
  auto header_has = [&](const std::string& text) {
    for (const auto& f : req) {
      std::string line = std::string(f.name_string()) + ": " + std::string(f.value());
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  };
  auto with_host = [&](std::string text) {
    for (size_t at; (at = text.find("{{host}}")) != std::string::npos;) text.replace(at, 8, host);
    return text;
  };
  auto matches = [&](const Route& r) {
    return r.method == method && ExpandPorts(with_host(r.target)) == target &&
           (r.body_contains.empty() || req.body().find(r.body_contains) != std::string::npos) &&
           (r.header_contains.empty() || header_has(r.header_contains));
  };
  Route* route = nullptr;
  for (auto& r : site.routes) {
    if (!(r.recorded && r.used) && matches(r)) {
      route = &r;
      break;
    }
  }
  if (route == nullptr) {
    for (auto& r : site.routes) {  // asked again: answer as first time
      if (matches(r)) {
        route = &r;
        break;
      }
    }
  }
  if (route == nullptr && !site.realm.empty() && target.rfind("/getuserrealm.srf?", 0) == 0) {
    return false;  // the realm directory answers
  }
  if (route == nullptr) {
    res.result(http::status::not_found);
    res.set(http::field::content_type, "text/plain");
    res.body() = "cxa fixture-server: the transcript holds no " + method + " " + target + "\n";
    return true;
  }
  route->used = true;
  if (chosen != nullptr) *chosen = route;
  res.result(static_cast<unsigned>(route->status));
  res.reason(route->reason);
  for (const auto& [k, v] : route->headers) {
    std::string lower = k;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "content-length" || lower == "transfer-encoding" || lower == "connection")
      continue;
    res.insert(k, with_host(v));
  }
  res.body() = with_host(route->body);
  return true;
}

// --request-log FILE: one line per request received,
// "<site> <method> <target> <body-bytes> credentials=<kind>", so tests can prove what a server
// did (or did not) receive. <kind> is what the request carried that could reveal a password:
// basic (an Authorization: Basic header), ntlm (an NTLM AUTHENTICATE), form (a password field
// in a form body), wstrust (a WS-Trust UsernameToken password), or none.
FILE* g_request_log = nullptr;

std::string CredentialKind(const http::request<http::string_body>& req) {
  std::string auth(req[http::field::authorization]);
  if (auth.rfind("Basic ", 0) == 0) return "basic";
  if (auth.rfind("NTLM ", 0) == 0 || auth.rfind("Negotiate ", 0) == 0) {
    auto raw = cxa::cert::DecodeBase64(auth.substr(auth.find(' ') + 1));
    if (raw && cxa::ntlm::MessageType(std::string(raw->begin(), raw->end())) == 3) return "ntlm";
  }
  const std::string& body = req.body();
  if (body.find("&password=") != std::string::npos || body.rfind("password=", 0) == 0) {
    return "form";
  }
  if (body.find(":Password") != std::string::npos || body.find("<Password") != std::string::npos) {
    return "wstrust";
  }
  return "none";
}

void LogRequest(const Site& site, const http::request<http::string_body>& req) {
  if (g_request_log == nullptr) return;
  std::fprintf(g_request_log, "%s %s %s %zu credentials=%s\n", site.name.c_str(),
               std::string(req.method_string()).c_str(), std::string(req.target()).c_str(),
               req.body().size(), CredentialKind(req).c_str());
  std::fflush(g_request_log);
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

// The lab's realm discovery: GET /getuserrealm.srf?login=UPN[&xml=1] answered from the site's
// <realm> directory, in the shapes of protocols.md §2.1; unknown domains are Unknown.
bool AnswerRealm(const Site& site, const http::request<http::string_body>& req,
                 http::response<http::string_body>& res) {
  std::string target(req.target());
  if (site.realm.empty() || target.rfind("/getuserrealm.srf?", 0) != 0) return false;
  std::string login;
  bool xml = false;
  std::istringstream query(target.substr(target.find('?') + 1));
  for (std::string kv; std::getline(query, kv, '&');) {
    if (kv.rfind("login=", 0) == 0) login = PercentDecode(kv.substr(6));
    if (kv == "xml=1") xml = true;
  }
  std::string domain = login.substr(login.find('@') + 1);
  for (char& c : domain) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  RealmEntry e;
  e.namespace_type = "Unknown";
  if (auto it = site.realm.find(domain); it != site.realm.end()) e = it->second;
  std::vector<std::pair<std::string, std::string>> fields = {{"Login", login},
                                                             {"NameSpaceType", e.namespace_type}};
  if (e.namespace_type != "Unknown") fields.emplace_back("DomainName", domain);
  if (e.namespace_type == "Federated") {
    std::string user = login;
    std::string enc;
    for (char c : user) enc += c == '@' ? std::string("%40") : std::string(1, c);
    fields.emplace_back("AuthURL", "https://" + e.sts + e.auth_path + "?username=" + enc +
                                       "&wa=wsignin1.0&wtrealm=urn%3afederation%3aMicrosoftOnline"
                                       "&wctx=");
    fields.emplace_back("STSAuthURL",
                        "https://" + e.sts + "/adfs/services/trust/2005/usernamemixed");
    fields.emplace_back("MEXURL", "https://" + e.sts + "/adfs/services/trust/mex");
    fields.emplace_back("FederationBrandName", e.brand.empty() ? domain : e.brand);
  }
  fields.emplace_back("CloudInstanceName", "microsoftonline.com");
  std::string body;
  if (xml) {
    body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><RealmInfo Success=\"true\">";
    for (const auto& [k, v] : fields) body += "<" + k + ">" + cxa::XmlEscape(v) + "</" + k + ">";
    body += "</RealmInfo>";
    res.set(http::field::content_type, "text/xml; charset=utf-8");
  } else {
    body = "{";
    for (const auto& [k, v] : fields) {
      body += (body.size() > 1 ? "," : "") + std::string("\"") + k + "\":\"" + v + "\"";
    }
    body += "}";
    res.set(http::field::content_type, "application/json; charset=utf-8");
  }
  res.result(http::status::ok);
  res.body() = body;
  return true;
}

bool IsRpcMethod(const http::request<http::string_body>& req) {
  return req.method_string() == "RPC_IN_DATA" || req.method_string() == "RPC_OUT_DATA";
}

bool IsAutodiscover(const Site& site, const http::request<http::string_body>& req) {
  return !site.mailboxes.empty() && req.method() == http::verb::post &&
         cxa::ToLower(std::string(req.target())) == "/autodiscover/autodiscover.xml";
}

// Basic credentials of the lab account: user, DOMAIN\user or user@domain, and its password.
bool BasicMatches(const Site& site, const http::request<http::string_body>& req) {
  std::string auth(req[http::field::authorization]);
  if (!site.ntlm || auth.rfind("Basic ", 0) != 0) return false;
  auto raw = cxa::cert::DecodeBase64(auth.substr(6));
  if (!raw) return false;
  std::string pair(raw->begin(), raw->end());
  size_t colon = pair.find(':');
  if (colon == std::string::npos) return false;
  std::string user = pair.substr(0, colon);
  if (size_t slash = user.find('\\'); slash != std::string::npos) user = user.substr(slash + 1);
  user = user.substr(0, user.find('@'));
  return cxa::ToLower(user) == cxa::ToLower(site.ntlm->user) &&
         pair.substr(colon + 1) == site.ntlm->password;
}

// The lab's Autodiscover (POX, protocols.md §2.2) for the address in the request body.
void AnswerAutodiscover(const Site& site, const http::request<http::string_body>& req,
                        http::response<http::string_body>& res) {
  const std::string& body = req.body();
  size_t open = body.find("<EMailAddress>");
  size_t close = body.find("</EMailAddress>");
  std::string email = open != std::string::npos && close != std::string::npos && close > open
                          ? body.substr(open + 14, close - open - 14)
                          : "";
  std::string inner;
  auto it = site.mailboxes.find(cxa::ToLower(email));
  auto el = [](const std::string& name, const std::string& value) {
    return value.empty() ? std::string()
                         : "<" + name + ">" + cxa::XmlEscape(value) + "</" + name + ">";
  };
  if (it == site.mailboxes.end() || !it->second.error.empty()) {
    std::string code = it == site.mailboxes.end() ? "500" : it->second.error;
    inner = "<Error Time=\"12:00:00.0000000\" Id=\"2731630537\"><ErrorCode>" + code +
            "</ErrorCode><Message>" +
            (code == "500" ? "The email address can't be found." : "Error") +
            "</Message><DebugData/></Error>";
  } else {
    const Mailbox& m = it->second;
    std::string account = "<AccountType>email</AccountType>";
    if (!m.redirect_addr.empty()) {
      account += "<Action>redirectAddr</Action>" + el("RedirectAddr", m.redirect_addr);
    } else if (!m.redirect_url.empty()) {
      account += "<Action>redirectUrl</Action>" + el("RedirectUrl", m.redirect_url);
    } else {
      account += "<Action>settings</Action>";
      if (!m.server.empty()) {
        account += "<Protocol><Type>EXCH</Type>" + el("Server", m.server) +
                   "<ServerVersion>73C18880</ServerVersion>" +
                   el("EwsUrl", "https://" + (m.proxy.empty() ? site.hosts.front() : m.proxy) +
                                    "/EWS/Exchange.asmx") +
                   "</Protocol>";
      }
      if (!m.proxy.empty()) {
        account += "<Protocol><Type>EXPR</Type>" + el("Server", m.proxy) + el("SSL", m.ssl) +
                   el("AuthPackage", m.auth_package) +
                   el("CertPrincipalName", m.cert_principal_name) + "</Protocol>";
        account +=
            "<Protocol><Type>WEB</Type><External><OWAUrl AuthenticationMethod=\"Fba\">https://" +
            cxa::XmlEscape(m.proxy) + "/owa/</OWAUrl></External></Protocol>";
      }
    }
    inner = "<User><DisplayName>Lab User</DisplayName>" + el("AutoDiscoverSMTPAddress", email) +
            "</User><Account>" + account + "</Account>";
  }
  res.result(http::status::ok);
  res.set(http::field::content_type, "text/xml; charset=utf-8");
  res.body() =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<Autodiscover "
      "xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006\"><Response "
      "xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a\">" +
      inner + "</Response></Autodiscover>\r\n";
}

class Session;
// RPC over HTTP virtual connections by their cookie: the IN and OUT channel sessions.
struct VirtualConnection {
  std::weak_ptr<Session> in, out;
  bool opened = false;  // CONN/C2 sent
};
std::map<cxa::protocols::rpch::Cookie, VirtualConnection> g_connections;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Listener& listener)
      : stream_(std::move(socket), *listener.sites.front()->ctx), listener_(listener) {}

  void Start() {
    SSL_set_ex_data(stream_.native_handle(), SiteIndex(), listener_.sites.front());
    stream_.async_handshake(ssl::stream_base::server,
                            [self = shared_from_this()](beast::error_code ec) {
                              if (!ec) self->Read();
                            });
  }

 private:
  // The head first: an RPC over HTTP channel (a large Content-Length that never arrives whole)
  // leaves HTTP for raw PDUs; anything else reads its body and is answered.
  void Read() {
    request_ = {};
    parser_.emplace();
    parser_->body_limit(
        std::numeric_limits<std::uint64_t>::max());  // judged in OnHead: a channel's length is not
                                                     // a body's
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (!ec) self->OnHead();
                            });
  }

  void OnHead() {
    auto* site = static_cast<Site*>(SSL_get_ex_data(stream_.native_handle(), SiteIndex()));
    const auto& head = parser_->get();
    auto length = parser_->content_length();
    if (site->rpc && IsRpcMethod(head) && length && *length > 16) {
      RpcChannel(*site);
      return;
    }
    if (length && *length > 1024 * 1024) {
      beast::error_code ignored;
      stream_.next_layer().shutdown(tcp::socket::shutdown_both, ignored);
      return;
    }
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return;
                       self->request_ = self->parser_->release();
                       self->Respond();
                     });
  }

  void Respond() {
    auto* site = static_cast<Site*>(SSL_get_ex_data(stream_.native_handle(), SiteIndex()));
    auto res = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(site->status), request_.version());
    const char* sni = SSL_get_servername(stream_.native_handle(), TLSEXT_NAMETYPE_host_name);
    std::string host = sni ? sni : site->hosts.empty() ? "localhost" : site->hosts.front();
    if (site->urls_carry_port) host += ":" + std::to_string(listener_.port);
    LogRequest(*site, request_);
    ntlm_verified_ = false;
    if (site->ntlm && NtlmLeg(*site, res)) return;
    if (IsRpcMethod(request_) || IsAutodiscover(*site, request_)) {
      RespondAuthenticated(*site, res);
      return;
    }
    const Route* route = nullptr;
    bool answered = AnswerFromRoutes(*site, request_, *res, host, &route);
    if (answered && route && route->dribble) {
      Dribble(res);
      return;
    }
    if (answered || AnswerRealm(*site, request_, *res)) {
      // answered
    } else {
      res->set(http::field::server, "cxa-fixture-server");
      res->set(http::field::content_type, "text/html; charset=utf-8");
      for (const auto& [k, v] : site->headers) res->set(k, v);
      res->body() = site->body.empty()
                        ? "<html><body>cxa fixture site " + site->name + "</body></html>\n"
                        : site->body;
    }
    Send(res, request_.keep_alive());  // HTTP/1.1 keeps the connection unless asked not to
  }

  // Writes the answer; keeps the connection for the next request or closes it.
  void Send(std::shared_ptr<http::response<http::string_body>> res, bool keep) {
    ExpandPortsIn(*res);
    res->keep_alive(keep);
    res->prepare_payload();
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res, keep](beast::error_code ec, size_t) {
                        if (keep && !ec) {
                          self->Read();
                          return;
                        }
                        beast::error_code ignored;
                        self->stream_.next_layer().shutdown(tcp::socket::shutdown_both, ignored);
                      });
  }

  // NTLM on a site with an <ntlm> account: a NEGOTIATE gets a CHALLENGE on the same connection;
  // an AUTHENTICATE that fails gets 401. Returns true when it answered; a valid AUTHENTICATE
  // falls through to the routes (which match it by its Authorization header).
  bool NtlmLeg(const Site& site, std::shared_ptr<http::response<http::string_body>> res) {
    std::string auth(request_[http::field::authorization]);
    if (auth.rfind("NTLM ", 0) != 0) return false;
    auto der = cxa::cert::DecodeBase64(auth.substr(5));
    std::string raw = der ? std::string(der->begin(), der->end()) : std::string();
    int type = cxa::ntlm::MessageType(raw);
    if (type == 1) {
      RAND_bytes(challenge_.data(), static_cast<int>(challenge_.size()));
      challenged_ = true;
      res->result(http::status::unauthorized);
      res->set(http::field::www_authenticate,
               "NTLM " + cxa::cert::EncodeBase64(
                             cxa::ntlm::ChallengeMessage(challenge_, site.ntlm->domain)));
      Send(res, true);
      return true;
    }
    std::string why = "not an NTLM AUTHENTICATE after a CHALLENGE";
    if (type == 3 && challenged_ && cxa::ntlm::Verify(raw, challenge_, *site.ntlm, &why)) {
      ntlm_verified_ = true;
      return false;
    }
    res->result(http::status::unauthorized);
    res->insert(http::field::www_authenticate, "Negotiate");
    res->insert(http::field::www_authenticate, "NTLM");
    res->set(http::field::content_type, "text/plain");
    res->body() = "NTLM sign-in failed: " + why + "\n";
    Send(res, false);
    return true;
  }

  // A slow server: the head at once, then the body one byte per second.
  void Dribble(std::shared_ptr<http::response<http::string_body>> res) {
    ExpandPortsIn(*res);
    auto head = std::make_shared<std::string>("HTTP/1.1 " + std::to_string(res->result_int()) +
                                              " OK\r\nContent-Type: text/html\r\nContent-Length: " +
                                              std::to_string(res->body().size()) + "\r\n\r\n");
    asio::async_write(stream_, asio::buffer(*head),
                      [self = shared_from_this(), head, res](beast::error_code ec, size_t) {
                        if (!ec) self->DribbleByte(res, 0);
                      });
  }
  void DribbleByte(std::shared_ptr<http::response<http::string_body>> res, size_t at) {
    if (at >= res->body().size()) return;
    timer_ = std::make_unique<asio::steady_timer>(stream_.get_executor(), std::chrono::seconds(1));
    timer_->async_wait([self = shared_from_this(), res, at](beast::error_code ec) {
      if (ec) return;
      asio::async_write(self->stream_, asio::buffer(res->body().data() + at, 1),
                        [self, res, at](beast::error_code ec2, size_t) {
                          if (!ec2) self->DribbleByte(res, at + 1);
                        });
    });
  }

  // ---- Autodiscover and the RPC proxy: requests that need the lab account ----

  bool Authenticated(const Site& site, const http::request<http::string_body>& req) {
    if (site.rpc && site.rpc->mode == "reject" && IsRpcMethod(req)) return false;
    return ntlm_verified_ || BasicMatches(site, req);
  }

  void Unauthorized(const Site& site, std::shared_ptr<http::response<http::string_body>> res,
                    bool rpc) {
    res->result(http::status::unauthorized);
    std::vector<std::string> schemes = {"Negotiate", "NTLM",
                                        "Basic realm=\"" + site.hosts.front() + "\""};
    if (rpc) schemes = site.rpc ? site.rpc->schemes : std::vector<std::string>{};
    for (const auto& x : schemes) {
      res->insert(http::field::www_authenticate,
                  x == "Basic" ? "Basic realm=\"" + site.hosts.front() + "\"" : x);
    }
    res->set(http::field::content_type, "text/plain");
    res->body() = "401 Unauthorized\n";
    Send(res, true);
  }

  void RespondAuthenticated(const Site& site,
                            std::shared_ptr<http::response<http::string_body>> res) {
    bool rpc = IsRpcMethod(request_);
    std::string target(request_.target());
    if (rpc && (!site.rpc || target.rfind("/rpc/rpcproxy.dll", 0) != 0)) {
      res->result(http::status::not_found);
      res->set(http::field::content_type, "text/html");
      res->body() = "<html><body>404 - File or directory not found.</body></html>\n";
      Send(res, false);
      return;
    }
    if (!Authenticated(site, request_)) {
      Unauthorized(site, res, rpc);
      return;
    }
    if (!rpc) {
      AnswerAutodiscover(site, request_, *res);
      Send(res, false);
      return;
    }
    // An echo request (Content-Length 0..16): 200 with an Echo RTS PDU (MS-RPCH 2.1.2.1.5).
    res->result(http::status::ok);
    res->reason("Success");
    res->set(http::field::content_type, "application/rpc");
    res->body() = cxa::protocols::rpch::EncodeEcho();
    Send(res, false);
  }

  // ---- RPC over HTTP v2 channels (MS-RPCH; protocols.md §2.3) ----

  // Raw writes go through one queue (never two async_writes at once on the TLS stream); a
  // queued close shuts the connection down after everything before it was written.
  void WriteRaw(std::string bytes, bool close = false) {
    writes_.push_back({std::move(bytes), close});
    if (writes_.size() == 1) WriteNext();
  }
  void WriteNext() {
    if (writes_.empty()) return;
    asio::async_write(stream_, asio::buffer(writes_.front().first),
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        bool close = self->writes_.front().second;
                        self->writes_.pop_front();
                        if (ec || close) {
                          self->writes_.clear();
                          self->Close();
                          return;
                        }
                        self->WriteNext();
                      });
  }
  void WriteAndClose(std::string bytes) { WriteRaw(std::move(bytes), true); }

  void RpcChannel(const Site& site) {
    request_ = parser_->release();
    LogRequest(site, request_);
    out_channel_ = request_.method_string() == "RPC_OUT_DATA";
    ntlm_verified_ = false;
    std::string auth(request_[http::field::authorization]);
    if (auth.rfind("NTLM ", 0) == 0 && challenged_) {
      auto der = cxa::cert::DecodeBase64(auth.substr(5));
      std::string raw = der ? std::string(der->begin(), der->end()) : std::string();
      std::string why;
      ntlm_verified_ = cxa::ntlm::Verify(raw, challenge_, *site.ntlm, &why);
    }
    if (!Authenticated(site, request_)) {
      std::string head = "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n";
      for (const auto& x : site.rpc->schemes) head += "WWW-Authenticate: " + x + "\r\n";
      WriteAndClose(head + "\r\n");
      return;
    }
    std::string target(request_.target());
    std::string query =
        target.find('?') == std::string::npos ? "" : target.substr(target.find('?') + 1);
    port_ = query.substr(query.rfind(':') + 1);
    bool known_port = port_ == "6001" || port_ == "6002" || port_ == "6004";
    const std::string& mode = site.rpc->mode;
    if (target.rfind("/rpc/rpcproxy.dll?", 0) != 0 || query.find(':') == std::string::npos) {
      WriteAndClose("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    if (mode == "unavailable" || mode == "access-denied" || !known_port) {
      WriteAndClose(std::string("HTTP/1.0 503 RPC Error: ") +
                    (mode == "access-denied" ? "5" : "6ba") +
                    "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    bind_reject_ = mode == "bind-reject";
    no_connection_ = mode == "no-a3";
    // A client that asked waits for this before it sends CONN/A1 or B1 (impacket does).
    if (request_[http::field::expect] == "100-continue") WriteRaw("HTTP/1.1 100 Continue\r\n\r\n");
    ReadPdus();
  }

  void ReadPdus() {
    namespace rpch = cxa::protocols::rpch;
    for (;;) {
      std::string_view data(static_cast<const char*>(buffer_.data().data()), buffer_.size());
      auto len = rpch::PduLength(data);
      if (!len) {
        Close();
        return;
      }
      if (*len == 0) break;
      std::string bytes(data.substr(0, *len));
      buffer_.consume(*len);
      if (!OnPdu(bytes)) {
        Close();
        return;
      }
    }
    if (buffer_.size() > 64 * 1024) {
      Close();
      return;
    }
    stream_.async_read_some(buffer_.prepare(16 * 1024),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec) {
                                self->Forget();
                                return;
                              }
                              self->buffer_.commit(n);
                              self->ReadPdus();
                            });
  }

  void Close() {
    Forget();
    beast::error_code ignored;
    stream_.next_layer().shutdown(tcp::socket::shutdown_both, ignored);
  }
  void Forget() {
    if (registered_) g_connections.erase(cookie_);
    registered_ = false;
  }

  // One PDU from the client; false ends the channel.
  bool OnPdu(const std::string& bytes) {
    namespace rpch = cxa::protocols::rpch;
    auto pdu = rpch::DecodePdu(bytes);
    if (!pdu) return false;
    if (pdu->type == rpch::kRts) {
      auto rts = rpch::DecodeRts(*pdu);
      if (!rts) return false;
      std::string kind = rpch::DescribeRts(*rts);
      if (kind == "CONN/A1" || kind == "CONN/B1") {
        if ((kind == "CONN/A1") != out_channel_) return false;
        cookie_ = rts->commands[1].cookie;
        VirtualConnection& vc = g_connections[cookie_];
        registered_ = true;
        (out_channel_ ? vc.out : vc.in) = shared_from_this();
        if (out_channel_ && !no_connection_) {
          WriteRaw(
              "HTTP/1.1 200 Success\r\nContent-Type: application/rpc\r\nContent-Length: "
              "1073741824\r\n\r\n" +
              rpch::EncodeConnA3(120000));
        }
        auto in = vc.in.lock();
        auto out = vc.out.lock();
        if (in && out && !vc.opened && !no_connection_) {
          vc.opened = true;
          out->WriteRaw(rpch::EncodeConnC2(65536, 120000));
        }
      }
      return true;  // flow control, pings and the like need no answer here
    }
    if (pdu->type != rpch::kBind || out_channel_) return pdu->type != rpch::kBind;
    auto bind = rpch::DecodeBind(*pdu);
    auto it = g_connections.find(cookie_);
    auto out = it == g_connections.end() ? nullptr : it->second.out.lock();
    if (!bind || !out) return false;
    bool known = false;
    for (const auto* i : {&rpch::Emsmdb(), &rpch::Rfr(), &rpch::Nspi()}) {
      known |= i->uuid == bind->uuid && i->major == bind->major;
    }
    out->WriteRaw(rpch::EncodeBindAck(*bind, known && !bind_reject_, port_));
    return true;
  }

  std::deque<std::pair<std::string, bool>> writes_;  // bytes, close after them
  bool out_channel_ = false, registered_ = false, bind_reject_ = false, no_connection_ = false;
  cxa::protocols::rpch::Cookie cookie_{};
  std::string port_;
  bool ntlm_verified_ = false;
  std::optional<http::request_parser<http::string_body>> parser_;

  std::unique_ptr<asio::steady_timer> timer_;
  cxa::ntlm::Challenge challenge_{};
  bool challenged_ = false;
  ssl::stream<tcp::socket> stream_;
  Listener& listener_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
};

// Plain HTTP: certificates for AIA caIssuers URLs, /NAME.cer -> DER of <files>/NAME.pem.
class PlainSession : public std::enable_shared_from_this<PlainSession> {
 public:
  PlainSession(tcp::socket socket, Site& site) : socket_(std::move(socket)), site_(site) {}

  void Start() {
    http::async_read(socket_, buffer_, request_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (!ec) self->Respond();
                     });
  }

 private:
  void Respond() {
    auto res = std::make_shared<http::response<http::string_body>>(http::status::not_found,
                                                                   request_.version());
    LogRequest(site_, request_);
    if (AnswerFromRoutes(site_, request_, *res, site_.hosts.empty() ? "" : site_.hosts.front())) {
      Send(res);
      return;
    }
    std::string target(request_.target());
    std::string name =
        target.size() > 5 && target.ends_with(".cer") ? target.substr(1, target.size() - 5) : "";
    if (!name.empty() && name.find('/') == std::string::npos &&
        name.find("..") == std::string::npos) {
      if (FILE* f = std::fopen((site_.files + "/" + name + ".pem").c_str(), "r")) {
        X509* x = PEM_read_X509(f, nullptr, nullptr, nullptr);
        std::fclose(f);
        unsigned char* der = nullptr;
        int len = x ? i2d_X509(x, &der) : -1;
        if (len > 0) {
          res->result(http::status::ok);
          res->set(http::field::content_type, "application/pkix-cert");
          res->body().assign(reinterpret_cast<char*>(der), static_cast<size_t>(len));
          OPENSSL_free(der);
        }
        X509_free(x);
      }
    }
    Send(res);
  }

  void Send(std::shared_ptr<http::response<http::string_body>> res) {
    ExpandPortsIn(*res);
    res->keep_alive(false);
    res->prepare_payload();
    http::async_write(socket_, *res, [self = shared_from_this(), res](beast::error_code, size_t) {
      beast::error_code ignored;
      self->socket_.shutdown(tcp::socket::shutdown_both, ignored);
    });
  }

  tcp::socket socket_;
  Site& site_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
};

void Accept(tcp::acceptor& acceptor, Listener& listener) {
  acceptor.async_accept([&acceptor, &listener](beast::error_code ec, tcp::socket socket) {
    if (!ec && listener.sites.front()->plain) {
      std::make_shared<PlainSession>(std::move(socket), *listener.sites.front())->Start();
    } else if (!ec) {
      std::make_shared<Session>(std::move(socket), listener)->Start();
    }
    if (ec != asio::error::operation_aborted) Accept(acceptor, listener);
  });
}

}  // namespace

// The base64 DER of a PEM certificate of the PKI ({{cert-base64:CASE/NAME.pem}} in bodies).
std::string CertBase64(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  auto chain = cxa::cert::SplitPem(text, 1);
  if (!chain || chain->empty()) return "";
  const auto& der = chain->front();
  return cxa::cert::EncodeBase64({reinterpret_cast<const char*>(der.data()), der.size()});
}

// A route's body: inline, or from file="NAME" next to the config; {{cert-base64:...}}
// placeholders are filled from the PKI now, {{host}} per request. Returns false on an error.
bool LoadBody(pugi::xml_node n, const std::string& config_dir, const std::string& pki,
              std::string& body, std::string& error) {
  body = n.child_value("body");
  if (const char* file = n.attribute("file").as_string(nullptr)) {
    std::string path = file[0] == '/' ? std::string(file) : config_dir + "/" + file;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      error = "cannot read " + path;
      return false;
    }
    body.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string open = "{{cert-base64:";
  for (size_t at; (at = body.find(open)) != std::string::npos;) {
    size_t end = body.find("}}", at);
    if (end == std::string::npos) break;
    std::string name = body.substr(at + open.size(), end - at - open.size());
    std::string b64 = CertBase64(pki + "/" + name);
    if (b64.empty()) {
      error = "no certificate " + pki + "/" + name;
      return false;
    }
    body.replace(at, end + 2 - at, b64);
  }
  return true;
}

// Sites as a configuration file describes them (fixtures/FORMAT.md, servers/*.xml).
std::vector<std::unique_ptr<Site>> SitesFromConfig(const pugi::xml_document& doc,
                                                   const std::string& config_dir,
                                                   const std::string& pki, std::string& error) {
  std::vector<std::unique_ptr<Site>> sites;
  for (pugi::xml_node n : doc.document_element().children("site")) {
    auto s = std::make_unique<Site>();
    s->name = n.attribute("name").value();
    s->pki = n.attribute("pki").value();
    s->tls = n.attribute("tls").value();
    s->urls_carry_port = n.attribute("urls-carry-port").as_bool(false);
    std::istringstream hosts(n.attribute("host").value());
    for (std::string h; hosts >> h;) s->hosts.push_back(h);
    s->listener = n.attribute("listener").as_string(s->name.c_str());
    s->status = n.attribute("status").as_int(200);
    s->plain = n.attribute("plain").as_bool(false);
    s->files = n.attribute("files").as_string("ca");
    s->body = n.child_value("body");
    for (pugi::xml_node h : n.children("header")) {
      s->headers.emplace_back(h.attribute("name").value(), h.attribute("value").value());
    }
    std::vector<pugi::xml_node> route_nodes;
    for (pugi::xml_node c : n.children()) {
      if (std::string_view(c.name()) == "route") route_nodes.push_back(c);
      if (std::string_view(c.name()) != "use") continue;
      // <use routes="NAME"/>: the routes of a top-level <routes name="NAME"> group.
      pugi::xml_node group = doc.document_element().find_child_by_attribute(
          "routes", "name", c.attribute("routes").value());
      if (!group) {
        error = "no <routes name=\"" + std::string(c.attribute("routes").value()) + "\">";
        return {};
      }
      for (pugi::xml_node r : group.children("route")) route_nodes.push_back(r);
    }
    for (pugi::xml_node r : route_nodes) {
      Route route;
      route.method = r.attribute("method").value();
      route.target = r.attribute("target").value();
      route.status = r.attribute("status").as_int(200);
      route.reason = r.attribute("reason").value();
      for (pugi::xml_node h : r.children("header")) {
        route.headers.emplace_back(h.attribute("name").value(), h.attribute("value").value());
      }
      route.body_contains = r.attribute("body-contains").value();
      route.header_contains = r.attribute("header-contains").value();
      route.dribble = r.attribute("dribble").as_bool(false);
      if (!LoadBody(r, config_dir, pki, route.body, error)) return {};
      s->routes.push_back(std::move(route));
    }
    if (pugi::xml_node a = n.child("ntlm")) {
      s->ntlm = cxa::ntlm::Account{a.attribute("user").value(), a.attribute("password").value(),
                                   a.attribute("domain").as_string("LAB")};
    }
    for (pugi::xml_node m : n.child("autodiscover").children("mailbox")) {
      Mailbox box;
      box.proxy = m.attribute("proxy").value();
      box.auth_package = m.attribute("auth-package").as_string("Basic");
      box.server = m.attribute("server").value();
      box.cert_principal_name = m.attribute("cert-principal-name").value();
      box.ssl = m.attribute("ssl").as_string("On");
      box.error = m.attribute("error").value();
      box.redirect_addr = m.attribute("redirect-addr").value();
      box.redirect_url = m.attribute("redirect-url").value();
      s->mailboxes[cxa::ToLower(m.attribute("email").value())] = box;
    }
    if (pugi::xml_node r = n.child("rpc-proxy")) {
      RpcProxy proxy;
      std::istringstream schemes(r.attribute("auth").as_string("Negotiate NTLM Basic"));
      for (std::string x; schemes >> x;) proxy.schemes.push_back(x);
      proxy.mode = r.attribute("mode").as_string("ok");
      static const char* const kModes[] = {"ok",    "unavailable", "access-denied",
                                           "no-a3", "reject",      "bind-reject"};
      if (std::find(std::begin(kModes), std::end(kModes), proxy.mode) == std::end(kModes)) {
        error = "<rpc-proxy mode=\"" + proxy.mode + "\"> is not a known mode";
        return {};
      }
      s->rpc = proxy;
    }
    if ((s->rpc || !s->mailboxes.empty()) && !s->ntlm) {
      error = "site " + s->name + ": <rpc-proxy> and <autodiscover> need the lab account (<ntlm>)";
      return {};
    }
    for (pugi::xml_node r : n.children("realm")) {
      RealmEntry e;
      e.namespace_type = r.attribute("namespace").as_string("Federated");
      e.sts = r.attribute("sts").value();
      e.auth_path = r.attribute("auth-path").as_string("/adfs/ls/");
      e.brand = r.attribute("brand").value();
      std::string domain = r.attribute("domain").value();
      if (domain.empty() || (e.namespace_type == "Federated" && e.sts.empty())) {
        error = "<realm> needs a domain, and an sts when federated";
        return {};
      }
      s->realm[domain] = e;
    }
    sites.push_back(std::move(s));
  }
  return sites;
}

// Transcript replay: one site per recorded scheme://host:port, presenting the test PKI case (the
// recorded servers' private keys do not exist) and answering the recorded requests.
std::vector<std::unique_ptr<Site>> SitesFromTranscript(const cxa::Transcript& t,
                                                       const std::string& pki_case) {
  std::vector<std::unique_ptr<Site>> sites;
  std::map<std::string, Site*> by_origin;
  for (const auto& ex : t.exchanges) {
    auto url = cxa::SplitHttpUrl(ex.request.url);
    if (!url) continue;
    const std::string &scheme = url->scheme, &host = url->host, &target = url->path;
    int port = url->port;
    Site*& site = by_origin[scheme + "://" + host + ":" + std::to_string(port)];
    if (site == nullptr) {
      auto s = std::make_unique<Site>();
      s->name = host + ":" + std::to_string(port);
      s->listener = s->name;
      s->hosts = {host};
      s->plain = scheme == "http";
      s->files = "ca";
      if (!s->plain) s->pki = pki_case;
      site = s.get();
      sites.push_back(std::move(s));
    }
    if (ex.request.connect_only || !ex.response) continue;
    Route route;
    route.method = ex.request.method;
    route.target = target;
    route.status = ex.response->status;
    route.reason = ex.response->reason;
    route.headers = ex.response->headers;
    route.body = ex.response->body;
    route.recorded = true;
    site->routes.push_back(std::move(route));
  }
  return sites;
}

// The TLS context of a site: <pki>/<case>/chain.pem and key.pem. Returns an error or "".
// tls="dhe1024": a server stuck in the past, TLS 1.2 with only finite-field DHE over the 1024-bit
// group of RFC 5114 (an RSA certificate is needed). Returns an error or "".
std::string WeakDhe(SSL_CTX* ctx) {
  SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
  if (SSL_CTX_set_cipher_list(ctx, "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384") != 1) {
    return "tls=dhe1024: no DHE cipher suite";
  }
  EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new_from_name(nullptr, "DH", nullptr);
  EVP_PKEY* params = nullptr;
  char group[] = "dh_1024_160";
  OSSL_PARAM p[] = {OSSL_PARAM_construct_utf8_string("group", group, 0), OSSL_PARAM_END};
  bool ok = pctx != nullptr && EVP_PKEY_fromdata_init(pctx) == 1 &&
            EVP_PKEY_fromdata(pctx, &params, EVP_PKEY_KEY_PARAMETERS, p) == 1;
  EVP_PKEY_CTX_free(pctx);
  if (!ok || SSL_CTX_set0_tmp_dh_pkey(ctx, params) != 1) {
    EVP_PKEY_free(params);
    return "tls=dhe1024: cannot set the 1024-bit DH group";
  }
  return "";  // the context owns params now
}

std::string LoadTls(Site& s, const std::string& pki) {
  s.ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  s.ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3);
  std::string dir = pki + "/" + s.pki;
  boost::system::error_code ec;
  s.ctx->use_certificate_chain_file(dir + "/chain.pem", ec);
  if (ec) {
    // A chain.pem whose extra blocks are not certificates (the malformed case): leaf only.
    s.ctx->use_certificate_file(dir + "/chain.pem", ssl::context::pem, ec);
    if (ec) return dir + "/chain.pem: " + ec.message();
  }
  s.ctx->use_private_key_file(dir + "/key.pem", ssl::context::pem, ec);
  if (ec) return dir + "/key.pem: " + ec.message();
  SSL_CTX_set_security_level(s.ctx->native_handle(), 0);  // serve weak test chains too
  if (s.tls == "dhe1024") return WeakDhe(s.ctx->native_handle());
  if (!s.tls.empty()) return "site " + s.name + ": unknown tls profile '" + s.tls + "'";
  return "";
}

int main(int argc, char** argv) {
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
      g_request_log = std::fopen(path.c_str(), "a");
      if (g_request_log == nullptr) return Die("cannot open " + path);
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
    for (Site* s : l.sites) {
      if (s->plain) continue;
      SSL_CTX_set_tlsext_servername_callback(s->ctx->native_handle(), OnServerName);
      SSL_CTX_set_tlsext_servername_arg(s->ctx->native_handle(), &l);
    }
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
      Accept(*acc, l);
      acceptors.push_back(std::move(acc));
    }
  }
  for (const auto& s : sites) g_site_ports[s->name] = listeners[s->listener].port;
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
