// Module `tls-rpt`: where the domain asks senders to report TLS failures (RFC 8460): the
// _smtp._tls TXT record through the run's resolver. Without it the operator never hears of
// senders that could not deliver over TLS (MTA-STS, DANE); with a broken one, neither.
#include "core/text.h"
#include "protocols/smtp/mtasts_codec.h"
#include "protocols/smtp/smtp_codec.h"
#include "protocols/smtp/smtp_modules.h"

namespace cxa::protocols {
namespace {

using namespace smtp;

constexpr FindingInfo kMissing{
    "tlsrpt.record.missing",
    Severity::kInfo,
    "No TLS reporting record",
    "The domain publishes no _smtp._tls record: senders that fail to deliver over TLS (MTA-STS, "
    "DANE, certificate problems) have nowhere to report it.",
    "Publish v=TLSRPTv1; rua=mailto:tls-reports@DOMAIN at _smtp._tls.DOMAIN and read the daily "
    "reports (Exchange Online and Google send them).",
    "RFC 8460 §3"};
constexpr FindingInfo kInvalid{
    "tlsrpt.record.invalid",
    Severity::kWarning,
    "TLS reporting record unusable",
    "The _smtp._tls record is not a valid TLS-RPT record (no v=TLSRPTv1, no rua, a rua that is "
    "neither mailto: nor https:, or several records): senders send no reports.",
    "Publish exactly one record: v=TLSRPTv1; rua=mailto:ADDRESS (several URIs separated by "
    "commas).",
    "RFC 8460 §3"};
constexpr FindingInfo kLookupFailed{"tlsrpt.lookup.failed",
                                    Severity::kWarning,
                                    "TLS reporting record lookup failed",
                                    "The resolver could not answer the _smtp._tls TXT question.",
                                    "Check the domain's name servers and DNSSEC signatures.",
                                    "RFC 8460 §3; RFC 1035"};
constexpr FindingInfo kTlsRptFindings[] = {kMissing, kInvalid, kLookupFailed};

constexpr OptionSpec kTlsRptOptions[] = {
    {"domain", OptionType::kString, true, "", "the mail domain"},
};
constexpr FactSpec kTlsRptFacts[] = {
    {"rua", "where reports go (the record's rua URIs)"},
};

class TlsRptStep : public Step {
 public:
  explicit TlsRptStep(std::string domain) : domain_(std::move(domain)) {}

  StepResult Run(StepContext& ctx) override {
    StepResult result;
    result.stage = Stage::kResolve;
    const std::string name = "_smtp._tls." + domain_;
    DnsAnswer txt = ctx.transport.LookupDns(name, DnsType::kTxt, ctx.timeouts);
    if (txt.status == DnsAnswer::Status::kFailed) {
      result.findings.push_back(MakeFinding(kLookupFailed, "the TXT lookup of " + name + " failed",
                                            Printable(txt.error)));
      return result;
    }
    std::vector<std::string> records;
    for (const auto& r : txt.records) {
      if (r.data.rfind("v=TLSRPTv1", 0) == 0) records.push_back(r.data);
    }
    result.stage = Stage::kProtocol;
    if (records.empty()) {
      result.findings.push_back(MakeFinding(kMissing, domain_ + " publishes no TLS-RPT record"));
      return result;
    }
    if (records.size() > 1) {
      result.findings.push_back(MakeFinding(
          kInvalid, name + " has " + std::to_string(records.size()) + " TLS-RPT records"));
      return result;
    }
    auto rua = ParseTlsRptRecord(records.front());
    if (!rua) {
      result.findings.push_back(MakeFinding(kInvalid, name + ": " + rua.error(),
                                            "\"" + Excerpt(records.front(), 120) + "\""));
      return result;
    }
    result.facts["rua"] = Printable(Join(*rua));
    return result;
  }

 private:
  std::string domain_;
};

Result<std::unique_ptr<Step>> CreateTlsRpt(const OptionMap& o) {
  auto domain = DomainOption(o.at("domain"));
  if (!domain) return Fail("option 'domain': " + domain.error());
  if (domain->empty()) return Fail("option 'domain' is empty");
  return std::unique_ptr<Step>(std::make_unique<TlsRptStep>(*domain));
}

}  // namespace

const ModuleDescriptor kTlsRptModule{
    "tls-rpt",
    "The domain's TLS reporting record (RFC 8460)",
    "Looks up the _smtp._tls TXT record: missing is information, an unusable one (no "
    "v=TLSRPTv1, no rua, a rua neither mailto: nor https:, several records) a warning. Facts: "
    "where reports go.",
    kTlsRptOptions,
    kTlsRptFacts,
    kTlsRptFindings,
    CreateTlsRpt,
    /*shareable=*/true,
    /*share_key=*/nullptr,
};

}  // namespace cxa::protocols
