#include "transport/ntlm.h"

#include <catch2/catch.hpp>

using namespace cxa;

TEST_CASE("NTLM: the client's NTLMv2 answer verifies against the account", "[ntlm]") {
  ntlm::Challenge server{1, 2, 3, 4, 5, 6, 7, 8};
  std::string challenge = ntlm::ChallengeMessage(server, "LAB");
  CHECK(ntlm::MessageType(ntlm::NegotiateMessage()) == 1);
  CHECK(ntlm::MessageType(challenge) == 2);
  ntlm::Account account{"labuser", "cxa-lab-S3cret", "LAB"};

  auto [domain, user] = ntlm::SplitUser("LAB\\labuser");
  CHECK(domain == "LAB");
  CHECK(user == "labuser");
  auto auth = ntlm::AuthenticateMessage(challenge, user, domain, "cxa-lab-S3cret");
  REQUIRE(auth.ok());
  CHECK(ntlm::MessageType(*auth) == 3);
  std::string why;
  CHECK(ntlm::Verify(*auth, server, account, &why));

  auto wrong = ntlm::AuthenticateMessage(challenge, user, domain, "wrong");
  REQUIRE(wrong.ok());
  CHECK_FALSE(ntlm::Verify(*wrong, server, account, &why));
  CHECK(why == "wrong password");
  ntlm::Challenge other{8, 7, 6, 5, 4, 3, 2, 1};
  CHECK_FALSE(ntlm::Verify(*auth, other, account, &why));

  // Deterministic with a fixed nonce and time.
  ntlm::Challenge nonce{9, 9, 9, 9, 9, 9, 9, 9};
  CHECK(*ntlm::AuthenticateMessage(challenge, user, domain, "p", nonce, 1) ==
        *ntlm::AuthenticateMessage(challenge, user, domain, "p", nonce, 1));
}

TEST_CASE("NTLM: malformed challenges are refused", "[ntlm]") {
  CHECK_FALSE(ntlm::AuthenticateMessage("", "u", "", "p").ok());
  CHECK_FALSE(ntlm::AuthenticateMessage(ntlm::NegotiateMessage(), "u", "", "p").ok());
  std::string c = ntlm::ChallengeMessage({}, "LAB");
  c[44] = 0x7f;  // target info offset far outside
  CHECK_FALSE(ntlm::AuthenticateMessage(c, "u", "", "p").ok());
  CHECK(ntlm::SplitUser("labuser@oa.test").first.empty());
}
