#include "transport/address_filter.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <catch2/catch.hpp>

using namespace cxa;

TEST_CASE("address kinds: what counts as public", "[unit][transport]") {
  CHECK(NonPublicAddress("127.0.0.53") == "loopback");
  CHECK(NonPublicAddress("169.254.169.254") == "link-local");
  CHECK(NonPublicAddress("10.1.2.3") == "private");
  CHECK(NonPublicAddress("172.31.0.1") == "private");
  CHECK(NonPublicAddress("172.32.0.1").empty());
  CHECK(NonPublicAddress("192.168.1.1") == "private");
  CHECK(NonPublicAddress("100.64.0.1") == "shared (carrier-grade NAT)");
  CHECK(NonPublicAddress("0.0.0.0") == "unspecified");
  CHECK(NonPublicAddress("224.0.0.1") == "multicast or reserved");
  CHECK(NonPublicAddress("203.0.113.7").empty());
  CHECK(NonPublicAddress("::1") == "loopback");
  CHECK(NonPublicAddress("::") == "unspecified");
  CHECK(NonPublicAddress("fe80::1") == "link-local");
  CHECK(NonPublicAddress("fd00::1") == "private (unique local)");
  CHECK(NonPublicAddress("::ffff:127.0.0.1") == "loopback");
  CHECK(NonPublicAddress("::ffff:10.0.0.1") == "private");
  CHECK(NonPublicAddress("ff02::1") == "multicast");
  CHECK(NonPublicAddress("2001:db8::1").empty());
  CHECK(NonPublicAddress("not an address") == "not an address");
}

TEST_CASE("a socket address is judged and written like its text form", "[unit][transport]") {
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  REQUIRE(inet_pton(AF_INET6, "fd12::7", &v6.sin6_addr) == 1);
  CHECK(NonPublicKind(reinterpret_cast<sockaddr*>(&v6)) == "private (unique local)");
  CHECK(AddressText(reinterpret_cast<sockaddr*>(&v6)) == "fd12::7");
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  REQUIRE(inet_pton(AF_INET, "192.0.2.9", &v4.sin_addr) == 1);
  CHECK(NonPublicKind(reinterpret_cast<sockaddr*>(&v4)).empty());
  CHECK(AddressText(reinterpret_cast<sockaddr*>(&v4)) == "192.0.2.9");
  sockaddr unix_like{};
  unix_like.sa_family = AF_UNIX;
  CHECK(NonPublicKind(&unix_like) == "not an internet");
  CHECK(AddressText(&unix_like) == "?");
}

TEST_CASE("a URL is aimed by the operator only by an entry for its host and port",
          "[unit][transport]") {
  const std::string url = "https://mail.contoso.com:8443/owa/";
  CHECK(AimedByOperator({"mail.contoso.com:8443:127.0.0.1"}, {}, url));
  CHECK(AimedByOperator({"MAIL.contoso.com:8443:127.0.0.1"}, {}, url));
  CHECK(AimedByOperator({}, {"mail.contoso.com::127.0.0.1:9000"}, url));
  CHECK(AimedByOperator({}, {"::127.0.0.1:9000"}, url));
  CHECK(AimedByOperator({}, {"*:8443:127.0.0.1:9000"}, url));
  CHECK_FALSE(AimedByOperator({"mail.contoso.com:443:127.0.0.1"}, {}, url));
  CHECK_FALSE(AimedByOperator({"other.contoso.com:8443:127.0.0.1"}, {}, url));
  CHECK_FALSE(AimedByOperator({}, {}, url));
  CHECK_FALSE(AimedByOperator({"nonsense"}, {}, url));
  CHECK_FALSE(AimedByOperator({"::127.0.0.1"}, {}, "not a url"));
  CHECK(AimedByOperator({"autodiscover.contoso.com:443:10.0.0.5"}, {},
                        "https://autodiscover.contoso.com/autodiscover/autodiscover.xml"));
}

TEST_CASE("resolve entries are checked before any connection", "[unit][transport]") {
  CHECK(CheckResolveEntry("mail.contoso.com:443:127.0.0.1").empty());
  CHECK(CheckResolveEntry("mail.contoso.com:443:[::1]").empty());
  CHECK(CheckResolveEntry("mail.contoso.com:443:127.0.0.1,[::1]").empty());
  CHECK_FALSE(CheckResolveEntry("mail.contoso.com").empty());
  CHECK_FALSE(CheckResolveEntry(":443:127.0.0.1").empty());
  CHECK_FALSE(CheckResolveEntry("mail.contoso.com:0:127.0.0.1").empty());
  CHECK_FALSE(CheckResolveEntry("mail.contoso.com:65536:127.0.0.1").empty());
  CHECK_FALSE(CheckResolveEntry("mail.contoso.com:https:127.0.0.1").empty());
  CHECK_FALSE(CheckResolveEntry("mail.contoso.com:443:").empty());
  CHECK_FALSE(CheckResolveEntry("mail.contoso.com:443:mail.example").empty());
  CHECK_FALSE(CheckResolveEntry("mail.contoso.com:443:127.0.0.1,").empty());
}
