// Module `owa-logon`: the forms-based logon page and the form it posts.
#include "protocols/owa/owa_common.h"
#include "protocols/owa/owa_modules.h"

namespace cxa::protocols {
namespace {

using namespace owa;

constexpr FindingInfo kLogonUnreachable{
    "owa.logon.unreachable",
    Severity::kError,
    "OWA logon page unreachable",
    "The forms-based logon page the front end redirects to could not be fetched.",
    "Check the /owa/auth/ directory and the publishing rule for it.",
    "Set-OwaVirtualDirectory (FormsAuthentication)"};
constexpr FindingInfo kLogonMalformed{
    "owa.logon.malformed",
    Severity::kError,
    "OWA logon page has no logon form",
    "The logon page answered but holds no Exchange logon form (posting to /owa/auth.owa, or the "
    "2007/2003 owaauth.dll): a customized or broken page, or another product's page.",
    "Compare the page with a default Exchange logon page; re-run the Exchange setup's "
    "UpdateCas script or restore the default logon.aspx if it was customized.",
    "Set-OwaVirtualDirectory (FormsAuthentication)"};
constexpr FindingInfo kLogonFindings[] = {kLogonUnreachable, kLogonMalformed};

constexpr OptionSpec kLogonOptions[] = {
    {"url", OptionType::kString, true, "", "the logon page URL (from the front-end step)"},
};
constexpr FactSpec kLogonFacts[] = {
    {"form_action", "where the logon form posts"},
    {"generation", "Exchange generation the form belongs to: 2010+, 2007 or 2003"},
};

class LogonStep : public Step {
 public:
  explicit LogonStep(std::string url) : url_(std::move(url)) {}

  StepResult Run(StepContext& ctx) override {
    StepResult result;
    HttpExchange ex = ctx.transport.Perform(Request(ctx, url_));
    if (!ReportConnectionFailure(ex, ctx.now, result)) {
      result.findings.push_back(
          MakeFinding(kLogonUnreachable, "the logon page could not be fetched", url_));
      return result;
    }
    result.stage = Stage::kHttp;
    if (ex.response->status != 200) {
      result.findings.push_back(
          MakeFinding(kLogonUnreachable, url_ + " answered " + ex.response->StatusLine()));
      return result;
    }
    result.stage = Stage::kProtocol;
    auto form = ParseLogonForm(ex.response->body);
    if (!form || !form->has_password) {
      result.findings.push_back(MakeFinding(
          kLogonMalformed, url_ + " holds no Exchange logon form",
          form ? "the form has no password field" : "no form posting to auth.owa or owaauth.dll"));
      return result;
    }
    result.facts["form_action"] = form->action;
    result.facts["generation"] = form->generation;
    return result;
  }

 private:
  std::string url_;
};

Result<std::unique_ptr<Step>> CreateLogon(const OptionMap& o) {
  auto u = HttpsUrlOption(o, "url");
  if (!u) return Fail(u.error());
  return std::unique_ptr<Step>(std::make_unique<LogonStep>(NormalizeOwaUrl(o.at("url"))));
}

}  // namespace

const ModuleDescriptor kOwaLogonModule{
    "owa-logon",
    "OWA forms-based logon page",
    "Fetches the logon page the front end redirected to and checks that it holds the Exchange "
    "logon form (posting to /owa/auth.owa; /owa/auth/owaauth.dll on 2007, "
    "/exchweb/bin/auth/owaauth.dll on 2003) with a password field.",
    kLogonOptions,
    kLogonFacts,
    kLogonFindings,
    CreateLogon,
    /*shareable=*/true,
    /*share_key=*/nullptr,
};

}  // namespace cxa::protocols
