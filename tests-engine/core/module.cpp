#include "core/module.h"

#include <charconv>

namespace cxa {

std::string_view OptionTypeName(OptionType t) {
  switch (t) {
    case OptionType::kString:
      return "string";
    case OptionType::kInt:
      return "int";
    case OptionType::kBool:
      return "bool";
    case OptionType::kPort:
      return "port";
    case OptionType::kEmail:
      return "email";
  }
  return "string";
}

std::string CheckOptionValue(OptionType type, std::string_view value) {
  switch (type) {
    case OptionType::kString:
      return "";
    case OptionType::kInt: {
      long long v = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc() || p != value.data() + value.size() || value.empty()) {
        return "expected a whole number, got '" + std::string(value) + "'";
      }
      return "";
    }
    case OptionType::kBool:
      if (value == "true" || value == "false") return "";
      return "expected true or false, got '" + std::string(value) + "'";
    case OptionType::kEmail: {
      size_t at = value.rfind('@');
      bool ok = at != std::string_view::npos && at > 0 && at + 1 < value.size() &&
                value.find('@') == at && value.find_first_of(" \t\r\n<>,;\"") == value.npos &&
                value.substr(at + 1).find('.') != std::string_view::npos && value.back() != '.';
      if (!ok)
        return "expected an e-mail address (user@contoso.com), got '" + std::string(value) + "'";
      return "";
    }
    case OptionType::kPort: {
      int v = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc() || p != value.data() + value.size() || v < 1 || v > 65535) {
        return "expected a TCP port (1-65535), got '" + std::string(value) + "'";
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
