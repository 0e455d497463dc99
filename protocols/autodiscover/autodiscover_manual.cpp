#include "protocols/autodiscover/autodiscover_manual.h"

#include "core/targets.h"
#include "core/text.h"
#include "protocols/autodiscover/autodiscover_findings.h"
#include "protocols/autodiscover/autodiscover_settings.h"
#include "transport/url.h"

namespace cxa::protocols::autodiscover {
namespace {

std::string Get(const OptionMap& o, const char* name) {
  auto it = o.find(name);
  return it == o.end() ? "" : it->second;
}

// The facts every manual result has.
StepResult Base(const ManualSettings& s) {
  StepResult result;
  result.stage = Stage::kProtocol;
  result.facts["source"] = "manual";
  result.facts["user"] = s.user;
  result.facts["email"] = s.email;
  return result;
}

// MAPI over HTTP as Outlook builds its URLs: /mapi/emsmdb/ and /mapi/nspi/ with ?MailboxId=.
StepResult ManualMapi(const ManualSettings& s) {
  StepResult result = Base(s);
  HostPort hp = *ParseHostTarget(s.mapi_server);  // checked by CheckManualOptions
  std::string authority = HostForUrl(hp.host);
  if (!hp.port.empty() && hp.port != "443") authority += ":" + hp.port;
  const std::string query = "?MailboxId=" + s.mailbox_id;
  result.facts["mapi_mailstore_url"] = "https://" + authority + "/mapi/emsmdb/" + query;
  result.facts["mapi_addressbook_url"] = "https://" + authority + "/mapi/nspi/" + query;
  if (!s.legacy_dn.empty()) result.facts["legacy_dn"] = s.legacy_dn;
  result.facts["protocol_used"] = "mapi";
  result.facts["protocol_reason"] = "MAPI over HTTP: the MAPI server was given by hand";
  result.findings.push_back(MakeFinding(
      kManual,
      "manual settings: MAPI over HTTP server " + authority + ", MailboxId " + s.mailbox_id,
      s.legacy_dn.empty() ? "no legacy_dn given: the endpoints are checked, no session is tried"
                          : ""));
  return result;
}

StepResult ManualRpc(const ManualSettings& s) {
  StepResult result = Base(s);
  result.facts["proxy"] = s.rpc_proxy;
  result.facts["ssl"] = "on";
  result.facts["auth_package"] = s.auth == "basic" ? "Basic" : "Ntlm";
  result.facts["rpc_auth"] = RpcAuth(s.auth);
  result.facts["rpc_server"] = s.rpc_server.empty() ? s.rpc_proxy : s.rpc_server;
  result.facts["cert_principal_name"] =
      s.cert_principal_name.empty() ? "msstd:" + s.rpc_proxy : s.cert_principal_name;
  if (!s.protocol.empty()) {
    result.facts["protocol_used"] = "rpc";
    result.facts["protocol_reason"] = "RPC over HTTP: the RPC proxy was given by hand";
  }
  result.findings.push_back(MakeFinding(kManual, "manual settings: RPC proxy " + s.rpc_proxy +
                                                     ", RPC server " + result.facts["rpc_server"]));
  return result;
}

}  // namespace

ManualSettings ManualSettings::From(const OptionMap& o) {
  ManualSettings s;
  s.email = Get(o, "email");
  s.user = Get(o, "user").empty() ? s.email : Get(o, "user");
  s.protocol = ToLower(Get(o, "protocol"));
  s.rpc_proxy = Get(o, "rpc_proxy");
  s.rpc_server = Get(o, "rpc_server");
  s.auth = Get(o, "auth").empty() ? "ntlm" : ToLower(Get(o, "auth"));
  s.cert_principal_name = Get(o, "cert_principal_name");
  s.mapi_server = Get(o, "mapi_server");
  s.mailbox_id = Get(o, "mailbox_id").empty() ? s.email : Get(o, "mailbox_id");
  s.legacy_dn = Get(o, "legacy_dn");
  return s;
}

std::string CheckManualOptions(const OptionMap& o) {
  if (const std::string server = Get(o, "mapi_server"); !server.empty()) {
    if (auto hp = ParseHostTarget(server); !hp) return "option 'mapi_server': " + hp.error();
    if (ToLower(Get(o, "protocol")) == "rpc" && Get(o, "rpc_proxy").empty()) {
      return "protocol=rpc with only mapi_server given: name the RPC proxy (rpc_proxy)";
    }
  }
  if (const std::string id = Get(o, "mailbox_id"); !id.empty()) {
    if (id.size() > 320 || id.find_first_of("&#?/ \t\r\n%") != std::string::npos ||
        Printable(id) != id) {
      return "option 'mailbox_id' must be GUID@DOMAIN or an e-mail address, got '" +
             Printable(Excerpt(id, 80)) + "'";
    }
  }
  if (const std::string dn = Get(o, "legacy_dn"); !dn.empty()) {
    if (dn.size() > 1024 || dn[0] != '/' || Printable(dn) != dn) {
      return "option 'legacy_dn' must be a legacy DN such as /o=ORG/ou=.../cn=Recipients/"
             "cn=USER, got '" +
             Printable(Excerpt(dn, 80)) + "'";
    }
  }
  return "";
}

StepResult ManualResult(const ManualSettings& s) {
  return s.UsesMapi() ? ManualMapi(s) : ManualRpc(s);
}

}  // namespace cxa::protocols::autodiscover
