#include "transport/credentials.h"

#include <libpsl.h>

#include <algorithm>
#include <cstdio>

#include "cert/x509.h"
#include "core/text.h"
#include "transport/http_transport.h"
#include "transport/url.h"

namespace cxa {
namespace {

std::string Normalize(std::string_view name) {
  std::string n = ToLower(name);
  while (!n.empty() && n.back() == '.') n.pop_back();
  return n;
}

// A DNS name or an IP literal as it appears in a URL: letters, digits, '-', '.', and for IPv6
// literals ':' and brackets; nothing else (no wildcard, no control, no space).
bool ValidHostName(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == ':' || c == '[' || c == ']' || c == '_';
  });
}

bool Within(std::string_view host, std::string_view domain) {
  if (host == domain) return true;
  return host.size() > domain.size() && host.substr(host.size() - domain.size()) == domain &&
         host[host.size() - domain.size() - 1] == '.';
}

const psl_ctx_t* Psl() {
  // psl_latest: the newer of libpsl's built-in list and the system's (Debian's publicsuffix).
  static const psl_ctx_t* const psl = [] {
    const psl_ctx_t* p = psl_latest(nullptr);
    return p != nullptr ? p : psl_builtin();
  }();
  return psl;
}

}  // namespace

bool IsPublicSuffix(std::string_view domain) {
  std::string d = Normalize(domain);
  if (d.empty() || d.find('.') == std::string::npos) return true;
  const psl_ctx_t* psl = Psl();
  if (psl == nullptr) return false;  // no list: only the single-label rule applies
  // PSL_TYPE_ANY includes the implicit "*" rule: an unknown TLD (the lab's .test) is a suffix,
  // a name below it is not.
  return psl_is_public_suffix2(psl, d.c_str(), PSL_TYPE_ANY) != 0;
}

std::string CheckHeaderSafe(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    bool c1 = c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
              static_cast<unsigned char>(text[i + 1]) <= 0x9F;
    if (c < 0x20 || c == 0x7F || c1) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "a control character (0x%02x) at offset %zu",
                    c1 ? static_cast<unsigned char>(text[i + 1]) : c, i);
      return buf;
    }
  }
  return "";
}

std::string CheckEmailAddress(std::string_view address) {
  if (std::string bad = CheckHeaderSafe(address); !bad.empty()) return "it holds " + bad;
  if (address.find_first_of(" \t<>,;\"()[]\\") != std::string_view::npos) {
    return "it holds a space or a character no plain address has";
  }
  size_t at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) {
    return "it is not an address of the form local@domain";
  }
  if (address.find('@') != at) return "it holds more than one '@'";
  std::string_view domain = address.substr(at + 1);
  if (!ValidHostName(domain) || domain.find(':') != std::string_view::npos ||
      domain.front() == '.' || domain.find("..") != std::string_view::npos) {
    return "its domain '" + std::string(domain) + "' is not a DNS name";
  }
  if (Normalize(domain).find('.') == std::string::npos) {
    return "its domain '" + std::string(domain) + "' is a single label";
  }
  if (IsPublicSuffix(domain)) {
    return "its domain '" + std::string(domain) + "' is a public suffix, which nobody owns";
  }
  return "";
}

bool CredentialScope::AllowDomain(std::string_view domain, std::string why) {
  std::string d = Normalize(domain);
  if (!ValidHostName(d) || IsPublicSuffix(d)) return false;
  entries_.push_back({d, true, std::move(why)});
  return true;
}

bool CredentialScope::AllowHost(std::string_view host, std::string why) {
  std::string h = Normalize(host);
  if (!ValidHostName(h)) return false;
  entries_.push_back({h, false, std::move(why)});
  return true;
}

std::string CredentialScope::AllowPattern(std::string_view pattern) {
  const std::string why = "--allow-credentials-to " + std::string(pattern);
  if (pattern == "*") {
    entries_.push_back({"", true, why});
    return "";
  }
  if (pattern.rfind("*.", 0) == 0) {
    std::string_view domain = pattern.substr(2);
    if (!ValidHostName(domain) || domain.find('*') != std::string_view::npos) {
      return "'" + std::string(pattern) + "' is not *.DOMAIN";
    }
    if (!AllowDomain(domain, why)) {
      return "'" + std::string(domain) +
             "' is a public suffix or a single label: name the hosts instead";
    }
    return "";
  }
  if (!AllowHost(pattern, why)) {
    return "'" + std::string(pattern) + "' is not a host name (HOST, *.DOMAIN or *)";
  }
  return "";
}

std::optional<std::string> CredentialScope::Covers(std::string_view host) const {
  std::string h = Normalize(host);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (h.empty()) return std::nullopt;
  for (const auto& e : entries_) {
    if (e.name.empty()) return e.why;  // "*"
    std::string name = e.name;
    if (name.size() > 2 && name.front() == '[' && name.back() == ']') {
      name = name.substr(1, name.size() - 2);
    }
    if (e.subdomains ? Within(h, name) : h == name) return e.why;
  }
  return std::nullopt;
}

std::optional<std::string> CredentialScope::Release(const Secret& secret, std::string_view url,
                                                    std::string* why) const {
  auto fail = [&](std::string reason) -> std::optional<std::string> {
    if (why != nullptr) *why = std::move(reason);
    return std::nullopt;
  };
  if (secret.empty()) return fail("no password was given");
  if (std::string bad = CheckHeaderSafe(url); !bad.empty()) return fail("the URL holds " + bad);
  auto parts = SplitHttpUrl(url);
  if (!parts) return fail("'" + std::string(url) + "' is not an http(s) URL");
  if (parts->scheme != "https") return fail("credentials never go over plain http");
  if (!Covers(parts->host)) {
    return fail(parts->host +
                " is outside the user's domain and was not named by the operator or by an "
                "authenticated answer");
  }
  return secret.value_;
}

std::vector<std::string> CredentialScope::Describe() const {
  std::vector<std::string> out;
  for (const auto& e : entries_) {
    out.push_back((e.name.empty() ? "any host" : e.name) +
                  (e.subdomains && !e.name.empty() ? " and its subdomains" : "") + " (" + e.why +
                  ")");
  }
  return out;
}

Finding CredentialsWithheld(std::string_view where, std::string_view how, std::string_view why) {
  std::string host = UrlHost(where);
  if (host.empty()) host = std::string(where);
  std::string message = "credentials withheld from " + std::string(where);
  if (!how.empty()) message += ", reached through " + std::string(how);
  message += ": " + std::string(why);
  Finding f = FindingFor({Stage::kHttp, "auth.credentials.withheld", message});
  if (why.find("outside the user's domain") != std::string_view::npos) {
    f.detail = "if you trust " + host +
               " with this password, run again with --allow-credentials-to " + host;
  }
  return f;
}

void SignIn(HttpRequest& request, const std::string& user, const std::string& password,
            bool basic) {
  request.carries_credentials = true;
  if (basic) {
    request.headers.emplace_back("Authorization",
                                 "Basic " + cert::EncodeBase64(user + ":" + password));
  } else {
    request.ntlm_user = user;
    request.ntlm_password = password;
  }
}

}  // namespace cxa
