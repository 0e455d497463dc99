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
                    StepResult& result, bool need_expr) {
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
    if (!proxy_bad && need_expr) {
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

bool ReportProtocol(const PoxAnswer& answer, const std::string& protocol, StepResult& result) {
  MapiHttpSettings m = MapiHttpFrom(answer);
  if (!answer.legacy_dn.empty()) result.facts["legacy_dn"] = Printable(answer.legacy_dn);
  result.facts["mapi_advertised"] = m.advertised ? "true" : "false";
  const bool has_rpc = result.facts.count("proxy") != 0;
  if (m.advertised) {
    result.facts["mapi_mailstore_url"] = Printable(m.mailstore_url);
    if (!m.addressbook_url.empty()) {
      result.facts["mapi_addressbook_url"] = Printable(m.addressbook_url);
    }
    if (m.internal_only) {
      result.findings.push_back(MakeFinding(kMapiInternalOnly,
                                            "the mapiHttp settings give only internal URLs",
                                            Excerpt(m.mailstore_url, 160)));
    }
    if (m.mailbox_id_missing) {
      result.findings.push_back(
          MakeFinding(kMapiMailboxIdMissing,
                      "a mapiHttp URL lacks ?MailboxId=", Excerpt(m.mailstore_url, 160)));
    }
  }
  std::string used, why;
  if (protocol == "rpc") {
    used = has_rpc ? "rpc" : "none";
    why = has_rpc ? "RPC over HTTP, as asked (protocol=rpc)"
                  : "none: RPC over HTTP was asked for, and the answer has no Outlook Anywhere "
                    "settings";
  } else if (m.advertised) {
    used = "mapi";
    why = "MAPI over HTTP: Autodiscover advertises it, and Outlook prefers it";
  } else if (protocol == "mapi") {
    used = "none";
    why =
        "none: MAPI over HTTP was asked for (protocol=mapi), and Autodiscover does not "
        "advertise it";
    result.findings.push_back(
        MakeFinding(kMapiNotAdvertised, "Autodiscover does not advertise MAPI over HTTP", why));
  } else {
    used = has_rpc ? "rpc" : "none";
    why = has_rpc ? "RPC over HTTP: Autodiscover does not advertise MAPI over HTTP"
                  : "none: Autodiscover advertises neither MAPI over HTTP nor RPC over HTTP";
    result.findings.push_back(
        MakeFinding(kMapiNotAdvertised, "Autodiscover does not advertise MAPI over HTTP",
                    has_rpc ? "Outlook uses RPC over HTTP (Outlook Anywhere) instead" : ""));
  }
  result.facts["protocol_used"] = used;
  result.facts["protocol_reason"] = why;
  return used == "mapi";
}

}  // namespace cxa::protocols::autodiscover
