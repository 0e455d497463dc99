// The transport findings (transport_findings.h holds the catalogue) and HttpResponse helpers.
#include <strings.h>

#include <algorithm>
#include <cctype>

#include "transport/auth_challenge.h"
#include "transport/http_transport.h"

namespace cxa {

std::span<const FindingInfo> TransportFindings() { return kTransportFindingInfos; }

Finding FindingFor(const TransportError& error) {
  return MakeFinding(error.id.info(), error.message);
}

std::string HttpResponse::StatusLine() const {
  return "HTTP " + std::to_string(status) + (reason.empty() ? "" : " " + reason);
}

std::vector<std::string> HttpResponse::AuthSchemes() const {
  // Several challenges may share one header ("Negotiate, NTLM" from a proxy that merges them).
  return SchemeNames(ChallengesOf(*this));
}

std::optional<std::string> HttpResponse::Header(std::string_view name) const {
  auto eq = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) ==
                    std::tolower(static_cast<unsigned char>(y));
           });
  };
  for (const auto& [k, v] : headers) {
    if (eq(k, name)) return v;
  }
  return std::nullopt;
}

}  // namespace cxa
