#include "transport/auth_challenge.h"

#include <catch2/catch.hpp>

using namespace cxa;

TEST_CASE("WWW-Authenticate: schemes and parameters", "[unit][http]") {
  // The Bearer challenge of an Exchange virtual directory with hybrid modern auth.
  auto c = ParseChallenges(
      "Bearer client_id=\"00000002-0000-0ff1-ce00-000000000000\", "
      "trusted_issuers=\"00000001-0000-0000-c000-000000000000@*\", token_types="
      "\"app_asserted_user_v1 service_asserted_app_v1\", "
      "authorization_uri=\"https://login.windows.net/common/oauth2/authorize\"");
  REQUIRE(c.size() == 1);
  CHECK(c[0].scheme == "Bearer");
  CHECK(c[0].Param("AUTHORIZATION_URI") == "https://login.windows.net/common/oauth2/authorize");
  CHECK(c[0].Param("token_types") == "app_asserted_user_v1 service_asserted_app_v1");
  CHECK_FALSE(c[0].Param("realm"));

  // Several challenges in one value, a quoted comma and an escaped quote.
  auto many = ParseChallenges("Basic realm=\"a, \\\"b\\\"\", charset=UTF-8, Negotiate, NTLM");
  REQUIRE(many.size() == 3);
  CHECK(many[0].Param("realm") == "a, \"b\"");
  CHECK(many[0].Param("charset") == "UTF-8");
  CHECK(many[1].scheme == "Negotiate");
  CHECK(many[2].scheme == "NTLM");

  // An empty Bearer, a token68, garbage: bounded, never more than what is there.
  CHECK(ParseChallenges("Bearer").size() == 1);
  CHECK(ParseChallenges("Negotiate YIIFyAYGKwYBBQUCoIIFvDCCBbig").at(0).token ==
        "YIIFyAYGKwYBBQUCoIIFvDCCBbig");
  CHECK(ParseChallenges("").empty());
  CHECK(ParseChallenges(",,, ").empty());
  CHECK(ParseChallenges("Basic realm=\"never closed").at(0).Param("realm") == "never closed");
  CHECK(ParseChallenges(std::string(10000, ',') + "x").size() <= 16);

  HttpResponse r;
  r.headers = {{"www-authenticate", "Negotiate"},
               {"Server", "x"},
               {"WWW-Authenticate", "Bearer authorization_uri=\"https://l/\""}};
  auto all = ChallengesOf(r);
  REQUIRE(all.size() == 2);
  REQUIRE(FindChallenge(all, "bearer") != nullptr);
  CHECK(FindChallenge(all, "bearer")->Param("authorization_uri") == "https://l/");
  CHECK(FindChallenge(all, "Basic") == nullptr);
}

TEST_CASE("A response's schemes, also when a proxy merged them into one header", "[unit][http]") {
  HttpResponse r;
  r.status = 401;
  r.headers = {{"WWW-Authenticate", "Negotiate, NTLM"},
               {"Content-Type", "text/html"},
               {"www-authenticate", "Basic realm=\"mail.contoso.com\", Bearer client_id=\"x\""}};
  CHECK(r.AuthSchemes() == std::vector<std::string>{"Negotiate", "NTLM", "Basic", "Bearer"});
  HttpResponse none;
  CHECK(none.AuthSchemes().empty());
}
