// The RPC over HTTP v2 proxy (MS-RPCH; protocols.md §2.3): an RPC_IN_DATA or RPC_OUT_DATA
// request whose Content-Length announces a channel turns its connection into a channel of raw
// PDUs. The OUT channel answers CONN/A1 with A3, and C2 once both channels of a virtual
// connection (matched by cookie in Lab::connections) are open; binds on the IN channel are
// answered on the OUT channel. <rpc-proxy mode="..."> plays the failures (lab.h).
#pragma once

#include <deque>

#include "lab.h"

namespace fixture {

class RpcChannel : public std::enable_shared_from_this<RpcChannel> {
 public:
  // Takes over the connection of `request` (its head read, `buffer` holding what followed it).
  // `challenge` is the NTLM challenge an earlier request on the connection was sent, if any.
  RpcChannel(Lab& lab, const Site& site, std::shared_ptr<TlsStream> stream,
             beast::flat_buffer buffer, Request request,
             std::optional<cxa::ntlm::Challenge> challenge);
  // Answers the channel's request head, then reads its PDUs.
  void Start();

 private:
  // Raw writes go through one queue (never two async_writes at once on the TLS stream); a
  // queued close shuts the connection down after everything before it was written.
  void WriteRaw(std::string bytes, bool close = false);
  void WriteNext();
  void WriteAndClose(std::string bytes);
  void ReadPdus();
  void Close();
  void Forget();
  // One PDU from the client; false ends the channel.
  bool OnPdu(const std::string& bytes);

  Lab& lab_;
  const Site& site_;
  std::shared_ptr<TlsStream> stream_;
  beast::flat_buffer buffer_;
  Request request_;
  std::optional<cxa::ntlm::Challenge> challenge_;
  std::deque<std::pair<std::string, bool>> writes_;  // bytes, close after them
  bool out_channel_ = false, registered_ = false, bind_reject_ = false, no_connection_ = false;
  cxa::protocols::rpch::Cookie cookie_{};
  std::string port_;
  bool ntlm_verified_ = false;
};

}  // namespace fixture
