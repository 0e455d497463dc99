// DANE for SMTP (RFC 7672, RFC 7671, RFC 6698): TLSA records read from their presentation form
// and matched against the chain a server presented. Pure functions: the lookup, its DNSSEC
// status and what a mismatch means for mail belong to the caller (protocols/smtp).
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cert/x509.h"

namespace cxa::cert {

// One TLSA record: certificate usage, selector, matching type, association data.
struct TlsaRecord {
  int usage = 0;     // 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE
  int selector = 0;  // 0 the whole certificate, 1 its SubjectPublicKeyInfo
  int matching = 0;  // 0 exact, 1 SHA-256, 2 SHA-512
  std::vector<unsigned char> data;
  std::string Params() const;  // "3 1 1"
};

// Parses "3 1 1 0a1b…" (hex in any case, spaces inside the data allowed); nullopt when it is not
// a TLSA record's presentation form.
std::optional<TlsaRecord> ParseTlsa(std::string_view text);

// Why SMTP clients ignore `record` ("" when they use it): usages 0 and 1 (PKIX-TA, PKIX-EE) are
// unusable for SMTP (RFC 7672 §3.1.3), as are unknown selectors and matching types and data of
// the wrong length for its digest.
std::string TlsaUnusable(const TlsaRecord& record);

struct DaneMatch {
  bool matched = false;
  std::string record;  // the record that matched ("3 1 1"), when matched
  // When not matched: why no record fits, for the finding's detail.
  std::string reason;
};

// Matches the usable records against `chain` (as the server sent it, leaf first), as an SMTP
// client does: DANE-EE (3) compares the leaf alone, neither its names nor its dates matter
// (RFC 7672 §3.1.1); DANE-TA (2) compares a certificate the server sent above the leaf, and the
// leaf must then chain up to it by signature, be valid at `now` and cover `name` (§3.1.2).
DaneMatch MatchTlsa(const std::vector<TlsaRecord>& records, const std::vector<Der>& chain,
                    std::string_view name, std::time_t now);

}  // namespace cxa::cert
