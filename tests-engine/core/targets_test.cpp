#include "core/targets.h"

#include <catch2/catch.hpp>
#include <sstream>
#include <vector>

using namespace cxa;

namespace {

struct Read {
  std::vector<Target> good;
  std::vector<BadTargetLine> bad;
  std::string error;
};

Read ReadAll(const std::string& text, const std::string& column = "user",
             const std::string& named = "", const std::vector<std::string>& inputs = {}) {
  std::istringstream in(text);
  TargetReader reader(in, TargetColumns{column, named, inputs});
  Read r;
  for (;;) {
    std::optional<BadTargetLine> bad;
    auto next = reader.Next(bad);
    if (!next) {
      r.error = next.error();
      return r;
    }
    if (bad) {
      r.bad.push_back(*bad);
      continue;
    }
    if (!*next) return r;
    r.good.push_back(**next);
  }
}

}  // namespace

TEST_CASE("target lists: one per line, comments and blank lines", "[unit][targets]") {
  auto r =
      ReadAll("# migration wave 1\n\nalice@contoso.com\r\n  fabrikam.com  \n# end\nsts.x.com:8443");
  REQUIRE(r.error.empty());
  REQUIRE(r.good.size() == 3);
  CHECK(r.good[0].value == "alice@contoso.com");
  CHECK(r.good[0].line == 3);
  CHECK(r.good[1].value == "fabrikam.com");
  CHECK(r.good[2].value == "sts.x.com:8443");
  CHECK(r.good[2].line == 6);
  CHECK(r.bad.empty());
}

TEST_CASE("target lists: bad lines are reported with their number and skipped", "[unit][targets]") {
  auto r = ReadAll("ok.com\nnot a domain\nx@@y.com\n-bad-.com\n@contoso.com\nhost:99999\n" +
                   std::string(5000, 'a') + "\nlast.com");
  REQUIRE(r.error.empty());
  REQUIRE(r.good.size() == 2);
  CHECK(r.good[1].value == "last.com");
  CHECK(r.good[1].line == 8);
  REQUIRE(r.bad.size() == 6);
  CHECK(r.bad[0].line == 2);
  CHECK(r.bad[1].line == 3);
  CHECK(r.bad[5].line == 7);
  CHECK(r.bad[5].why == "longer than 4096 characters");
}

TEST_CASE("target lists: CSV with a user column", "[unit][targets]") {
  auto r = ReadAll(
      "\xEF\xBB\xBF"
      "Name,User,Wave\n\"Doe, Alice\",alice@contoso.com,1\nBob,\"bob@fabrikam.com\",2\n"
      "Short\n\"unbalanced,x,y\n");
  REQUIRE(r.error.empty());
  REQUIRE(r.good.size() == 2);
  CHECK(r.good[0].value == "alice@contoso.com");
  CHECK(r.good[1].value == "bob@fabrikam.com");
  REQUIRE(r.bad.size() == 2);
  CHECK(r.bad[0].line == 4);

  auto no_column = ReadAll("name,office\nx,y@z.com\n");
  CHECK_THAT(no_column.error, Catch::Contains("names no target column"));
}

TEST_CASE("CSV record splitting", "[unit][targets]") {
  CHECK(SplitCsvLine("a, b ,\"c,d\",\"e\"\"f\"") ==
        std::vector<std::string>{"a", "b", "c,d", "e\"f"});
  CHECK(SplitCsvLine("") == std::vector<std::string>{""});
  CHECK_FALSE(SplitCsvLine("\"open"));
}

TEST_CASE("target values", "[unit][targets]") {
  CHECK(CheckTargetValue("alice@contoso.com").empty());
  CHECK(CheckTargetValue("contoso.com").empty());
  CHECK(CheckTargetValue("mail.contoso.com:443").empty());
  CHECK(CheckTargetValue("https://mail.contoso.com/owa/").empty());
  CHECK(CheckTargetValue("https://mail.contoso.com:8443/owa/?x=1").empty());
  CHECK_FALSE(CheckTargetValue("https://").empty());
  CHECK_FALSE(CheckTargetValue("https://u:p@mail.contoso.com/").empty());
  CHECK_FALSE(CheckTargetValue("https://bad host/").empty());
  CHECK_FALSE(CheckTargetValue("").empty());
  CHECK_FALSE(CheckTargetValue("a b.com").empty());
  CHECK_FALSE(CheckTargetValue("x@y.com:443").empty());
  CHECK_FALSE(CheckTargetValue("contoso..com").empty());
}

TEST_CASE("SplitHostPort takes HOST:PORT and [IPv6]:PORT apart and leaves the rest whole",
          "[unit][targets]") {
  auto check = [](std::string_view in, const std::string& host, const std::string& port) {
    HostPort hp = SplitHostPort(in);
    CHECK(hp.host == host);
    CHECK(hp.port == port);
  };
  check("mail.contoso.com", "mail.contoso.com", "");
  check("mail.contoso.com:8443", "mail.contoso.com", "8443");
  check("[2001:db8::1]:443", "2001:db8::1", "443");
  check("[::1]", "::1", "");
  check("::1", "::1", "");
  check("2001:db8::1", "2001:db8::1", "");
  check("https://mail.contoso.com:8443/owa", "https://mail.contoso.com:8443/owa", "");
  check("alice@contoso.com", "alice@contoso.com", "");
  check("mail.contoso.com:", "mail.contoso.com", "");
}

TEST_CASE("ParseHostTarget accepts hosts as typed and refuses what is not a host",
          "[unit][targets]") {
  auto ok = [](std::string_view in, const std::string& host, const std::string& port) {
    auto r = ParseHostTarget(in);
    REQUIRE(r.ok());
    CHECK(r->host == host);
    CHECK(r->port == port);
  };
  ok("mail.contoso.com", "mail.contoso.com", "");
  ok("mail.contoso.com:443", "mail.contoso.com", "443");
  ok("[::1]:443", "::1", "443");
  ok("192.0.2.7", "192.0.2.7", "");
  ok("https://mail.contoso.com/owa", "mail.contoso.com", "443");
  ok("https://sts.contoso.com:8443/adfs/ls/", "sts.contoso.com", "8443");
  for (std::string_view bad : {"", "http://mail.contoso.com/owa", "mail contoso.com",
                               "-mail.contoso.com", "a..b", "https://u:p@mail.contoso.com/"}) {
    INFO(bad);
    CHECK_FALSE(ParseHostTarget(bad).ok());
  }
}

TEST_CASE("target files as exports have them: usual column names, input columns, CRLF and a BOM",
          "[unit][targets]") {
  // An Exchange export: the target column is found by its usual name; a column named after an
  // input fills it per target; CRLF line ends and a BOM are fine.
  Read r = ReadAll(
      "\xEF\xBB\xBF"
      "DisplayName,PrimarySmtpAddress,rpc_proxy\r\n"
      "Alice,alice@contoso.com,mail.contoso.com\r\nBob,bob@contoso.com,\r\n",
      "email", "", {"rpc_proxy", "user"});
  REQUIRE(r.error.empty());
  REQUIRE(r.good.size() == 2);
  CHECK(r.good[0].value == "alice@contoso.com");
  CHECK(r.good[0].inputs ==
        std::vector<std::pair<std::string, std::string>>{{"rpc_proxy", "mail.contoso.com"}});
  CHECK(r.good[1].inputs.empty());  // an empty cell leaves the input as it is

  Read named = ReadAll("name,address\nAlice,alice@contoso.com\n", "user", "address");
  REQUIRE(named.good.size() == 1);
  CHECK(named.good[0].value == "alice@contoso.com");
  CHECK_THAT(ReadAll("name,address\nA,a@b.c\n", "user", "mail").error,
             Catch::Contains("--targets-column"));
  CHECK_THAT(ReadAll("name,address\nA,a@b.c\n").error, Catch::Contains("names no target column"));
  // A one-column file whose first line is a column name is a header, not a target.
  Read one = ReadAll("upn\nalice@contoso.com\n");
  REQUIRE(one.good.size() == 1);
  CHECK(one.good[0].value == "alice@contoso.com");
}
