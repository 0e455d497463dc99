#include "transport/replay_transport.h"

#include <strings.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cert/x509.h"
#include "core/output_file.h"
#include "transport/revocation_check.h"

namespace cxa {

HttpExchange RecordingTransport::Perform(const HttpRequest& request) {
  HttpExchange ex = inner_.Perform(request);
  HttpExchange kept = redactor_.Exchange(ex);
  if (request.record_certificates_only && kept.response &&
      cert::ParseIssuerResponse(kept.response->body).empty()) {
    kept.response->body.clear();  // not a certificate: whatever it is stays out of recordings
  }
  std::lock_guard<std::mutex> lock(mu_);
  transcript_.exchanges.push_back(std::move(kept));
  return ex;
}

DnsAnswer RecordingTransport::LookupDns(const std::string& name, DnsType type,
                                        const Timeouts& timeouts) {
  DnsAnswer a = inner_.LookupDns(name, type, timeouts);
  std::lock_guard<std::mutex> lock(mu_);
  transcript_.dns.push_back(a);
  return a;
}

Status RecordingTransport::Save(const std::string& dir) const {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Fail("--record: cannot create " + dir + ": " + ec.message());
  std::string xml;
  {
    std::lock_guard<std::mutex> lock(mu_);
    xml = TranscriptToXml(transcript_);
  }
  if (auto s = WriteOutputFile(dir + "/transcript.xml", xml); !s)
    return Fail("--record: " + s.error());
  return Ok{};
}

namespace {

std::string Describe(const HttpRequest& r) {
  std::string s = r.connect_only ? "CONNECT-ONLY " + r.url : r.method + " " + r.url;
  for (const auto& [k, v] : r.headers) s += "\n    " + k + ": " + v;
  if (!r.body.empty()) s += "\n    body: " + std::to_string(r.body.size()) + " bytes";
  return s;
}

bool Same(const HttpRequest& a, const HttpRequest& b) {
  return a.method == b.method && a.url == b.url && a.connect_only == b.connect_only &&
         a.headers == b.headers && a.body == b.body;
}

}  // namespace

DnsAnswer ReplayTransport::LookupDns(const std::string& name, DnsType type, const Timeouts&) {
  std::lock_guard<std::mutex> lock(mu_);
  auto mismatch = [&](const std::string& why) {
    DnsAnswer a;
    a.name = name;
    a.type = type;
    a.error = "internal.replay.mismatch: " + why;
    return a;
  };
  std::string asked = std::string(DnsTypeName(type)) + " " + name;
  if (next_dns_ >= transcript_.dns.size()) {
    return mismatch("the transcript has no more DNS lookups; the run asked for " + asked);
  }
  const DnsAnswer& rec = transcript_.dns[next_dns_];
  if (rec.type != type || strcasecmp(rec.name.c_str(), name.c_str()) != 0) {
    return mismatch("DNS lookup " + std::to_string(next_dns_ + 1) + " was " +
                    std::string(DnsTypeName(rec.type)) + " " + rec.name + "; the run asked for " +
                    asked);
  }
  ++next_dns_;
  return rec;
}

HttpExchange ReplayTransport::Perform(const HttpRequest& request) {
  std::lock_guard<std::mutex> lock(mu_);
  HttpRequest sent = redactor_.Request(request);
  if (sent.cert_name.empty()) sent.cert_name = request.cert_name;
  if (next_ >= transcript_.exchanges.size()) {
    HttpExchange ex;
    ex.request = request;
    ex.error = TransportError{
        Stage::kNone, "internal.replay.mismatch",
        "the transcript has no more exchanges; the run sent:\n  + " + Describe(sent)};
    return ex;
  }
  const HttpExchange& rec = transcript_.exchanges[next_];
  if (!Same(rec.request, sent)) {
    HttpExchange ex;
    ex.request = request;
    ex.error = TransportError{Stage::kNone, "internal.replay.mismatch",
                              "exchange " + std::to_string(next_ + 1) +
                                  " differs from the transcript:\n  - expected " +
                                  Describe(rec.request) + "\n  + sent     " + Describe(sent)};
    return ex;
  }
  ++next_;
  HttpExchange ex = rec;
  ex.request = request;
  if (ex.request.cert_name.empty()) ex.request.cert_name = rec.request.cert_name;
  if (ex.tls && !ex.tls->chain.empty() && request.trust != nullptr) {
    // Judge the recorded chain now, with this run's policy and time, like the live gate.
    cert::CertInput in;
    in.chain = ex.tls->chain;
    in.host = ex.request.cert_name;
    in.time = request.verify_time;
    ex.tls->report = evaluator_.Evaluate(in, *request.trust);
    JudgeRevocation(request, *ex.tls, evaluator_);  // the recorded staple, as the gate does
    bool rejected = request.trust->Enforcing() && ex.tls->report->HasErrors();
    if (rejected && !ex.tls->rejected_by_policy) {
      ex.tls->rejected_by_policy = true;
      ex.response.reset();
      ex.reached = Stage::kTls;
      ex.error = TransportError{Stage::kCertificate, "tls.certificate.rejected",
                                "the TLS handshake was aborted because the certificate fails the "
                                "trust policy; nothing was sent to the server"};
    } else if (!rejected && ex.error && ex.error->id == "tls.certificate.rejected") {
      // Recorded under a stricter policy: what followed the handshake was never seen.
      ex.error = TransportError{Stage::kCertificate, "internal.replay.mismatch",
                                "the recording stopped at the certificate (rejected by the "
                                "policy then); this run's policy accepts it, and the transcript "
                                "has nothing after the handshake"};
    }
  }
  return ex;
}

}  // namespace cxa

namespace cxa {

// Records a stream's events into its slot of the transcript as they happen, redacted.
class RecordingStream : public Stream {
 public:
  RecordingStream(std::unique_ptr<Stream> inner, RecordingTransport& owner, size_t slot)
      : inner_(std::move(inner)), owner_(owner), slot_(slot) {}
  const HttpExchange& Connection() const override { return inner_->Connection(); }
  Status Send(std::string_view bytes) override {
    Add(true, std::string(bytes));
    return inner_->Send(bytes);
  }
  Result<std::string> Receive(size_t max, int timeout_ms) override {
    auto got = inner_->Receive(max, timeout_ms);
    if (got && !got->empty()) Add(false, *got);
    if (!got && inner_->ReceiveTimedOut()) {
      StreamEvent waited;
      waited.sent = false;
      waited.timed_out = true;
      std::lock_guard<std::mutex> lock(owner_.mu_);
      owner_.transcript_.exchanges[slot_].stream.push_back(std::move(waited));
    }
    return got;
  }
  bool ReceiveTimedOut() const override { return inner_->ReceiveTimedOut(); }
  Status StartTls(std::string_view name) override {
    Status done = inner_->StartTls(name);
    const HttpExchange& now = inner_->Connection();
    std::lock_guard<std::mutex> lock(owner_.mu_);
    HttpExchange& slot = owner_.transcript_.exchanges[slot_];
    StreamEvent upgrade;
    upgrade.tls = now.tls ? *now.tls : TlsCapture{};
    upgrade.tls->report.reset();
    slot.stream.push_back(std::move(upgrade));
    slot.request.cert_name = now.request.cert_name;
    return done;
  }

 private:
  void Add(bool sent, std::string bytes) {
    std::lock_guard<std::mutex> lock(owner_.mu_);
    owner_.transcript_.exchanges[slot_].stream.push_back(
        {sent, owner_.redactor_.StreamBytes(std::move(bytes)), std::nullopt});
  }
  std::unique_ptr<Stream> inner_;
  RecordingTransport& owner_;
  size_t slot_;
};

namespace {

// What identifies a stream's opening in a transcript: scheme, host, port, name, policy, time.
HttpRequest StreamHead(const HttpRequest& request) {
  HttpRequest head = request;
  head.connect_only = true;
  head.method = "GET";
  head.headers.clear();
  head.body.clear();
  return head;
}

}  // namespace

std::unique_ptr<Stream> RecordingTransport::OpenStream(const HttpRequest& request) {
  std::unique_ptr<Stream> inner = inner_.OpenStream(StreamHead(request));
  std::lock_guard<std::mutex> lock(mu_);
  transcript_.exchanges.push_back(redactor_.Exchange(inner->Connection()));
  return std::make_unique<RecordingStream>(std::move(inner), *this,
                                           transcript_.exchanges.size() - 1);
}

namespace {

// Serves a recorded stream: sends must match (after redaction), receives return what was
// recorded, in order.
class ReplayStream : public Stream {
 public:
  ReplayStream(HttpExchange opened, std::vector<StreamEvent> events, Redactor redactor,
               const cert::CertEvaluator& evaluator)
      : opened_(std::move(opened)),
        events_(std::move(events)),
        redactor_(std::move(redactor)),
        evaluator_(evaluator) {}
  const HttpExchange& Connection() const override { return opened_; }

  // The recorded upgrade's chain is judged again with this run's policy, name and time, as the
  // live gate would.
  Status StartTls(std::string_view name) override {
    if (opened_.error) return Fail("the stream is not connected");
    if (next_ >= events_.size() || !events_[next_].tls) {
      return Fail("internal.replay.mismatch: the transcript has no TLS upgrade here");
    }
    opened_.tls = *events_[next_++].tls;
    opened_.request.cert_name = std::string(name);
    const HttpRequest& req = opened_.request;
    if (opened_.tls->chain.empty()) {  // the recorded handshake failed before any chain
      opened_.error = TransportError{Stage::kTls, "tls.handshake.failed",
                                     "the recorded TLS upgrade failed before a certificate"};
      return Fail(opened_.error->message);
    }
    if (req.trust != nullptr) {
      cert::CertInput in;
      in.chain = opened_.tls->chain;
      in.host = req.cert_name;
      in.time = req.verify_time;
      opened_.tls->report = evaluator_.Evaluate(in, *req.trust);
      JudgeRevocation(req, *opened_.tls, evaluator_);
      opened_.tls->rejected_by_policy = req.trust->Enforcing() && opened_.tls->report->HasErrors();
    }
    if (opened_.tls->rejected_by_policy) {
      opened_.error = TransportError{Stage::kCertificate, "tls.certificate.rejected",
                                     "the TLS handshake was aborted because the certificate "
                                     "fails the trust policy; nothing was sent to the server"};
      return Fail(opened_.error->message);
    }
    opened_.reached = Stage::kCertificate;
    return Ok{};
  }

  Status Send(std::string_view bytes) override {
    if (opened_.error) return Fail("the stream is not connected");
    std::string sent = redactor_.StreamBytes(std::string(bytes));
    if (next_ < events_.size() && events_[next_].tls) {
      return Fail("internal.replay.mismatch: the transcript expects a TLS upgrade here");
    }
    if (next_ >= events_.size() || !events_[next_].sent || events_[next_].timed_out) {
      return Fail("internal.replay.mismatch: the transcript does not expect the client to send " +
                  std::to_string(bytes.size()) + " bytes here");
    }
    if (events_[next_].bytes != sent) {
      return Fail("internal.replay.mismatch: stream event " + std::to_string(next_ + 1) +
                  " differs from the transcript (" + std::to_string(events_[next_].bytes.size()) +
                  " bytes expected, " + std::to_string(sent.size()) + " sent)");
    }
    ++next_;
    return Ok{};
  }

  Result<std::string> Receive(size_t max, int) override {
    timed_out_ = false;
    if (opened_.error) return Fail("the stream is not connected");
    if (pending_.empty()) {
      if (next_ >= events_.size()) return std::string();  // the peer closed
      if (events_[next_].timed_out) {  // the recorded wait ran out: so does this one, at once
        ++next_;
        timed_out_ = true;
        return Fail("no data in time (recorded)");
      }
      if (events_[next_].tls) {
        return Fail("internal.replay.mismatch: the transcript expects a TLS upgrade here");
      }
      if (events_[next_].sent) {
        return Fail("internal.replay.mismatch: the transcript expects the client to send first");
      }
      pending_ = events_[next_++].bytes;
    }
    std::string out = pending_.substr(0, std::max<size_t>(max, 1));
    pending_.erase(0, out.size());
    return out;
  }
  bool ReceiveTimedOut() const override { return timed_out_; }

 private:
  HttpExchange opened_;
  std::vector<StreamEvent> events_;
  Redactor redactor_;
  const cert::CertEvaluator& evaluator_;
  size_t next_ = 0;
  std::string pending_;
  bool timed_out_ = false;  // the last Receive replayed a recorded timeout
};

}  // namespace

std::unique_ptr<Stream> ReplayTransport::OpenStream(const HttpRequest& request) {
  HttpExchange opened =
      Perform(StreamHead(request));  // matches the recorded opening, judges the chain
  std::vector<StreamEvent> events = std::move(opened.stream);
  opened.stream.clear();
  return std::make_unique<ReplayStream>(std::move(opened), std::move(events), redactor_,
                                        evaluator_);
}

}  // namespace cxa
