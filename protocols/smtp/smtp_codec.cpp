#include "protocols/smtp/smtp_codec.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/targets.h"
#include "core/text.h"

namespace cxa::protocols::smtp {
namespace {

bool IsCode(std::string_view line) {
  return line.size() >= 3 && std::isdigit(static_cast<unsigned char>(line[0])) &&
         std::isdigit(static_cast<unsigned char>(line[1])) &&
         std::isdigit(static_cast<unsigned char>(line[2])) && line[0] >= '2' && line[0] <= '5';
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::string Reply::Summary() const {
  std::string s = std::to_string(code);
  if (!lines.empty() && !lines.front().empty()) s += " " + Printable(lines.front());
  return s;
}

ReadOutcome ReadReply(StreamReader& in, const ReplyLimits& limits) {
  ReadOutcome out;
  for (size_t n = 0;; ++n) {
    if (n == limits.max_lines) {
      out.error = ReplyError::kTooLong;
      out.detail = "more than " + std::to_string(limits.max_lines) + " lines in one reply";
      return out;
    }
    auto line = in.ReadLine(limits.max_line, limits.timeout_ms);
    if (!line.ok()) {
      using F = StreamReader::Failure;
      switch (in.failure()) {
        case F::kClosed:
          out.error = ReplyError::kClosed;
          break;
        case F::kTimeout:
          out.error = ReplyError::kTimeout;
          break;
        case F::kTooLong:
          out.error = ReplyError::kTooLong;
          break;
        default:
          out.error = ReplyError::kBroken;
      }
      out.detail = line.error();
      if (n > 0) out.detail += " (after " + std::to_string(n) + " lines of a reply)";
      return out;
    }
    std::string_view l = *line;
    const bool last = l.size() == 3 || (l.size() > 3 && l[3] == ' ');
    if (!IsCode(l) || (!last && l[3] != '-')) {
      out.error = ReplyError::kMalformed;
      out.detail = "not an SMTP reply line: \"" + Excerpt(l, 80) + "\"";
      return out;
    }
    int code = 0;
    std::from_chars(l.data(), l.data() + 3, code);
    if (n > 0 && code != out.reply.code) {
      out.error = ReplyError::kMalformed;
      out.detail = "reply code changes from " + std::to_string(out.reply.code) + " to " +
                   std::to_string(code) + " within one reply";
      return out;
    }
    out.reply.code = code;
    out.reply.lines.push_back(l.size() > 4 ? std::string(l.substr(4)) : std::string());
    if (last) return out;
  }
}

std::vector<std::string> EhloKeywords(const Reply& ehlo) {
  std::vector<std::string> out;
  for (size_t i = 1; i < ehlo.lines.size(); ++i) {
    std::string_view l = ehlo.lines[i];
    l = l.substr(0, l.find(' '));
    if (l.empty()) continue;
    std::string k;
    for (char c : l) k += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out.push_back(std::move(k));
  }
  return out;
}

bool Offers(const std::vector<std::string>& keywords, std::string_view keyword) {
  return std::find(keywords.begin(), keywords.end(), keyword) != keywords.end();
}

Result<std::string> DomainOption(std::string_view value) {
  std::string name = ToLower(value);
  while (!name.empty() && name.back() == '.') name.pop_back();
  if (name.find_first_of(" /:@\\") != std::string::npos) {
    return Fail("'" + Printable(name) + "' is not a domain name");
  }
  return name;
}

Result<std::vector<MxRecord>> MxRecordsOf(const DnsAnswer& answer) {
  if (answer.status == DnsAnswer::Status::kFailed) return Fail(answer.error);
  std::vector<MxRecord> out;
  for (const auto& r : answer.records) {
    std::string_view d = r.data;
    const size_t space = d.find(' ');
    MxRecord mx;
    if (space == std::string_view::npos ||
        std::from_chars(d.data(), d.data() + space, mx.preference).ec != std::errc() ||
        mx.preference < 0 || mx.preference > 65535) {
      return Fail("not an MX record: \"" + Excerpt(d, 80) + "\"");
    }
    std::string_view host = d.substr(space + 1);
    while (!host.empty() && host.back() == '.') host.remove_suffix(1);
    mx.host = ToLower(host);
    out.push_back(std::move(mx));
  }
  std::stable_sort(out.begin(), out.end(), [](const MxRecord& a, const MxRecord& b) {
    return a.preference < b.preference;
  });
  return out;
}

MxKind ClassifyMxHost(std::string_view host) {
  std::string h = ToLower(host);
  while (!h.empty() && h.back() == '.') h.pop_back();
  std::string bare = h;
  if (bare.size() > 2 && bare.front() == '[' && bare.back() == ']') {
    bare = bare.substr(1, bare.size() - 2);
  }
  unsigned char buf[16];
  if (inet_pton(AF_INET, bare.c_str(), buf) == 1 || inet_pton(AF_INET6, bare.c_str(), buf) == 1) {
    return MxKind::kIpLiteral;
  }
  if (EndsWith(h, ".mail.protection.outlook.com") || EndsWith(h, ".mx.microsoft")) {
    return MxKind::kExchangeOnline;
  }
  return IsInternalName(h) ? MxKind::kInternal : MxKind::kPublic;
}

}  // namespace cxa::protocols::smtp
