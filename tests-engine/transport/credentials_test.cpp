#include "transport/credentials.h"

#include <catch2/catch.hpp>

using namespace cxa;

TEST_CASE("credential scope: the user's domain and its subdomains, nothing beside it",
          "[unit][credentials]") {
  CredentialScope scope;
  REQUIRE(scope.AllowDomain("Contoso.test.", "the domain of email alice@contoso.test"));
  CHECK(scope.Covers("contoso.test"));
  CHECK(scope.Covers("autodiscover.contoso.test"));
  CHECK(scope.Covers("MAIL.Contoso.Test."));
  CHECK_FALSE(scope.Covers("evilcontoso.test"));  // a suffix that is not a label boundary
  CHECK_FALSE(scope.Covers("contoso.test.evil.test"));
  CHECK_FALSE(scope.Covers("test"));
  CHECK_FALSE(scope.Covers(""));
}

TEST_CASE("credential scope: a public suffix or a single label is never a user's domain",
          "[unit][credentials]") {
  CredentialScope scope;
  CHECK_FALSE(scope.AllowDomain("com", "x"));
  CHECK_FALSE(scope.AllowDomain("co.uk", "x"));
  CHECK_FALSE(scope.AllowDomain("test", "x"));
  CHECK_FALSE(scope.Covers("autodiscover.com"));
  CHECK(IsPublicSuffix("github.io"));
  CHECK(IsPublicSuffix("localhost"));
  CHECK_FALSE(IsPublicSuffix("contoso.com"));
  CHECK_FALSE(IsPublicSuffix("contoso.test"));
}

TEST_CASE("credential scope: exact hosts and --allow-credentials-to patterns",
          "[unit][credentials]") {
  CredentialScope scope;
  REQUIRE(scope.AllowHost("mail.fabrikam.test", "named by the operator (rpc_proxy)"));
  CHECK(scope.Covers("mail.fabrikam.test"));
  CHECK_FALSE(scope.Covers("x.mail.fabrikam.test"));
  CHECK(scope.AllowPattern("*.hoster.test").empty());
  CHECK(scope.Covers("autodiscover.hoster.test"));
  CHECK(scope.Covers("hoster.test"));
  CHECK(scope.AllowPattern("127.0.0.1").empty());
  CHECK(scope.Covers("127.0.0.1"));
  CHECK_FALSE(scope.AllowPattern("*.com").empty());
  CHECK_FALSE(scope.AllowPattern("bad host").empty());
  CHECK_FALSE(scope.AllowPattern("*.a*b.test").empty());
  CHECK_FALSE(scope.Covers("elsewhere.test"));
  CredentialScope any;
  CHECK(any.AllowPattern("*").empty());
  CHECK(any.Covers("anything.example"));
}

TEST_CASE("credential scope: Release hands out the password only for https in scope",
          "[unit][credentials]") {
  CredentialScope scope;
  scope.AllowDomain("contoso.test", "the user's domain");
  Secret secret("s3cret");
  std::string why;
  auto ok = scope.Release(secret, "https://mail.contoso.test:8443/owa/", &why);
  REQUIRE(ok);
  CHECK(*ok == "s3cret");
  CHECK_FALSE(scope.Release(secret, "http://mail.contoso.test/owa/", &why));
  CHECK_THAT(why, Catch::Contains("plain http"));
  CHECK_FALSE(scope.Release(secret, "https://autodiscover.attacker.test/x", &why));
  CHECK_THAT(why, Catch::Contains("outside the user's domain"));
  CHECK_FALSE(scope.Release(secret, "https://mail.contoso.test/\r\nX: y", &why));
  CHECK_FALSE(scope.Release(Secret(), "https://mail.contoso.test/", &why));
  CHECK_FALSE(scope.Release(secret, "not a url", &why));
}

TEST_CASE("auth.credentials.withheld names the host and the opt-in", "[unit][credentials]") {
  Finding f =
      CredentialsWithheld("https://autodiscover.attacker.test/autodiscover/autodiscover.xml",
                          "the SRV record _autodiscover._tcp.contoso.test",
                          "autodiscover.attacker.test is outside the user's domain");
  CHECK(f.id == "auth.credentials.withheld");
  CHECK(f.severity == Severity::kError);
  CHECK_THAT(f.detail, Catch::Contains("--allow-credentials-to autodiscover.attacker.test"));
}

TEST_CASE("addresses from servers are checked before use", "[unit][credentials]") {
  CHECK(CheckEmailAddress("alice@contoso.test").empty());
  CHECK_FALSE(CheckEmailAddress("alice@test").empty());   // single label
  CHECK_FALSE(CheckEmailAddress("alice@co.uk").empty());  // public suffix
  CHECK_FALSE(CheckEmailAddress("alice@contoso.test\r\nX-Evil: 1").empty());
  CHECK_FALSE(CheckEmailAddress("alice contoso.test").empty());
  CHECK_FALSE(CheckEmailAddress("a@b@contoso.test").empty());
  CHECK_FALSE(CheckEmailAddress("@contoso.test").empty());
  CHECK_FALSE(CheckEmailAddress("alice@contoso..test").empty());
  CHECK_FALSE(CheckEmailAddress("alice@[127.0.0.1]").empty());
  CHECK(CheckHeaderSafe("text/xml; charset=utf-8").empty());
  CHECK_FALSE(CheckHeaderSafe("a\x1b[31m").empty());
  CHECK_FALSE(CheckHeaderSafe("a\xc2\x9b"
                              "31m")
                  .empty());  // C1 CSI as UTF-8
  CHECK_FALSE(CheckHeaderSafe(std::string("a\0b", 3)).empty());
}
