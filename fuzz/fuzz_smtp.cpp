// SMTP as a server may send it: replies read from a stream cut into arbitrary segments (the
// first byte chooses the segment size), EHLO keywords, and the bytes as MX records of a DNS
// answer (each line one record) with what each host name is.
#include <string>

#include "protocols/smtp/smtp_codec.h"
#include "testing/scripted_stream.h"

namespace smtp = cxa::protocols::smtp;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  cxa::testing::ScriptedStream stream;
  stream.pending = std::string(in);
  stream.chunk = data[0] % 64;  // 0: everything at once
  stream.close_when_idle = (data[0] & 0x80) != 0;
  cxa::StreamReader reader(stream);
  smtp::ReplyLimits limits;
  limits.max_line = 512;
  limits.max_lines = 50;
  for (int n = 0; n < 1000; ++n) {
    smtp::ReadOutcome o = smtp::ReadReply(reader, limits);
    if (o.error != smtp::ReplyError::kNone) break;
    (void)o.reply.Summary();
    (void)smtp::Offers(smtp::EhloKeywords(o.reply), "STARTTLS");
  }
  cxa::DnsAnswer answer;
  answer.status = cxa::DnsAnswer::Status::kFound;
  for (size_t at = 0; at < in.size() && answer.records.size() < 100;) {
    size_t end = in.find('\n', at);
    if (end == std::string_view::npos) end = in.size();
    answer.records.push_back({300, std::string(in.substr(at, end - at))});
    at = end + 1;
  }
  if (auto mx = smtp::MxRecordsOf(answer)) {
    for (const auto& r : *mx) (void)smtp::ClassifyMxHost(r.host);
  }
  return 0;
}
