#include "realm.h"

#include <sstream>

#include "core/text.h"

namespace fixture {
namespace {

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

}  // namespace

// The lab's realm discovery: GET /getuserrealm.srf?login=UPN[&xml=1] answered from the site's
// <realm> directory, in the shapes of protocols.md §2.1; unknown domains are Unknown.
bool AnswerRealm(const Site& site, const Request& req, Response& res) {
  std::string target(req.target());
  if (site.realm.empty() || target.rfind("/getuserrealm.srf?", 0) != 0) return false;
  std::string login;
  bool xml = false;
  std::istringstream query(target.substr(target.find('?') + 1));
  for (std::string kv; std::getline(query, kv, '&');) {
    if (kv.rfind("login=", 0) == 0) login = PercentDecode(kv.substr(6));
    if (kv == "xml=1") xml = true;
  }
  std::string domain = login.substr(login.find('@') + 1);
  for (char& c : domain) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  RealmEntry e;
  e.namespace_type = "Unknown";
  if (auto it = site.realm.find(domain); it != site.realm.end()) e = it->second;
  std::vector<std::pair<std::string, std::string>> fields = {{"Login", login},
                                                             {"NameSpaceType", e.namespace_type}};
  if (e.namespace_type != "Unknown") fields.emplace_back("DomainName", domain);
  if (e.namespace_type == "Federated") {
    std::string user = login;
    std::string enc;
    for (char c : user) enc += c == '@' ? std::string("%40") : std::string(1, c);
    fields.emplace_back("AuthURL", "https://" + e.sts + e.auth_path + "?username=" + enc +
                                       "&wa=wsignin1.0&wtrealm=urn%3afederation%3aMicrosoftOnline"
                                       "&wctx=");
    fields.emplace_back("STSAuthURL",
                        "https://" + e.sts + "/adfs/services/trust/2005/usernamemixed");
    fields.emplace_back("MEXURL", "https://" + e.sts + "/adfs/services/trust/mex");
    fields.emplace_back("FederationBrandName", e.brand.empty() ? domain : e.brand);
  }
  fields.emplace_back("CloudInstanceName", "microsoftonline.com");
  std::string body;
  if (xml) {
    body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><RealmInfo Success=\"true\">";
    for (const auto& [k, v] : fields) body += "<" + k + ">" + cxa::XmlEscape(v) + "</" + k + ">";
    body += "</RealmInfo>";
    res.set(http::field::content_type, "text/xml; charset=utf-8");
  } else {
    body = "{";
    for (const auto& [k, v] : fields) {
      body += (body.size() > 1 ? "," : "") + std::string("\"") + k + "\":\"" + v + "\"";
    }
    body += "}";
    res.set(http::field::content_type, "application/json; charset=utf-8");
  }
  res.result(http::status::ok);
  res.body() = body;
  return true;
}

}  // namespace fixture
