#include "transport/stream_reader.h"

namespace cxa {

Status StreamReader::Fill(int timeout_ms, size_t chunk) {
  auto got = stream_.Receive(chunk, timeout_ms);
  if (!got) {
    failure_ = stream_.ReceiveTimedOut() ? Failure::kTimeout : Failure::kBroken;
    return Fail(got.error());
  }
  if (got->empty()) {
    failure_ = Failure::kClosed;
    return Fail("the peer closed the connection");
  }
  failure_ = Failure::kNone;
  buffer_ += *got;
  return Ok{};
}

Result<std::string> StreamReader::ReadUntil(std::string_view delimiter, size_t max,
                                            int timeout_ms) {
  size_t searched = 0;  // no delimiter starts before this offset
  for (;;) {
    size_t at = buffer_.find(delimiter, searched);
    if (at != std::string::npos && at <= max) {
      std::string out = buffer_.substr(0, at);
      buffer_.erase(0, at + delimiter.size());
      return out;
    }
    if (buffer_.size() > max + delimiter.size()) {
      failure_ = Failure::kTooLong;
      return Fail("more than " + std::to_string(max) + " bytes without the expected delimiter");
    }
    searched = buffer_.size() >= delimiter.size() ? buffer_.size() - delimiter.size() + 1 : 0;
    // Never buffer more than the bound allows for this read.
    size_t room = max + delimiter.size() + 1 - buffer_.size();
    if (auto st = Fill(timeout_ms, std::min<size_t>(room, 16 * 1024)); !st) {
      return Fail(st.error());
    }
  }
}

Result<std::string> StreamReader::ReadLine(size_t max, int timeout_ms) {
  auto line = ReadUntil("\n", max, timeout_ms);
  if (line && !line->empty() && line->back() == '\r') line->pop_back();
  return line;
}

Result<std::string> StreamReader::ReadBytes(size_t n, int timeout_ms) {
  while (buffer_.size() < n) {
    if (auto st = Fill(timeout_ms, std::min<size_t>(n - buffer_.size(), 16 * 1024)); !st) {
      return Fail(st.error());
    }
  }
  std::string out = buffer_.substr(0, n);
  buffer_.erase(0, n);
  return out;
}

}  // namespace cxa
