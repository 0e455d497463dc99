#include "rpc_channel.h"

#include "cert/x509.h"

namespace fixture {

RpcChannel::RpcChannel(Lab& lab, const Site& site, std::shared_ptr<TlsStream> stream,
                       beast::flat_buffer buffer, Request request,
                       std::optional<cxa::ntlm::Challenge> challenge)
    : lab_(lab),
      site_(site),
      stream_(std::move(stream)),
      buffer_(std::move(buffer)),
      request_(std::move(request)),
      challenge_(challenge) {}

void RpcChannel::WriteRaw(std::string bytes, bool close) {
  writes_.push_back({std::move(bytes), close});
  if (writes_.size() == 1) WriteNext();
}
void RpcChannel::WriteNext() {
  if (writes_.empty()) return;
  asio::async_write(*stream_, asio::buffer(writes_.front().first),
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
void RpcChannel::WriteAndClose(std::string bytes) { WriteRaw(std::move(bytes), true); }

void RpcChannel::Start() {
  const Site& site = site_;
  lab_.LogRequest(site, request_);
  out_channel_ = request_.method_string() == "RPC_OUT_DATA";
  ntlm_verified_ = false;
  std::string auth(request_[http::field::authorization]);
  if (auth.rfind("NTLM ", 0) == 0 && challenge_) {
    auto der = cxa::cert::DecodeBase64(auth.substr(5));
    std::string raw = der ? std::string(der->begin(), der->end()) : std::string();
    std::string why;
    ntlm_verified_ = cxa::ntlm::Verify(raw, *challenge_, *site.ntlm, &why);
  }
  if (!SignedIn(site, request_, ntlm_verified_)) {
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

void RpcChannel::ReadPdus() {
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
  stream_->async_read_some(buffer_.prepare(16 * 1024),
                           [self = shared_from_this()](beast::error_code ec, size_t n) {
                             if (ec) {
                               self->Forget();
                               return;
                             }
                             self->buffer_.commit(n);
                             self->ReadPdus();
                           });
}

void RpcChannel::Close() {
  Forget();
  beast::error_code ignored;
  stream_->next_layer().shutdown(tcp::socket::shutdown_both, ignored);
}
void RpcChannel::Forget() {
  if (registered_) lab_.connections.erase(cookie_);
  registered_ = false;
}

bool RpcChannel::OnPdu(const std::string& bytes) {
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
      VirtualConnection& vc = lab_.connections[cookie_];
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
  auto it = lab_.connections.find(cookie_);
  auto out = it == lab_.connections.end() ? nullptr : it->second.out.lock();
  if (!bind || !out) return false;
  bool known = false;
  for (const auto* i : {&rpch::Emsmdb(), &rpch::Rfr(), &rpch::Nspi()}) {
    known |= i->uuid == bind->uuid && i->major == bind->major;
  }
  out->WriteRaw(rpch::EncodeBindAck(*bind, known && !bind_reject_, port_));
  return true;
}

}  // namespace fixture
