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
};

}  // namespace cxa::testing
