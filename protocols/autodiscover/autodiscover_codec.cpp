#include "protocols/autodiscover/autodiscover_codec.h"

#include "core/text.h"
#include "protocols/common/xml.h"
#include "transport/url.h"

namespace cxa::protocols {
namespace {

using namespace xml;  // NOLINT(google-build-using-namespace)

PoxProtocol ProtocolFrom(pugi::xml_node p) {
  PoxProtocol out;
  out.type = Text(Child(p, "Type"));
  if (out.type.empty()) out.type = Attr(p, "Type").value();
  out.server = Text(Child(p, "Server"));
  out.ssl = Text(Child(p, "SSL"));
  out.auth_package = Text(Child(p, "AuthPackage"));
  out.cert_principal_name = Text(Child(p, "CertPrincipalName"));
  out.ews_url = Text(Child(p, "EwsUrl"));
  out.server_version = Text(Child(p, "ServerVersion"));
  out.version = Attr(p, "Version").value();
  pugi::xml_node store = Child(p, "MailStore"), book = Child(p, "AddressBook");
  out.mailstore_internal = Text(Child(store, "InternalUrl"));
  out.mailstore_external = Text(Child(store, "ExternalUrl"));
  out.addressbook_internal = Text(Child(book, "InternalUrl"));
  out.addressbook_external = Text(Child(book, "ExternalUrl"));
  for (std::string_view where : {"External", "Internal"}) {
    pugi::xml_node owa = Child(Child(p, where), "OWAUrl");
    if (owa) {
      out.owa_url = Text(owa);
      break;
    }
  }
  return out;
}

}  // namespace

std::string BuildPoxRequest(std::string_view email) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"
         "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/"
         "requestschema/2006\">\r\n"
         "  <Request>\r\n"
         "    <EMailAddress>" +
         XmlEscape(email) +
         "</EMailAddress>\r\n"
         "    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/"
         "outlook/responseschema/2006a</AcceptableResponseSchema>\r\n"
         "  </Request>\r\n"
         "</Autodiscover>\r\n";
}

const PoxProtocol* PoxAnswer::Find(std::string_view type) const {
  const PoxProtocol* first = nullptr;
  std::string want = ToLower(type);
  for (const auto& p : protocols) {
    if (ToLower(p.type) != want) continue;
    if (first == nullptr) {
      first = &p;
    } else if (want == "exhttp") {
      return &p;  // the second EXHTTP block is the external one
    }
  }
  return first;
}

Result<PoxAnswer> ParsePoxAnswer(std::string_view body) {
  pugi::xml_document doc;
  auto root = Load(doc, body, "Autodiscover", "an Autodiscover answer");
  if (!root) return Fail(root.error());
  PoxAnswer a;
  pugi::xml_node response = Child(*root, "Response");
  if (!response) return Fail("the answer has no <Response>");
  pugi::xml_node error = Child(response, "Error");
  pugi::xml_node account = Child(response, "Account");
  if (!error && account) error = Child(account, "Error");
  if (error) {
    a.kind = PoxAnswer::kError;
    a.error_code = Text(Child(error, "ErrorCode"));
    a.error_message = Text(Child(error, "Message"));
    if (a.error_code.empty()) a.error_code = "unknown";
    return a;
  }
  if (!account) return Fail("the answer has neither <Account> nor <Error>");
  a.display_name = Text(Child(Child(response, "User"), "DisplayName"));
  a.legacy_dn = Text(Child(Child(response, "User"), "LegacyDN"));
  std::string action = ToLower(Text(Child(account, "Action")));
  if (action == "redirectaddr") {
    a.kind = PoxAnswer::kRedirectAddr;
    a.redirect = Text(Child(account, "RedirectAddr"));
    if (a.redirect.empty()) return Fail("Action redirectAddr without <RedirectAddr>");
  } else if (action == "redirecturl") {
    a.kind = PoxAnswer::kRedirectUrl;
    a.redirect = Text(Child(account, "RedirectUrl"));
    if (a.redirect.empty()) return Fail("Action redirectUrl without <RedirectUrl>");
  } else if (!action.empty() && action != "settings") {
    return Fail("unknown Action '" + Excerpt(action, 40) + "'");
  }
  for (pugi::xml_node p : account.children()) {
    if (IsA(p, "Protocol") && a.protocols.size() < 64) a.protocols.push_back(ProtocolFrom(p));
  }
  return a;
}

MapiHttpSettings MapiHttpFrom(const PoxAnswer& answer) {
  MapiHttpSettings s;
  const PoxProtocol* p = answer.Find("mapiHttp");
  if (p == nullptr) return s;
  auto pick = [&](const std::string& external, const std::string& internal) {
    if (!external.empty()) return external;
    if (!internal.empty()) s.internal_only = true;
    return internal;
  };
  s.mailstore_url = pick(p->mailstore_external, p->mailstore_internal);
  s.addressbook_url = pick(p->addressbook_external, p->addressbook_internal);
  s.advertised = !s.mailstore_url.empty();
  for (const std::string* url : {&s.mailstore_url, &s.addressbook_url}) {
    if (!url->empty() && ToLower(*url).find("mailboxid=") == std::string::npos) {
      s.mailbox_id_missing = true;
    }
  }
  return s;
}

OutlookAnywhereSettings OutlookAnywhereFrom(const PoxAnswer& answer) {
  OutlookAnywhereSettings s;
  const PoxProtocol* expr = answer.Find("EXPR");
  const PoxProtocol* exhttp = answer.Find("EXHTTP");
  const PoxProtocol* exch = answer.Find("EXCH");
  const PoxProtocol* web = answer.Find("WEB");
  const PoxProtocol* proxy = expr ? expr : exhttp;
  s.has_expr = expr != nullptr;
  s.from_exhttp = expr == nullptr && exhttp != nullptr;
  s.has_exch = exch != nullptr;
  if (proxy) {
    s.proxy = proxy->server;
    s.ssl = ToLower(proxy->ssl) != "off";
    s.auth_package = proxy->auth_package;
    s.cert_principal_name = proxy->cert_principal_name;
    if (s.cert_principal_name.empty() && !s.proxy.empty()) {
      s.cert_principal_name = "msstd:" + s.proxy;
    }
  }
  if (exch) {
    s.rpc_server = exch->server;
    s.ews_url = exch->ews_url;
  }
  if (s.ews_url.empty() && proxy) s.ews_url = proxy->ews_url;
  if (web) s.owa_url = web->owa_url;
  return s;
}

std::string_view PoxErrorMeaning(std::string_view code) {
  if (code == "500") return "the e-mail address is not known (no mailbox with that address)";
  if (code == "501") return "no configuration is available for this address";
  if (code == "502") return "the address is not valid for Autodiscover";
  if (code == "600") return "the request was invalid";
  if (code == "601") return "the requested response schema or provider is not available";
  if (code == "602") return "the server could not build the configuration";
  if (code == "603") return "the server had an internal error";
  return "";
}

bool IsAutodiscoverHttpsUrl(std::string_view url) {
  auto parts = SplitHttpUrl(url);
  if (!parts || parts->scheme != "https") return false;
  std::string path = ToLower(parts->path.substr(0, parts->path.find('?')));
  return path == "/autodiscover/autodiscover.xml";
}

std::string EmailDomain(std::string_view email) {
  size_t at = email.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= email.size()) return "";
  std::string domain = ToLower(email.substr(at + 1));
  for (char c : domain) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return "";
  }
  if (domain.front() == '.' || domain.back() == '.' || domain.find("..") != std::string::npos) {
    return "";
  }
  return domain;
}

}  // namespace cxa::protocols
