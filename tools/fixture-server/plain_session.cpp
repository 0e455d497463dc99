#include "plain_session.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <iterator>

#include "routes.h"

namespace fixture {
namespace {

class PlainSession : public std::enable_shared_from_this<PlainSession> {
 public:
  PlainSession(Lab& lab, tcp::socket socket, Site& site)
      : lab_(lab), socket_(std::move(socket)), site_(site) {}

  void Start() {
    http::async_read(socket_, buffer_, request_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (!ec) self->Respond();
                     });
  }

 private:
  void Respond() {
    auto res = std::make_shared<Response>(http::status::not_found, request_.version());
    lab_.LogRequest(site_, request_);
    if (AnswerFromRoutes(lab_, site_, request_, *res,
                         site_.hosts.empty() ? "" : site_.hosts.front())) {
      Send(res);
      return;
    }
    std::string target(request_.target());
    if (target.ends_with(".crl")) {
      ServeCrl(target.substr(1, target.size() - 5), *res);
      Send(res);
      return;
    }
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

  // /NAME.crl: <files>/NAME.crl as it is; /huge.crl: 11 MiB (over cxa's 10 MiB cap);
  // /not-a-crl.crl: an HTML page, as a misconfigured web server answers.
  void ServeCrl(const std::string& name, Response& res) {
    res.set(http::field::content_type, "application/pkix-crl");
    if (name == "huge") {
      res.result(http::status::ok);
      res.body().assign(11u * 1024 * 1024, '\x30');
      return;
    }
    if (name == "not-a-crl") {
      res.result(http::status::ok);
      res.set(http::field::content_type, "text/html");
      res.body() = "<html><body><h1>Welcome</h1></body></html>";
      return;
    }
    if (name.empty() || name.find('/') != std::string::npos ||
        name.find("..") != std::string::npos) {
      return;
    }
    std::ifstream in(site_.files + "/" + name + ".crl", std::ios::binary);
    if (!in) return;
    res.result(http::status::ok);
    res.body().assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  void Send(std::shared_ptr<Response> res) {
    lab_.ExpandPortsIn(*res);
    res->keep_alive(false);
    res->prepare_payload();
    http::async_write(socket_, *res, [self = shared_from_this(), res](beast::error_code, size_t) {
      beast::error_code ignored;
      self->socket_.shutdown(tcp::socket::shutdown_both, ignored);
    });
  }

  Lab& lab_;
  tcp::socket socket_;
  Site& site_;
  beast::flat_buffer buffer_;
  Request request_;
};

}  // namespace

void StartPlainSession(Lab& lab, tcp::socket socket, Site& site) {
  std::make_shared<PlainSession>(lab, std::move(socket), site)->Start();
}

}  // namespace fixture
