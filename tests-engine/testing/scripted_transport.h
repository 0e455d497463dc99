// A transport for unit tests: answers from a queue of canned exchanges and records requests.
#pragma once

#include <deque>
#include <functional>
#include <vector>

#include "transport/http_transport.h"

namespace cxa::testing {

class ScriptedTransport : public HttpTransport {
 public:
  std::function<HttpExchange(const HttpRequest&)> handler;
  std::vector<HttpRequest> requests;

  HttpExchange Perform(const HttpRequest& request) override {
    requests.push_back(request);
    if (handler) return handler(request);
    HttpExchange ex;
    ex.request = request;
    ex.error = TransportError{Stage::kConnect, "net.connect.refused", "scripted"};
    return ex;
  }

  // Streams open like a connect-only request and then fail: tests of streams use real ones.
  std::unique_ptr<Stream> OpenStream(const HttpRequest& request) override {
    struct Closed : Stream {
      HttpExchange ex;
      const HttpExchange& Connection() const override { return ex; }
      Status Send(std::string_view) override { return Fail("scripted transport: no stream"); }
      Result<std::string> Receive(size_t, int) override {
        return Fail("scripted transport: no stream");
      }
    };
    auto s = std::make_unique<Closed>();
    HttpRequest r = request;
    r.connect_only = true;
    s->ex = Perform(r);
    return s;
  }
};

}  // namespace cxa::testing
