#include "protocols/smtp/smtp_dane.h"

#include "core/text.h"
#include "protocols/smtp/smtp_codec.h"

namespace cxa::protocols::smtp {
namespace {

constexpr size_t kMaxListed = 4;  // TLSA records named in the tlsa fact

}  // namespace

void DaneCheck::Lookup(StepContext& ctx, const std::string& host, int port,
                       std::string_view mx_dnssec, StepResult& result) {
  // An address (an IP literal) has no TLSA base domain.
  if (mx_dnssec == "insecure" || host.empty() || ClassifyMxHost(host) == MxKind::kIpLiteral) {
    result.facts["dane"] = "not applicable";
    return;
  }
  const std::string base = "_" + std::to_string(port) + "._tcp." + host;
  DnsAnswer answer = ctx.transport.LookupDns(base, DnsType::kTlsa, ctx.timeouts);
  if (answer.status == DnsAnswer::Status::kFailed) {
    if (answer.bogus) {
      result.facts["dane"] = "bogus";
      result.facts["tlsrpt_result"] = "dnssec-invalid";
      result.findings.push_back(MakeFinding(kDaneBogus, "the TLSA answer for " + base + " is bogus",
                                            Printable(answer.error)));
    } else if (mx_dnssec == "secure") {
      result.facts["dane"] = "lookup failed";
      result.findings.push_back(MakeFinding(
          kDaneLookupFailed, "the TLSA lookup of " + base + " failed", Printable(answer.error)));
    } else {
      // The operator named the host: whether senders would look its TLSA up depends on its
      // address records' DNSSEC status, which this failure does not tell.
      result.facts["dane"] = "unknown (TLSA lookup failed)";
    }
    return;
  }
  if (answer.status == DnsAnswer::Status::kNoRecords) {
    result.facts["dane"] = "no TLSA";
    if (answer.authenticated) {
      result.findings.push_back(MakeFinding(
          kDaneTlsaMissing, host + " is in a signed zone and has no TLSA record at " + base));
    }
    return;
  }
  std::vector<std::string> listed;
  std::vector<std::string> unusable;
  std::vector<cert::TlsaRecord> usable;
  for (const DnsRecord& r : answer.records) {
    const std::string text = Printable(r.data);
    if (listed.size() < kMaxListed) listed.push_back(Excerpt(text, 90));
    auto record = cert::ParseTlsa(r.data);
    std::string why = record ? cert::TlsaUnusable(*record) : "not a TLSA record";
    if (why.empty()) {
      usable.push_back(std::move(*record));
    } else {
      unusable.push_back(Excerpt(text, 24) + ": " + why);
    }
  }
  if (answer.records.size() > kMaxListed) {
    listed.push_back("+" + std::to_string(answer.records.size() - kMaxListed) + " more");
  }
  result.facts["tlsa"] = Join(listed, "; ");
  if (!answer.authenticated) {
    result.facts["dane"] = "not signed";
    result.findings.push_back(
        MakeFinding(kDaneInsecure, base + " has TLSA records the resolver did not validate"));
    return;
  }
  if (usable.empty()) {
    result.facts["dane"] = "no usable TLSA";
    result.findings.push_back(
        MakeFinding(kDaneUnusable, "none of the TLSA records at " + base + " is usable for SMTP",
                    Join(unusable, "; ")));
    return;
  }
  result.facts["dane"] = "not verified";  // until Verify sees the chain
  usable_ = std::move(usable);
}

void DaneCheck::Verify(const std::vector<cert::Der>& chain, std::string_view name, std::time_t now,
                       StepResult& result) const {
  if (!required()) return;
  cert::DaneMatch match = cert::MatchTlsa(usable_, chain, name, now);
  if (match.matched) {
    result.facts["dane"] = "verified";
    result.facts["dane_match"] = match.record;
    return;
  }
  result.facts["dane"] = "mismatch";
  result.facts["tlsrpt_result"] = "tlsa-invalid";
  result.findings.push_back(MakeFinding(
      kDaneMismatch, "the certificate of " + std::string(name) + " matches no TLSA record",
      match.reason));
}

}  // namespace cxa::protocols::smtp
