#include "protocols/smtp/mtasts_codec.h"

#include <cctype>
#include <charconv>

#include "core/text.h"

namespace cxa::protocols::smtp {
namespace {

// "k1=v1; k2=v2" -> pairs, trimmed; empty fields skipped.
std::vector<std::pair<std::string, std::string>> Fields(std::string_view record) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& field : Split(record, ';')) {
    size_t eq = field.find('=');
    if (eq == std::string::npos) {
      out.emplace_back(field, std::string());
    } else {
      out.emplace_back(Trim(field.substr(0, eq)), Trim(field.substr(eq + 1)));
    }
  }
  return out;
}

bool AllAlnum(std::string_view s) {
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string Bare(std::string_view name) {
  std::string s = ToLower(name);
  while (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

StsRecordResult ParseStsRecord(const std::vector<std::string>& txt_strings) {
  StsRecordResult out;
  std::vector<std::string> candidates;
  for (const auto& t : txt_strings) {
    std::string v = Trim(t);
    if (v.substr(0, 7) == "v=STSv1" && (v.size() == 7 || v[7] == ';' || v[7] == ' ')) {
      candidates.push_back(std::move(v));
    }
  }
  if (candidates.empty()) return out;
  if (candidates.size() > 1) {
    out.status = StsRecordStatus::kMultiple;
    out.problem = std::to_string(candidates.size()) + " records start with v=STSv1";
    return out;
  }
  out.status = StsRecordStatus::kInvalid;
  for (const auto& [k, v] : Fields(candidates.front())) {
    if (k == "id") out.record.id = v;
  }
  if (out.record.id.empty()) {
    out.problem = "no id field";
  } else if (out.record.id.size() > 32 || !AllAlnum(out.record.id)) {
    out.problem = "the id \"" + Printable(out.record.id.substr(0, 40)) +
                  "\" is not 1 to 32 letters and digits";
  } else {
    out.status = StsRecordStatus::kFound;
    out.problem.clear();
  }
  return out;
}

Result<StsPolicy> ParseStsPolicy(std::string_view text) {
  StsPolicy p;
  std::string version;
  bool has_age = false;
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    size_t nl = text.find('\n');
    const std::string line = Trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (line.empty()) continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return Fail("line " + std::to_string(line_no) + " is not \"key: value\": \"" +
                  Excerpt(line, 60) + "\"");
    }
    const std::string key = Trim(line.substr(0, colon));
    const std::string value = Trim(line.substr(colon + 1));
    if (key == "version") {
      version = std::string(value);
    } else if (key == "mode") {
      p.mode = std::string(value);
    } else if (key == "mx") {
      if (value.empty()) return Fail("an mx line without a pattern");
      p.mx.push_back(Bare(value));
    } else if (key == "max_age") {
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), p.max_age);
      if (ec != std::errc() || ptr != value.data() + value.size() || p.max_age < 0) {
        return Fail("max_age \"" + Excerpt(value, 20) + "\" is not a number of seconds");
      }
      has_age = true;
    }
  }
  if (version != "STSv1") return Fail("version is not STSv1");
  if (p.mode != "enforce" && p.mode != "testing" && p.mode != "none") {
    return Fail("mode \"" + Excerpt(p.mode, 20) + "\" is not enforce, testing or none");
  }
  if (!has_age) return Fail("no max_age");
  if (p.max_age > kMaxStsAge) {
    return Fail("max_age " + std::to_string(p.max_age) + " exceeds " + std::to_string(kMaxStsAge) +
                " seconds (one year)");
  }
  if (p.mx.empty() && p.mode != "none") return Fail("no mx pattern");
  return p;
}

bool StsMxMatches(std::string_view pattern, std::string_view host) {
  std::string p = Bare(pattern), h = Bare(host);
  if (p.rfind("*.", 0) == 0) {
    size_t dot = h.find('.');
    return dot != std::string::npos && dot > 0 && h.substr(dot + 1) == p.substr(2);
  }
  return !p.empty() && p == h;
}

Result<std::vector<std::string>> ParseTlsRptRecord(std::string_view record) {
  const std::string r = Trim(record);
  if (r.substr(0, 10) != "v=TLSRPTv1") return Fail("it does not start with v=TLSRPTv1");
  std::vector<std::string> rua;
  for (const auto& [k, v] : Fields(r)) {
    if (k != "rua") continue;
    for (std::string& uri : Split(v, ',')) {
      if (uri.rfind("mailto:", 0) != 0 && uri.rfind("https://", 0) != 0) {
        return Fail("rua \"" + Excerpt(uri, 60) + "\" is neither mailto: nor https:");
      }
      rua.push_back(std::move(uri));
    }
  }
  if (rua.empty()) return Fail("no rua= (where reports go)");
  return rua;
}

}  // namespace cxa::protocols::smtp
