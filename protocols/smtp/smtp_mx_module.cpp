// Module `smtp-mx`: where a domain's mail goes. Looks up the domain's MX records (through the
// transport's resolver: recorded, replayed, aimed at a lab with --dns-server), orders them by
// preference and says what each host is: a name senders can reach, an IP literal, an internal
// name, or Exchange Online's own inbound service. Exports the hosts for the per-MX steps.
#include "core/text.h"
#include "protocols/smtp/smtp_codec.h"
#include "protocols/smtp/smtp_modules.h"

namespace cxa::protocols {
namespace {

using namespace smtp;

// The per-MX steps of the smtp scenario: how many MX hosts are tested.
constexpr size_t kTestedHosts = 5;

constexpr FindingInfo kNone{
    "smtp.mx.none",
    Severity::kError,
    "No MX records",
    "The domain has no MX records. Senders then try the domain's own address (the implicit MX of "
    "RFC 5321 §5.1), which rarely runs a mail server: mail to the domain fails or goes astray.",
    "Publish MX records at the DNS host: for Exchange Online, the value the Microsoft 365 admin "
    "center shows (<domain-key>.mail.protection.outlook.com); on premises, the public name of "
    "the Internet-facing transport server.",
    "RFC 5321 §5.1 (locating the target host); Remote Connectivity Analyzer: No MX Records were "
    "Found for the Specified SMTP Domain"};
constexpr FindingInfo kNull{
    "smtp.mx.null",
    Severity::kError,
    "The domain accepts no mail (null MX)",
    "The domain publishes the null MX (\"0 .\"): it declares that it receives no mail at all.",
    "If the domain should receive mail, replace the null MX with real MX records.",
    "RFC 7505"};
constexpr FindingInfo kLookupFailed{
    "smtp.mx.lookup_failed",
    Severity::kError,
    "MX lookup failed",
    "The resolver could not answer the MX question (a timeout, SERVFAIL, a broken delegation or "
    "a DNSSEC validation failure). Senders defer mail while this lasts.",
    "Check the domain's name servers and delegation (a delegated sub-zone must answer with its "
    "own SOA), and DNSSEC signatures if the zone is signed.",
    "RFC 1035; RFC 5321 §5.1 (locating the target host)"};
constexpr FindingInfo kMalformed{"smtp.mx.malformed",
                                 Severity::kError,
                                 "Unusable MX record",
                                 "An MX record is not a preference and a host name.",
                                 "Correct the record at the DNS host.",
                                 "RFC 1035"};
constexpr FindingInfo kIpLiteral{
    "smtp.mx.ip_literal",
    Severity::kError,
    "MX points at an IP address",
    "An MX record names an IP address where a host name belongs. Senders look the value up as a "
    "name and fail.",
    "Publish an A (and AAAA) record for a host name and point the MX at that name.",
    "RFC 5321 §5.1 (locating the target host)"};
constexpr FindingInfo kInternal{
    "smtp.mx.internal_name",
    Severity::kError,
    "MX points at an internal name",
    "An MX record names a host under a private or unqualified name (a single label, .local, "
    ".lan, .internal, .corp, .home.arpa): no sender on the Internet can reach it.",
    "Point the MX at the public name of the Internet-facing mail server.",
    "RFC 5321 §5.1 (locating the target host); RFC 6762 (.local)"};
constexpr FindingInfo kExchangeOnline{
    "smtp.mx.exchange_online",
    Severity::kInfo,
    "Mail goes to Exchange Online",
    "This MX is Exchange Online's inbound service: Microsoft runs that hop and its certificate. "
    "The organisation's own servers appear only behind it (the hybrid connector's smarthost, "
    "tested with the host input).",
    "Nothing to change; test the on-premises endpoint that Exchange Online's outbound connector "
    "sends to with the host input.",
    "Exchange Online TLS for mail; Exchange hybrid certificate requirements"};
constexpr FindingInfo kMoreThanTested{
    "smtp.mx.not_all_tested",
    Severity::kInfo,
    "Only the first MX hosts are tested",
    "The domain has more MX hosts than the scenario tests; the ones with the highest preference "
    "values (the last resorts) were not tested.",
    "Test the others with the host input.",
    "RFC 5321 §5.1 (locating the target host)"};

constexpr FindingInfo kMxFindings[] = {kNone,      kNull,     kLookupFailed,   kMalformed,
                                       kIpLiteral, kInternal, kExchangeOnline, kMoreThanTested};

constexpr OptionSpec kMxOptions[] = {
    {"domain", OptionType::kString, false, "", "the mail domain whose MX records to look up"},
    {"host", OptionType::kString, false, "",
     "instead of the lookup: the one mail server to test (a smarthost, the hybrid organization "
     "FQDN)"},
};
constexpr FactSpec kMxFacts[] = {
    {"domain", "the domain whose MX records were looked up (none when a host was given)"},
    {"count", "how many MX records the domain has"},
    {"hosts", "the MX hosts in preference order"},
    {"host1", "the most preferred MX host"},
    {"host2", "the second MX host"},
    {"host3", "the third MX host"},
    {"host4", "the fourth MX host"},
    {"host5", "the fifth MX host"},
    {"dnssec",
     "secure when the resolver validated the answer (its AD bit), bogus when it failed "
     "validation, else insecure"},
    {"exchange_online", "true when an MX is Exchange Online's inbound service"},
};

class MxStep : public Step {
 public:
  MxStep(std::string domain, std::string host)
      : domain_(std::move(domain)), host_(std::move(host)) {}

  StepResult Run(StepContext& ctx) override {
    StepResult result;
    if (!host_.empty()) {
      result.facts["count"] = "1";
      result.facts["hosts"] = host_;
      result.facts["host1"] = host_;
      (void)Classify(host_, result);  // the operator named it: test it whatever it is
      return result;
    }
    result.facts["domain"] = domain_;
    result.stage = Stage::kResolve;
    DnsAnswer answer = ctx.transport.LookupDns(domain_, DnsType::kMx, ctx.timeouts);
    result.timings = answer.timings;
    if (answer.status == DnsAnswer::Status::kFailed) {
      if (answer.bogus) result.facts["dnssec"] = "bogus";
      result.findings.push_back(MakeFinding(
          kLookupFailed, "the MX lookup of " + domain_ + " failed", Printable(answer.error)));
      return result;
    }
    result.facts["dnssec"] = answer.authenticated ? "secure" : "insecure";
    auto records = MxRecordsOf(answer);
    if (!records) {
      result.findings.push_back(MakeFinding(kMalformed, domain_ + " has an unusable MX record",
                                            Printable(records.error())));
      return result;
    }
    result.facts["count"] = std::to_string(records->size());
    if (records->empty()) {
      result.findings.push_back(MakeFinding(
          kNone, domain_ + (answer.nxdomain ? " does not exist" : " has no MX records")));
      return result;
    }
    result.stage = Stage::kProtocol;
    if (records->size() == 1 && records->front().host.empty()) {
      result.findings.push_back(MakeFinding(kNull, domain_ + " publishes the null MX"));
      return result;
    }
    // Hosts no sender on the Internet can reach (an address where a name belongs, an internal
    // name) are reported and not connected to: a sender fails at their name already.
    std::vector<std::string> hosts;
    size_t tested = 0;
    for (const MxRecord& mx : *records) {
      const std::string& host = hosts.emplace_back(Printable(mx.host));
      if (!Classify(host, result)) continue;
      if (++tested <= kTestedHosts) result.facts["host" + std::to_string(tested)] = host;
    }
    result.facts["hosts"] = Join(hosts);
    if (tested > kTestedHosts) {
      result.findings.push_back(
          MakeFinding(kMoreThanTested, domain_ + " has " + std::to_string(tested) +
                                           " reachable MX hosts; the first " +
                                           std::to_string(kTestedHosts) + " are tested"));
    }
    return result;
  }

 private:
  // Adds what `host` is to the result; false for a host senders cannot reach by its name.
  static bool Classify(const std::string& host, StepResult& result) {
    switch (ClassifyMxHost(host)) {
      case MxKind::kIpLiteral:
        result.findings.push_back(MakeFinding(kIpLiteral, "the MX " + host + " is an IP address"));
        return false;
      case MxKind::kInternal:
        result.findings.push_back(
            MakeFinding(kInternal, "the MX " + host + " is not a public name"));
        return false;
      case MxKind::kExchangeOnline:
        result.facts["exchange_online"] = "true";
        result.findings.push_back(
            MakeFinding(kExchangeOnline, host + " is Exchange Online's inbound service"));
        return true;
      case MxKind::kPublic:
        return true;
    }
    return true;
  }

  std::string domain_;
  std::string host_;
};

Result<std::unique_ptr<Step>> CreateMx(const OptionMap& o) {
  auto domain = DomainOption(o.at("domain"));
  if (!domain) return Fail("option 'domain': " + domain.error());
  auto host = DomainOption(o.at("host"));
  if (!host) return Fail("option 'host': " + host.error());
  if (domain->empty() && host->empty()) return Fail("give a domain or a host");
  return std::unique_ptr<Step>(std::make_unique<MxStep>(*domain, *host));
}

}  // namespace

const ModuleDescriptor kSmtpMxModule{
    "smtp-mx",
    "Where a domain's mail goes: its MX records",
    "Looks up the domain's MX records through the run's resolver (--dns-server in labs), orders "
    "them by preference and exports up to five hosts for the per-MX steps. An MX that is an IP "
    "address or an internal name is an error; Exchange Online's inbound service is recognised "
    "and said so. With the host option, tests that one server instead (no lookup).",
    kMxOptions,
    kMxFacts,
    kMxFindings,
    CreateMx,
    /*shareable=*/true,
    /*share_key=*/nullptr,
};

}  // namespace cxa::protocols
