#include "transport/curl_errors.h"

#include <catch2/catch.hpp>

using namespace cxa;

namespace {

CurlFailure Failed(CURLcode code, std::string message = "libcurl says no") {
  CurlFailure f;
  f.code = code;
  f.message = std::move(message);
  f.url = "https://mail.contoso.test/";
  f.host_port = "192.0.2.7:443";
  f.https = true;
  return f;
}

}  // namespace

TEST_CASE("curl failures map to where the connection stopped", "[unit][curl]") {
  struct Case {
    const char* what;
    CurlFailure f;
    const char* id;
    Stage stage;
  };
  auto resolved = Failed(CURLE_OPERATION_TIMEDOUT);
  resolved.resolved = true;
  auto in_tls = resolved;
  in_tls.connected = true;
  auto waiting = in_tls;
  waiting.handshaken = true;
  auto streaming = waiting;
  streaming.first_byte = true;
  auto unreachable = Failed(CURLE_COULDNT_CONNECT);
  unreachable.os_errno = EHOSTUNREACH;
  auto syn_timeout = Failed(CURLE_COULDNT_CONNECT);
  syn_timeout.os_errno = ETIMEDOUT;
  auto tls_abort = Failed(CURLE_ABORTED_BY_CALLBACK);
  tls_abort.tls_timeout_abort = true;
  auto big_headers = Failed(CURLE_WRITE_ERROR);
  big_headers.headers_too_large = true;
  auto big_body = Failed(CURLE_WRITE_ERROR);
  big_body.body_too_large = true;
  auto long_line = Failed(CURLE_OUT_OF_MEMORY);
  long_line.first_byte = true;
  auto reset_in_tls = Failed(CURLE_RECV_ERROR);
  reset_in_tls.connected = true;
  auto reset_after = reset_in_tls;
  reset_after.handshaken = true;
  auto not_http = Failed(CURLE_UNSUPPORTED_PROTOCOL);
  not_http.connected = true;
  auto tunnel_407 = Failed(CURLE_COULDNT_CONNECT);
  tunnel_407.proxy = true;
  tunnel_407.tunnel_status = 407;
  auto tunnel_403 = tunnel_407;
  tunnel_403.tunnel_status = 403;

  const Case cases[] = {
      {"no such name", Failed(CURLE_COULDNT_RESOLVE_HOST), "net.dns.no_such_host", Stage::kResolve},
      {"dns timeout", Failed(CURLE_OPERATION_TIMEDOUT), "net.dns.timeout", Stage::kResolve},
      {"no tcp", resolved, "net.connect.timeout", Stage::kConnect},
      {"tls timeout", in_tls, "tls.handshake.timeout", Stage::kTls},
      {"no first byte", waiting, "http.response.timeout", Stage::kHttp},
      {"slow body", streaming, "http.transfer.timeout", Stage::kHttp},
      {"refused", Failed(CURLE_COULDNT_CONNECT), "net.connect.refused", Stage::kConnect},
      {"unreachable", unreachable, "net.connect.unreachable", Stage::kConnect},
      {"syn timeout", syn_timeout, "net.connect.timeout", Stage::kConnect},
      {"our tls abort", tls_abort, "tls.handshake.timeout", Stage::kTls},
      {"our first-byte abort", Failed(CURLE_ABORTED_BY_CALLBACK), "http.response.timeout",
       Stage::kHttp},
      {"headers bound", big_headers, "http.headers.too_large", Stage::kHttp},
      {"body bound", big_body, "http.response.too_large", Stage::kHttp},
      {"one huge header line", long_line, "http.headers.too_large", Stage::kHttp},
      {"plain http on a tls port",
       Failed(CURLE_SSL_CONNECT_ERROR, "error:0A00010B:SSL routines::wrong version number"),
       "tls.handshake.failed", Stage::kTls},
      {"old protocol only",
       Failed(CURLE_SSL_CONNECT_ERROR, "error:0A000102:SSL routines::unsupported protocol"),
       "tls.protocol.unsupported", Stage::kTls},
      {"reset during tls", reset_in_tls, "tls.handshake.failed", Stage::kTls},
      {"reset after tls", reset_after, "http.response.empty", Stage::kHttp},
      {"not http", not_http, "http.response.malformed", Stage::kHttp},
      {"weird reply", Failed(CURLE_WEIRD_SERVER_REPLY), "http.response.malformed", Stage::kHttp},
      {"proxy 407", tunnel_407, "net.proxy.auth_required", Stage::kConnect},
      {"proxy refuses the tunnel", tunnel_403, "net.proxy.failed", Stage::kConnect},
      {"something else", Failed(CURLE_FUNCTION_NOT_FOUND), "internal.transport.failed",
       Stage::kConnect},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    TransportError e = ClassifyCurlFailure(c.f);
    CHECK(e.id == c.id);
    CHECK(e.stage == c.stage);
    CHECK_FALSE(e.message.empty());
  }
}

TEST_CASE("a refused connection names the address and port it tried", "[unit][curl]") {
  TransportError e = ClassifyCurlFailure(Failed(CURLE_COULDNT_CONNECT));
  CHECK_THAT(e.message, Catch::Contains("192.0.2.7:443"));
}
