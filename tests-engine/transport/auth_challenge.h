// HTTP authentication challenges (RFC 9110 §11.6.1) as servers send them in WWW-Authenticate:
// a scheme and its parameters, so that a module can read more than the scheme's name — the
// authorization_uri of a Bearer challenge (hybrid modern auth), a Basic realm. Lenient about
// what it does not need; bounded by the header it is given.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "transport/http_transport.h"

namespace cxa {

struct AuthChallenge {
  std::string scheme;                                       // as sent ("Bearer", "NTLM")
  std::vector<std::pair<std::string, std::string>> params;  // names lower case, values unquoted
  std::string token;  // a token68 instead of parameters (an NTLM challenge message)
  // The value of parameter `name` (case-insensitive), or nullopt.
  std::optional<std::string> Param(std::string_view name) const;
};

// The challenges of one WWW-Authenticate value (several may share one header, comma-separated).
std::vector<AuthChallenge> ParseChallenges(std::string_view header);

// Every challenge of a response, in order.
std::vector<AuthChallenge> ChallengesOf(const HttpResponse& response);

// The schemes of `challenges`, in order, fit for a report (printable, each at most 30 bytes).
std::vector<std::string> SchemeNames(const std::vector<AuthChallenge>& challenges);

// The first challenge of `scheme` (case-insensitive), or nullptr.
const AuthChallenge* FindChallenge(const std::vector<AuthChallenge>& challenges,
                                   std::string_view scheme);

}  // namespace cxa
