// Thin RAII and inspection helpers over OpenSSL's X509. Only tests-engine/cert and the transport
// include this file (DESIGN.md: OpenSSL stays in cert/ and transport/).
#pragma once

#include <openssl/x509.h>

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cert/openssl_ptr.h"
#include "core/certificate_info.h"
#include "core/result.h"

namespace cxa::cert {

using Der = std::vector<unsigned char>;

// Splits PEM text into the DER payloads of its CERTIFICATE blocks, in order. Text around the
// blocks (descriptions, `openssl x509 -text` output) is ignored. A file that is a single DER
// certificate is accepted too. Errors: no certificate at all, a damaged PEM block (bad base64,
// missing END line), more than `max_certs` blocks.
Result<std::vector<Der>> SplitPem(std::string_view text, size_t max_certs = 1000);

// Parses DER; nullptr when the bytes are not a certificate OpenSSL can decode.
X509Ptr ParseDer(const Der& der);
Der ToDer(X509* cert);

std::string NameText(const X509_NAME* name);  // RFC 2253
std::string CommonName(X509* cert);           // last CN of the subject, or ""
std::vector<std::string> DnsNames(X509* cert);
std::vector<std::string> IpAddresses(X509* cert);
bool HasSubjectAltName(X509* cert);
std::string AiaCaIssuers(X509* cert);  // first caIssuers URI, or ""
// Revocation pointers (RFC 5280 §4.2.2.1, §4.2.1.13): every OCSP responder URI of the AIA
// extension and every full-name URI of the CRL distribution points, in order, made printable.
std::vector<std::string> OcspUrls(X509* cert);
std::vector<std::string> CrlUrls(X509* cert);
// The TLS Feature extension (RFC 7633) lists status_request: "Must-Staple".
bool MustStaple(X509* cert);
bool IsSelfIssued(X509* cert);  // subject == issuer (and key identifiers agree)
bool IsCa(X509* cert);
std::string KeyDescription(X509* cert);  // "RSA 2048", "EC P-256", "Ed25519"
int KeyBits(X509* cert);
std::string Sha256Hex(X509* cert);
std::string Sha256Hex(const Der& der);  // the same digest, from the DER without parsing it
std::time_t NotBefore(X509* cert);
std::time_t NotAfter(X509* cert);

// Fills everything but source / sent_index / on_path.
CertificateInfo Describe(X509* cert);

// Wildcard-aware DNS name match in the web-PKI sense: a wildcard only as the whole left-most
// label, matching exactly one label. Case-insensitive.
bool DnsNameMatches(std::string_view pattern, std::string_view host);

}  // namespace cxa::cert

namespace cxa::cert {

// Certificates from an AIA caIssuers answer: DER, PKCS#7 (certs-only, DER or PEM) or PEM.
// Returns an empty list when the bytes hold no certificate.
std::vector<Der> ParseIssuerResponse(std::string_view bytes);

}  // namespace cxa::cert

namespace cxa::cert {

// Decodes standard base64 (RFC 4648 §4), ignoring whitespace; nullopt on any other character or
// a bad length. For certificates embedded in XML documents (federation metadata).
std::optional<Der> DecodeBase64(std::string_view text);
std::string EncodeBase64(std::string_view raw);
// Describes a DER certificate for a report; nullopt when it is not a certificate.
std::optional<CertificateInfo> DescribeDer(const Der& der);

}  // namespace cxa::cert
