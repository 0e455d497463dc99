// Module `adfs-metadata`: the federation metadata and the expiry of its token-signing
// certificates (protocols.md §1.3 SSO-7).
#include "protocols/adfs/adfs_common.h"
#include "protocols/adfs/adfs_modules.h"

namespace cxa::protocols {
namespace {

using namespace adfs;

constexpr FindingInfo kMetadataUnreachable{
    "adfs.metadata.unreachable",
    Severity::kError,
    "Federation metadata unreachable",
    "The federation metadata document (/FederationMetadata/2007-06/FederationMetadata.xml) "
    "could not be fetched. Microsoft 365 tooling and partners read the token-signing "
    "certificates from it; a 503 usually means the AD FS service or its proxy is stopped.",
    "Check the AD FS service and the Web Application Proxy; the metadata endpoint must be "
    "enabled and published (Get-AdfsEndpoint -AddressPath /FederationMetadata/2007-06/"
    "FederationMetadata.xml).",
    "WS-Federation 1.2 §3.1 (federation metadata); Remote Connectivity Analyzer: Active Directory "
    "Federated Services (AD FS) server is down or unreachable"};
constexpr FindingInfo kMetadataMalformed{
    "adfs.metadata.malformed",
    Severity::kError,
    "Federation metadata is not usable",
    "The federation metadata URL answered with something that is not SAML metadata, or with "
    "metadata that carries no usable token-signing certificate.",
    "Make sure the URL reaches AD FS itself and that the proxy passes it through unchanged; "
    "Get-AdfsCertificate -CertificateType Token-Signing shows the certificates it should list.",
    "WS-Federation 1.2 §3.1 (federation metadata)"};
constexpr FindingInfo kTokenSigningExpired{
    "adfs.token_signing.expired",
    Severity::kError,
    "Token-signing certificate expired",
    "A token-signing certificate published in the federation metadata has expired. When it is "
    "the one AD FS signs with, Microsoft 365 rejects every token: federated users cannot sign in "
    "at all. This typically happens when automatic certificate rollover renewed the certificate "
    "on AD FS but Microsoft 365 was never told, or when rollover is disabled.",
    "Renew the token-signing certificate on AD FS (Update-AdfsCertificate -CertificateType "
    "Token-Signing, or add a new one and make it primary), then update the federation trust in "
    "Microsoft 365 for every federated domain (Update-MgDomainFederationConfiguration, or the "
    "older Update-MsolFederatedDomain).",
    "Remote Connectivity Analyzer: Token Signing Certificate Expired; Microsoft Entra: renew "
    "federation certificates"};
constexpr FindingInfo kTokenSigningExpiring{
    "adfs.token_signing.expiring_soon",
    Severity::kWarning,
    "Token-signing certificate expires soon",
    "A token-signing certificate published in the federation metadata expires within the "
    "warning window and no successor is published yet. Once it expires, Microsoft 365 rejects "
    "the tokens it signed.",
    "Let automatic rollover create the successor (Get-AdfsProperties: AutoCertificateRollover) "
    "or add one by hand, and make sure Microsoft 365 receives the new certificate (the "
    "federation trust must be updated for every federated domain).",
    "Microsoft Entra: renew federation certificates; Remote Connectivity Analyzer: Token Signing "
    "Certificate Expired"};
constexpr FindingInfo kMetadataFindings[] = {kMetadataUnreachable, kMetadataMalformed,
                                             kTokenSigningExpired, kTokenSigningExpiring};

constexpr OptionSpec kMetadataOptions[] = {
    {"host", OptionType::kString, true, "", "the federation service host (sts.contoso.com)"},
    {"port", OptionType::kPort, false, "443", "its TCP port"},
    {"path", OptionType::kString, false, "/FederationMetadata/2007-06/FederationMetadata.xml",
     "path of the federation metadata"},
    {"warn_days", OptionType::kInt, false, "30",
     "warn when a token-signing certificate expires within this many days"},
};
constexpr FactSpec kMetadataFacts[] = {
    {"entity_id", "the federation service identifier"},
    {"passive_endpoint", "the passive (browser) sign-in endpoint"},
    {"token_signing_count", "token-signing certificates published"},
    {"token_signing_subject", "subject of the token-signing certificate valid longest"},
    {"token_signing_not_after", "when the last valid token-signing certificate expires"},
    {"token_signing_days_left", "days until then (negative: all expired)"},
};

class MetadataStep : public Step {
 public:
  MetadataStep(std::string url, int warn_days) : url_(std::move(url)), warn_days_(warn_days) {}

  StepResult Run(StepContext& ctx) override {
    StepResult result;
    const std::string& url = url_;
    auto body = FetchDocument(ctx, url, kMetadataUnreachable, "the federation metadata", result);
    if (!body) return result;
    auto md = ParseFederationMetadata(*body);
    if (!md) {
      result.findings.push_back(MakeFinding(kMetadataMalformed, url + " is not federation metadata",
                                            md.error() + " (" + Excerpt(*body) + ")"));
      return result;
    }
    if (!md->entity_id.empty()) result.facts["entity_id"] = md->entity_id;
    if (!md->passive_endpoints.empty()) result.facts["passive_endpoint"] = md->passive_endpoints[0];
    result.facts["token_signing_count"] = std::to_string(md->signing.size());
    for (const auto& p : md->problems) {
      Finding f = MakeFinding(kMetadataMalformed, p, url);
      if (!md->signing.empty()) f.severity = Severity::kWarning;
      result.findings.push_back(f);
    }
    if (md->signing.empty()) {
      if (md->problems.empty()) {
        result.findings.push_back(MakeFinding(
            kMetadataMalformed, "the metadata publishes no token-signing certificate", url));
      }
      return result;
    }
    JudgeSigning(md->signing, ctx.now, result);
    return result;
  }

 private:
  static long DaysLeft(std::time_t not_after, std::time_t now) {
    return static_cast<long>((not_after - now) / 86400);
  }

  void JudgeSigning(const std::vector<SigningCertificate>& certs, std::time_t now,
                    StepResult& result) const {
    // The certificate valid longest: what keeps sign-in working.
    const SigningCertificate* last = nullptr;
    std::time_t last_end = 0;
    for (const auto& c : certs) {
      std::time_t end = ParseTime(c.info.not_after).value_or(0);
      if (!last || end > last_end) {
        last = &c;
        last_end = end;
      }
    }
    result.facts["token_signing_subject"] = last->info.subject;
    result.facts["token_signing_not_after"] = last->info.not_after;
    result.facts["token_signing_days_left"] = std::to_string(DaysLeft(last_end, now));
    const bool successor_ok = last_end - now > static_cast<std::time_t>(warn_days_) * 86400;
    for (const auto& c : certs) {
      std::time_t end = ParseTime(c.info.not_after).value_or(0);
      std::string who = c.info.subject + " (SHA-256 " + c.info.sha256.substr(0, 16) + "…)";
      if (end <= now) {
        Finding f = MakeFinding(
            kTokenSigningExpired,
            "token-signing certificate " + c.info.subject + " expired on " + c.info.not_after, who);
        if (end < last_end && last_end > now) {  // a newer certificate carries on
          f.severity = Severity::kInfo;
          f.message += "; a newer one valid until " + last->info.not_after + " is published";
        }
        result.findings.push_back(f);
      } else if (end - now <= static_cast<std::time_t>(warn_days_) * 86400) {
        Finding f =
            MakeFinding(kTokenSigningExpiring,
                        "token-signing certificate " + c.info.subject + " expires in " +
                            std::to_string(DaysLeft(end, now)) + " days (" + c.info.not_after + ")",
                        who);
        if (end < last_end && successor_ok) {
          f.severity = Severity::kInfo;
          f.message += "; its successor (valid until " + last->info.not_after +
                       ") is published: make sure Microsoft 365 has it";
        }
        result.findings.push_back(f);
      }
    }
  }

  std::string url_;
  int warn_days_;
};

Result<std::unique_ptr<Step>> CreateMetadata(const OptionMap& o) {
  auto host = HostOption(o);
  if (!host) return Fail(host.error());
  auto path = PathOption(o);
  if (!path) return Fail(path.error());
  int days = std::stoi(o.at("warn_days"));
  if (days < 0 || days > 3650) return Fail("option 'warn_days' must be 0..3650");
  return std::unique_ptr<Step>(
      std::make_unique<MetadataStep>(Url(*host, PortOption(o), *path), days));
}

}  // namespace

const ModuleDescriptor kAdfsMetadataModule{
    "adfs-metadata",
    "AD FS federation metadata and token-signing certificates",
    "Fetches https://HOST[:PORT]/FederationMetadata/2007-06/FederationMetadata.xml under the "
    "step's "
    "policy, reads the entity ID, the endpoints and every token-signing certificate "
    "(KeyDescriptor use=\"signing\"), and judges their expiry: expired is an error, expiring "
    "within warn_days a warning, unless a newer certificate is already published (a rollover in "
    "progress is reported as info).",
    kMetadataOptions,
    kMetadataFacts,
    kMetadataFindings,
    CreateMetadata,
    /*shareable=*/true,
    /*share_key=*/nullptr,
};

}  // namespace cxa::protocols
