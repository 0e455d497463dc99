// DANE for one mail server, as a DANE-aware sender sees it (RFC 7672): the TLSA records at
// _PORT._tcp.HOST, used only when the resolver validated them (and the MX records that named the
// host) with DNSSEC, then matched against the chain the server presents after STARTTLS. Part of
// the smtp module: the match needs that session's chain.
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "cert/dane.h"
#include "core/module.h"

namespace cxa::protocols::smtp {

inline constexpr FindingInfo kDaneTlsaMissing{
    "dane.tlsa.missing",
    Severity::kInfo,
    "No TLSA record for a host in a signed zone",
    "The host's zone is signed with DNSSEC but publishes no TLSA record for its SMTP port: "
    "DANE-aware senders (Exchange Online, Postfix, Google) encrypt opportunistically and do not "
    "authenticate the server, so an attacker on the path could present any certificate.",
    "Publish a TLSA record for the host, e.g. 3 1 1 with the SHA-256 digest of the server's "
    "public key, or 2 1 1 for the issuing CA's key; update it before the key changes.",
    "RFC 7672 §2.2; RFC 7671 §5; Enable-SmtpDaneInbound"};
inline constexpr FindingInfo kDaneInsecure{
    "dane.dnssec.insecure",
    Severity::kWarning,
    "TLSA records that senders ignore (no DNSSEC)",
    "The host publishes TLSA records, but the resolver did not validate them with DNSSEC, or the "
    "MX records that name the host are not signed: senders use TLSA records only from a signed "
    "chain of answers, so these protect nothing.",
    "Sign the zones of the domain and of the MX host (DNSSEC with a DS record at the parent), or "
    "remove the TLSA records.",
    "RFC 7672 §2.1; RFC 7672 §2.2.1"};
inline constexpr FindingInfo kDaneBogus{
    "dane.dnssec.bogus",
    Severity::kError,
    "TLSA answer fails DNSSEC validation",
    "The validating resolver refuses the TLSA answer: its signatures do not verify (expired, "
    "made with a key the parent does not vouch for, or the records changed after signing). "
    "DANE-aware senders defer mail to this host. TLS report result: dnssec-invalid.",
    "Re-sign the zone and check the DS record at the parent and the signature validity.",
    "RFC 7672 §2.2; RFC 4035 §5.5; RFC 8460 §4.3 (dnssec-invalid)"};
inline constexpr FindingInfo kDaneLookupFailed{
    "dane.tlsa.lookup_failed",
    Severity::kError,
    "TLSA lookup failed",
    "The MX records are signed, but the TLSA question for the host got no answer (a timeout or a "
    "server failure that is not a DNSSEC one). DANE-aware senders cannot tell whether the host "
    "requires DANE and defer mail to it.",
    "Make the host's name servers answer TLSA questions (NOERROR with no records when there are "
    "none); some old DNS servers and firewalls drop unknown record types.",
    "RFC 7672 §2.2"};
inline constexpr FindingInfo kDaneUnusable{
    "dane.tlsa.unusable_usage",
    Severity::kWarning,
    "No TLSA record senders can use",
    "Every TLSA record of the host is unusable for SMTP: usages 0 (PKIX-TA) and 1 (PKIX-EE) are "
    "not used for mail, and unknown selectors, matching types or digests of the wrong length "
    "are ignored. Senders encrypt but do not authenticate the server.",
    "Publish 3 1 1 (the server's public key) or 2 1 1 (the issuing CA's public key) records "
    "instead.",
    "RFC 7672 §3.1.3; RFC 7672 §3.1"};
inline constexpr FindingInfo kDaneMismatch{
    "dane.tlsa.mismatch",
    Severity::kError,
    "The certificate does not match the TLSA records",
    "The host has DNSSEC-validated TLSA records, but none matches the certificate chain the "
    "server presented: DANE-aware senders (Exchange Online among them) refuse to deliver. "
    "Typical cause: a renewed certificate or key whose TLSA record was not updated first. TLS "
    "report result: tlsa-invalid.",
    "Publish a TLSA record for the new key alongside the old one before changing the "
    "certificate (3 1 1 of the current key), or serve the certificate the records describe.",
    "RFC 7672 §3.1; RFC 7671 §8.1; RFC 8460 §4.3 (tlsa-invalid)"};

// For the module's catalogue.
inline constexpr FindingInfo kDaneFindings[] = {kDaneTlsaMissing,  kDaneInsecure, kDaneBogus,
                                                kDaneLookupFailed, kDaneUnusable, kDaneMismatch};

class DaneCheck {
 public:
  // Looks up the TLSA records of _PORT._tcp.HOST unless `mx_dnssec` is "insecure" (the MX
  // records that named the host are not signed: senders do not use DANE for it); "" means the
  // operator named the host. Adds the facts dane and tlsa and the findings of the lookup.
  void Lookup(StepContext& ctx, const std::string& host, int port, std::string_view mx_dnssec,
              StepResult& result);
  // Whether senders require the server's chain to match TLSA records (usable, validated ones).
  bool required() const { return !usable_.empty(); }
  // Matches `chain` (leaf first) for `name`; adds the facts dane and dane_match, or the
  // mismatch finding. Only when required().
  void Verify(const std::vector<cert::Der>& chain, std::string_view name, std::time_t now,
              StepResult& result) const;

 private:
  std::vector<cert::TlsaRecord> usable_;
};

}  // namespace cxa::protocols::smtp
