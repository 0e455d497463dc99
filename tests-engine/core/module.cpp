#include "core/module.h"

#include <algorithm>
#include <charconv>

#include "core/enum_names.h"
#include "core/targets.h"
#include "core/text.h"

namespace cxa {
namespace {

// A value as an error message may show it: control characters visible, long values cut.
std::string Shown(std::string_view value) { return Printable(Excerpt(value, 100)); }

// A domain cxa can look up: a host name of at least two labels.
bool IsDomain(std::string_view d) { return IsHostName(d) && d.find('.') != std::string_view::npos; }

}  // namespace

std::string_view OptionTypeName(OptionType t) {
  static constexpr EnumNames<OptionType, 7> kTypes{
      {"string", "int", "bool", "port", "email", "upn-or-domain", "host"}};
  return kTypes.Name(t);
}

std::string CheckOptionValue(OptionType type, std::string_view value) {
  switch (type) {
    case OptionType::kString:
      return "";
    case OptionType::kInt: {
      long long v = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc() || p != value.data() + value.size() || value.empty()) {
        return "expected a whole number, got '" + Shown(value) + "'";
      }
      return "";
    }
    case OptionType::kBool:
      if (value == "true" || value == "false") return "";
      return "expected true or false, got '" + Shown(value) + "'";
    case OptionType::kEmail: {
      size_t at = value.rfind('@');
      bool ok = at != std::string_view::npos && at > 0 && at + 1 < value.size() &&
                value.find('@') == at && value.find_first_of(" \t\r\n<>,;\"") == value.npos &&
                value.substr(at + 1).find('.') != std::string_view::npos && value.back() != '.';
      if (!ok) return "expected an e-mail address (user@contoso.com), got '" + Shown(value) + "'";
      return "";
    }
    case OptionType::kUpnOrDomain: {
      std::string_view domain = value;
      bool ok = true;
      if (size_t at = value.find('@'); at != std::string_view::npos) {
        std::string_view local = value.substr(0, at);
        domain = value.substr(at + 1);
        ok = !local.empty() && local.size() <= 64 &&
             std::none_of(local.begin(), local.end(), [](char c) {
               return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f ||
                      std::string_view("@\"(),:;<>[\\]").find(c) != std::string_view::npos;
             });
      }
      if (!ok || !IsDomain(domain)) {
        return "expected a user principal name (alice@contoso.com) or a domain (contoso.com), "
               "got '" +
               Shown(value) + "'";
      }
      return "";
    }
    case OptionType::kHost: {
      auto hp = ParseHostTarget(value);
      std::string bad = !hp ? hp.error() : CheckOptionValue(OptionType::kPort, hp->port);
      if (hp && hp->port.empty()) bad.clear();
      if (!bad.empty()) {
        return "expected a host (HOST, HOST:PORT or an https:// URL), got '" + Shown(value) +
               "': " + bad;
      }
      return "";
    }
    case OptionType::kPort: {
      int v = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc() || p != value.data() + value.size() || v < 1 || v > 65535) {
        return "expected a TCP port (1-65535), got '" + Shown(value) + "'";
      }
      return "";
    }
  }
  return "";
}

HttpRequest StepRequest(const StepContext& ctx, std::string url) {
  HttpRequest req;
  req.url = std::move(url);
  req.trust = &ctx.trust;
  req.revocation = ctx.revocation;
  req.verify_time = ctx.now;
  req.timeouts = ctx.timeouts;
  return req;
}

std::optional<StepResult> SkipWithoutPassword(const StepContext& ctx) {
  if (!ctx.password.empty()) return std::nullopt;
  StepResult r;
  r.outcome = Outcome::kSkipped;
  r.skip_reason = "skipped: no password given (--password-env or --password-stdin)";
  return r;
}

}  // namespace cxa
