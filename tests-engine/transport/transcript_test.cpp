#include "transport/transcript.h"

#include <catch2/catch.hpp>

#include "cert/x509.h"
#include "core/time_util.h"
#include "testing/fixtures.h"

using namespace cxa;

namespace {

const std::string kPassword = "Tr0ub4dor&3";

HttpExchange Sample() {
  HttpExchange ex;
  ex.request.method = "POST";
  ex.request.url = "https://mail.contoso.test/owa/auth.owa";
  ex.request.headers = {{"Authorization", "Basic dXNlcjpUcjB1YjRkb3ImMw=="},
                        {"Cookie", "PBack=0; cadata=abc123"},
                        {"Content-Type", "application/x-www-form-urlencoded"}};
  ex.request.body = "destination=x&username=contoso%5Cuser&password=" + kPassword + "&isUtf8=1";
  ex.remote_address = "127.0.0.1";
  ex.remote_port = 443;
  ex.reached = Stage::kHttp;
  TlsCapture tls;
  auto ders = cert::SplitPem(testing::ReadText(testing::FixturesDir() + "/pki/good/chain.pem"));
  REQUIRE(ders.ok());
  tls.chain = *ders;
  tls.version = "TLSv1.3";
  tls.cipher = "TLS_AES_256_GCM_SHA384";
  tls.sni = "mail.contoso.test";
  ex.tls = tls;
  HttpResponse r;
  r.http_version = "1.1";
  r.status = 302;
  r.reason = "Found";
  r.headers = {{"Set-Cookie", "cadata=SECRETVALUE; path=/; secure; HttpOnly"},
               {"WWW-Authenticate", "NTLM TlRMTVNTUAACAAAA"},
               {"Location", "/owa/"}};
  r.body = std::string("\x00\x01binary\xff", 9);
  ex.response = r;
  ex.timings = {{"total", 12.5}};
  return ex;
}

}  // namespace

TEST_CASE("redaction removes credentials, cookies, blobs and secrets, stably",
          "[unit][transcript]") {
  Redactor r;
  r.AddSecret(kPassword);
  HttpExchange red = r.Exchange(Sample());
  CHECK(red.request.headers[0].second == "Basic [redacted]");
  CHECK(red.request.headers[1].second == "PBack=[redacted]; cadata=[redacted]");
  CHECK(red.request.body.find(kPassword) == std::string::npos);
  CHECK_THAT(red.request.body, Catch::Contains("password=[redacted]"));
  CHECK_THAT(red.request.body, Catch::Contains("username=contoso%5Cuser"));
  CHECK(red.response->headers[0].second == "cadata=[redacted]; path=/; secure; HttpOnly");
  CHECK(red.response->headers[1].second == "NTLM [redacted]");
  CHECK(red.response->headers[2].second == "/owa/");
  CHECK(r.Exchange(Sample()).request.body == red.request.body);  // stable
  CHECK(r.Text("<t:Password Type=\"x\">hunter2</t:Password>") ==
        "<t:Password Type=\"x\">[redacted]</t:Password>");
  CHECK(r.Text("a " + kPassword + " b " + kPassword) == "a [redacted] b [redacted]");
}

TEST_CASE("a secret inside another word takes the whole word: its position is never shown",
          "[unit][transcript]") {
  Redactor r;
  r.AddSecret("contoso");
  // Marking only the secret's part ("mail.[redacted].com") would reveal the password.
  CHECK(r.Text("mail.contoso.com") == "[redacted]");
  CHECK(r.Text("https://mail.contoso.com/owa/ for alice@contoso.com") ==
        "https://[redacted]/owa/ for [redacted]");
  CHECK(r.Text("wrong password 'contoso' (attempt 3)") ==
        "wrong password '[redacted]' (attempt 3)");
  CHECK(r.Text("pwd=contoso&x=1").find("contoso") == std::string::npos);
  CHECK(r.Text("Mail.Contoso.com") == "Mail.Contoso.com");  // a different string
  Redactor p;
  p.AddSecret("!pw");  // begins with a separator: the word before it stays
  CHECK(p.Text("user!pw done") == "user[redacted] done");
}

TEST_CASE("a transcript survives the round trip through XML", "[unit][transcript]") {
  Transcript t;
  t.scenario = "owa";
  t.recorded_at = *ParseTime("2031-01-01T00:00:00Z");
  t.inputs = {{"url", "https://mail.contoso.test/owa/"}};
  t.exchanges.push_back(Sample());
  HttpExchange err;
  err.request.url = "https://down.contoso.test/";
  err.request.connect_only = true;
  err.error = TransportError{Stage::kConnect, "net.connect.refused", "refused"};
  t.exchanges.push_back(err);
  std::string xml = TranscriptToXml(t);
  auto back = ParseTranscript(xml, "t.xml");
  REQUIRE(back.ok());
  CHECK(back->scenario == "owa");
  CHECK(back->recorded_at == t.recorded_at);
  CHECK(back->inputs == t.inputs);
  REQUIRE(back->exchanges.size() == 2);
  const HttpExchange& a = back->exchanges[0];
  CHECK(a.request.method == "POST");
  CHECK(a.request.headers == Sample().request.headers);
  CHECK(a.request.body == Sample().request.body);
  CHECK(a.tls->chain == Sample().tls->chain);
  CHECK(a.tls->sni == "mail.contoso.test");
  CHECK(a.response->status == 302);
  CHECK(a.response->body == Sample().response->body);  // binary, via base64
  CHECK(a.reached == Stage::kHttp);
  CHECK(back->exchanges[1].request.connect_only);
  CHECK(back->exchanges[1].error->id == "net.connect.refused");
  CHECK(back->exchanges[1].error->stage == Stage::kConnect);
  CHECK(TranscriptToXml(*back) == xml);  // stable, diffable
}

TEST_CASE("malformed transcripts are refused with file and line", "[unit][transcript]") {
  struct Case {
    const char* xml;
    const char* where;
  };
  auto c = GENERATE(values<Case>({
      {"<transcript version=\"1\" recorded-at=\"2031-01-01\">\n<exchange>", "t.xml:2:"},
      {"<transcript version=\"2\" recorded-at=\"2031-01-01\"/>", "t.xml:1:"},
      {"<transcript version=\"1\" recorded-at=\"later\"/>", "t.xml:1:"},
      {"<transcript version=\"1\" recorded-at=\"2031-01-01\">\n\n<exchange/></transcript>",
       "t.xml:3:"},
      {"<transcript version=\"1\" recorded-at=\"2031-01-01\">\n<exchange><request "
       "url=\"https://x/\"/>\n"
       "<response status=\"200\"><body "
       "encoding=\"base64\">!!!</body></response></exchange></transcript>",
       "t.xml:3:"},
      {"<transcript version=\"1\" recorded-at=\"2031-01-01\">\n<exchange><request "
       "url=\"https://x/\"/>\n"
       "<tls><certificate>junk</certificate></tls></exchange></transcript>",
       "t.xml:3:"},
      {"<other/>", "t.xml:1:"},
  }));
  auto t = ParseTranscript(c.xml, "t.xml");
  REQUIRE_FALSE(t.ok());
  CHECK_THAT(t.error(), Catch::StartsWith(c.where));
}
