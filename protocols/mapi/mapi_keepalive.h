// Whether a MAPI over HTTP response streamed its keep-alives. A server that needs longer than
// its pending period (X-PendingPeriod, milliseconds) sends a PENDING line every period until
// DONE (MS-OXCMAPIHTTP §2.2.3.3.5, §3.2.5.2); Outlook's long requests rely on it. A device in
// between that buffers the response turns those keep-alives into silence: the bytes come late,
// all at once. Judged from when the pieces of the response arrived (HttpRequest::track_arrivals),
// so a replay judges the recorded times the same way.
#pragma once

#include <string>

#include "transport/http_transport.h"

namespace cxa::protocols::mapi {

struct KeepAlive {
  enum Kind {
    kNotObserved,  // the whole response came within one pending period: no keep-alive was due
    kStreamed,     // it took longer, and bytes kept coming at least about once a period
    kBuffered,     // it took longer, and it stayed silent well beyond a period
  } kind = kNotObserved;
  int period_ms = 0;           // X-PendingPeriod, or 30000 (the specification's default)
  int longest_silence_ms = 0;  // the longest wait for the next byte after the request was sent
  int duration_ms = 0;         // request sent -> last byte
};

// The keep-alive behaviour of a completed exchange (a response with arrival timings).
KeepAlive JudgeKeepAlive(const HttpExchange& exchange);

// "streamed", "buffered" or "not observed".
std::string KeepAliveName(KeepAlive::Kind kind);

}  // namespace cxa::protocols::mapi
