#include "tls_session.h"

#include <openssl/rand.h>

#include <limits>
#include <sstream>

#include "autodiscover.h"
#include "cert/x509.h"
#include "mapi.h"
#include "realm.h"
#include "routes.h"
#include "rpc_channel.h"

namespace fixture {
namespace {

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

// HTTP over TLS, request after request on one connection, until an RPC over HTTP channel takes
// the connection over (RpcChannel).
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Lab& lab, tcp::socket socket, Listener& listener)
      : lab_(lab),
        stream_(std::make_shared<TlsStream>(std::move(socket), *listener.sites.front()->ctx)),
        listener_(listener) {}

  void Start() {
    SSL_set_ex_data(stream_->native_handle(), SiteIndex(), listener_.sites.front());
    stream_->async_handshake(ssl::stream_base::server,
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
    http::async_read_header(*stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (!ec) self->OnHead();
                            });
  }

  void OnHead() {
    auto* site = static_cast<Site*>(SSL_get_ex_data(stream_->native_handle(), SiteIndex()));
    const auto& head = parser_->get();
    auto length = parser_->content_length();
    if (site->rpc && IsRpcMethod(head) && length && *length > 16) {
      // The connection leaves HTTP: the channel owns it from here.
      std::optional<cxa::ntlm::Challenge> challenge;
      if (challenged_) challenge = challenge_;
      std::make_shared<RpcChannel>(lab_, *site, stream_, std::move(buffer_), parser_->release(),
                                   challenge)
          ->Start();
      return;
    }
    if (length && *length > 1024 * 1024) {
      beast::error_code ignored;
      stream_->next_layer().shutdown(tcp::socket::shutdown_both, ignored);
      return;
    }
    http::async_read(*stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return;
                       self->request_ = self->parser_->release();
                       self->Respond();
                     });
  }

  void Respond() {
    auto* site = static_cast<Site*>(SSL_get_ex_data(stream_->native_handle(), SiteIndex()));
    auto res =
        std::make_shared<Response>(static_cast<http::status>(site->status), request_.version());
    const char* sni = SSL_get_servername(stream_->native_handle(), TLSEXT_NAMETYPE_host_name);
    std::string host = sni ? sni : site->hosts.empty() ? "localhost" : site->hosts.front();
    if (site->urls_carry_port) host += ":" + std::to_string(listener_.port);
    lab_.LogRequest(*site, request_);
    ntlm_verified_ = false;
    if (site->ntlm && NtlmLeg(*site, res)) return;
    if (IsAutodiscoverV2(*site, request_)) {
      AnswerAutodiscoverV2(*site, request_, *res);
      Send(res, true);
      return;
    }
    if (IsMapi(*site, request_)) {
      auto paced = AnswerMapi(*site, request_, SignedIn(*site, request_, ntlm_verified_), *res);
      if (paced) {
        SendPaced(res, std::make_shared<Paced>(std::move(*paced)));
      } else {
        Send(res, true);
      }
      return;
    }
    if (IsRpcMethod(request_) || IsAutodiscover(*site, request_)) {
      RespondAuthenticated(*site, res);
      return;
    }
    const Route* route = nullptr;
    bool answered = AnswerFromRoutes(lab_, *site, request_, *res, host, &route);
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
  void Send(std::shared_ptr<Response> res, bool keep) {
    lab_.ExpandPortsIn(*res);
    res->keep_alive(keep);
    res->prepare_payload();
    http::async_write(*stream_, *res,
                      [self = shared_from_this(), res, keep](beast::error_code ec, size_t) {
                        if (keep && !ec) {
                          self->Read();
                          return;
                        }
                        beast::error_code ignored;
                        self->stream_->next_layer().shutdown(tcp::socket::shutdown_both, ignored);
                      });
  }

  // NTLM on a site with an <ntlm> account: a NEGOTIATE gets a CHALLENGE on the same connection;
  // an AUTHENTICATE that fails gets 401. Returns true when it answered; a valid AUTHENTICATE
  // falls through to the routes (which match it by its Authorization header).
  bool NtlmLeg(const Site& site, std::shared_ptr<Response> res) {
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

  // The head at once (chunked), then the pieces over time (mapi.h, Paced); the connection
  // stays for the next request.
  void SendPaced(std::shared_ptr<Response> res, std::shared_ptr<Paced> paced) {
    res->keep_alive(true);
    res->chunked(true);
    std::ostringstream head;
    head << res->base();
    auto bytes = std::make_shared<std::string>(head.str());
    asio::async_write(*stream_, asio::buffer(*bytes),
                      [self = shared_from_this(), bytes, paced](beast::error_code ec, size_t) {
                        if (!ec) self->PacedPiece(paced, 0);
                      });
  }
  void PacedPiece(std::shared_ptr<Paced> paced, size_t at) {
    auto chunk = [](const std::string& piece) {
      std::ostringstream hex;
      hex << std::hex << piece.size();
      return hex.str() + "\r\n" + piece + "\r\n";
    };
    if (at >= paced->pieces.size()) {
      auto end = std::make_shared<std::string>("0\r\n\r\n");
      asio::async_write(*stream_, asio::buffer(*end),
                        [self = shared_from_this(), end](beast::error_code ec, size_t) {
                          if (!ec) self->Read();
                        });
      return;
    }
    auto bytes = std::make_shared<std::string>();
    size_t next = at + 1;
    if (paced->hold) {  // everything at once, after as long as the pieces would have taken
      for (const auto& piece : paced->pieces) *bytes += chunk(piece);
      next = paced->pieces.size();
    } else {
      *bytes = chunk(paced->pieces[at]);
    }
    const int wait = paced->hold ? paced->interval_ms * static_cast<int>(paced->pieces.size() - 1)
                     : at == 0   ? 0
                                 : paced->interval_ms;
    timer_ = std::make_unique<asio::steady_timer>(stream_->get_executor(),
                                                  std::chrono::milliseconds(wait));
    timer_->async_wait([self = shared_from_this(), paced, bytes, next](beast::error_code ec) {
      if (ec) return;
      asio::async_write(*self->stream_, asio::buffer(*bytes),
                        [self, paced, bytes, next](beast::error_code ec2, size_t) {
                          if (!ec2) self->PacedPiece(paced, next);
                        });
    });
  }

  // A slow server: the head at once, then the body one byte per second.
  void Dribble(std::shared_ptr<Response> res) {
    lab_.ExpandPortsIn(*res);
    auto head = std::make_shared<std::string>("HTTP/1.1 " + std::to_string(res->result_int()) +
                                              " OK\r\nContent-Type: text/html\r\nContent-Length: " +
                                              std::to_string(res->body().size()) + "\r\n\r\n");
    asio::async_write(*stream_, asio::buffer(*head),
                      [self = shared_from_this(), head, res](beast::error_code ec, size_t) {
                        if (!ec) self->DribbleByte(res, 0);
                      });
  }
  void DribbleByte(std::shared_ptr<Response> res, size_t at) {
    if (at >= res->body().size()) return;
    timer_ = std::make_unique<asio::steady_timer>(stream_->get_executor(), std::chrono::seconds(1));
    timer_->async_wait([self = shared_from_this(), res, at](beast::error_code ec) {
      if (ec) return;
      asio::async_write(*self->stream_, asio::buffer(res->body().data() + at, 1),
                        [self, res, at](beast::error_code ec2, size_t) {
                          if (!ec2) self->DribbleByte(res, at + 1);
                        });
    });
  }

  // ---- Autodiscover and the RPC proxy's echo: requests that need the lab account ----

  void Unauthorized(const Site& site, std::shared_ptr<Response> res, bool rpc) {
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

  void RespondAuthenticated(const Site& site, std::shared_ptr<Response> res) {
    bool rpc = IsRpcMethod(request_);
    std::string target(request_.target());
    if (rpc && (!site.rpc || target.rfind("/rpc/rpcproxy.dll", 0) != 0)) {
      res->result(http::status::not_found);
      res->set(http::field::content_type, "text/html");
      res->body() = "<html><body>404 - File or directory not found.</body></html>\n";
      Send(res, false);
      return;
    }
    if (!SignedIn(site, request_, ntlm_verified_)) {
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

  Lab& lab_;
  std::shared_ptr<TlsStream> stream_;
  Listener& listener_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Request request_;
  bool ntlm_verified_ = false;
  cxa::ntlm::Challenge challenge_{};
  bool challenged_ = false;
  std::unique_ptr<asio::steady_timer> timer_;
};

}  // namespace

void ChooseSiteBySni(Listener& listener) {
  for (Site* s : listener.sites) {
    if (!s->ctx) continue;  // a plain site
    SSL_CTX_set_tlsext_servername_callback(s->ctx->native_handle(), OnServerName);
    SSL_CTX_set_tlsext_servername_arg(s->ctx->native_handle(), &listener);
  }
}

void StartTlsSession(Lab& lab, tcp::socket socket, Listener& listener) {
  std::make_shared<Session>(lab, std::move(socket), listener)->Start();
}

}  // namespace fixture
