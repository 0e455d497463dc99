// RecordingTransport and ReplayTransport: record a live run (redacted) and serve it again
// offline, deterministically.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "transport/transcript.h"

namespace cxa {

// Decorates a live transport: every exchange is redacted and kept; Save() writes the transcript
// atomically (temporary file + rename), so a failed run leaves nothing half-written.
class RecordingTransport : public HttpTransport {
 public:
  RecordingTransport(HttpTransport& inner, Redactor redactor, Transcript header)
      : inner_(inner), redactor_(std::move(redactor)), transcript_(std::move(header)) {}
  HttpExchange Perform(const HttpRequest& request) override;
  std::unique_ptr<Stream> OpenStream(const HttpRequest& request) override;
  DnsAnswer LookupDns(const std::string& name, DnsType type, const Timeouts& timeouts) override;
  TransportStats Stats() const override { return inner_.Stats(); }
  Status Save(const std::string& dir) const;

 private:
  friend class RecordingStream;
  HttpTransport& inner_;
  Redactor redactor_;
  Transcript transcript_;
  mutable std::mutex mu_;
};

// Answers from a transcript, in order, with no network. A request that differs from the recorded
// one (method, URL, headers, body, after the same redaction) fails with internal.replay.mismatch
// and a readable diff. Recorded chains are judged again by the evaluator with the request's
// policy and time: the trust gate behaves exactly as live.
class ReplayTransport : public HttpTransport {
 public:
  ReplayTransport(Transcript transcript, Redactor redactor, const cert::CertEvaluator& evaluator)
      : transcript_(std::move(transcript)), redactor_(std::move(redactor)), evaluator_(evaluator) {}
  HttpExchange Perform(const HttpRequest& request) override;
  std::unique_ptr<Stream> OpenStream(const HttpRequest& request) override;
  // The next recorded lookup; a different name or type is a mismatch (a failed answer).
  DnsAnswer LookupDns(const std::string& name, DnsType type, const Timeouts& timeouts) override;
  // Exchanges and lookups the run did not ask for (reported as a note by the CLI).
  size_t Unused() const {
    return transcript_.exchanges.size() - next_ + transcript_.dns.size() - next_dns_;
  }

 private:
  Transcript transcript_;
  Redactor redactor_;
  const cert::CertEvaluator& evaluator_;
  size_t next_ = 0;
  size_t next_dns_ = 0;
  std::mutex mu_;
};

}  // namespace cxa
