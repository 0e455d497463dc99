#include "protocols/mapi/mapi_codec.h"

#include <cctype>

#include "core/text.h"

namespace cxa::protocols::mapi {
namespace {

constexpr size_t kMaxUserDn = 1024;
constexpr size_t kMaxMetaLines = 64;
constexpr size_t kMaxPending = 100000;
constexpr size_t kMaxString = 4096;  // a DN prefix or display name in a response

void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// Reads little-endian fields from a response body; every read is bounded by the body.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  std::optional<uint32_t> U32() {
    if (bytes_.size() - at_ < 4) return std::nullopt;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      v |= static_cast<uint32_t>(static_cast<unsigned char>(bytes_[at_ + i])) << (8 * i);
    }
    at_ += 4;
    return v;
  }
  // A null-terminated ASCII string.
  std::optional<std::string> Ascii() {
    size_t end = bytes_.find('\0', at_);
    if (end == std::string_view::npos || end - at_ > kMaxString) return std::nullopt;
    std::string out(bytes_.substr(at_, end - at_));
    at_ = end + 1;
    return out;
  }
  // A UTF-16LE string ending in a 0 code unit, as UTF-8 (an unpaired surrogate becomes U+FFFD).
  std::optional<std::string> Utf16() {
    std::string out;
    while (true) {
      if (bytes_.size() - at_ < 2 || out.size() > kMaxString) return std::nullopt;
      uint32_t unit = Unit(at_);
      at_ += 2;
      if (unit == 0) return out;
      uint32_t cp = unit;
      if (unit >= 0xD800 && unit < 0xDC00 && bytes_.size() - at_ >= 2 && Unit(at_) >= 0xDC00 &&
          Unit(at_) < 0xE000) {
        cp = 0x10000 + ((unit - 0xD800) << 10) + (Unit(at_) - 0xDC00);
        at_ += 2;
      } else if (unit >= 0xD800 && unit < 0xE000) {
        cp = 0xFFFD;
      }
      AppendUtf8(out, cp);
    }
  }
  bool Skip(size_t n) {
    if (bytes_.size() - at_ < n) return false;
    at_ += n;
    return true;
  }
  // The auxiliary buffer: its size, then that many bytes.
  bool Auxiliary() {
    auto size = U32();
    return size && Skip(*size);
  }

 private:
  uint32_t Unit(size_t at) const {
    return static_cast<unsigned char>(bytes_[at]) |
           static_cast<uint32_t>(static_cast<unsigned char>(bytes_[at + 1])) << 8;
  }
  static void AppendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  std::string_view bytes_;
  size_t at_ = 0;
};

// One line of the inner response, without its CRLF; advances `at`. nullopt at the end or when
// the line does not end in CRLF.
std::optional<std::string_view> Line(std::string_view bytes, size_t& at) {
  size_t end = bytes.find("\r\n", at);
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view line = bytes.substr(at, end - at);
  at = end + 2;
  return line;
}

Error Truncated(const char* what) { return Fail(std::string(what) + " response is truncated"); }

}  // namespace

std::string_view ResponseCodeSlug(int code) {
  static constexpr std::string_view kSlugs[] = {"success",
                                                "unknown_failure",
                                                "invalid_verb",
                                                "invalid_path",
                                                "invalid_header",
                                                "invalid_request_type",
                                                "invalid_context_cookie",
                                                "missing_header",
                                                "anonymous_not_allowed",
                                                "too_large",
                                                "context_not_found",
                                                "no_privilege",
                                                "invalid_request_body",
                                                "missing_cookie",
                                                "reserved",
                                                "invalid_sequence",
                                                "endpoint_disabled",
                                                "invalid_response",
                                                "endpoint_shutting_down"};
  if (code < 0 || code >= static_cast<int>(std::size(kSlugs))) return "";
  return kSlugs[code];
}

std::string_view ErrorCodeName(uint32_t code) {
  switch (code) {
    case 0x00000000:
      return "ecNone";
    case 0x80070005:
      return "ecAccessDenied";
    case 0x80004005:
      return "ecError";
    case 0x00000970:
      return "ecNotEncrypted";
    case 0x000004DF:
      return "ecClientVerDisallowed";
    case 0x80040111:
      return "ecLoginFailure";
    case 0x000003EB:
      return "ecUnknownUser";
    case 0x000003F2:
      return "ecLoginPerm";
    case 0x80040110:
      return "ecVersionMismatch";
    case 0x000004E1:
      return "ecCachedModeRequired";
    case 0x000004E0:
      return "ecRpcHttpDisallowed";
    case 0x000007D8:
      return "ecProtocolDisabled";
    default:
      return "";
  }
}

Result<std::string> ConnectRequest(std::string_view user_dn) {
  if (user_dn.empty() || user_dn.size() > kMaxUserDn) {
    return Fail("the user's legacy DN must hold 1 to 1024 characters");
  }
  for (char c : user_dn) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E) {
      return Fail("the user's legacy DN must be printable ASCII");
    }
  }
  std::string out(user_dn);
  out.push_back('\0');
  PutU32(out, 0);      // Flags
  PutU32(out, 1252);   // DefaultCodePage
  PutU32(out, 0x409);  // LcidSort
  PutU32(out, 0x409);  // LcidString
  PutU32(out, 0);      // AuxiliaryBufferSize
  return out;
}

std::string DisconnectRequest() {
  std::string out;
  PutU32(out, 0);
  return out;
}

std::string BindRequest() {
  std::string out;
  PutU32(out, 0);    // Flags
  out.push_back(0);  // HasState: no STAT follows
  PutU32(out, 0);    // AuxiliaryBufferSize
  return out;
}

std::string UnbindRequest() {
  std::string out;
  PutU32(out, 0);  // Reserved
  PutU32(out, 0);  // AuxiliaryBufferSize
  return out;
}

int ParseResponseCode(std::string_view value) {
  const std::string v = Trim(value);
  if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos) {
    return -1;
  }
  return std::stoi(v);
}

std::optional<int> InnerResponse::ResponseCode() const {
  std::optional<int> code;
  for (const auto& [name, value] : meta) {
    if (ToLower(name) != "x-responsecode") continue;
    code = ParseResponseCode(value);  // the last one counts
    if (*code < 0) return code;
  }
  return code;
}

Result<InnerResponse> ParseInnerResponse(std::string_view bytes) {
  InnerResponse out;
  size_t at = 0;
  auto first = Line(bytes, at);
  if (!first || *first != "PROCESSING") {
    return Fail("the response does not start with PROCESSING");
  }
  while (true) {
    auto line = Line(bytes, at);
    if (!line) return Fail("the response ends before DONE");
    if (*line == "DONE") break;
    if (*line != "PENDING") return Fail("a line that is neither PENDING nor DONE before DONE");
    if (++out.pending > static_cast<int>(kMaxPending)) return Fail("too many PENDING lines");
  }
  while (true) {
    auto line = Line(bytes, at);
    if (!line) return Fail("the meta-tags after DONE do not end with an empty line");
    if (line->empty()) break;
    size_t colon = line->find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return Fail("a meta-tag after DONE is not NAME: VALUE");
    }
    if (out.meta.size() == kMaxMetaLines) return Fail("too many meta-tags after DONE");
    out.meta.emplace_back(Trim(line->substr(0, colon)), Trim(line->substr(colon + 1)));
  }
  out.body = std::string(bytes.substr(at));
  return out;
}

Result<ConnectResponse> ParseConnectResponse(std::string_view body) {
  Reader in(body);
  ConnectResponse r;
  auto status = in.U32();
  if (!status) return Truncated("the Connect");
  r.status = *status;
  if (r.status != 0) {
    if (!in.Auxiliary()) return Truncated("the Connect");
    return r;
  }
  auto error = in.U32(), polls = in.U32(), retries = in.U32(), delay = in.U32();
  if (!error || !polls || !retries || !delay) return Truncated("the Connect");
  r.error = *error;
  r.polls_max_ms = *polls;
  r.retry_count = *retries;
  r.retry_delay_ms = *delay;
  auto prefix = in.Ascii();
  if (!prefix) return Fail("the Connect response's DnPrefix does not end");
  auto name = in.Utf16();
  if (!name) return Fail("the Connect response's DisplayName does not end");
  if (!in.Auxiliary()) return Truncated("the Connect");
  r.dn_prefix = std::move(*prefix);
  r.display_name = std::move(*name);
  return r;
}

Result<StatusResponse> ParseStatusResponse(std::string_view body) {
  Reader in(body);
  StatusResponse r;
  auto status = in.U32();
  if (!status) return Truncated("the");
  r.status = *status;
  if (r.status == 0) {
    auto error = in.U32();
    if (!error) return Truncated("the");
    r.error = *error;
  }
  if (!in.Auxiliary()) return Truncated("the");
  return r;
}

Result<BindResponse> ParseBindResponse(std::string_view body) {
  Reader in(body);
  BindResponse r;
  auto status = in.U32();
  if (!status) return Truncated("the Bind");
  r.status = *status;
  if (r.status != 0) {
    if (!in.Auxiliary()) return Truncated("the Bind");
    return r;
  }
  auto error = in.U32();
  if (!error || body.size() < 8 + 16) return Truncated("the Bind");
  r.error = *error;
  for (size_t i = 0; i < 16; ++i) r.server_guid[i] = static_cast<unsigned char>(body[8 + i]);
  in.Skip(16);
  if (!in.Auxiliary()) return Truncated("the Bind");
  return r;
}

}  // namespace cxa::protocols::mapi
