// AD FS documents as data (protocols.md §2.4): the WS-MetadataExchange WSDL, the federation
// metadata, and the WS-Trust sign-in request and answer. Pure functions over untrusted bytes:
// lenient about what they do not need (unknown elements, namespace prefixes), bounded (the
// transport limits sizes; element depth is capped; no DTD or entity expansion).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/certificate_info.h"
#include "core/result.h"

namespace cxa::protocols {

// ---- WS-MetadataExchange (/adfs/services/trust/mex) ----

enum class MexAuth { kUsernamePassword, kWindows, kOther };

struct MexEndpoint {
  std::string address;  // wsa:Address of the service port
  std::string binding;  // binding name (without prefix)
  MexAuth auth = MexAuth::kOther;
  std::string wstrust;  // "1.3" (ws-sx 200512) or "2005" (ws/2005/02); "" if not told
};

struct MexInfo {
  std::vector<MexEndpoint> endpoints;  // every SOAP-over-HTTP port, in document order
  // The username/password endpoint a client would use (https only, WS-Trust 1.3 preferred),
  // or nullopt when the document advertises none.
  std::optional<MexEndpoint> Usernamemixed() const;
};

// Errors: not XML, not a WSDL definitions document, too deep.
Result<MexInfo> ParseMex(std::string_view body);

// ---- Federation metadata (/FederationMetadata/2007-06/FederationMetadata.xml) ----

struct SigningCertificate {
  CertificateInfo info;
  std::string role;  // the descriptor it was found in: SecurityTokenServiceType, IDPSSODescriptor
};

struct FederationMetadata {
  std::string entity_id;
  std::vector<std::string> passive_endpoints;  // fed:PassiveRequestorEndpoint addresses
  std::vector<std::string> sts_endpoints;      // fed:SecurityTokenServiceEndpoint addresses
  std::vector<std::string> sso_services;       // IDPSSODescriptor SingleSignOnService Location
  std::vector<SigningCertificate> signing;     // distinct token-signing certificates
  std::vector<std::string> problems;           // signing entries that are not certificates
};

// Errors: not XML, not an md:EntityDescriptor, too deep.
Result<FederationMetadata> ParseFederationMetadata(std::string_view body);

// ---- WS-Trust username/password sign-in (usernamemixed) ----

struct WsTrustRequest {
  std::string endpoint;  // https://sts/adfs/services/trust/{2005,13}/usernamemixed
  std::string wstrust;   // "1.3" or "2005"
  std::string username;
  std::string password;
  std::string applies_to = "urn:federation:MicrosoftOnline";
  std::string message_id;  // urn:uuid:...
  std::string created;     // RFC 3339, Timestamp/Created
  std::string expires;     // RFC 3339, Timestamp/Expires
};

// The SOAP 1.2 envelope and the SOAP action for it.
std::string BuildWsTrustRequest(const WsTrustRequest& request);
std::string WsTrustAction(std::string_view wstrust);

struct WsTrustAnswer {
  enum Kind { kToken, kFault } kind = kFault;
  std::string fault_code;    // innermost Subcode/Value (e.g. a:FailedAuthentication)
  std::string fault_reason;  // Reason/Text
  std::string token_type;    // TokenType, when told
  std::string assertion_issuer;
};

// Errors: not XML, not a SOAP envelope, neither a token response nor a fault.
Result<WsTrustAnswer> ParseWsTrustAnswer(std::string_view body);

}  // namespace cxa::protocols
