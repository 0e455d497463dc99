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
  // The revocation mode of each request as it was made ("off" without a context): the context
  // itself lives only as long as its step.
  std::vector<std::string> revocation_modes;

  HttpExchange Perform(const HttpRequest& request) override {
    requests.push_back(request);
    revocation_modes.emplace_back(
        request.revocation ? cert::RevocationModeName(request.revocation->mode) : "off");
    if (handler) return handler(request);
    HttpExchange ex;
    ex.request = request;
    ex.error = TransportError{Stage::kConnect, "net.connect.refused", "scripted"};
    return ex;
  }

  // Opens streams (tests of stream modules: testing/scripted_stream.h); unset, a stream opens
  // like a connect-only request and then fails.
  std::function<std::unique_ptr<Stream>(const HttpRequest&)> stream_handler;

  // Answers DNS lookups; unset, every lookup fails.
  std::function<DnsAnswer(const std::string& name, DnsType type)> dns_handler;
  std::vector<std::string> dns_questions;  // "MX contoso.com", in order

  DnsAnswer LookupDns(const std::string& name, DnsType type, const Timeouts& timeouts) override {
    dns_questions.push_back(std::string(DnsTypeName(type)) + " " + name);
    if (dns_handler) return dns_handler(name, type);
    return HttpTransport::LookupDns(name, type, timeouts);
  }

  std::unique_ptr<Stream> OpenStream(const HttpRequest& request) override {
    if (stream_handler) {
      requests.push_back(request);
      return stream_handler(request);
    }
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
