// Module `mta-sts`: the domain's MTA-STS policy (RFC 8461) as a sending server reads it. The
// _mta-sts TXT record through the run's resolver; the policy from
// https://mta-sts.DOMAIN/.well-known/mta-sts.txt through the transport under the step's trust
// (strict public trust in the smtp scenario: the policy host's certificate must be publicly
// trusted), no redirect followed, text/plain, 64 KB at most; every field validated; each MX
// matched against the policy's mx patterns. RFC 8460 result types as the fact tlsrpt_result.
#include "core/text.h"
#include "protocols/smtp/mtasts_codec.h"
#include "protocols/smtp/smtp_codec.h"
#include "protocols/smtp/smtp_modules.h"
#include "transport/connection_report.h"

namespace cxa::protocols {
namespace {

using namespace smtp;

constexpr size_t kMaxPolicyBytes = 64 * 1024;

constexpr FindingInfo kRecordMissing{
    "mtasts.record.missing",
    Severity::kInfo,
    "No MTA-STS policy",
    "The domain publishes no _mta-sts record: senders deliver with whatever TLS the MX offers, "
    "or without TLS, and an attacker on the path can strip STARTTLS unnoticed.",
    "Consider publishing an MTA-STS policy (a TXT record at _mta-sts.DOMAIN and the policy file "
    "at https://mta-sts.DOMAIN/.well-known/mta-sts.txt), starting in mode testing.",
    "RFC 8461 §3.1"};
constexpr FindingInfo kRecordInvalid{
    "mtasts.record.invalid",
    Severity::kError,
    "MTA-STS record unusable",
    "The _mta-sts record starts with v=STSv1 but is not valid (a missing or malformed id). "
    "Senders treat the domain as having no policy, so the policy it means to publish is not "
    "applied, and a changed id is never noticed.",
    "Publish exactly one record: v=STSv1; id=<1 to 32 letters and digits>; change the id "
    "whenever the policy changes.",
    "RFC 8461 §3.1"};
constexpr FindingInfo kRecordMultiple{
    "mtasts.record.multiple",
    Severity::kError,
    "More than one MTA-STS record",
    "Several TXT records at _mta-sts start with v=STSv1: senders then ignore them all.",
    "Keep exactly one v=STSv1 record.",
    "RFC 8461 §3.1"};
constexpr FindingInfo kLookupFailed{
    "mtasts.lookup.failed",
    Severity::kError,
    "MTA-STS record lookup failed",
    "The resolver could not answer the _mta-sts TXT question, so senders cannot tell whether "
    "the domain has a policy.",
    "Check the domain's name servers and DNSSEC signatures.",
    "RFC 8461 §3.1; RFC 1035"};
constexpr FindingInfo kFetchFailed{
    "mtasts.policy.fetch_failed",
    Severity::kError,
    "MTA-STS policy not fetched",
    "The record announces a policy, but https://mta-sts.DOMAIN/.well-known/mta-sts.txt did not "
    "answer 200 with a policy. Senders that cached an earlier policy keep applying it; new "
    "senders deliver as if there were none. TLS report result: sts-policy-fetch-error.",
    "Serve the policy file at that URL over HTTPS with a publicly trusted certificate for "
    "mta-sts.DOMAIN.",
    "RFC 8461 §3.3; RFC 8460 §4.3 (sts-policy-fetch-error)"};
constexpr FindingInfo kRedirect{
    "mtasts.policy.redirect",
    Severity::kError,
    "MTA-STS policy behind a redirect",
    "The policy URL answers with a redirect. Senders do not follow redirects for MTA-STS, so "
    "they find no policy. TLS report result: sts-policy-fetch-error.",
    "Serve the file itself at https://mta-sts.DOMAIN/.well-known/mta-sts.txt.",
    "RFC 8461 §3.3"};
constexpr FindingInfo kContentType{
    "mtasts.policy.bad_content_type",
    Severity::kWarning,
    "MTA-STS policy not served as text/plain",
    "The policy is served with another media type than text/plain; senders should refuse it.",
    "Serve the file with Content-Type: text/plain.",
    "RFC 8461 §3.2"};
constexpr FindingInfo kPolicyInvalid{
    "mtasts.policy.invalid",
    Severity::kError,
    "MTA-STS policy invalid",
    "The policy file cannot be used (no version STSv1, an unknown mode, no mx line, a missing or "
    "too large max_age): senders treat the domain as having no policy. TLS report result: "
    "sts-policy-invalid.",
    "Correct the file: version: STSv1, mode: enforce|testing|none, one mx: line per MX host or "
    "pattern, max_age: up to 31557600.",
    "RFC 8461 §3.2; RFC 8460 §4.3 (sts-policy-invalid)"};
constexpr FindingInfo kModeTesting{
    "mtasts.policy.mode_testing",
    Severity::kInfo,
    "MTA-STS in testing mode",
    "Senders apply the policy only to report failures (TLS-RPT); they deliver anyway.",
    "When the TLS reports show no failures, switch to mode: enforce.",
    "RFC 8461 §5"};
constexpr FindingInfo kModeNone{
    "mtasts.policy.mode_none",
    Severity::kInfo,
    "MTA-STS policy withdrawn (mode none)",
    "The policy says mode none: senders forget any cached policy for the domain.",
    "Nothing to change if the policy is being retired.",
    "RFC 8461 §5"};
constexpr FindingInfo kNotCovered{
    "mtasts.mx.not_covered",
    Severity::kError,
    "An MX is not covered by the MTA-STS policy",
    "An MX host matches no mx: pattern of the policy. Under mode enforce, senders that apply "
    "MTA-STS do not deliver to it; when it is the only MX, mail to the domain stops (a new MX "
    "after a migration, e.g. Exchange Online's *.mx.microsoft after DNSSEC was enabled, is the "
    "usual cause).",
    "Add an mx: line for the host (or a *.parent pattern), change the id in the _mta-sts record "
    "so senders fetch the policy again, or use mode: testing during the change.",
    "RFC 8461 §4.1 (MX host validation)"};

constexpr FindingInfo kMtaStsFindings[] = {
    kRecordMissing, kRecordInvalid, kRecordMultiple, kLookupFailed, kFetchFailed, kRedirect,
    kContentType,   kPolicyInvalid, kModeTesting,    kModeNone,     kNotCovered};

constexpr OptionSpec kMtaStsOptions[] = {
    {"domain", OptionType::kString, true, "", "the mail domain"},
    {"hosts", OptionType::kString, false, "",
     "its MX hosts, separated by spaces (the mx step's hosts), to match against the policy"},
};
constexpr FactSpec kMtaStsFacts[] = {
    {"id", "the id of the _mta-sts record"},
    {"mode", "the policy's mode: enforce, testing or none"},
    {"max_age", "how long senders cache the policy (seconds)"},
    {"mx_patterns", "the policy's mx patterns"},
    {"policy_url", "where the policy was fetched"},
    {"tlsrpt_result", "the TLS report result type (RFC 8460) a sender would report, if any"},
};

class MtaStsStep : public Step {
 public:
  MtaStsStep(std::string domain, std::vector<std::string> hosts)
      : domain_(std::move(domain)), hosts_(std::move(hosts)) {}

  StepResult Run(StepContext& ctx) override {
    StepResult result;
    result.stage = Stage::kResolve;
    DnsAnswer txt = ctx.transport.LookupDns("_mta-sts." + domain_, DnsType::kTxt, ctx.timeouts);
    if (txt.status == DnsAnswer::Status::kFailed) {
      result.findings.push_back(MakeFinding(kLookupFailed,
                                            "the TXT lookup of _mta-sts." + domain_ + " failed",
                                            Printable(txt.error)));
      return result;
    }
    std::vector<std::string> strings;
    for (const auto& r : txt.records) strings.push_back(r.data);
    StsRecordResult record = ParseStsRecord(strings);
    switch (record.status) {
      case StsRecordStatus::kNone:
        result.findings.push_back(
            MakeFinding(kRecordMissing, domain_ + " publishes no MTA-STS record"));
        return result;
      case StsRecordStatus::kMultiple:
        result.findings.push_back(
            MakeFinding(kRecordMultiple, "_mta-sts." + domain_ + ": " + record.problem));
        return result;
      case StsRecordStatus::kInvalid:
        result.findings.push_back(
            MakeFinding(kRecordInvalid, "_mta-sts." + domain_ + ": " + record.problem));
        return result;
      case StsRecordStatus::kFound:
        result.facts["id"] = record.record.id;
        break;
    }

    const std::string url = "https://mta-sts." + domain_ + "/.well-known/mta-sts.txt";
    result.facts["policy_url"] = url;
    HttpRequest req = StepRequest(ctx, url);
    req.limits.max_body_bytes = kMaxPolicyBytes;
    HttpExchange ex = ctx.transport.Perform(req);
    if (!ReportConnection(ex, ctx.now, result)) {
      const bool webpki = ex.tls && ex.tls->report && !ex.tls->report->trusted;
      result.facts["tlsrpt_result"] = webpki ? "sts-webpki-invalid" : "sts-policy-fetch-error";
      return result;
    }
    result.stage = Stage::kHttp;
    const HttpResponse& res = *ex.response;
    if (res.status >= 300 && res.status < 400) {
      result.facts["tlsrpt_result"] = "sts-policy-fetch-error";
      result.findings.push_back(
          MakeFinding(kRedirect, url + " answers " + res.StatusLine(),
                      "Location: " + Printable(res.Header("Location").value_or("(none)"))));
      return result;
    }
    if (res.status != 200) {
      result.facts["tlsrpt_result"] = "sts-policy-fetch-error";
      result.findings.push_back(MakeFinding(kFetchFailed, url + " answers " + res.StatusLine()));
      return result;
    }
    std::string type = ToLower(res.Header("Content-Type").value_or(""));
    if (type.rfind("text/plain", 0) != 0) {
      result.findings.push_back(MakeFinding(
          kContentType, "the policy is served as " + (type.empty() ? "no type" : Printable(type))));
    }
    result.stage = Stage::kProtocol;
    auto policy = ParseStsPolicy(res.body);
    if (!policy) {
      result.facts["tlsrpt_result"] = "sts-policy-invalid";
      result.findings.push_back(
          MakeFinding(kPolicyInvalid, "the policy at " + url + " is invalid: " + policy.error()));
      return result;
    }
    result.facts["mode"] = policy->mode;
    result.facts["max_age"] = std::to_string(policy->max_age);
    const std::string patterns = Printable(Join(policy->mx));
    result.facts["mx_patterns"] = patterns;
    if (policy->mode == "none") {
      result.findings.push_back(MakeFinding(kModeNone, domain_ + "'s policy is mode none"));
      return result;
    }
    if (policy->mode == "testing") {
      result.findings.push_back(MakeFinding(kModeTesting, domain_ + "'s policy is mode testing"));
    }
    for (const auto& host : hosts_) {
      bool covered = false;
      for (const auto& p : policy->mx) covered = covered || StsMxMatches(p, host);
      if (covered) continue;
      Finding f = MakeFinding(kNotCovered, "the MX " + Printable(host) +
                                               " matches no mx pattern of the policy (" +
                                               (patterns.empty() ? "none" : patterns) + ")");
      if (policy->mode == "testing") f.severity = Severity::kWarning;
      result.findings.push_back(std::move(f));
    }
    return result;
  }

 private:
  std::string domain_;
  std::vector<std::string> hosts_;
};

Result<std::unique_ptr<Step>> CreateMtaSts(const OptionMap& o) {
  auto domain = DomainOption(o.at("domain"));
  if (!domain) return Fail("option 'domain': " + domain.error());
  if (domain->empty()) return Fail("option 'domain' is empty");
  std::vector<std::string> hosts = Split(o.count("hosts") ? o.at("hosts") : "", ' ');
  return std::unique_ptr<Step>(std::make_unique<MtaStsStep>(*domain, std::move(hosts)));
}

}  // namespace

const ModuleDescriptor kMtaStsModule{
    "mta-sts",
    "The domain's MTA-STS policy (RFC 8461)",
    "Looks up the _mta-sts TXT record (missing is information; invalid or several is an error), "
    "fetches the policy from https://mta-sts.DOMAIN/.well-known/mta-sts.txt under the step's "
    "trust (no redirect followed, text/plain, 64 KB at most), validates every field, and matches "
    "each MX host against the policy's mx patterns: an MX not covered under mode enforce stops "
    "mail from senders that apply MTA-STS.",
    kMtaStsOptions,
    kMtaStsFacts,
    kMtaStsFindings,
    CreateMtaSts,
    /*shareable=*/true,
    /*share_key=*/nullptr,
};

}  // namespace cxa::protocols
