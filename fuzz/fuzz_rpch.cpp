// RPC over HTTP v2 streams: PDU framing, RTS commands, bind answers, RPC proxy error lines and
// the HTTP response heads of raw channels.
#include <string>

#include "protocols/rpc-http/rpch_codec.h"

namespace rpch = cxa::protocols::rpch;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)rpch::RpcErrorCode(in);
  // The bytes as a channel's HTTP response head (what precedes the first blank line).
  if (auto head = rpch::ParseResponseHead(in.substr(0, in.find("\r\n\r\n")))) {
    (void)head->StatusLine();
    (void)head->AuthSchemes();
    (void)rpch::ContentLength(*head);
  }
  // The bytes as an OUT channel body: PDUs back to back, each decoded as the client does.
  for (std::string_view rest = in; !rest.empty();) {
    auto len = rpch::PduLength(rest);
    if (!len || *len == 0) break;
    auto pdu = rpch::DecodePdu(rest.substr(0, *len));
    if (pdu) {
      if (auto rts = rpch::DecodeRts(*pdu)) (void)rpch::DescribeRts(*rts);
      if (auto answer = rpch::DecodeBindAnswer(*pdu)) (void)rpch::DescribeBindAnswer(*answer);
      if (auto bind = rpch::DecodeBind(*pdu)) (void)rpch::EncodeBindAck(*bind, true, "6001");
    }
    rest.remove_prefix(*len);
  }
  return 0;
}
