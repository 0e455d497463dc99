#include "transport/replay_transport.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace cxa {

HttpExchange RecordingTransport::Perform(const HttpRequest& request) {
  HttpExchange ex = inner_.Perform(request);
  HttpExchange kept = redactor_.Exchange(ex);
  std::lock_guard<std::mutex> lock(mu_);
  transcript_.exchanges.push_back(std::move(kept));
  return ex;
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
  std::string path = dir + "/transcript.xml";
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << xml;
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      return Fail("--record: cannot write " + path);
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Fail("--record: cannot write " + path);
  }
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
