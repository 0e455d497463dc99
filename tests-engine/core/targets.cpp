#include "core/targets.h"

#include <arpa/inet.h>
#include <strings.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "core/text.h"

namespace cxa {
namespace {

constexpr size_t kMaxLine = 4096;

std::string Shorten(std::string_view s) {
  std::string out(s.substr(0, 80));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  }
  return s.size() > 80 ? out + "…" : out;
}

// Reads one line of at most kMaxLine bytes (the rest of a longer line is skipped, so memory stays
// bounded). Returns false at the end of the input.
bool ReadLine(std::istream& in, std::string& line, bool& too_long) {
  line.clear();
  too_long = false;
  std::streambuf* sb = in.rdbuf();
  bool any = false;
  for (;;) {
    int c = sb->sbumpc();
    if (c == std::char_traits<char>::eof()) {
      in.setstate(std::ios::eofbit);
      return any;
    }
    any = true;
    if (c == '\n') return true;
    if (line.size() < kMaxLine) {
      line.push_back(static_cast<char>(c));
    } else {
      too_long = true;
    }
  }
}

}  // namespace

bool IsInternalName(std::string_view host) {
  std::string h = ToLower(host);
  while (!h.empty() && h.back() == '.') h.pop_back();
  if (h.find('.') == std::string::npos) return true;
  for (std::string_view suffix : {".local", ".lan", ".internal", ".corp", ".home.arpa",
                                  ".localdomain", ".intranet", ".private"}) {
    if (h.size() > suffix.size() &&
        h.compare(h.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return true;
    }
  }
  return false;
}

bool IsHostName(std::string_view h) {
  if (h.empty() || h.size() > 253) return false;
  if (h.back() == '.') h.remove_suffix(1);
  size_t start = 0;
  while (start <= h.size()) {
    size_t dot = h.find('.', start);
    std::string_view label = h.substr(start, dot == std::string_view::npos ? h.npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

std::string CheckTargetValue(std::string_view v) {
  if (v.empty()) return "empty";
  if (v.size() > 320) return "longer than 320 characters";
  for (std::string_view scheme : {"https://", "http://"}) {  // a URL: judge its host[:port]
    if (v.size() > scheme.size() && strncasecmp(v.data(), scheme.data(), scheme.size()) == 0) {
      std::string_view rest = v.substr(scheme.size());
      std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
      if (authority.find('@') != std::string_view::npos) return "a URL with user information";
      for (char c : rest) {
        if (static_cast<unsigned char>(c) <= 0x20) return "a URL with spaces or control characters";
      }
      return authority.empty() ? "a URL without a host" : CheckTargetValue(authority);
    }
  }
  std::string_view host = v;
  size_t at = v.find('@');
  if (at != std::string_view::npos) {
    if (v.find('@', at + 1) != std::string_view::npos) return "more than one '@'";
    std::string_view local = v.substr(0, at);
    if (local.empty()) return "nothing before '@'";
    for (char c : local) {
      if (static_cast<unsigned char>(c) <= 0x20 ||
          std::string_view("\"(),:;<>[\\]").find(c) != std::string_view::npos) {
        return "the user part contains '" + std::string(1, c) + "'";
      }
    }
    host = v.substr(at + 1);
  }
  if (size_t colon = host.rfind(':'); colon != std::string_view::npos && at == std::string::npos) {
    std::string_view port = host.substr(colon + 1);
    bool digits =
        !port.empty() && port.size() <= 5 &&
        std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || std::stoi(std::string(port)) < 1 || std::stoi(std::string(port)) > 65535) {
      return "the port after ':' must be 1..65535";
    }
    host = host.substr(0, colon);
  }
  if (!IsHostName(host)) return "not a user principal name, domain or host name";
  return "";
}

HostPort SplitHostPort(std::string_view value) {
  if (value.find("://") != std::string_view::npos || value.find('@') != std::string_view::npos) {
    return {std::string(value), ""};
  }
  if (!value.empty() && value.front() == '[') {
    size_t close = value.find(']');
    if (close == std::string_view::npos) return {std::string(value), ""};
    std::string host(value.substr(1, close - 1));
    std::string_view rest = value.substr(close + 1);
    if (rest.empty()) return {host, ""};
    if (rest.front() == ':') return {host, std::string(rest.substr(1))};
    return {std::string(value), ""};
  }
  size_t colon = value.find(':');
  if (colon == std::string_view::npos || value.find(':', colon + 1) != std::string_view::npos) {
    return {std::string(value), ""};  // no port, or a bare IPv6 literal
  }
  return {std::string(value.substr(0, colon)), std::string(value.substr(colon + 1))};
}

namespace {

bool IsIpLiteral(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

}  // namespace

Result<HostPort> ParseHostTarget(std::string_view value) {
  HostPort hp;
  if (size_t scheme = value.find("://"); scheme != std::string_view::npos) {
    std::string s(value.substr(0, scheme));
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (s != "https") {
      return Fail("'" + std::string(value) +
                  "' is a URL, and a host is expected here: give the host name (with :PORT if "
                  "not 443), or its https:// URL");
    }
    std::string_view rest = value.substr(scheme + 3);
    std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    if (authority.find('@') != std::string_view::npos) {
      return Fail("'" + std::string(value) + "' carries a user name; give the host name");
    }
    hp = SplitHostPort(authority);
    if (hp.port.empty()) hp.port = "443";
  } else {
    hp = SplitHostPort(value);
  }
  if (hp.host.empty()) return Fail("a host name is expected, got '" + std::string(value) + "'");
  if (!IsHostName(hp.host) && !IsIpLiteral(hp.host)) {
    return Fail("'" + hp.host + "' is not a host name or an IP address");
  }
  return hp;
}

std::optional<std::vector<std::string>> SplitCsvLine(std::string_view line) {
  std::vector<std::string> out;
  std::string field;
  bool quoted = false, was_quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"' && Trim(field).empty()) {
      quoted = was_quoted = true;
      field.clear();
    } else if (c == ',') {
      out.push_back(was_quoted ? field : Trim(field));
      field.clear();
      was_quoted = false;
    } else {
      field += c;
    }
  }
  if (quoted) return std::nullopt;
  out.push_back(was_quoted ? field : Trim(field));
  return out;
}

const std::vector<std::string>& UsualTargetColumnNames() {
  static const std::vector<std::string> names = {
      "user",   "upn",  "userprincipalname", "email", "mail",  "emailaddress", "primarysmtpaddress",
      "domain", "host", "hostname",          "url",   "target"};
  return names;
}

// Finds the target column (the --targets-column name; else the target input's name; else the
// first usual name), the columns named after other inputs, and the ones that are neither.
Status TargetReader::ReadHeader(const std::string& text) {
  auto cols = SplitCsvLine(text);
  if (!cols) return Fail("line " + std::to_string(line_) + ": unbalanced quotes in the header");
  std::vector<std::string> lower;
  for (const auto& c : *cols) lower.push_back(ToLower(c));
  auto find = [&](const std::string& name) {
    auto it = std::find(lower.begin(), lower.end(), ToLower(name));
    return it == lower.end() ? -1 : static_cast<int>(it - lower.begin());
  };
  if (!columns_.named.empty()) {
    csv_index_ = find(columns_.named);
    if (csv_index_ < 0) {
      return Fail("line " + std::to_string(line_) + ": the CSV header has no '" + columns_.named +
                  "' column (--targets-column; the header is " + Shorten(text) + ")");
    }
  } else {
    csv_index_ = find(columns_.target);
    for (const auto& usual : UsualTargetColumnNames()) {
      if (csv_index_ < 0) csv_index_ = find(usual);
    }
    if (csv_index_ < 0) {
      return Fail("line " + std::to_string(line_) + ": the CSV header names no target column ('" +
                  columns_.target + "', or one of user, upn, email, mail, domain, host ...; " +
                  "or name it with --targets-column): " + Shorten(text));
    }
  }
  target_column_ = (*cols)[static_cast<size_t>(csv_index_)];
  for (size_t i = 0; i < cols->size(); ++i) {
    if (static_cast<int>(i) == csv_index_) continue;
    auto input = std::find_if(columns_.inputs.begin(), columns_.inputs.end(),
                              [&](const std::string& n) { return ToLower(n) == lower[i]; });
    if (input != columns_.inputs.end()) {
      input_cells_.emplace_back(i, *input);
    } else if (!(*cols)[i].empty()) {
      ignored_.push_back((*cols)[i]);
    }
  }
  csv_columns_ = cols->size();
  return Ok{};
}

Result<std::optional<Target>> TargetReader::Next(std::optional<BadTargetLine>& bad) {
  bad.reset();
  std::string raw;
  bool too_long = false;
  while (ReadLine(in_, raw, too_long)) {
    ++line_;
    if (too_long) {
      bad = BadTargetLine{line_, Shorten(raw), "longer than 4096 characters"};
      return std::optional<Target>();
    }
    if (line_ == 1 && raw.rfind("\xEF\xBB\xBF", 0) == 0) raw.erase(0, 3);  // UTF-8 BOM
    if (std::string valid = ValidUtf8(raw); valid != raw) {
      bad = BadTargetLine{line_, Shorten(valid), "not valid UTF-8"};
      return std::optional<Target>();
    }
    std::string text = Trim(raw);
    if (text.empty() || text[0] == '#') continue;
    if (!header_seen_) {
      header_seen_ = true;
      // A CSV header: a comma, or (one column) a known column name rather than a target.
      auto lower = ToLower(text);
      bool named = !columns_.named.empty() || lower == ToLower(columns_.target) ||
                   std::find(UsualTargetColumnNames().begin(), UsualTargetColumnNames().end(),
                             lower) != UsualTargetColumnNames().end();
      if (text.find(',') != std::string::npos || named) {
        if (auto s = ReadHeader(text); !s) return Fail(s.error());
        continue;
      }
    }
    std::string value = text;
    if (csv_index_ >= 0) {
      auto cols = SplitCsvLine(text);
      if (!cols) {
        bad = BadTargetLine{line_, Shorten(text), "unbalanced quotes"};
        return std::optional<Target>();
      }
      if (cols->size() <= static_cast<size_t>(csv_index_)) {
        bad = BadTargetLine{line_, Shorten(text),
                            "only " + std::to_string(cols->size()) + " of " +
                                std::to_string(csv_columns_) + " columns"};
        return std::optional<Target>();
      }
      value = (*cols)[static_cast<size_t>(csv_index_)];
      Target t{line_, value, {}};
      for (const auto& [index, input] : input_cells_) {
        if (index < cols->size() && !(*cols)[index].empty())
          t.inputs.emplace_back(input, (*cols)[index]);
      }
      if (auto why = CheckTargetValue(value); !why.empty()) {
        bad = BadTargetLine{line_, Shorten(text), why};
        return std::optional<Target>();
      }
      return std::optional<Target>(std::move(t));
    }
    if (auto why = CheckTargetValue(value); !why.empty()) {
      bad = BadTargetLine{line_, Shorten(text), why};
      return std::optional<Target>();
    }
    return std::optional<Target>(Target{line_, value, {}});
  }
  return std::optional<Target>();
}

}  // namespace cxa
