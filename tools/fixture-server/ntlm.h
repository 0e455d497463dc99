// The fixture server's side of NTLM (MS-NLMP): a CHALLENGE message for a NEGOTIATE, and the
// check of the NTLMv2 response in an AUTHENTICATE message against one lab account. Test-only:
// no session keys, no signing, no NTLMv1.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace fixture {

struct NtlmAccount {
  std::string user;
  std::string password;
  std::string domain = "LAB";
};

using NtlmChallenge = std::array<unsigned char, 8>;

// 1 (NEGOTIATE), 2 (CHALLENGE), 3 (AUTHENTICATE), or 0 when `raw` is not an NTLM message.
int NtlmMessageType(std::string_view raw);

// A CHALLENGE message (raw bytes) with the server challenge and target info, which makes
// clients answer with NTLMv2.
std::string NtlmChallengeMessage(const NtlmChallenge& challenge, const std::string& domain);

// Whether an AUTHENTICATE message proves the account's password for `challenge`. `why` says
// what did not match.
bool NtlmVerify(std::string_view authenticate, const NtlmChallenge& challenge,
                const NtlmAccount& account, std::string* why);

}  // namespace fixture
