#include "transport/ntlm.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include <cctype>
#include <cstring>
#include <ctime>
#include <vector>

namespace cxa::ntlm {
namespace {

constexpr char kSignature[] = "NTLMSSP";  // followed by a NUL: 8 bytes

void Put16(std::string& s, size_t at, unsigned v) {
  s[at] = static_cast<char>(v & 0xff);
  s[at + 1] = static_cast<char>((v >> 8) & 0xff);
}
void Put32(std::string& s, size_t at, unsigned long v) {
  for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
unsigned Get16(std::string_view s, size_t at) {
  return static_cast<unsigned char>(s[at]) | (static_cast<unsigned char>(s[at + 1]) << 8);
}
unsigned long Get32(std::string_view s, size_t at) {
  unsigned long v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

std::string Utf16(std::string_view ascii, bool upper) {
  std::string out;
  for (char c : ascii) {
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    out += '\0';
  }
  return out;
}

// The (length, offset) field at `at` of a message, as a view into it; false when out of range.
bool Field(std::string_view msg, size_t at, std::string_view& out) {
  if (msg.size() < at + 8) return false;
  unsigned len = Get16(msg, at);
  unsigned long off = Get32(msg, at + 4);
  if (off > msg.size() || len > msg.size() - off) return false;
  out = msg.substr(off, len);
  return true;
}

// MD4 lives in OpenSSL 3's legacy provider. It is loaded into a library context of its own
// (the default one keeps only modern algorithms) and released at exit.
class LegacyMd4 {
 public:
  LegacyMd4()
      : lib_(OSSL_LIB_CTX_new()),
        legacy_(lib_ ? OSSL_PROVIDER_load(lib_, "legacy") : nullptr),
        md_(legacy_ ? EVP_MD_fetch(lib_, "MD4", nullptr) : nullptr) {}
  ~LegacyMd4() {
    EVP_MD_free(md_);
    if (legacy_) OSSL_PROVIDER_unload(legacy_);
    OSSL_LIB_CTX_free(lib_);
  }
  LegacyMd4(const LegacyMd4&) = delete;
  LegacyMd4& operator=(const LegacyMd4&) = delete;
  const EVP_MD* md() const { return md_; }

 private:
  OSSL_LIB_CTX* lib_;
  OSSL_PROVIDER* legacy_;
  EVP_MD* md_;
};

std::string Md4(std::string_view data) {
  static const LegacyMd4 md4;
  if (md4.md() == nullptr) return "";
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out, &n, md4.md(), nullptr);
  return std::string(reinterpret_cast<char*>(out), n);
}

std::string HmacMd5(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_md5(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &n);
  return std::string(reinterpret_cast<char*>(out), n);
}

}  // namespace

int MessageType(std::string_view raw) {
  if (raw.size() < 12 || std::memcmp(raw.data(), kSignature, 8) != 0) return 0;
  unsigned long t = Get32(raw, 8);
  return t >= 1 && t <= 3 ? static_cast<int>(t) : 0;
}

std::pair<std::string, std::string> SplitUser(std::string_view user) {
  size_t slash = user.find('\\');
  if (slash == std::string_view::npos) return {"", std::string(user)};
  return {std::string(user.substr(0, slash)), std::string(user.substr(slash + 1))};
}

std::string NegotiateMessage() {
  std::string m(32, '\0');
  std::memcpy(m.data(), kSignature, 8);
  Put32(m, 8, 1);
  // UNICODE | REQUEST_TARGET | NTLM | ALWAYS_SIGN | EXTENDED_SESSIONSECURITY | 128 | 56
  Put32(m, 12, 0xa0088205UL);
  return m;
}

Result<std::string> AuthenticateMessage(std::string_view challenge, std::string_view user,
                                        std::string_view domain, std::string_view password,
                                        const Challenge& client_nonce, std::uint64_t filetime) {
  if (MessageType(challenge) != 2 || challenge.size() < 48) {
    return Fail("the server's NTLM CHALLENGE message is malformed");
  }
  std::string_view server_challenge = challenge.substr(24, 8);
  std::string_view target_info;
  if (!Field(challenge, 40, target_info)) {
    return Fail("the server's NTLM CHALLENGE points outside itself");
  }
  std::string nt_hash = Md4(Utf16(password, false));
  if (nt_hash.empty()) return Fail("MD4 is not available (OpenSSL legacy provider)");
  std::string user16 = Utf16(user, false), domain16 = Utf16(domain, false);
  std::string key = HmacMd5(nt_hash, Utf16(user, true) + domain16);
  std::string nonce(reinterpret_cast<const char*>(client_nonce.data()), 8);
  std::string blob(8, '\0');
  blob[0] = 1;
  blob[1] = 1;
  for (int i = 0; i < 8; ++i) blob += static_cast<char>((filetime >> (8 * i)) & 0xff);
  blob += nonce + std::string(4, '\0') + std::string(target_info) + std::string(4, '\0');
  std::string sc(server_challenge);
  std::string nt = HmacMd5(key, sc + blob) + blob;
  std::string lm = HmacMd5(key, sc + nonce) + nonce;
  std::string m(64, '\0');
  std::memcpy(m.data(), kSignature, 8);
  Put32(m, 8, 3);
  size_t at = 64;
  auto field = [&](size_t pos, const std::string& value) {
    Put16(m, pos, static_cast<unsigned>(value.size()));
    Put16(m, pos + 2, static_cast<unsigned>(value.size()));
    Put32(m, pos + 4, at);
    at += value.size();
  };
  field(12, lm);
  field(20, nt);
  field(28, domain16);
  field(36, user16);
  field(44, "");  // workstation
  field(52, "");  // session key
  Put32(m, 60, 0xa0088205UL);
  return m + lm + nt + domain16 + user16;
}

Result<std::string> AuthenticateMessage(std::string_view challenge, std::string_view user,
                                        std::string_view domain, std::string_view password) {
  Challenge nonce{};
  RAND_bytes(nonce.data(), static_cast<int>(nonce.size()));
  // FILETIME: 100 ns intervals since 1601-01-01.
  std::uint64_t now = static_cast<std::uint64_t>(std::time(nullptr));
  return AuthenticateMessage(challenge, user, domain, password, nonce,
                             (now + 11644473600ULL) * 10000000ULL);
}

std::string ChallengeMessage(const Challenge& challenge, const std::string& domain) {
  std::string target = Utf16(domain, false);
  std::string info;
  auto av = [&](unsigned id, const std::string& value) {
    std::string pair(4, '\0');
    Put16(pair, 0, id);
    Put16(pair, 2, static_cast<unsigned>(value.size()));
    info += pair + value;
  };
  av(2, Utf16(domain, false));     // MsvAvNbDomainName
  av(1, Utf16("EXLAB01", false));  // MsvAvNbComputerName
  av(0, "");                       // MsvAvEOL
  std::string m(56, '\0');
  std::memcpy(m.data(), kSignature, 8);
  Put32(m, 8, 2);
  Put16(m, 12, static_cast<unsigned>(target.size()));
  Put16(m, 14, static_cast<unsigned>(target.size()));
  Put32(m, 16, 56);
  // UNICODE | REQUEST_TARGET | NTLM | ALWAYS_SIGN | TARGET_TYPE_DOMAIN | EXTENDED_SESSIONSECURITY
  // | TARGET_INFO
  Put32(m, 20, 0x00898205UL);
  std::memcpy(m.data() + 24, challenge.data(), 8);
  Put16(m, 40, static_cast<unsigned>(info.size()));
  Put16(m, 42, static_cast<unsigned>(info.size()));
  Put32(m, 44, 56 + target.size());
  return m + target + info;
}

bool Verify(std::string_view msg, const Challenge& challenge, const Account& account,
            std::string* why) {
  auto fail = [&](const char* reason) {
    if (why) *why = reason;
    return false;
  };
  if (MessageType(msg) != 3) return fail("not an AUTHENTICATE message");
  std::string_view nt, domain, user;
  if (!Field(msg, 20, nt) || !Field(msg, 28, domain) || !Field(msg, 36, user)) {
    return fail("a field points outside the message");
  }
  if (nt.size() <= 24) return fail("an NTLMv1 response (only NTLMv2 is accepted)");
  // The user name as sent (UTF-16LE) must be the lab account's, case-insensitively.
  std::string sent_user;
  for (size_t i = 0; i + 1 < user.size(); i += 2) sent_user += user[i];
  if (Utf16(sent_user, true) != Utf16(account.user, true)) return fail("unknown user");
  std::string nt_hash = Md4(Utf16(account.password, false));
  if (nt_hash.empty()) return fail("MD4 is not available");
  std::string key = HmacMd5(nt_hash, Utf16(sent_user, true) + std::string(domain));
  std::string_view proof = nt.substr(0, 16);
  std::string_view blob = nt.substr(16);
  std::string expected = HmacMd5(
      key, std::string(reinterpret_cast<const char*>(challenge.data()), 8) + std::string(blob));
  if (expected != proof) return fail("wrong password");
  return true;
}

}  // namespace cxa::ntlm
