#include "smtp_session.h"

#include <algorithm>
#include <cctype>
#include <chrono>

namespace fixture {
namespace {

constexpr const char* kModes[] = {"ok",          "no-starttls",  "refuse-starttls",    "throttle",
                                  "greet-pause", "split-banner", "starttls-sometimes", "garbage",
                                  "endless",     "stall-tls"};
constexpr size_t kMaxLine = 4096;
constexpr size_t kEndlessBytes = 16 * 1024 * 1024;

class SmtpSession : public std::enable_shared_from_this<SmtpSession> {
 public:
  SmtpSession(Lab& lab, tcp::socket socket, Site& site)
      : lab_(lab), socket_(std::move(socket)), site_(site), timer_(socket_.get_executor()) {}

  void Start() {
    const std::string& mode = site_.smtp->mode;
    offers_tls_ = mode != "no-starttls" &&
                  (mode != "starttls-sometimes" || site_.smtp->connections++ % 2 == 1);
    if (mode == "throttle") {
      WriteThenClose("421 4.7.0 mx.lab.test Too many connections, try again later\r\n");
    } else if (mode == "garbage") {
      WriteThenClose("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    } else if (mode == "endless") {
      Endless();
    } else if (mode == "split-banner") {
      WriteLines({"220-mx.lab.test ESMTP lab\r\n", "220-a greeting in three segments\r\n",
                  "220 ready\r\n"},
                 [](auto self) { self->ReadCommand(); });
    } else if (mode == "greet-pause") {
      GreetAfterPause();
    } else {
      Write("220 mx.lab.test ESMTP lab\r\n", [](auto self) { self->ReadCommand(); });
    }
  }

 private:
  using Next = void (*)(std::shared_ptr<SmtpSession>);

  // Waits greet-ms for the greeting; a client that sends anything first is an early talker.
  void GreetAfterPause() {
    timer_.expires_after(std::chrono::milliseconds(site_.smtp->greet_ms));
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->early_) return;
      self->socket_.cancel();
      self->Write("220 mx.lab.test ESMTP lab\r\n", [](auto s) { s->ReadCommand(); });
    });
    asio::async_read_until(
        socket_, asio::dynamic_buffer(in_, kMaxLine), "\n",
        [self = shared_from_this()](beast::error_code ec, size_t) {
          if (ec) return;  // cancelled when the greeting went out
          self->early_ = true;
          self->timer_.cancel();
          self->in_.clear();
          self->WriteThenClose("554 5.5.0 mx.lab.test talked before the greeting\r\n");
        });
  }

  void Endless() {
    auto chunk = std::make_shared<std::string>();
    for (int i = 0; i < 512; ++i) chunk->append("220-and more\r\n");
    written_ += chunk->size();
    asio::async_write(socket_, asio::buffer(*chunk),
                      [self = shared_from_this(), chunk](beast::error_code ec, size_t) {
                        if (!ec && self->written_ < kEndlessBytes) self->Endless();
                      });
  }

  void ReadCommand() {
    auto done = [self = shared_from_this()](beast::error_code ec, size_t n) {
      if (ec) return;
      std::string line = self->in_.substr(0, n);
      self->in_.erase(0, n);
      while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
      self->Handle(line);
    };
    if (tls_) {
      asio::async_read_until(*tls_, asio::dynamic_buffer(in_, kMaxLine), "\n", done);
    } else {
      asio::async_read_until(socket_, asio::dynamic_buffer(in_, kMaxLine), "\n", done);
    }
  }

  void Handle(const std::string& line) {
    std::string verb = line.substr(0, line.find(' '));
    for (char& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (lab_.request_log != nullptr) {
      std::fprintf(lab_.request_log, "%s SMTP %s 0 credentials=none\n", site_.name.c_str(),
                   verb.substr(0, 16).c_str());
      std::fflush(lab_.request_log);
    }
    auto again = [](auto self) { self->ReadCommand(); };
    if (verb == "EHLO") {
      std::vector<std::string> lines = {"250-mx.lab.test\r\n", "250-PIPELINING\r\n",
                                        "250-SIZE 10240000\r\n"};
      if (offers_tls_ && !tls_) lines.push_back("250-STARTTLS\r\n");
      lines.push_back("250 8BITMIME\r\n");
      if (site_.smtp->mode == "split-banner") {
        WriteLines(lines, again);
      } else {
        std::string all;
        for (const auto& l : lines) all += l;
        Write(all, again);
      }
    } else if (verb == "STARTTLS" && offers_tls_ && !tls_) {
      if (site_.smtp->mode == "refuse-starttls") {
        Write("454 4.7.0 TLS not available due to local problem\r\n", again);
      } else if (site_.smtp->mode == "stall-tls") {
        Write("220 2.0.0 Ready to start TLS\r\n", [](auto self) { self->Stall(); });
      } else {
        Write("220 2.0.0 Ready to start TLS\r\n", [](auto self) { self->Handshake(); });
      }
    } else if (verb == "QUIT") {
      WriteThenClose("221 2.0.0 Bye\r\n");
    } else if (verb == "MAIL" || verb == "RCPT" || verb == "DATA") {
      Write("530 5.7.0 this lab accepts no mail\r\n", again);
    } else {
      Write("502 5.5.2 Error: command not recognized\r\n", again);
    }
  }

  // Reads and drops whatever the client sends (its ClientHello) and never answers.
  void Stall() {
    socket_.async_read_some(asio::buffer(scratch_),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (!ec) self->Stall();
                            });
  }

  void Handshake() {
    if (!in_.empty()) return;  // the client sent data before the handshake: drop it
    tls_ = std::make_unique<ssl::stream<tcp::socket&>>(socket_, *site_.ctx);
    tls_->async_handshake(ssl::stream_base::server,
                          [self = shared_from_this()](beast::error_code ec) {
                            if (!ec) self->ReadCommand();
                          });
  }

  template <typename F>
  void Write(std::string text, F next) {
    auto buf = std::make_shared<std::string>(std::move(text));
    auto done = [self = shared_from_this(), buf, next](beast::error_code ec, size_t) {
      if (!ec) next(self);
    };
    if (tls_) {
      asio::async_write(*tls_, asio::buffer(*buf), done);
    } else {
      asio::async_write(socket_, asio::buffer(*buf), done);
    }
  }

  // Each line in its own segment, 50 ms apart.
  template <typename F>
  void WriteLines(std::vector<std::string> lines, F next) {
    if (lines.empty()) {
      next(shared_from_this());
      return;
    }
    std::string first = lines.front();
    lines.erase(lines.begin());
    Write(first, [lines, next](auto self) {
      self->timer_.expires_after(std::chrono::milliseconds(50));
      self->timer_.async_wait([self, lines, next](beast::error_code ec) {
        if (!ec) self->WriteLines(lines, next);
      });
    });
  }

  void WriteThenClose(std::string text) {
    Write(std::move(text), [](auto self) {
      beast::error_code ignored;
      self->socket_.shutdown(tcp::socket::shutdown_both, ignored);
    });
  }

  Lab& lab_;
  tcp::socket socket_;
  Site& site_;
  asio::steady_timer timer_;
  std::unique_ptr<ssl::stream<tcp::socket&>> tls_;
  std::string in_;
  char scratch_[4096];
  size_t written_ = 0;
  bool offers_tls_ = true;
  bool early_ = false;
};

}  // namespace

bool KnownSmtpMode(const std::string& mode) {
  return std::find(std::begin(kModes), std::end(kModes), mode) != std::end(kModes);
}

void StartSmtpSession(Lab& lab, tcp::socket socket, Site& site) {
  std::make_shared<SmtpSession>(lab, std::move(socket), site)->Start();
}

}  // namespace fixture
