#include "protocols/o365-realm/realm_codec.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "core/text.h"

namespace cxa::protocols {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

namespace {

// The XML and the JSON forms carry the same names: one mapping for both.
// Every value is a server's text: made valid UTF-8 with control characters shown (Printable).
template <typename Get>
Result<RealmInfo> Fill(Get&& raw) {
  auto get = [&](const char* name) { return Printable(raw(name)); };
  RealmInfo info;
  info.namespace_type = get("NameSpaceType");
  if (info.namespace_type.empty()) return Fail("no NameSpaceType in the answer");
  info.login = get("Login");
  info.domain = get("DomainName");
  info.brand = get("FederationBrandName");
  info.cloud_instance = get("CloudInstanceName");
  info.auth_url = get("AuthURL");
  info.sts_auth_url = get("STSAuthURL");
  info.mex_url = get("MEXURL");
  return info;
}

}  // namespace

Result<RealmInfo> ParseRealmXml(std::string_view body) {
  pugi::xml_document doc;
  // parse_default expands only the predefined entities and character references; a DOCTYPE
  // with entity declarations is skipped, never expanded.
  auto r = doc.load_buffer(body.data(), body.size(), pugi::parse_default);
  if (!r) return Fail(std::string("not XML: ") + r.description());
  pugi::xml_node root = doc.document_element();
  if (std::string_view(root.name()) != "RealmInfo") {
    return Fail("the root element is <" + std::string(root.name()) + ">, not <RealmInfo>");
  }
  return Fill([&](const char* name) { return std::string(root.child(name).text().get()); });
}

Result<RealmInfo> ParseRealmJson(std::string_view body) {
  // Realm answers are flat; refuse deep nesting before the parser (and the destructor) see it.
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (in_string) {
      if (c == '\\') ++i;
      if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > 32) return Fail("JSON nested deeper than 32 levels");
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Fail("not a JSON object");
  return Fill([&](const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  });
}

std::string WithoutQueryParameter(std::string_view url, std::string_view name) {
  size_t q = url.find('?');
  if (q == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, q + 1));
  std::string_view query = url.substr(q + 1);
  bool first = true;
  for (size_t at = 0; at <= query.size();) {
    size_t amp = query.find('&', at);
    std::string_view part = query.substr(at, amp == std::string_view::npos ? query.npos : amp - at);
    std::string_view key = part.substr(0, part.find('='));
    if (key != name) {
      out += (first ? "" : "&") + std::string(part);
      first = false;
    }
    if (amp == std::string_view::npos) break;
    at = amp + 1;
  }
  if (first) out.pop_back();  // nothing left: drop the '?'
  return out;
}

bool IsAdfsUrl(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return false;
  std::string rest = Lower(std::string(url.substr(scheme + 3)));
  size_t slash = rest.find('/');
  return slash != std::string::npos && rest.compare(slash, 9, "/adfs/ls/") == 0;
}

}  // namespace cxa::protocols
