#include "protocols/mapi/mapi_keepalive.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

namespace cxa::protocols::mapi {
namespace {

constexpr int kDefaultPeriodMs = 30000;  // MS-OXCMAPIHTTP §2.2.3.3.5

int PeriodOf(const HttpResponse& r) {
  auto header = r.Header("X-PendingPeriod");
  if (!header || header->empty() || header->size() > 7) return kDefaultPeriodMs;
  if (header->find_first_not_of("0123456789") != std::string::npos) return kDefaultPeriodMs;
  const int v = std::atoi(header->c_str());
  return v > 0 ? v : kDefaultPeriodMs;
}

}  // namespace

KeepAlive JudgeKeepAlive(const HttpExchange& ex) {
  KeepAlive out;
  if (!ex.response) return out;
  out.period_ms = PeriodOf(*ex.response);
  // The request left when the connection was ready (TLS done, else TCP); then the head came
  // (first_byte), then the pieces of the body.
  double sent = 0;
  std::vector<double> times;
  for (const auto& t : ex.timings) {
    if (t.name == "connect" || t.name == "tls") sent = std::max(sent, t.ms);
    if (t.name == "first_byte" || t.name.rfind("body@", 0) == 0) times.push_back(t.ms);
  }
  if (times.empty()) return out;
  std::sort(times.begin(), times.end());
  double longest = 0, last = sent;
  for (double t : times) {
    longest = std::max(longest, t - last);
    last = std::max(last, t);
  }
  out.longest_silence_ms = static_cast<int>(longest);
  out.duration_ms = static_cast<int>(last - sent);
  if (out.duration_ms <= out.period_ms) return out;
  // A keep-alive may come up to a period late plus scheduling and network noise.
  const double allowed = out.period_ms * 1.5 + 500;
  out.kind = longest > allowed ? KeepAlive::kBuffered : KeepAlive::kStreamed;
  return out;
}

std::string KeepAliveName(KeepAlive::Kind kind) {
  switch (kind) {
    case KeepAlive::kStreamed:
      return "streamed";
    case KeepAlive::kBuffered:
      return "buffered";
    case KeepAlive::kNotObserved:
      break;
  }
  return "not observed";
}

}  // namespace cxa::protocols::mapi
