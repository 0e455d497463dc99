// NTLM (MS-NLMP) messages, both sides, for the places libcurl cannot do it for us: the client's
// NEGOTIATE and NTLMv2 AUTHENTICATE on a raw stream (RPC over HTTP's long-lived channels), and
// the fixture server's CHALLENGE and check of an AUTHENTICATE against one lab account. NTLMv2
// only; no session keys, signing or sealing (HTTP authentication needs none).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace cxa::ntlm {

struct Account {
  std::string user;
  std::string password;
  std::string domain = "LAB";
};

using Challenge = std::array<unsigned char, 8>;

// 1 (NEGOTIATE), 2 (CHALLENGE), 3 (AUTHENTICATE), or 0 when `raw` is not an NTLM message.
int MessageType(std::string_view raw);

// ---- client ----

// "DOMAIN\user" -> {DOMAIN, user}; "user@domain" and "user" -> {"", as given}.
std::pair<std::string, std::string> SplitUser(std::string_view user);

// The NEGOTIATE message (raw bytes; base64 it for an Authorization header).
std::string NegotiateMessage();

// The AUTHENTICATE message answering a CHALLENGE with an NTLMv2 response for user/domain and
// password, with the given client nonce and time (FILETIME, 100 ns since 1601). Fails when the
// challenge is malformed.
Result<std::string> AuthenticateMessage(std::string_view challenge, std::string_view user,
                                        std::string_view domain, std::string_view password,
                                        const Challenge& client_nonce, std::uint64_t filetime);
// The same with a random nonce and the current time.
Result<std::string> AuthenticateMessage(std::string_view challenge, std::string_view user,
                                        std::string_view domain, std::string_view password);

// ---- server (the fixture server) ----

// A CHALLENGE message (raw bytes) with the server challenge and target info, which makes
// clients answer with NTLMv2.
std::string ChallengeMessage(const Challenge& challenge, const std::string& domain);

// Whether an AUTHENTICATE message proves the account's password for `challenge`. `why` says
// what did not match.
bool Verify(std::string_view authenticate, const Challenge& challenge, const Account& account,
            std::string* why);

}  // namespace cxa::ntlm
