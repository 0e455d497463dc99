#include "protocols/rpc-http/rpc_proxy_common.h"

#include "core/text.h"

namespace cxa::protocols::rpch {

std::string Opt(const OptionMap& o, const char* name) {
  auto it = o.find(name);
  return it == o.end() ? "" : it->second;
}

std::string ProxyUrl(const std::string& proxy, const std::string& server, int port) {
  return "https://" + proxy + "/rpc/rpcproxy.dll?" + server + ":" + std::to_string(port);
}

HttpRequest RpcRequest(StepContext& ctx, const std::string& url) {
  HttpRequest req = StepRequest(ctx, url);
  req.method = "RPC_IN_DATA";
  req.headers = {{"Accept", "application/rpc"},
                 {"User-Agent", "MSRPC"},
                 {"Cache-Control", "no-cache"},
                 {"Pragma", "No-cache"}};
  req.limits.max_body_bytes = 64 * 1024;
  return req;
}

Status CheckProxyOptions(const OptionMap& o) {
  std::string auth = ToLower(Opt(o, "auth"));
  if (auth != "basic" && auth != "ntlm") {
    return Fail("option 'auth' must be basic or ntlm, got '" + Opt(o, "auth") + "'");
  }
  for (const char* name : {"proxy", "server"}) {
    std::string v = Opt(o, name);
    if (v.empty() || v.size() > 1000 || v.find_first_of("/?#:\\ \t\r\n") != std::string::npos) {
      return Fail(std::string("option '") + name + "' must be a host name, got '" + v + "'");
    }
  }
  return Ok{};
}

}  // namespace cxa::protocols::rpch
