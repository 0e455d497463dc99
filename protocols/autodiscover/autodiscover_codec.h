// Autodiscover (POX) as data (protocols.md §2.2, MS-OXDSCLI): the request for a mailbox, the
// answer's Action (settings, redirectAddr, redirectUrl) or Error, and the Outlook Anywhere
// settings in it (EXPR / EXHTTP / EXCH / WEB). Pure functions over untrusted bytes, lenient about
// what they do not need, depth-capped, no entity expansion.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cxa::protocols {

// The POX request body for `email`.
std::string BuildPoxRequest(std::string_view email);

struct PoxProtocol {
  std::string type;                 // EXCH, EXPR, EXHTTP, WEB, ...
  std::string server;               // Server
  std::string ssl;                  // SSL (On/Off), as sent
  std::string auth_package;         // AuthPackage
  std::string cert_principal_name;  // CertPrincipalName
  std::string ews_url;              // EwsUrl
  std::string owa_url;              // WEB: External/OWAUrl (or Internal when no External)
  std::string server_version;       // ServerVersion
  // Type="mapiHttp" (MS-OXDSCLI, answers to X-MapiHttpCapability): Version and the endpoints.
  std::string version;
  std::string mailstore_internal, mailstore_external;      // MailStore/{Internal,External}Url
  std::string addressbook_internal, addressbook_external;  // AddressBook/...
};

struct PoxAnswer {
  enum Kind { kSettings, kRedirectAddr, kRedirectUrl, kError } kind = kSettings;
  std::string redirect;       // redirectAddr: the address; redirectUrl: the URL
  std::string error_code;     // Error/ErrorCode (500..603)
  std::string error_message;  // Error/Message
  std::string display_name;
  std::string legacy_dn;  // User/LegacyDN: the UserDn of a MAPI over HTTP Connect
  std::vector<PoxProtocol> protocols;
  // The first protocol of `type` (case-insensitive), or nullptr; for EXHTTP the second
  // (external) block when there are two.
  const PoxProtocol* Find(std::string_view type) const;
};

// Parses an Autodiscover answer. Fails (with why) when it is not XML, not an Autodiscover
// document, nests too deep, or has neither Account nor Error.
Result<PoxAnswer> ParsePoxAnswer(std::string_view body);

// The Outlook Anywhere settings of a settings answer (protocols.md §1.2 B).
struct OutlookAnywhereSettings {
  bool has_expr = false;
  bool has_exch = false;
  bool from_exhttp = false;
  std::string proxy;                // EXPR/Server (or external EXHTTP/Server)
  bool ssl = true;                  // SSL, default on
  std::string auth_package;         // as sent (Basic, Ntlm, Negotiate, ...)
  std::string rpc_server;           // EXCH/Server
  std::string cert_principal_name;  // CertPrincipalName, default msstd:<proxy>
  std::string ews_url;
  std::string owa_url;
};
OutlookAnywhereSettings OutlookAnywhereFrom(const PoxAnswer& answer);

// The MAPI over HTTP settings of a settings answer (the Protocol element of Type mapiHttp).
struct MapiHttpSettings {
  bool advertised = false;    // a mapiHttp Protocol element with a mailbox endpoint
  std::string mailstore_url;  // ExternalUrl, or InternalUrl when there is no external one
  std::string addressbook_url;
  bool internal_only = false;       // a URL came from InternalUrl: outside clients may not reach it
  bool mailbox_id_missing = false;  // a URL without ?MailboxId= (the server answers 400)
};
MapiHttpSettings MapiHttpFrom(const PoxAnswer& answer);

// What an Autodiscover error code means ("the mailbox address is not known", ...), or "".
std::string_view PoxErrorMeaning(std::string_view code);

// Whether `url` is an https URL whose path is /autodiscover/autodiscover.xml (any case): the only
// answer the HTTP redirect method may follow.
bool IsAutodiscoverHttpsUrl(std::string_view url);

// The SMTP domain of an e-mail address (lower case), or "" when it is not one.
std::string EmailDomain(std::string_view email);

}  // namespace cxa::protocols
