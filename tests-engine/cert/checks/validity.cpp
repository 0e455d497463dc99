// Dates: expired, not yet valid, expiring within the warning horizon, and leaf lifetimes longer
// than the CA/Browser Forum allows for the issuance date.
#include "cert/checks/check.h"
#include "cert/x509.h"
#include "core/time_util.h"

namespace cxa::cert {
namespace {

constexpr FindingInfo kExpired{
    "cert.validity.expired",
    Severity::kError,
    "Certificate expired",
    "A certificate in the path is past its notAfter date. Every client rejects the connection; "
    "rich clients such as Outlook and federation clients fail without a useful message.",
    "Renew the certificate (or the expired intermediate: download the CA's current bundle) and "
    "bind the new one on every server and load balancer that presents it. Check that the clock of "
    "the testing machine is right if the date looks wrong.",
    "RFC 5280 §4.1.2.5, §6.1.3 (a)(2)"};

constexpr FindingInfo kNotYetValid{
    "cert.validity.not_yet_valid",
    Severity::kError,
    "Certificate not yet valid",
    "A certificate in the path has a notBefore date in the future: it was installed before its "
    "validity starts, or a clock is wrong.",
    "Wait for the start date, or re-issue; check the clocks of the server and of the client.",
    "RFC 5280 §4.1.2.5"};

constexpr FindingInfo kExpiringSoon{
    "cert.validity.expiring_soon",
    Severity::kWarning,
    "Certificate expires soon",
    "A certificate in the path expires within the warning horizon (30 days unless configured).",
    "Renew it now and plan the change on every server that presents it.",
    "RFC 5280 §4.1.2.5; CA/Browser Forum Baseline Requirements §6.3.2"};

constexpr FindingInfo kTooLong{
    "cert.validity.too_long",
    Severity::kWarning,
    "Validity period too long",
    "The server certificate is valid for longer than the CA/Browser Forum allows for a publicly "
    "trusted certificate issued on that date (398 days since September 2020). Browsers and "
    "Apple platforms reject such certificates.",
    "Request a certificate with a lifetime of at most 398 days (public CAs do this by default); "
    "automate renewal.",
    "CA/Browser Forum Baseline Requirements §6.3.2"};

constexpr FindingInfo kInfos[] = {kExpired, kNotYetValid, kExpiringSoon, kTooLong};

constexpr int kClaims[] = {X509_V_ERR_CERT_HAS_EXPIRED, X509_V_ERR_CERT_NOT_YET_VALID,
                           X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD,
                           X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD};

constexpr long kDay = 86400;

// Maximum leaf lifetime in days for the notBefore date (CA/B Forum history).
long MaxLifetimeDays(std::time_t not_before) {
  if (not_before >= *ParseTime("2020-09-01")) return 398;
  if (not_before >= *ParseTime("2018-03-01")) return 825;
  if (not_before >= *ParseTime("2015-04-01")) return 39 * 31;
  return 60 * 31;
}

void Run(const Evaluation& ev, std::vector<Finding>& out) {
  for (size_t i = 0; i < ev.path.size(); ++i) {
    X509* c = ev.path[i];
    int idx = static_cast<int>(i);
    std::time_t nb = NotBefore(c);
    std::time_t na = NotAfter(c);
    std::string when =
        "valid " + FormatTime(nb) + " to " + FormatTime(na) + ", checked at " + FormatTime(ev.time);
    if (ev.time > na) {
      long days = (ev.time - na) / kDay;
      std::string what = i == 0 ? "the server certificate" : "the CA certificate";
      out.push_back(MakeFinding(kExpired,
                                what + " '" + Subject(c) + "' expired on " + FormatTime(na) + " (" +
                                    std::to_string(days) + " days ago)",
                                when, idx));
    } else if (ev.time < nb) {
      out.push_back(MakeFinding(
          kNotYetValid, "'" + Subject(c) + "' is not valid before " + FormatTime(nb), when, idx));
    } else if (!ev.IsAnchor(c) && na - ev.time < ev.policy.expiry_warning_days * kDay) {
      long days = (na - ev.time) / kDay;
      out.push_back(MakeFinding(kExpiringSoon,
                                "'" + Subject(c) + "' expires in " + std::to_string(days) +
                                    " days (" + FormatTime(na) + ")",
                                when, idx));
    }
  }
  if (!ev.path.empty() && !IsSelfIssued(ev.path.front())) {
    X509* leaf = ev.path.front();
    long lifetime = (NotAfter(leaf) - NotBefore(leaf)) / kDay;
    long max = MaxLifetimeDays(NotBefore(leaf));
    if (lifetime > max) {
      out.push_back(MakeFinding(kTooLong,
                                "the server certificate is valid for " + std::to_string(lifetime) +
                                    " days; at most " + std::to_string(max) +
                                    " are allowed for its issuance date",
                                "", 0));
    }
  }
}

}  // namespace

const CertCheck kValidityCheck{"validity", kClaims, Run};
std::span<const FindingInfo> ValidityFindings() { return kInfos; }

}  // namespace cxa::cert
