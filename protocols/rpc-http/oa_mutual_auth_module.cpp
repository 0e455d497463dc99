// Module `oa-mutual-auth`: the name Outlook checks on the RPC proxy (CertPrincipalName msstd:)
// against the proxy's certificate.
#include "cert/x509.h"
#include "core/text.h"
#include "protocols/rpc-http/rpc_proxy_common.h"
#include "protocols/rpc-http/rpch_modules.h"
#include "transport/connection_report.h"

namespace cxa::protocols {
namespace {

using rpch::Opt;

constexpr FindingInfo kMutualOk{
    "oa.mutual_auth.ok",
    Severity::kInfo,
    "Mutual authentication name matches",
    "The msstd: name Outlook checks equals the certificate's subject common name.",
    "Nothing to fix.",
    "Remote Connectivity Analyzer: Mutual Authentication Could Not be Established"};
constexpr FindingInfo kMutualSanOnly{
    "oa.mutual_auth.san_only",
    Severity::kWarning,
    "Mutual authentication name only in the subject alternative names",
    "The msstd: name matches a subject alternative name of the proxy certificate but not its "
    "common name: current Outlook versions accept it, very old clients (before Windows Vista "
    "SP1 / Outlook 2007 SP1) only compare the common name.",
    "Only if such clients remain: use a certificate whose common name is the proxy host, or set "
    "Set-OutlookProvider EXPR -CertPrincipalName msstd:<common name>.",
    "Remote Connectivity Analyzer: Mutual Authentication Established by Subject Alternative Name"};
constexpr FindingInfo kMutualMismatch{
    "oa.mutual_auth.mismatch",
    Severity::kError,
    "Mutual authentication name does not match the certificate",
    "Outlook checks that the RPC proxy's certificate carries the msstd: name it was given; this "
    "certificate does not (neither its common name nor its alternative names): Outlook refuses "
    "the connection.",
    "Set the name to match the certificate: Set-OutlookProvider EXPR -CertPrincipalName "
    "msstd:<certificate_cn> (the name on the certificate), or use a certificate that names the "
    "proxy host.",
    "Remote Connectivity Analyzer: Mutual Authentication Could Not be Established"};
constexpr FindingInfo kMutualDisabled{
    "oa.mutual_auth.disabled",
    Severity::kInfo,
    "Mutual authentication disabled",
    "CertPrincipalName is 'none': Outlook does not check the proxy certificate's name.",
    "Nothing to fix; optionally publish msstd:<proxy host>.",
    "Set-OutlookAnywhere; Remote Connectivity Analyzer: Mutual Authentication Could Not be "
    "Established"};

constexpr FindingInfo kMutualFindings[] = {kMutualOk, kMutualSanOnly, kMutualMismatch,
                                           kMutualDisabled};

constexpr OptionSpec kMutualOptions[] = {
    {"proxy", OptionType::kString, true, "", "the RPC proxy host"},
    {"cert_principal_name", OptionType::kString, false, "",
     "msstd:NAME Outlook checks (default msstd:<proxy>; 'none' disables the check)"},
};
constexpr FactSpec kMutualFacts[] = {
    {"expected_name", "the name from msstd:"},
    {"certificate_cn", "the proxy certificate's subject common name"},
};

class MutualStep : public Step {
 public:
  explicit MutualStep(const OptionMap& o) : proxy_(Opt(o, "proxy")) {
    cpn_ = Opt(o, "cert_principal_name");
    if (cpn_.empty()) cpn_ = "msstd:" + proxy_;
  }

  StepResult Run(StepContext& ctx) override {
    StepResult result;
    if (ToLower(cpn_) == "none") {
      result.findings.push_back(MakeFinding(kMutualDisabled, "CertPrincipalName is none"));
      return result;
    }
    std::string name = cpn_;
    if (ToLower(name).rfind("msstd:", 0) == 0) name = name.substr(6);
    result.facts["expected_name"] = name;
    HttpRequest req = StepRequest(ctx, "https://" + proxy_ + "/");
    req.connect_only = true;
    HttpExchange ex = ctx.transport.Perform(req);
    if (!ReportConnectionFailure(ex, ctx.now, result)) return result;
    if (!ex.tls || ex.tls->chain.empty()) {
      result.findings.push_back(MakeFinding(kMutualMismatch, "no certificate to compare"));
      return result;
    }
    cert::X509Ptr leaf = cert::ParseDer(ex.tls->chain.front());
    if (!leaf) {
      result.findings.push_back(MakeFinding(kMutualMismatch, "the certificate does not parse"));
      return result;
    }
    std::string cn = cert::CommonName(leaf.get());
    result.facts["certificate_cn"] = cn;
    result.stage = Stage::kProtocol;
    if (!cn.empty() && ToLower(cn) == ToLower(name)) {
      result.findings.push_back(MakeFinding(kMutualOk, "msstd:" + name +
                                                           " is the certificate's "
                                                           "common name"));
      return result;
    }
    for (const auto& san : cert::DnsNames(leaf.get())) {
      if (ToLower(san) == ToLower(name) || cert::DnsNameMatches(san, name)) {
        result.findings.push_back(
            MakeFinding(kMutualSanOnly, "msstd:" + name + " matches the alternative name " + san +
                                            ", not the common name " + cn));
        return result;
      }
    }
    result.findings.push_back(
        MakeFinding(kMutualMismatch, "msstd:" + name + " is not on the certificate of " + proxy_,
                    "common name " + cn));
    return result;
  }

 private:
  std::string proxy_, cpn_;
};

Result<std::unique_ptr<Step>> CreateMutual(const OptionMap& o) {
  if (Opt(o, "proxy").empty()) return Fail("option 'proxy' is empty");
  return std::unique_ptr<Step>(std::make_unique<MutualStep>(o));
}

}  // namespace

const ModuleDescriptor kOaMutualAuthModule{
    "oa-mutual-auth",
    "Mutual authentication name (msstd:) vs the proxy certificate",
    "Compares the name Outlook checks (CertPrincipalName msstd:NAME, default the proxy host) "
    "with the RPC proxy's certificate: equal to the subject common name passes; only in the "
    "subject alternative names is a warning (very old clients compare the common name only); "
    "neither is an error.",
    kMutualOptions,
    kMutualFacts,
    kMutualFindings,
    CreateMutual,
    /*shareable=*/true,
    /*share_key=*/nullptr,
};

}  // namespace cxa::protocols
