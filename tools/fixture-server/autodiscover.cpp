#include "autodiscover.h"

#include "core/text.h"

namespace fixture {

bool IsAutodiscover(const Site& site, const Request& req) {
  return !site.mailboxes.empty() && req.method() == http::verb::post &&
         cxa::ToLower(std::string(req.target())) == "/autodiscover/autodiscover.xml";
}

void AnswerAutodiscover(const Site& site, const Request& req, Response& res) {
  const std::string& body = req.body();
  size_t open = body.find("<EMailAddress>");
  size_t close = body.find("</EMailAddress>");
  std::string email = open != std::string::npos && close != std::string::npos && close > open
                          ? body.substr(open + 14, close - open - 14)
                          : "";
  std::string inner;
  auto it = site.mailboxes.find(cxa::ToLower(email));
  auto el = [](const std::string& name, const std::string& value) {
    return value.empty() ? std::string()
                         : "<" + name + ">" + cxa::XmlEscape(value) + "</" + name + ">";
  };
  if (it == site.mailboxes.end() || !it->second.error.empty()) {
    std::string code = it == site.mailboxes.end() ? "500" : it->second.error;
    inner = "<Error Time=\"12:00:00.0000000\" Id=\"2731630537\"><ErrorCode>" + code +
            "</ErrorCode><Message>" +
            (code == "500" ? "The email address can't be found." : "Error") +
            "</Message><DebugData/></Error>";
  } else {
    const Mailbox& m = it->second;
    std::string account = "<AccountType>email</AccountType>";
    if (!m.redirect_addr.empty()) {
      account += "<Action>redirectAddr</Action>" + el("RedirectAddr", m.redirect_addr);
    } else if (!m.redirect_url.empty()) {
      account += "<Action>redirectUrl</Action>" + el("RedirectUrl", m.redirect_url);
    } else {
      account += "<Action>settings</Action>";
      if (!m.server.empty()) {
        account += "<Protocol><Type>EXCH</Type>" + el("Server", m.server) +
                   "<ServerVersion>73C18880</ServerVersion>" +
                   el("EwsUrl", "https://" + (m.proxy.empty() ? site.hosts.front() : m.proxy) +
                                    "/EWS/Exchange.asmx") +
                   "</Protocol>";
      }
      // A client that says it speaks MAPI over HTTP gets the mapiHttp element and, as from
      // Exchange 2019, no EXPR (unless expr-with-mapi).
      const std::string capability(req["X-MapiHttpCapability"]);
      const bool mapi = !m.mapi.empty() && !capability.empty() && capability != "0";
      if (mapi) {
        const std::string domain = email.substr(email.find('@') + 1);
        const std::string id = m.mapi_without_mailbox_id
                                   ? ""
                                   : "?MailboxId=0b3c4d5e-6f70-4182-93a4-b5c6d7e8f901@" + domain;
        const char* where = m.mapi_internal_only ? "InternalUrl" : "ExternalUrl";
        account +=
            "<Protocol Type=\"mapiHttp\" Version=\"1\"><MailStore>" +
            el(where, "https://" + m.mapi + "/mapi/emsmdb/" + id) + "</MailStore><AddressBook>" +
            el(where, "https://" + m.mapi + "/mapi/nspi/" + id) + "</AddressBook></Protocol>";
      }
      if (!m.proxy.empty() && (!mapi || m.expr_with_mapi)) {
        account += "<Protocol><Type>EXPR</Type>" + el("Server", m.proxy) + el("SSL", m.ssl) +
                   el("AuthPackage", m.auth_package) +
                   el("CertPrincipalName", m.cert_principal_name) + "</Protocol>";
        account +=
            "<Protocol><Type>WEB</Type><External><OWAUrl AuthenticationMethod=\"Fba\">https://" +
            cxa::XmlEscape(m.proxy) + "/owa/</OWAUrl></External></Protocol>";
      }
    }
    inner = "<User><DisplayName>Lab User</DisplayName>" +
            el("LegacyDN",
               "/o=Lab/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/"
               "cn=Recipients/cn=" +
                   email.substr(0, email.find('@'))) +
            el("AutoDiscoverSMTPAddress", email) + "</User><Account>" + account + "</Account>";
  }
  res.result(http::status::ok);
  res.set(http::field::content_type, "text/xml; charset=utf-8");
  res.body() =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<Autodiscover "
      "xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006\"><Response "
      "xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a\">" +
      inner + "</Response></Autodiscover>\r\n";
}

bool IsAutodiscoverV2(const Site& site, const Request& req) {
  return !site.mailboxes.empty() && req.method() == http::verb::get &&
         cxa::ToLower(std::string(req.target())).rfind("/autodiscover/autodiscover.json", 0) == 0;
}

void AnswerAutodiscoverV2(const Site& site, const Request& req, Response& res) {
  std::string target(req.target());
  const std::string prefix = "/autodiscover/autodiscover.json/v1.0/";
  size_t q = target.find('?');
  std::string email =
      target.size() > prefix.size() ? target.substr(prefix.size(), q - prefix.size()) : "";
  for (size_t at; (at = email.find("%40")) != std::string::npos;) email.replace(at, 3, "@");
  std::string protocol;
  if (size_t p = cxa::ToLower(target).find("protocol="); p != std::string::npos) {
    protocol = target.substr(p + 9, target.find('&', p) - (p + 9));
  }
  auto it = site.mailboxes.find(cxa::ToLower(email));
  std::string host = site.hosts.front();
  const std::string v2 = it != site.mailboxes.end() ? it->second.v2 : "";
  if (it != site.mailboxes.end()) {
    host = !it->second.mapi.empty()    ? it->second.mapi
           : !it->second.proxy.empty() ? it->second.proxy
                                       : host;
  }
  const std::string tail =
      "/autodiscover/autodiscover.json/v1.0/" + email + "?Protocol=" + protocol;
  if (v2.rfind("redirect:", 0) == 0 || v2 == "insecure" || v2 == "loop") {
    res.result(http::status::found);
    res.set(http::field::location, v2 == "insecure" ? "http://" + site.hosts.front() + tail
                                   : v2 == "loop"   ? "https://" + site.hosts.front() + tail
                                                    : "https://" + v2.substr(9) + tail);
    return;
  }
  if (v2 == "error-400") {  // as some servers answer: 400 with the ErrorCode
    res.result(http::status::bad_request);
    res.set(http::field::content_type, "application/json; charset=utf-8");
    res.body() =
        "{\"ErrorCode\":\"InvalidProtocol\",\"ErrorMessage\":\"The given protocol value '" +
        protocol + "' is invalid.\"}";
    return;
  }
  if (v2 == "internal") host = "exch01.corp.local";
  const std::string p = cxa::ToLower(protocol);
  std::string url;
  if (p == "activesync") url = "https://" + host + "/Microsoft-Server-ActiveSync";
  if (p == "ews") url = "https://" + host + "/EWS/Exchange.asmx";
  if (p == "autodiscoverv1")
    url = "https://" + site.hosts.front() + "/autodiscover/autodiscover.xml";
  res.result(http::status::ok);
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.body() = url.empty() ? "{\"ErrorCode\":\"ProtocolNotSupported\",\"ErrorMessage\":\"Protocol: "
                             "The protocol '" +
                                 protocol + "' is not supported.\"}"
                           : "{\"Protocol\":\"" + protocol + "\",\"Url\":\"" + url + "\"}";
}

}  // namespace fixture
