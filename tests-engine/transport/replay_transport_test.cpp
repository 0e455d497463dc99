#include "transport/replay_transport.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "testing/fixtures.h"
#include "testing/scripted_transport.h"

using namespace cxa;

namespace {

HttpRequest Login(const std::string& password) {
  HttpRequest r;
  r.method = "POST";
  r.url = "http://127.0.0.1:1/login";
  r.headers = {{"Authorization", "Basic " + password}};
  r.body = "user=u&password=" + password;
  return r;
}

}  // namespace

TEST_CASE("recording keeps no secret and replay answers the same requests", "[unit][replay]") {
  testing::ScriptedTransport live;
  live.handler = [](const HttpRequest& req) {
    HttpExchange ex;
    ex.request = req;
    HttpResponse r;
    r.status = 200;
    r.body = "welcome, your password was " + req.body.substr(req.body.find("password=") + 9);
    ex.response = r;
    ex.reached = Stage::kHttp;
    return ex;
  };
  Redactor redactor;
  redactor.AddSecret("pa55word");
  Transcript header;
  header.scenario = "s";
  RecordingTransport rec(live, redactor, header);
  HttpExchange got = rec.Perform(Login("pa55word"));
  CHECK_THAT(got.response->body, Catch::Contains("pa55word"));  // the caller sees the truth
  std::string dir = testing::BinaryDir() + "/unit-record";
  std::filesystem::remove_all(dir);
  REQUIRE(rec.Save(dir).ok());
  std::string saved = testing::ReadText(dir + "/transcript.xml");
  CHECK(saved.find("pa55word") == std::string::npos);

  auto t = LoadTranscript(dir + "/transcript.xml");
  REQUIRE(t.ok());
  cert::CertEvaluator evaluator;
  ReplayTransport replay(*t, redactor, evaluator);
  HttpExchange again = replay.Perform(Login("pa55word"));
  REQUIRE_FALSE(again.error.has_value());
  CHECK(again.response->status == 200);
  CHECK(replay.Unused() == 0);
  HttpExchange extra = replay.Perform(Login("pa55word"));
  REQUIRE(extra.error.has_value());
  CHECK(extra.error->id == "internal.replay.mismatch");
}

TEST_CASE("a request that differs from the transcript gets a readable diff", "[unit][replay]") {
  Transcript t;
  HttpExchange ex;
  ex.request.url = "https://mail.contoso.test/owa/";
  ex.response = HttpResponse{"1.1", 200, "OK", {}, "hi"};
  t.exchanges.push_back(ex);
  cert::CertEvaluator evaluator;
  ReplayTransport replay(t, Redactor(), evaluator);
  HttpRequest other;
  other.url = "https://mail.contoso.test/ecp/";
  HttpExchange got = replay.Perform(other);
  REQUIRE(got.error.has_value());
  CHECK(got.error->id == "internal.replay.mismatch");
  CHECK_THAT(got.error->message, Catch::Contains("- expected GET https://mail.contoso.test/owa/"));
  CHECK_THAT(got.error->message, Catch::Contains("+ sent     GET https://mail.contoso.test/ecp/"));
}
