#include "transport/stream_reader.h"

#include <catch2/catch.hpp>
#include <deque>

using namespace cxa;

namespace {

// Hands out the given chunks, one per Receive (cut to `max`), then reports a close or silence.
class ChunkStream : public Stream {
 public:
  ChunkStream(std::deque<std::string> chunks, bool silent_at_end = false)
      : chunks_(std::move(chunks)), silent_(silent_at_end) {}
  const HttpExchange& Connection() const override { return ex_; }
  Status Send(std::string_view) override { return Ok{}; }
  Result<std::string> Receive(size_t max, int) override {
    ++receives;
    largest_ask = std::max(largest_ask, max);
    timed_out_ = false;
    if (chunks_.empty()) {
      timed_out_ = silent_;
      if (silent_) return Fail("nothing received within 10 ms");
      return std::string();
    }
    std::string out = chunks_.front().substr(0, max);
    chunks_.front().erase(0, out.size());
    if (chunks_.front().empty()) chunks_.pop_front();
    return out;
  }
  bool ReceiveTimedOut() const override { return timed_out_; }
  int receives = 0;
  size_t largest_ask = 0;

 private:
  HttpExchange ex_;
  std::deque<std::string> chunks_;
  bool silent_;
  bool timed_out_ = false;
};

}  // namespace

TEST_CASE("stream reader: lines across chunk boundaries, CR LF or LF", "[unit][stream]") {
  ChunkStream s({"220 mail.contoso.test ESMTP\r", "\n250-SIZE 1000\r\n250 STARTTLS\n", "tail"});
  StreamReader r(s);
  CHECK(*r.ReadLine(512, 10) == "220 mail.contoso.test ESMTP");
  CHECK(*r.ReadLine(512, 10) == "250-SIZE 1000");
  CHECK(*r.ReadLine(512, 10) == "250 STARTTLS");
  CHECK(r.Buffered().empty());
  CHECK(r.failure() == StreamReader::Failure::kNone);
  auto cut = r.ReadLine(512, 10);  // "tail", then the peer closes
  REQUIRE_FALSE(cut.ok());
  CHECK(r.failure() == StreamReader::Failure::kClosed);
  CHECK(r.Buffered() == "tail");  // kept, not lost, when the peer closes
}

TEST_CASE("stream reader: a delimiter split between two receives is found", "[unit][stream]") {
  ChunkStream s({"HTTP/1.1 200 OK\r\nA: b\r", "\n\r", "\nbody"});
  StreamReader r(s);
  CHECK(*r.ReadUntil("\r\n\r\n", 1024, 10) == "HTTP/1.1 200 OK\r\nA: b");
  CHECK(r.Buffered() == "body");  // arrived with the delimiter, kept for the next read
  CHECK(*r.ReadBytes(4, 10) == "body");
}

TEST_CASE("stream reader: bounds hold against a peer that never ends a line", "[unit][stream]") {
  ChunkStream s({std::string(100000, 'x')});
  StreamReader r(s);
  auto line = r.ReadLine(512, 10);
  REQUIRE_FALSE(line.ok());
  CHECK(r.failure() == StreamReader::Failure::kTooLong);
  CHECK(r.Buffered().size() <= 514);  // never more than the bound asks for
  CHECK(s.largest_ask <= 16 * 1024);
}

TEST_CASE("stream reader: silence is an error with the stream's reason", "[unit][stream]") {
  ChunkStream s({"250 partial"}, /*silent_at_end=*/true);
  StreamReader r(s);
  auto line = r.ReadLine(512, 10);
  REQUIRE_FALSE(line.ok());
  CHECK(r.failure() == StreamReader::Failure::kTimeout);
  CHECK(r.Buffered() == "250 partial");  // kept: nothing is lost on a failed read
  auto bytes = r.ReadBytes(4, 10);
  CHECK(*bytes == "250 ");
}
