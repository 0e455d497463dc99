#include "report/redact.h"

namespace cxa::report {
namespace {

void Redact(CertificateInfo& c, const TextFilter& filter) {
  for (std::string* s : {&c.subject, &c.issuer, &c.aia_ca_issuers}) *s = filter(std::move(*s));
  for (auto& n : c.dns_names) n = filter(std::move(n));
  for (auto& n : c.ip_addresses) n = filter(std::move(n));
}

void Redact(StepResult& step, const TextFilter& filter) {
  for (std::string* s : {&step.title, &step.skip_reason, &step.trust_policy.public_roots,
                         &step.trust_policy.custom_anchors}) {
    *s = filter(std::move(*s));
  }
  for (auto& f : step.findings) {
    for (std::string* s : {&f.message, &f.detail, &f.remediation}) *s = filter(std::move(*s));
  }
  for (auto& [name, value] : step.facts) value = filter(std::move(value));
  if (step.certificate) {
    step.certificate->host = filter(std::move(step.certificate->host));
    for (auto& c : step.certificate->certificates) Redact(c, filter);
  }
  for (auto& child : step.children) Redact(child, filter);
}

}  // namespace

void Redact(RunReport& report, const TextFilter& filter) {
  for (auto& [name, value] : report.inputs) value = filter(std::move(value));
  for (auto& step : report.steps) Redact(step, filter);
}

}  // namespace cxa::report
