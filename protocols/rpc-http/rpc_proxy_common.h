// What the RPC over HTTP modules share: their common options (the proxy, the server behind it,
// the authentication Outlook uses), the proxy URL of an endpoint, and the RPC_IN_DATA request
// Outlook's RPC client sends.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "core/module.h"

namespace cxa::protocols::rpch {

// The value of option `name`, or "".
std::string Opt(const OptionMap& o, const char* name);
// https://PROXY/rpc/rpcproxy.dll?SERVER:PORT
std::string ProxyUrl(const std::string& proxy, const std::string& server, int port);
// An RPC_IN_DATA request to `url` with the headers Outlook's RPC client sends.
HttpRequest RpcRequest(StepContext& ctx, const std::string& url);
// proxy, server, auth, auth_package, user: the options of rpc-auth and rpc-echo (constant, so
// the module descriptors that list them are constant-initialized).
inline constexpr OptionSpec kProxyOptions[] = {
    {"proxy", OptionType::kString, true, "", "the RPC proxy host (EXPR/Server)"},
    {"server", OptionType::kString, true, "", "the RPC target behind the proxy (EXCH/Server)"},
    {"auth", OptionType::kString, false, "ntlm", "basic or ntlm: what Outlook uses at the proxy"},
    {"auth_package", OptionType::kString, false, "",
     "the AuthPackage as Autodiscover sent it (for the report)"},
    {"user", OptionType::kString, false, "", "user name (DOMAIN\\user or UPN)"},
};

// auth is basic or ntlm; proxy and server are host names.
Status CheckProxyOptions(const OptionMap& o);

// The factory of a module whose options are kProxyOptions: checks them, then builds T(options).
template <typename T>
Result<std::unique_ptr<Step>> CreateProxyStep(const OptionMap& o) {
  if (auto st = CheckProxyOptions(o); !st) return Fail(st.error());
  return std::unique_ptr<Step>(std::make_unique<T>(o));
}

}  // namespace cxa::protocols::rpch
