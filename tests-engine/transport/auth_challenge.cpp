#include "transport/auth_challenge.h"

#include <strings.h>

#include <cctype>

#include "core/text.h"

namespace cxa {
namespace {

constexpr size_t kMaxChallenges = 16;
constexpr size_t kMaxParams = 32;

bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

void SkipSpace(std::string_view s, size_t& at) {
  while (at < s.size() && (s[at] == ' ' || s[at] == '\t')) ++at;
}

std::string Token(std::string_view s, size_t& at) {
  size_t start = at;
  while (at < s.size() && IsTokenChar(s[at])) ++at;
  return std::string(s.substr(start, at - start));
}

// A quoted-string at `at` (after its opening quote), unescaped; stops at the end of input.
std::string Quoted(std::string_view s, size_t& at) {
  std::string out;
  ++at;
  while (at < s.size() && s[at] != '"') {
    if (s[at] == '\\' && at + 1 < s.size()) ++at;
    out.push_back(s[at++]);
  }
  if (at < s.size()) ++at;  // the closing quote
  return out;
}

}  // namespace

std::optional<std::string> AuthChallenge::Param(std::string_view name) const {
  for (const auto& [k, v] : params) {
    if (k.size() == name.size() && strncasecmp(k.c_str(), name.data(), name.size()) == 0) return v;
  }
  return std::nullopt;
}

std::vector<AuthChallenge> ParseChallenges(std::string_view h) {
  std::vector<AuthChallenge> out;
  size_t at = 0;
  while (at < h.size() && out.size() < kMaxChallenges) {
    SkipSpace(h, at);
    while (at < h.size() && (h[at] == ',' || h[at] == ' ')) ++at;
    std::string scheme = Token(h, at);
    if (scheme.empty()) break;  // not a challenge: stop rather than guess
    AuthChallenge c;
    c.scheme = std::move(scheme);
    // Parameters (name=value, comma-separated) or one token68, up to the next scheme.
    while (at < h.size() && c.params.size() < kMaxParams) {
      SkipSpace(h, at);
      size_t mark = at;
      std::string name = Token(h, at);
      SkipSpace(h, at);
      if (name.empty() || at >= h.size() || h[at] != '=') {
        at = mark;  // the next challenge's scheme, or a token68
        if (!name.empty() && c.params.empty() && c.token.empty() && at < h.size() && h[at] != ',') {
          size_t end = h.find(',', at);
          c.token = std::string(h.substr(at, end == std::string_view::npos ? h.npos : end - at));
          while (!c.token.empty() && c.token.back() == ' ') c.token.pop_back();
          at = end == std::string_view::npos ? h.size() : end;
        }
        break;
      }
      ++at;  // '='
      // (A token68 with '=' padding reads as a parameter with an empty value: nothing here
      // needs those tokens, and parsing stays bounded.)
      SkipSpace(h, at);
      std::string value = at < h.size() && h[at] == '"' ? Quoted(h, at) : Token(h, at);
      c.params.emplace_back(ToLower(name), std::move(value));
      SkipSpace(h, at);
      if (at < h.size() && h[at] == ',') ++at;
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<AuthChallenge> ChallengesOf(const HttpResponse& response) {
  std::vector<AuthChallenge> out;
  for (const auto& [k, v] : response.headers) {
    if (strcasecmp(k.c_str(), "WWW-Authenticate") != 0) continue;
    for (auto& c : ParseChallenges(v)) {
      if (out.size() < kMaxChallenges) out.push_back(std::move(c));
    }
  }
  return out;
}

std::vector<std::string> SchemeNames(const std::vector<AuthChallenge>& challenges) {
  std::vector<std::string> out;
  for (const auto& c : challenges) out.push_back(Printable(Excerpt(c.scheme, 30)));
  return out;
}

const AuthChallenge* FindChallenge(const std::vector<AuthChallenge>& challenges,
                                   std::string_view scheme) {
  for (const auto& c : challenges) {
    if (c.scheme.size() == scheme.size() &&
        strncasecmp(c.scheme.c_str(), scheme.data(), scheme.size()) == 0) {
      return &c;
    }
  }
  return nullptr;
}

}  // namespace cxa
