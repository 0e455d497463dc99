#include "protocols/autodiscover/autodiscover_settings.h"

#include <algorithm>
#include <cctype>

#include "core/targets.h"
#include "core/text.h"
#include "protocols/autodiscover/autodiscover_findings.h"

namespace cxa::protocols::autodiscover {
namespace {

// A mailbox server as EXCH names it: a host name, or GUID@domain (Exchange 2013 and later).
bool IsMailboxServerName(std::string_view name) {
  size_t at = name.find('@');
  if (at == std::string_view::npos) return IsHostName(name);
  std::string_view id = name.substr(0, at);
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) || c == '-';
  }) && IsHostName(name.substr(at + 1));
}

}  // namespace

std::string RpcAuth(const std::string& auth_package) {
  std::string a = ToLower(auth_package);
  return a == "basic" ? "basic" : "ntlm";
}

void ReportSettings(const PoxAnswer& answer, const std::string& url, const std::string& address,
                    StepResult& result) {
  OutlookAnywhereSettings s = OutlookAnywhereFrom(answer);
  // Server names go into later requests: a name that is not one is the answer's fault, reported
  // here and never passed on.
  auto bad_name = [&](const char* block, const std::string& name) {
    result.findings.push_back(MakeFinding(kMalformed,
                                          "the " + std::string(block) +
                                              " server in the answer for " + address +
                                              " is not a host name",
                                          "'" + Excerpt(name, 120) + "' from " + url));
  };
  const bool proxy_bad = !s.proxy.empty() && !IsHostName(s.proxy);
  if (proxy_bad) {
    bad_name("EXPR (RPC proxy)", s.proxy);
    s.proxy.clear();
  }
  bool exch_bad = s.has_exch && !s.rpc_server.empty() && !IsMailboxServerName(s.rpc_server);
  if (exch_bad) bad_name("EXCH (mailbox)", s.rpc_server);
  result.facts["source"] = "autodiscover";
  result.facts["url"] = url;
  result.facts["email"] = address;
  if (!answer.display_name.empty()) result.facts["display_name"] = answer.display_name;
  if (!s.ews_url.empty()) result.facts["ews_url"] = s.ews_url;
  if (!s.owa_url.empty()) result.facts["owa_url"] = s.owa_url;
  if (!s.has_exch) {
    result.findings.push_back(
        MakeFinding(kNoExch, "the answer for " + address + " names no mailbox server (no EXCH)"));
  } else if (!exch_bad) {
    result.facts["rpc_server"] = s.rpc_server;
  }
  if (s.proxy.empty()) {
    if (!proxy_bad) {
      result.findings.push_back(MakeFinding(
          kNoExpr, "the answer for " + address + " has no Outlook Anywhere (EXPR) settings"));
    }
    return;
  }
  result.facts["proxy"] = s.proxy;
  result.facts["ssl"] = s.ssl ? "on" : "off";
  result.facts["cert_principal_name"] = s.cert_principal_name;
  result.facts["auth_package"] = s.auth_package;
  result.facts["rpc_auth"] = RpcAuth(s.auth_package);
  if (!s.has_exch) result.facts["rpc_server"] = s.proxy;
  if (s.auth_package.empty()) {
    result.findings.push_back(MakeFinding(
        kNoAuthPackage, "EXPR for " + s.proxy + " has no AuthPackage; testing with NTLM"));
  }
  if (!s.ssl) {
    result.findings.push_back(MakeFinding(kSslOff, "EXPR for " + s.proxy + " says SSL Off"));
  }
}

}  // namespace cxa::protocols::autodiscover
