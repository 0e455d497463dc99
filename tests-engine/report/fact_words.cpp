#include "report/fact_words.h"

#include <charconv>
#include <map>
#include <set>
#include <sstream>

#include "core/enum_names.h"

namespace cxa::report {
namespace {

// Name parts that are acronyms or abbreviations, in the words an operator reads.
struct Word {
  std::string_view part, words;
};
constexpr Word kWords[] = {
    {"url", "URL"},
    {"tls", "TLS"},
    {"rpc", "RPC"},
    {"sts", "STS"},
    {"mex", "MEX"},
    {"ews", "EWS"},
    {"owa", "OWA"},
    {"hsts", "HSTS"},
    {"http", "HTTP"},
    {"ssl", "SSL"},
    {"fe", "front-end"},
    {"cn", "common name"},
    {"idp", "identity provider"},
    {"adfs", "AD FS"},
    {"wstrust", "WS-Trust"},
    {"id", "ID"},
    {"aia", "AIA"},
    {"usernamemixed", "usernamemixed"},
};

std::string_view InWords(std::string_view part) {
  for (const auto& w : kWords) {
    if (w.part == part) return w.words;
  }
  return part;
}

std::string DateOf(const std::string& rfc3339) { return rfc3339.substr(0, 10); }

// The connection in one sentence: "connected to 127.0.0.1 port 443 with TLSv1.3
// (TLS_AES_256_GCM_SHA384)".
std::string Connection(const Facts& f) {
  auto get = [&](const char* k) {
    auto it = f.find(k);
    return it == f.end() ? std::string() : it->second;
  };
  std::string s;
  if (f.count("address")) s = "connected to " + get("address");
  if (f.count("port")) s += (s.empty() ? "port " : " port ") + get("port");
  if (f.count("tls_version")) {
    s += (s.empty() ? "negotiated " : " with ") + get("tls_version");
    if (f.count("cipher")) s += " (" + get("cipher") + ")";
  }
  return s;
}

std::string Certificate(const Facts& f) {
  auto get = [&](const char* k) {
    auto it = f.find(k);
    return it == f.end() ? std::string() : it->second;
  };
  std::string s;
  if (f.count("certificate_subject")) s = "certificate " + get("certificate_subject");
  if (f.count("certificate_trusted")) {
    s += (s.empty() ? "certificate " : ", ") +
         std::string(get("certificate_trusted") == "true" ? "trusted" : "NOT trusted");
  }
  std::string expiry = ExpiryInWords(get("certificate_days_left"), get("certificate_not_after"));
  if (!expiry.empty()) s += (s.empty() ? "certificate " : ", ") + expiry;
  return s;
}

std::string TokenSigning(const Facts& f) {
  auto days = f.find("token_signing_days_left");
  auto until = f.find("token_signing_not_after");
  if (days == f.end() || until == f.end()) return "";
  std::string expiry = ExpiryInWords(days->second, until->second);
  return expiry.empty() ? "" : "last valid token-signing certificate " + expiry;
}

}  // namespace

std::string FactLabel(std::string_view name) {
  std::string out;
  bool ms = name.size() > 3 && name.substr(name.size() - 3) == "_ms";
  if (ms) name.remove_suffix(3);
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('_', start);
    if (end == std::string_view::npos) end = name.size();
    if (end > start)
      out += (out.empty() ? "" : " ") + std::string(InWords(name.substr(start, end - start)));
    start = end + 1;
  }
  if (ms) out += " (ms)";
  return out;
}

std::string ExpiryInWords(const std::string& days_left, const std::string& not_after) {
  long days = 0;
  auto [end, ec] = std::from_chars(days_left.data(), days_left.data() + days_left.size(), days);
  if (ec != std::errc() || end != days_left.data() + days_left.size()) return "";
  std::string date = not_after.empty() ? "" : " (" + DateOf(not_after) + ")";
  if (days == 0) return "expires today" + date;
  auto count = [](long n) { return std::to_string(n) + (n == 1 ? " day" : " days"); };
  if (days > 0) return "expires in " + count(days) + date;
  return "expired " + count(-days) + " ago" + date;
}

std::vector<std::string> FactsInWords(const Facts& facts, bool chain_shown) {
  static const std::set<std::string_view> kConnection = {"address", "port", "tls_version",
                                                         "cipher"};
  static const std::set<std::string_view> kCertificate = {
      "certificate_subject", "certificate_trusted", "certificate_days_left",
      "certificate_not_after"};
  static const std::set<std::string_view> kTokenSigning = {"token_signing_days_left",
                                                           "token_signing_not_after"};
  std::vector<std::string> lines;
  if (std::string c = Connection(facts); !c.empty()) lines.push_back(c);
  if (!chain_shown) {
    if (std::string c = Certificate(facts); !c.empty()) lines.push_back(c);
  }
  std::string token = TokenSigning(facts);
  if (!token.empty()) lines.push_back(token);
  for (const auto& [name, value] : facts) {
    if (kConnection.count(name) || kCertificate.count(name)) continue;
    if (!token.empty() && kTokenSigning.count(name)) continue;
    lines.push_back(FactLabel(name) + ": " + (value.empty() ? "(none)" : value));
  }
  return lines;
}

std::string_view VerdictWords(RunVerdict verdict) {
  static constexpr EnumNames<RunVerdict, 5> kWords{
      {"ERROR", "FAILED", "INCOMPLETE", "PASSED WITH WARNINGS", "PASSED"}};
  return kWords.Name(verdict);
}

std::string Elapsed(const StepResult& s) {
  double ms = -1;
  for (const auto& t : s.timings) {
    if (t.name == "step") ms = t.ms;
    if (t.name == "total" && ms < 0) ms = t.ms;
  }
  if (ms < 0) return "";
  std::ostringstream o;
  if (ms < 1000) {
    o << static_cast<long>(ms + 0.5) << " ms";
  } else {
    o.precision(ms < 10000 ? 2 : 3);
    o << ms / 1000 << " s";
  }
  return o.str();
}

std::string CommonPolicy(const RunReport& r) {
  std::map<std::string, int> count;
  std::string best;
  for (const auto& s : r.steps) {
    if (s.trust_policy.empty()) continue;
    std::string words = s.trust_policy.Describe();
    if (++count[words] > count[best] || best.empty()) best = words;
  }
  return best;
}

std::string_view StageInWords(Stage stage) {
  static constexpr EnumNames<Stage, 7> kWords{{"", "name resolution", "connection", "TLS handshake",
                                               "certificate check", "HTTP", "protocol"}};
  return kWords.Name(stage);
}

}  // namespace cxa::report
