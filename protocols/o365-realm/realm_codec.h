// Office 365 realm discovery answers (getuserrealm.srf, protocols.md §2.1), as data.
// Pure parsing of untrusted bytes: lenient (unknown elements ignored, missing ones tolerated,
// entities unescaped), bounded (the transport limits the size; no DTD or entity expansion).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace cxa::protocols {

struct RealmInfo {
  std::string namespace_type;  // Managed | Federated | Unknown (as sent)
  std::string login;
  std::string domain;
  std::string brand;
  std::string cloud_instance;
  std::string auth_url;      // passive sign-in (AD FS: https://sts/adfs/ls/?...)
  std::string sts_auth_url;  // active WS-Trust endpoint
  std::string mex_url;       // WS-MetadataExchange
};

// The XML form (`xml=1`): root <RealmInfo>. Errors: not XML, another root, no NameSpaceType.
Result<RealmInfo> ParseRealmXml(std::string_view body);
// The JSON form (default). Errors: not a JSON object, no NameSpaceType.
Result<RealmInfo> ParseRealmJson(std::string_view body);

// Whether a passive sign-in URL is an AD FS one (path /adfs/ls/), as opposed to another IdP.
bool IsAdfsUrl(std::string_view url);
// The URL without the query parameter `name` (e.g. the user name realm discovery echoes back).
std::string WithoutQueryParameter(std::string_view url, std::string_view name);

}  // namespace cxa::protocols
