#include "cert/dane.h"

#include <openssl/evp.h>

#include <cctype>

namespace cxa::cert {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Reads an unsigned field of at most 3 digits up to the next space; advances `text`.
std::optional<int> Field(std::string_view& text) {
  size_t start = text.find_first_not_of(' ');
  if (start == std::string_view::npos) return std::nullopt;
  text.remove_prefix(start);
  size_t end = text.find(' ');
  std::string_view digits = text.substr(0, end);
  if (digits.empty() || digits.size() > 3) return std::nullopt;
  int value = 0;
  for (char c : digits) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value > 255) return std::nullopt;
  text.remove_prefix(end == std::string_view::npos ? text.size() : end);
  return value;
}

// The bytes a record of `selector` compares for `cert`; empty when they cannot be taken.
std::vector<unsigned char> Selected(X509* cert, int selector) {
  if (selector == 0) return ToDer(cert);
  std::vector<unsigned char> out;
  int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), nullptr);
  if (len <= 0) return out;
  out.resize(static_cast<size_t>(len));
  unsigned char* p = out.data();
  if (i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &p) != len) out.clear();
  return out;
}

std::vector<unsigned char> Digest(const std::vector<unsigned char>& bytes, int matching) {
  if (matching == 0) return bytes;
  const EVP_MD* md = matching == 1 ? EVP_sha256() : EVP_sha512();
  std::vector<unsigned char> out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), out.data(), &len, md, nullptr) != 1) return {};
  out.resize(len);
  return out;
}

bool Matches(const TlsaRecord& r, X509* cert) {
  std::vector<unsigned char> selected = Selected(cert, r.selector);
  return !selected.empty() && Digest(selected, r.matching) == r.data;
}

// Whether chain[0..top] is a signed path: each certificate issued and signed by the next, each
// valid at `now`, the leaf covering `name`. "" when it is, else why not.
std::string PathToTrustAnchor(const std::vector<X509Ptr>& certs, size_t top, std::string_view name,
                              std::time_t now) {
  for (size_t k = 0; k < top; ++k) {
    X509* child = certs[k].get();
    X509* parent = certs[k + 1].get();
    EVP_PKEY* key = X509_get0_pubkey(parent);
    if (X509_check_issued(parent, child) != X509_V_OK || key == nullptr ||
        X509_verify(child, key) != 1) {
      return "certificate " + std::to_string(k + 1) + " of the chain is not signed by the next";
    }
    if (NotAfter(child) < now || NotBefore(child) > now) {
      return "certificate " + std::to_string(k + 1) + " of the chain is outside its validity";
    }
  }
  const std::string host(name);
  if (X509_check_host(certs[0].get(), host.data(), host.size(),
                      X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, nullptr) != 1) {
    return "the server certificate does not cover " + host;
  }
  return "";
}

}  // namespace

std::string TlsaRecord::Params() const {
  return std::to_string(usage) + " " + std::to_string(selector) + " " + std::to_string(matching);
}

std::optional<TlsaRecord> ParseTlsa(std::string_view text) {
  TlsaRecord r;
  auto usage = Field(text), selector = Field(text), matching = Field(text);
  if (!usage || !selector || !matching) return std::nullopt;
  r.usage = *usage;
  r.selector = *selector;
  r.matching = *matching;
  int high = -1;
  for (char c : text) {
    if (c == ' ' || c == '\t') continue;
    int v = HexValue(c);
    if (v < 0) return std::nullopt;
    if (high < 0) {
      high = v;
    } else {
      r.data.push_back(static_cast<unsigned char>(high << 4 | v));
      high = -1;
    }
  }
  if (high >= 0 || r.data.empty()) return std::nullopt;
  return r;
}

std::string TlsaUnusable(const TlsaRecord& r) {
  if (r.usage == 0 || r.usage == 1) {
    return "usage " + std::to_string(r.usage) + (r.usage == 0 ? " (PKIX-TA)" : " (PKIX-EE)") +
           " is not used for SMTP";
  }
  if (r.usage != 2 && r.usage != 3) return "usage " + std::to_string(r.usage) + " is unknown";
  if (r.selector != 0 && r.selector != 1) {
    return "selector " + std::to_string(r.selector) + " is unknown";
  }
  if (r.matching == 1 && r.data.size() != 32) return "a SHA-256 digest must be 32 bytes";
  if (r.matching == 2 && r.data.size() != 64) return "a SHA-512 digest must be 64 bytes";
  if (r.matching > 2) return "matching type " + std::to_string(r.matching) + " is unknown";
  return "";
}

DaneMatch MatchTlsa(const std::vector<TlsaRecord>& records, const std::vector<Der>& chain,
                    std::string_view name, std::time_t now) {
  DaneMatch out;
  std::vector<X509Ptr> certs;
  for (const Der& der : chain) {
    X509Ptr cert = ParseDer(der);
    if (!cert) break;  // what follows an unreadable certificate cannot form a path
    certs.push_back(std::move(cert));
  }
  if (certs.empty()) {
    out.reason = "the server presented no certificate";
    return out;
  }
  std::string ta_problem;
  for (const TlsaRecord& r : records) {
    if (!TlsaUnusable(r).empty()) continue;
    if (r.usage == 3 && Matches(r, certs[0].get())) {
      out.matched = true;
      out.record = r.Params();
      return out;
    }
    if (r.usage != 2) continue;
    for (size_t i = 1; i < certs.size(); ++i) {
      if (!Matches(r, certs[i].get())) continue;
      std::string why = PathToTrustAnchor(certs, i, name, now);
      if (why.empty()) {
        out.matched = true;
        out.record = r.Params();
        return out;
      }
      ta_problem = "a " + r.Params() + " record matches certificate " + std::to_string(i + 1) +
                   ", but " + why;
    }
  }
  out.reason = !ta_problem.empty() ? ta_problem
                                   : "no TLSA record matches the " + std::to_string(certs.size()) +
                                         " certificate(s) the server sent";
  return out;
}

}  // namespace cxa::cert
