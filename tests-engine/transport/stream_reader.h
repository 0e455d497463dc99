// Buffered, bounded reads from a Stream: what line and record protocols share (HTTP response
// heads, CRLF lines and SMTP-style replies, length-framed PDUs). Every read has a byte bound and
// a timeout; a peer that closes or stays silent is an error with its reason, never a hang or an
// unbounded buffer.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "transport/http_transport.h"

namespace cxa {

class StreamReader {
 public:
  explicit StreamReader(Stream& stream) : stream_(stream) {}

  // Why the last read failed, for callers that name each case (a protocol's own finding for a
  // silent peer, a closed connection, an unbounded line).
  enum class Failure {
    kNone,
    kClosed,   // the peer closed the connection
    kTimeout,  // nothing arrived within the read's timeout (or the stream's time budget)
    kTooLong,  // the bound was reached without the delimiter
    kBroken    // the stream failed otherwise (a reset, a TLS error)
  };
  Failure failure() const { return failure_; }

  // The bytes before the next `delimiter` (consumed with it). Fails when `max` bytes arrive
  // without one, when the peer closes, or when a receive waits longer than `timeout_ms`.
  Result<std::string> ReadUntil(std::string_view delimiter, size_t max, int timeout_ms);
  // A line ended by LF (a CR before it is dropped), at most `max` bytes.
  Result<std::string> ReadLine(size_t max, int timeout_ms);
  // Exactly `n` bytes (the caller bounds n).
  Result<std::string> ReadBytes(size_t n, int timeout_ms);
  // Receives once more into the buffer (at most `chunk` bytes); fails on close or timeout.
  Status Fill(int timeout_ms, size_t chunk = 16 * 1024);

  // What has arrived and is not consumed yet (to look at a frame header before reading it).
  std::string_view Buffered() const { return buffer_; }
  Stream& stream() { return stream_; }

 private:
  Stream& stream_;
  std::string buffer_;
  Failure failure_ = Failure::kNone;
};

}  // namespace cxa
