#include "protocols/owa/owa_codec.h"

#include <strings.h>

#include <algorithm>

#include "core/enum_names.h"
#include "core/text.h"

namespace cxa::protocols {
namespace {

bool Contains(std::string_view hay, std::string_view needle) {
  return ToLower(hay).find(ToLower(needle)) != std::string::npos;
}

// Value of attribute `name` inside one tag's text (quoted with " or ', or bare).
std::optional<std::string> TagAttribute(std::string_view tag, std::string_view name) {
  std::string lower = ToLower(tag);
  std::string key = ToLower(name);
  for (size_t at = lower.find(key); at != std::string::npos; at = lower.find(key, at + 1)) {
    bool word_start = at > 0 && (std::isspace(static_cast<unsigned char>(lower[at - 1])) != 0);
    size_t eq = at + key.size();
    while (eq < lower.size() && std::isspace(static_cast<unsigned char>(lower[eq]))) ++eq;
    if (!word_start || eq >= lower.size() || lower[eq] != '=') continue;
    size_t v = eq + 1;
    while (v < tag.size() && std::isspace(static_cast<unsigned char>(tag[v]))) ++v;
    if (v >= tag.size()) return std::string();
    char quote = tag[v];
    if (quote == '"' || quote == '\'') {
      size_t end = tag.find(quote, v + 1);
      return std::string(tag.substr(v + 1, end == std::string_view::npos ? tag.npos : end - v - 1));
    }
    size_t end = tag.find_first_of(" \t\r\n>", v);
    return std::string(tag.substr(v, end == std::string_view::npos ? tag.npos : end - v));
  }
  return std::nullopt;
}

// Every tag `<name ...>` of the document (bounded: at most 1,000).
std::vector<std::string_view> Tags(std::string_view html, std::string_view name) {
  std::vector<std::string_view> out;
  std::string lower = ToLower(html);
  std::string open = "<" + ToLower(name);
  for (size_t at = lower.find(open); at != std::string::npos && out.size() < 1000;
       at = lower.find(open, at + 1)) {
    size_t after = at + open.size();
    if (after < lower.size() && std::isalnum(static_cast<unsigned char>(lower[after]))) continue;
    size_t end = lower.find('>', after);
    if (end == std::string::npos) break;
    out.push_back(html.substr(at, end - at + 1));
  }
  return out;
}

bool IsMicrosoft365Host(std::string_view host) {
  for (std::string_view h : Microsoft365SignInHosts()) {
    if (host.size() == h.size() && strncasecmp(host.data(), h.data(), h.size()) == 0) return true;
  }
  return false;
}

}  // namespace

std::span<const std::string_view> Microsoft365SignInHosts() {
  static constexpr std::string_view kHosts[] = {
      "login.microsoftonline.com", "login.microsoftonline.us", "login.partner.microsoftonline.cn",
      "login.windows.net",         "outlook.office365.com",    "outlook.office.com"};
  return kHosts;
}

std::string_view FrontEndName(FrontEnd f) {
  static constexpr EnumNames<FrontEnd, 10> kFrontEnds{{"fba", "basic", "ntlm", "negotiate", "adfs",
                                                       "microsoft365", "reverse-proxy", "anonymous",
                                                       "redirect", "unexpected"}};
  return kFrontEnds.Name(f);
}

std::string NormalizeOwaUrl(std::string_view v) {
  if (v.find("://") != std::string_view::npos) return std::string(v);
  if (v.find('/') != std::string_view::npos) return "https://" + std::string(v);
  return "https://" + std::string(v) + "/owa/";
}

Classification ClassifyOwaAnswer(const std::string& url, const HttpResponse& r) {
  Classification c;
  int s = r.status;
  if (s == 401) {
    c.schemes = r.AuthSchemes();
    auto offers = [&](const char* name) {
      return std::any_of(c.schemes.begin(), c.schemes.end(),
                         [&](const std::string& x) { return strcasecmp(x.c_str(), name) == 0; });
    };
    if (offers("NTLM")) {
      c.front_end = FrontEnd::kNtlm;
    } else if (offers("Negotiate")) {
      c.front_end = FrontEnd::kNegotiate;
    } else if (offers("Basic")) {
      c.front_end = FrontEnd::kBasic;
    } else {
      c.front_end = FrontEnd::kUnexpected;
      c.detail = "401 without an authentication scheme this test knows";
    }
    return c;
  }
  if (s == 301 || s == 302 || s == 303 || s == 307 || s == 308) {
    auto loc = r.Header("Location");
    if (!loc || loc->empty()) {
      c.detail = "a redirect without Location";
      return c;
    }
    c.location = ResolveLocation(url, *loc);
    auto to = SplitHttpUrl(c.location);
    auto from = SplitHttpUrl(url);
    if (!to) {
      c.detail = "a redirect to an unusable Location";
      return c;
    }
    std::string path = ToLower(to->path);
    if (path.find("/owa/auth/logon.aspx") != std::string::npos ||
        path.find("/exchweb/bin/auth/owalogon.asp") != std::string::npos) {
      c.front_end = FrontEnd::kFba;
      c.detail = "redirect to the Exchange logon page";
    } else if (path.find("/adfs/ls") != std::string::npos) {
      c.front_end = FrontEnd::kAdfs;
      c.idp_host = to->host;
      c.idp_port = to->port;
      c.detail = "redirect to AD FS sign-in";
    } else if (IsMicrosoft365Host(to->host)) {
      c.front_end = FrontEnd::kMicrosoft365;
      c.idp_host = to->host;
      c.idp_port = to->port;
      c.detail = "redirect to Microsoft 365";
    } else if (path.find("cookieauth.dll") != std::string::npos) {
      c.front_end = FrontEnd::kReverseProxy;
      c.detail = "redirect to a TMG/ISA CookieAuth.dll form";
    } else if (from && to->host == from->host && to->scheme == "https") {
      c.front_end = FrontEnd::kSameHostRedirect;
    } else {
      c.detail = "a redirect elsewhere";
    }
    return c;
  }
  if (s == 200) {
    if (Contains(r.body, "CookieAuth.dll")) {
      c.front_end = FrontEnd::kReverseProxy;
      c.detail = "a TMG/ISA CookieAuth.dll form";
    } else if (ParseLogonForm(r.body)) {
      c.front_end = FrontEnd::kFba;
      c.detail = "the Exchange logon form served directly";
    } else {
      c.front_end = FrontEnd::kAnonymous;
    }
    return c;
  }
  c.detail = "status " + std::to_string(s);
  return c;
}

std::optional<LogonForm> ParseLogonForm(std::string_view html) {
  for (std::string_view form : Tags(html, "form")) {
    auto action = TagAttribute(form, "action");
    if (!action) continue;
    std::string a = ToLower(*action);
    LogonForm f;
    f.action = *action;
    if (a.find("/owa/auth.owa") != std::string::npos) {
      f.generation = "2010+";
    } else if (a.find("/owa/auth/owaauth.dll") != std::string::npos) {
      f.generation = "2007";
    } else if (a.find("/exchweb/bin/auth/owaauth.dll") != std::string::npos) {
      f.generation = "2003";
    } else {
      continue;
    }
    for (std::string_view input : Tags(html, "input")) {
      std::string name = ToLower(TagAttribute(input, "name").value_or(""));
      if (name == "username") f.has_username = true;
      if (name == "password") f.has_password = true;
    }
    return f;
  }
  return std::nullopt;
}

FbaResult JudgeFbaAnswer(const HttpResponse& r, std::string* why) {
  std::string location = r.Header("Location").value_or("");
  std::string lower = ToLower(location);
  bool cadata = false;
  for (const auto& [k, v] : r.headers) {
    if (strcasecmp(k.c_str(), "Set-Cookie") == 0 && ToLower(v).rfind("cadata", 0) == 0)
      cadata = true;
  }
  if (r.status == 302 && lower.find("logon.aspx") != std::string::npos) {
    size_t at = lower.find("reason=");
    std::string reason = at == std::string::npos ? "" : lower.substr(at + 7, 1);
    if (why)
      *why =
          "redirected back to the logon page" + (reason.empty() ? "" : " (reason=" + reason + ")");
    return reason == "2" ? FbaResult::kRejected : FbaResult::kOther;
  }
  if (r.status == 302 && cadata) {
    if (why) *why = "redirect to " + location + " with the cadata session cookies";
    return FbaResult::kSignedIn;
  }
  if (why) {
    *why = "HTTP " + std::to_string(r.status) + (location.empty() ? "" : " to " + location) +
           (cadata ? "" : ", no cadata cookies");
  }
  return FbaResult::kOther;
}

std::string CookiesFrom(const HttpResponse& r) {
  std::string out;
  for (const auto& [k, v] : r.headers) {
    if (strcasecmp(k.c_str(), "Set-Cookie") != 0) continue;
    std::string pair = v.substr(0, v.find(';'));
    if (pair.find('=') == std::string::npos) continue;
    out += (out.empty() ? "" : "; ") + pair;
  }
  return out;
}

}  // namespace cxa::protocols
