// What a mail domain publishes for senders, as hostile DNS and web servers may serve it: the
// bytes as an MTA-STS policy file, as _mta-sts and _smtp._tls TXT strings (each line one
// string), as TLSA records (each line one record) matched against a lab chain, and every MX
// pattern of a parsed policy against every line as a host name.
#include <string>
#include <vector>

#include "cert/dane.h"
#include "protocols/smtp/mtasts_codec.h"

namespace smtp = cxa::protocols::smtp;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> lines;
  for (size_t at = 0; at < in.size() && lines.size() < 200;) {
    size_t end = in.find('\n', at);
    if (end == std::string_view::npos) end = in.size();
    lines.emplace_back(in.substr(at, end - at));
    at = end + 1;
  }
  auto policy = smtp::ParseStsPolicy(in);
  if (policy) {
    for (const auto& pattern : policy->mx) {
      for (const auto& host : lines) (void)smtp::StsMxMatches(pattern, host);
    }
  }
  (void)smtp::ParseStsRecord(lines);
  for (const auto& line : lines) (void)smtp::ParseTlsRptRecord(line);
  std::vector<cxa::cert::TlsaRecord> records;
  for (const auto& line : lines) {
    if (auto r = cxa::cert::ParseTlsa(line)) {
      (void)cxa::cert::TlsaUnusable(*r);
      records.push_back(std::move(*r));
    }
  }
  // A chain of two certificates made of the input itself (what a server sends is as hostile).
  std::vector<cxa::cert::Der> chain = {
      cxa::cert::Der(in.begin(), in.begin() + static_cast<long>(in.size() / 2)),
      cxa::cert::Der(in.begin() + static_cast<long>(in.size() / 2), in.end())};
  (void)cxa::cert::MatchTlsa(records, chain, "mail.contoso.test", 0);
  return 0;
}
