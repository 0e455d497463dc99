#include "transport/connection_report.h"

#include "core/time_util.h"
#include "transport/trust_gate.h"

namespace cxa {

bool ReportConnection(const HttpExchange& ex, std::time_t now, StepResult& result) {
  if (!ex.remote_address.empty()) {
    result.facts["address"] = ex.remote_address;
    result.facts["port"] = std::to_string(ex.remote_port);
  }
  result.stage = ex.reached;
  if (ex.tls) {
    const TlsCapture& tls = *ex.tls;
    if (!tls.version.empty()) result.facts["tls_version"] = tls.version;
    if (!tls.cipher.empty()) result.facts["cipher"] = tls.cipher;
    if (IsObsoleteTls(tls.version)) {
      result.findings.push_back(MakeFinding(
          TransportFinding("tls.protocol.too_old"),
          "the server negotiated " + tls.version + " although cxa offered TLS 1.2 and 1.3"));
    }
    if (tls.report) {
      const cert::CertReport& rep = *tls.report;
      result.certificate = rep.summary;
      result.facts["certificate_trusted"] = rep.trusted ? "true" : "false";
      if (!rep.summary.certificates.empty()) {
        const CertificateInfo& leaf = rep.summary.certificates.front();
        result.facts["certificate_subject"] = leaf.subject;
        result.facts["certificate_not_after"] = leaf.not_after;
        if (auto na = ParseTime(leaf.not_after)) {
          result.facts["certificate_days_left"] = std::to_string((*na - now) / 86400);
        }
      }
      for (const auto& f : rep.findings) result.findings.push_back(f);
    }
  }
  for (const auto& t : ex.timings) {
    // Arrival marks of a body (HttpRequest::track_arrivals) are for the module, not the report.
    if (t.name.rfind("body@", 0) != 0) result.timings.push_back(t);
  }
  if (!ex.error) return true;
  result.stage = ex.error->stage;
  result.findings.push_back(FindingFor(*ex.error));
  return false;
}

bool ReportConnectionFailure(const HttpExchange& exchange, std::time_t now, StepResult& result) {
  StepResult scratch;
  bool ok = ReportConnection(exchange, now, scratch);
  if (!ok) {
    for (auto& f : scratch.findings) result.findings.push_back(std::move(f));
    result.certificate = std::move(scratch.certificate);
  }
  result.stage = scratch.stage;
  return ok;
}

}  // namespace cxa
