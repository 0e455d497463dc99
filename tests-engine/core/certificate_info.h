// Plain-data summary of one X.509 certificate, as shown in reports. Filled by the certificate
// evaluator (tests-engine/cert); kept here so reports and steps need no OpenSSL.
#pragma once

#include <string>
#include <vector>

namespace cxa {

struct CertificateInfo {
  std::string subject;     // RFC 2253
  std::string issuer;      // RFC 2253
  std::string serial;      // hex
  std::string sha256;      // hex fingerprint of the DER
  std::string not_before;  // RFC 3339, UTC
  std::string not_after;   // RFC 3339, UTC
  std::string key;         // "RSA 2048", "EC P-256", ...
  std::string signature_algorithm;
  std::vector<std::string> dns_names;  // subjectAltName dNSName entries
  std::vector<std::string> ip_addresses;
  std::string aia_ca_issuers;  // first caIssuers URL, if any
  bool is_ca = false;
  bool self_signed = false;
  // Where the certificate came from: "sent" (by the server, in this position: sent_index),
  // "anchor" (the trust store), "aia" (fetched from a caIssuers URL, not sent by the server),
  // "supplied" (an intermediate the operator gave, cxa cert --untrusted).
  std::string source;
  int sent_index = -1;
  bool on_path = true;  // false for sent certificates the validated path did not use
};

// The outcome of one certificate evaluation, in report form.
struct CertificateSummary {
  bool trusted = false;
  std::string host;                           // the name or address checked
  std::string verification_time;              // RFC 3339
  std::vector<CertificateInfo> certificates;  // the path leaf first, then unused sent certs
};

}  // namespace cxa
