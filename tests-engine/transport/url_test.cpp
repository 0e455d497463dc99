#include "transport/url.h"

#include <catch2/catch.hpp>

using namespace cxa;

TEST_CASE("urls: hosts written for URLs, parts, relative redirects", "[unit][url]") {
  CHECK(HostForUrl("mail.contoso.test") == "mail.contoso.test");
  CHECK(HostForUrl("192.0.2.1") == "192.0.2.1");
  CHECK(HostForUrl("::1") == "[::1]");
  CHECK(HostForUrl("[::1]") == "[::1]");

  auto u = SplitHttpUrl("https://STS.contoso.test:8443/adfs/ls/?x=1");
  REQUIRE(u);
  CHECK(u->host == "sts.contoso.test");
  CHECK(u->port == 8443);
  CHECK(u->path == "/adfs/ls/?x=1");
  CHECK(SplitHttpUrl("https://[::1]/")->host == "::1");
  CHECK(SplitHttpUrl("http://mail.contoso.test")->port == 80);
  CHECK_FALSE(SplitHttpUrl("https://user@mail.contoso.test/"));
  CHECK_FALSE(SplitHttpUrl("ftp://mail.contoso.test/"));
  CHECK_FALSE(SplitHttpUrl("https://mail.contoso.test:99999/"));

  CHECK(ResolveLocation("https://[::1]:8443/owa/", "/owa/auth/logon.aspx") ==
        "https://[::1]:8443/owa/auth/logon.aspx");
  CHECK(ResolveLocation("https://mail.contoso.test/owa/", "//sts.contoso.test/adfs/") ==
        "https://sts.contoso.test/adfs/");
  CHECK(ResolveLocation("https://mail.contoso.test:443/a/b", "c") ==
        "https://mail.contoso.test/a/c");
}
