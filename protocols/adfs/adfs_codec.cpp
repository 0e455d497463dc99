#include "protocols/adfs/adfs_codec.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <pugixml.hpp>

#include "cert/x509.h"
#include "core/text.h"
#include "protocols/common/xml.h"

namespace cxa::protocols {
namespace {

using namespace xml;  // NOLINT(google-build-using-namespace)

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && strncasecmp(s.data(), prefix.data(), prefix.size()) == 0;
}

}  // namespace

std::optional<MexEndpoint> MexInfo::Usernamemixed() const {
  std::optional<MexEndpoint> best;
  for (const auto& e : endpoints) {
    if (e.auth != MexAuth::kUsernamePassword || !StartsWithNoCase(e.address, "https://")) continue;
    if (!best || (e.wstrust == "1.3" && best->wstrust != "1.3")) best = e;
  }
  return best;
}

Result<MexInfo> ParseMex(std::string_view body) {
  pugi::xml_document doc;
  auto root = Load(doc, body, "definitions", "<wsdl:definitions>");
  if (!root) return Fail(root.error());

  // Policies by id: username/password (a WssUsernameToken10 in a supporting-tokens assertion,
  // WS-SecurityPolicy 200702 or 2005) or Windows (Negotiate).
  std::map<std::string, MexAuth> policies;
  for (pugi::xml_node p : Descendants(*root, "Policy")) {
    pugi::xml_attribute id = Attr(p, "Id");
    if (!id) continue;
    MexAuth auth = MexAuth::kOther;
    if (FirstDescendant(p, "WssUsernameToken10")) {
      auth = MexAuth::kUsernamePassword;
    } else if (FirstDescendant(p, "NegotiateAuthentication")) {
      auth = MexAuth::kWindows;
    }
    policies.emplace(id.value(), auth);
  }

  struct Binding {
    MexAuth auth = MexAuth::kOther;
    std::string wstrust;
    bool soap_http = false;
  };
  std::map<std::string, Binding> bindings;
  for (pugi::xml_node b : root->children()) {
    if (!IsA(b, "binding")) continue;
    Binding info;
    for (pugi::xml_node c : b.children()) {
      if (IsA(c, "PolicyReference")) {
        std::string uri = Attr(c, "URI").value();
        if (!uri.empty() && uri[0] == '#') uri.erase(0, 1);
        if (auto it = policies.find(uri); it != policies.end()) info.auth = it->second;
      } else if (IsA(c, "binding")) {
        info.soap_http = std::string_view(Attr(c, "transport").value()) ==
                         "http://schemas.xmlsoap.org/soap/http";
      }
    }
    for (pugi::xml_node op : Descendants(b, "operation")) {
      std::string_view action = Attr(op, "soapAction").value();
      if (action.find("ws-sx/ws-trust/200512") != std::string_view::npos) {
        info.wstrust = "1.3";
      } else if (action.find("ws/2005/02/trust") != std::string_view::npos) {
        info.wstrust = "2005";
      }
    }
    bindings[std::string(Local(Attr(b, "name").value()))] = info;
  }

  MexInfo mex;
  for (pugi::xml_node service : root->children()) {
    if (!IsA(service, "service")) continue;
    for (pugi::xml_node port : service.children()) {
      if (!IsA(port, "port")) continue;
      std::string name(Local(Attr(port, "binding").value()));
      auto it = bindings.find(name);
      if (it == bindings.end() || !it->second.soap_http) continue;
      MexEndpoint e;
      e.binding = name;
      e.auth = it->second.auth;
      e.wstrust = it->second.wstrust;
      if (pugi::xml_node epr = FirstDescendant(port, "EndpointReference")) {
        e.address = Text(Child(epr, "Address"));
      }
      if (e.address.empty()) e.address = Trim(Attr(Child(port, "address"), "location").value());
      if (!e.address.empty()) mex.endpoints.push_back(std::move(e));
    }
  }
  return mex;
}

Result<FederationMetadata> ParseFederationMetadata(std::string_view body) {
  constexpr size_t kMaxSigning = 32;
  pugi::xml_document doc;
  auto root = Load(doc, body, "EntityDescriptor", "<md:EntityDescriptor>");
  if (!root) return Fail(root.error());
  FederationMetadata md;
  md.entity_id = Attr(*root, "entityID").value();
  for (pugi::xml_node n : Descendants(*root, "PassiveRequestorEndpoint")) {
    if (auto a = Text(FirstDescendant(n, "Address")); !a.empty()) md.passive_endpoints.push_back(a);
  }
  for (pugi::xml_node n : Descendants(*root, "SecurityTokenServiceEndpoint")) {
    if (auto a = Text(FirstDescendant(n, "Address")); !a.empty()) md.sts_endpoints.push_back(a);
  }
  for (pugi::xml_node role : root->children()) {
    if (role.type() != pugi::node_element) continue;
    std::string name(Local(role.name()));
    if (name == "RoleDescriptor") {
      if (auto t = Local(Attr(role, "type").value()); !t.empty()) name = std::string(t);
    }
    if (name == "IDPSSODescriptor") {
      for (pugi::xml_node s : role.children()) {
        if (IsA(s, "SingleSignOnService")) md.sso_services.push_back(Attr(s, "Location").value());
      }
    }
    for (pugi::xml_node kd : role.children()) {
      if (!IsA(kd, "KeyDescriptor")) continue;
      std::string_view use = Attr(kd, "use").value();
      if (!use.empty() && use != "signing") continue;
      for (pugi::xml_node xc : Descendants(kd, "X509Certificate")) {
        auto der = cert::DecodeBase64(xc.text().get());
        auto info = der ? cert::DescribeDer(*der) : std::nullopt;
        if (!info) {
          md.problems.push_back("a signing key in " + name + " is not a certificate");
          continue;
        }
        bool seen = std::any_of(md.signing.begin(), md.signing.end(),
                                [&](const auto& s) { return s.info.sha256 == info->sha256; });
        if (!seen && md.signing.size() < kMaxSigning) md.signing.push_back({*info, name});
      }
    }
  }
  return md;
}

std::string WsTrustAction(std::string_view wstrust) {
  return wstrust == "2005" ? "http://schemas.xmlsoap.org/ws/2005/02/trust/RST/Issue"
                           : "http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/Issue";
}

std::string BuildWsTrustRequest(const WsTrustRequest& r) {
  const bool v2005 = r.wstrust == "2005";
  const std::string trust_ns = v2005 ? "http://schemas.xmlsoap.org/ws/2005/02/trust"
                                     : "http://docs.oasis-open.org/ws-sx/ws-trust/200512";
  const std::string key_type =
      v2005 ? "http://schemas.xmlsoap.org/ws/2005/05/identity/NoProofKey" : trust_ns + "/Bearer";
  std::string x;
  x += "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\""
       " xmlns:a=\"http://www.w3.org/2005/08/addressing\""
       " xmlns:u=\"http://docs.oasis-open.org/wss/2004/01/"
       "oasis-200401-wss-wssecurity-utility-1.0.xsd\">";
  x += "<s:Header>";
  x += "<a:Action s:mustUnderstand=\"1\">" + WsTrustAction(r.wstrust) + "</a:Action>";
  x += "<a:MessageID>" + XmlEscape(r.message_id) + "</a:MessageID>";
  x += "<a:ReplyTo><a:Address>http://www.w3.org/2005/08/addressing/anonymous</a:Address>"
       "</a:ReplyTo>";
  x += "<a:To s:mustUnderstand=\"1\">" + XmlEscape(r.endpoint) + "</a:To>";
  x += "<o:Security s:mustUnderstand=\"1\" xmlns:o=\"http://docs.oasis-open.org/wss/2004/01/"
       "oasis-200401-wss-wssecurity-secext-1.0.xsd\">";
  x += "<u:Timestamp u:Id=\"_0\"><u:Created>" + XmlEscape(r.created) + "</u:Created><u:Expires>" +
       XmlEscape(r.expires) + "</u:Expires></u:Timestamp>";
  x += "<o:UsernameToken u:Id=\"cxa-user\"><o:Username>" + XmlEscape(r.username) +
       "</o:Username><o:Password>" + XmlEscape(r.password) + "</o:Password></o:UsernameToken>";
  x += "</o:Security></s:Header>";
  x += "<s:Body><t:RequestSecurityToken xmlns:t=\"" + trust_ns + "\">";
  x += "<wsp:AppliesTo xmlns:wsp=\"http://schemas.xmlsoap.org/ws/2004/09/policy\">"
       "<a:EndpointReference><a:Address>" +
       XmlEscape(r.applies_to) + "</a:Address></a:EndpointReference></wsp:AppliesTo>";
  x += "<t:KeyType>" + key_type + "</t:KeyType>";
  x += "<t:RequestType>" + trust_ns + "/Issue</t:RequestType>";
  x += "</t:RequestSecurityToken></s:Body></s:Envelope>";
  return x;
}

Result<WsTrustAnswer> ParseWsTrustAnswer(std::string_view body) {
  pugi::xml_document doc;
  auto root = Load(doc, body, "Envelope", "a SOAP <Envelope>");
  if (!root) return Fail(root.error());
  pugi::xml_node soap_body = Child(*root, "Body");
  if (!soap_body) return Fail("the SOAP envelope has no Body");
  WsTrustAnswer a;
  if (pugi::xml_node fault = Child(soap_body, "Fault")) {
    a.kind = WsTrustAnswer::kFault;
    // SOAP 1.2: Code/Value with nested Subcode/Value; SOAP 1.1: faultcode / faultstring.
    pugi::xml_node code = Child(fault, "Code");
    a.fault_code = Text(Child(code, "Value"));
    for (pugi::xml_node sub = Child(code, "Subcode"); sub; sub = Child(sub, "Subcode")) {
      if (auto v = Text(Child(sub, "Value")); !v.empty()) a.fault_code = v;
    }
    a.fault_reason = Text(Child(Child(fault, "Reason"), "Text"));
    if (a.fault_code.empty()) a.fault_code = Text(Child(fault, "faultcode"));
    if (a.fault_reason.empty()) a.fault_reason = Text(Child(fault, "faultstring"));
    return a;
  }
  pugi::xml_node rstr = FirstDescendant(soap_body, "RequestSecurityTokenResponse");
  if (!rstr) return Fail("the SOAP body is neither a token response nor a fault");
  pugi::xml_node token = FirstDescendant(rstr, "RequestedSecurityToken");
  if (!token || !token.first_child()) return Fail("the token response carries no token");
  a.kind = WsTrustAnswer::kToken;
  a.token_type = Text(FirstDescendant(rstr, "TokenType"));
  if (pugi::xml_node assertion = FirstDescendant(token, "Assertion")) {
    a.assertion_issuer = Attr(assertion, "Issuer").value();  // SAML 1.1
    if (a.assertion_issuer.empty()) a.assertion_issuer = Text(Child(assertion, "Issuer"));
  }
  return a;
}

}  // namespace cxa::protocols
