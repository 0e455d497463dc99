// Transcripts: what a run said to servers and what they answered, as readable XML
// (fixtures/FORMAT.md). Written by RecordingTransport, served by ReplayTransport and by the
// fixture server. Secrets are redacted before anything is written (Redactor).
#pragma once

#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "transport/http_transport.h"

namespace cxa {

struct Transcript {
  int version = 1;
  std::string scenario;
  std::time_t recorded_at = 0;
  std::vector<std::pair<std::string, std::string>> inputs;  // secrets already redacted
  // The run had a password (redacted everywhere); a replay without one uses a placeholder so
  // that the same steps run and the redacted requests still match.
  bool credentials = false;
  std::vector<HttpExchange> exchanges;  // in the order they happened; tls.report is not stored
  std::vector<DnsAnswer> dns;           // DNS record lookups, in the order they happened
};

// Replaces secrets with stable markers: the values of Authorization / Proxy-Authorization /
// Cookie / Set-Cookie headers, NTLM and Negotiate blobs in WWW-Authenticate, form fields that
// carry passwords, WS-Trust <Password> elements, and every configured secret value wherever it
// appears. The same input always gives the same output, so a replayed request still matches.
class Redactor {
 public:
  void AddSecret(std::string value);         // e.g. the password, --redact values
  std::string Text(std::string text) const;  // configured secrets, form passwords, <Password>
  std::string HeaderValue(const std::string& name, const std::string& value) const;
  HttpRequest Request(HttpRequest request) const;
  HttpExchange Exchange(HttpExchange exchange) const;
  // Bytes of a stream: secrets, and the values of credential header lines in HTTP heads.
  std::string StreamBytes(std::string bytes) const;

 private:
  std::vector<std::string> secrets_;
};

std::string TranscriptToXml(const Transcript& t);
// Errors name the file and line.
Result<Transcript> ParseTranscript(std::string_view xml, const std::string& path);
Result<Transcript> LoadTranscript(const std::string& path);

}  // namespace cxa
