#include "protocols/owa/owa_codec.h"

#include <catch2/catch.hpp>

#include "testing/fixtures.h"

using namespace cxa::protocols;
using cxa::HttpResponse;

namespace {

HttpResponse Answer(int status, std::vector<std::pair<std::string, std::string>> headers,
                    std::string body = "") {
  HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

const std::string kUrl = "https://mail.contoso.com/owa/";

}  // namespace

TEST_CASE("OWA front ends are told apart from the anonymous answer", "[unit][owa]") {
  auto fba = ClassifyOwaAnswer(
      kUrl, Answer(302, {{"Location",
                          "https://mail.contoso.com/owa/auth/logon.aspx?url=https%3a%2f%2fmail."
                          "contoso.com%2fowa%2f&reason=0"}}));
  CHECK(fba.front_end == FrontEnd::kFba);
  auto fba_relative = ClassifyOwaAnswer(kUrl, Answer(302, {{"Location", "/owa/auth/logon.aspx"}}));
  CHECK(fba_relative.front_end == FrontEnd::kFba);
  CHECK(fba_relative.location == "https://mail.contoso.com/owa/auth/logon.aspx");

  auto ntlm = ClassifyOwaAnswer(
      kUrl, Answer(401, {{"WWW-Authenticate", "Negotiate"}, {"WWW-Authenticate", "NTLM"}}));
  CHECK(ntlm.front_end == FrontEnd::kNtlm);
  CHECK(ntlm.schemes == std::vector<std::string>{"Negotiate", "NTLM"});
  CHECK(
      ClassifyOwaAnswer(kUrl, Answer(401, {{"WWW-Authenticate", "Basic realm=\"x\""}})).front_end ==
      FrontEnd::kBasic);
  CHECK(ClassifyOwaAnswer(kUrl, Answer(401, {{"WWW-Authenticate", "Negotiate"}})).front_end ==
        FrontEnd::kNegotiate);
  CHECK(ClassifyOwaAnswer(kUrl, Answer(401, {})).front_end == FrontEnd::kUnexpected);

  auto adfs = ClassifyOwaAnswer(
      kUrl, Answer(302, {{"Location", "https://sts.contoso.com/adfs/ls/?wa=wsignin1.0"}}));
  CHECK(adfs.front_end == FrontEnd::kAdfs);
  CHECK(adfs.idp_host == "sts.contoso.com");
  CHECK(adfs.idp_port == 443);
  auto ported = ClassifyOwaAnswer(
      kUrl, Answer(302, {{"Location", "https://STS.contoso.com:8443/adfs/ls/?wa=wsignin1.0"}}));
  CHECK(ported.front_end == FrontEnd::kAdfs);
  CHECK(ported.idp_host == "sts.contoso.com");
  CHECK(ported.idp_port == 8443);
  // Microsoft 365 is recognised by the host the redirect names (a pure classification: the
  // test connects nowhere).
  for (std::string_view host : Microsoft365SignInHosts()) {
    INFO(host);
    std::string location = "https://" + std::string(host) + "/common/";
    CHECK(ClassifyOwaAnswer(kUrl, Answer(302, {{"Location", location}})).front_end ==
          FrontEnd::kMicrosoft365);
  }
  CHECK(ClassifyOwaAnswer(kUrl, Answer(302, {{"Location", "/CookieAuth.dll?GetLogon?x"}}))
            .front_end == FrontEnd::kReverseProxy);
  CHECK(ClassifyOwaAnswer(kUrl, Answer(200, {}, "<form action=\"/CookieAuth.dll?Logon\">"))
            .front_end == FrontEnd::kReverseProxy);
  CHECK(ClassifyOwaAnswer(kUrl, Answer(200, {}, "<html>IIS</html>")).front_end ==
        FrontEnd::kAnonymous);
  CHECK(ClassifyOwaAnswer(kUrl, Answer(302, {{"Location", "/owa"}})).front_end ==
        FrontEnd::kSameHostRedirect);
  CHECK(ClassifyOwaAnswer(kUrl, Answer(302, {{"Location", "https://elsewhere.example/"}}))
            .front_end == FrontEnd::kUnexpected);
  CHECK(ClassifyOwaAnswer(kUrl, Answer(302, {})).front_end == FrontEnd::kUnexpected);
  CHECK(ClassifyOwaAnswer(kUrl, Answer(500, {})).front_end == FrontEnd::kUnexpected);
}

TEST_CASE("OWA logon forms of each Exchange generation", "[unit][owa]") {
  std::string page =
      cxa::testing::ReadText(cxa::testing::FixturesDir() + "/servers/owa/logon-2013.html");
  auto f = ParseLogonForm(page);
  REQUIRE(f);
  CHECK(f->action == "/owa/auth.owa");
  CHECK(f->generation == "2010+");
  CHECK(f->has_username);
  CHECK(f->has_password);
  auto old = ParseLogonForm("<FORM method=post ACTION=/owa/auth/owaauth.dll><INPUT name=password>");
  REQUIRE(old);
  CHECK(old->generation == "2007");
  CHECK(old->has_password);
  CHECK(ParseLogonForm("<form action='/exchweb/bin/auth/owaauth.dll'>")->generation == "2003");
  CHECK_FALSE(ParseLogonForm("<form action=\"/search\"><input name=password></form>"));
  CHECK_FALSE(ParseLogonForm("<form action=\"/owa/auth.owa\""));  // no closing '>'
  CHECK_FALSE(ParseLogonForm(""));
}

TEST_CASE("forms-based sign-in answers", "[unit][owa]") {
  std::string why;
  CHECK(JudgeFbaAnswer(Answer(302, {{"Location", "/owa/"},
                                    {"Set-Cookie", "cadata=abc; path=/; secure"},
                                    {"Set-Cookie", "cadataTTL=x; path=/"}}),
                       &why) == FbaResult::kSignedIn);
  CHECK(JudgeFbaAnswer(Answer(302, {{"Location", "/owa/auth/logon.aspx?url=x&reason=2"}}), &why) ==
        FbaResult::kRejected);
  CHECK_THAT(why, Catch::Contains("reason=2"));
  CHECK(JudgeFbaAnswer(Answer(302, {{"Location", "/owa/auth/logon.aspx?reason=3"}}), &why) ==
        FbaResult::kOther);
  CHECK(JudgeFbaAnswer(Answer(500, {}), &why) == FbaResult::kOther);
  CHECK(CookiesFrom(Answer(302, {{"Set-Cookie", "cadata=abc; path=/"},
                                 {"Set-Cookie", "broken"},
                                 {"Set-Cookie", "sid=1"}})) == "cadata=abc; sid=1");
}

TEST_CASE("URLs: splitting, relative locations, bare host names", "[unit][owa]") {
  auto u = SplitHttpUrl("https://Mail.Contoso.com:8443/owa/?a=1");
  REQUIRE(u);
  CHECK(u->host == "mail.contoso.com");
  CHECK(u->port == 8443);
  CHECK(u->path == "/owa/?a=1");
  CHECK(SplitHttpUrl("https://[::1]:444/x")->host == "::1");
  CHECK_FALSE(SplitHttpUrl("ftp://x/"));
  CHECK_FALSE(SplitHttpUrl("https://user@x/"));
  CHECK_FALSE(SplitHttpUrl("https://x:99999/"));
  CHECK_FALSE(SplitHttpUrl("https:///"));
  CHECK(ResolveLocation("https://a.test:8443/owa/x", "/y") == "https://a.test:8443/y");
  CHECK(ResolveLocation("https://a.test/owa/x", "z") == "https://a.test/owa/z");
  CHECK(ResolveLocation("https://a.test/owa/", "https://b.test/") == "https://b.test/");
  CHECK(ResolveLocation("https://a.test/", "//b.test/p") == "https://b.test/p");
  CHECK(NormalizeOwaUrl("mail.contoso.com") == "https://mail.contoso.com/owa/");
  CHECK(NormalizeOwaUrl("mail.contoso.com/owa2/") == "https://mail.contoso.com/owa2/");
  CHECK(NormalizeOwaUrl("https://x.test/owa/") == "https://x.test/owa/");
}
