// The autodiscover-v2 module and its codec in process: scripted JSON answers, redirects and
// what stands in front of the endpoint.
#include <catch2/catch.hpp>

#include "protocols/autodiscover/autodiscover_module.h"
#include "protocols/autodiscover/autodv2_codec.h"
#include "testing/module_harness.h"

using namespace cxa;
using namespace cxa::testing;
using cxa::protocols::kAutodiscoverV2Module;

TEST_CASE("Autodiscover v2 codec: URLs and answers", "[unit][autodiscover]") {
  using namespace cxa::protocols;
  CHECK(AutodiscoverV2Url("autodiscover.contoso.test", "a@contoso.test", "ActiveSync") ==
        "https://autodiscover.contoso.test/autodiscover/autodiscover.json/v1.0/a%40contoso.test"
        "?Protocol=ActiveSync");
  CHECK(IsAutodiscoverV2Url("https://mail.contoso.test/Autodiscover/Autodiscover.json?x"));
  CHECK_FALSE(IsAutodiscoverV2Url("http://mail.contoso.test/autodiscover/autodiscover.json"));
  CHECK_FALSE(IsAutodiscoverV2Url("https://mail.contoso.test/owa/"));
  auto ok = ParseAutodiscoverV2(
      R"({"Protocol":"activesync","Url":"https://mail.contoso.test/Microsoft-Server-ActiveSync"})");
  REQUIRE(ok.ok());
  CHECK(ok->url == "https://mail.contoso.test/Microsoft-Server-ActiveSync");
  auto err = ParseAutodiscoverV2(R"({"ErrorCode":"ProtocolNotSupported","ErrorMessage":"no"})");
  REQUIRE(err.ok());
  CHECK(err->error_code == "ProtocolNotSupported");
  for (const char* bad : {"", "<html/>", "[]", "{}", R"({"Url": 5})", "{\"Url\":\"x\"",
                          "[[[[[[[[[[[[[[[[[[[[{}]]]]]]]]]]]]]]]]]]]]"}) {
    INFO(bad);
    CHECK_FALSE(ParseAutodiscoverV2(bad).ok());
  }
  CHECK(ExpectedV2Path("ActiveSync") == "/microsoft-server-activesync");
  CHECK(ExpectedV2Path("Rest").empty());
}

namespace {

// Answers as `answer(url)` decides; the apex is never asked when autodiscover.DOMAIN answers.
StepResult Run(ModuleHarness& h, std::function<HttpExchange(const HttpRequest&)> answer,
               OptionMap extra = {}) {
  h.transport.handler = std::move(answer);
  extra.emplace("email", "alice@contoso.test");
  extra.emplace("protocols", "ActiveSync Ews");
  return h.Run(kAutodiscoverV2Module, extra);
}

HttpExchange Json(const HttpRequest& r, const std::string& body, int status = 200) {
  return ModuleHarness::Answer(r, status, body, {{"Content-Type", "application/json"}});
}

}  // namespace

TEST_CASE("autodiscover-v2 module: URLs for each protocol, redirects and bad answers",
          "[unit][autodiscover]") {
  ModuleHarness h;
  SECTION("good answers, no credentials") {
    StepResult r = Run(h, [](const HttpRequest& req) {
      const bool eas = req.url.find("Protocol=ActiveSync") != std::string::npos;
      return Json(req, std::string(R"({"Protocol":"x","Url":"https://mail.contoso.test/)") +
                           (eas ? "Microsoft-Server-ActiveSync" : "EWS/Exchange.asmx") + "\"}");
    });
    CHECK(r.outcome == Outcome::kPassed);
    CHECK(r.facts["activesync_url"] == "https://mail.contoso.test/Microsoft-Server-ActiveSync");
    CHECK(r.facts["ews_url"] == "https://mail.contoso.test/EWS/Exchange.asmx");
    CHECK(r.facts["host"] == "autodiscover.contoso.test");
    for (const auto& req : h.transport.requests) {
      CHECK(req.method == "GET");
      CHECK_FALSE(req.carries_credentials);
    }
  }
  SECTION("Exchange Online sends a hybrid mailbox on premises with a 302") {
    StepResult r = Run(
        h,
        [](const HttpRequest& req) {
          if (req.url.find("//autodiscover.contoso.test/") != std::string::npos) {
            return ModuleHarness::Answer(
                req, 302, "",
                {{"Location",
                  "https://mail.contoso.test/autodiscover/autodiscover.json/v1.0/"
                  "alice%40contoso.test?Protocol=ActiveSync"}});
          }
          return Json(
              req,
              R"({"Protocol":"ActiveSync","Url":"https://mail.contoso.test/Microsoft-Server-ActiveSync"})");
        },
        {{"protocols", "ActiveSync"}});
    CHECK(r.outcome == Outcome::kPassed);
    CHECK(r.facts["activesync_url"] == "https://mail.contoso.test/Microsoft-Server-ActiveSync");
  }
  SECTION("a redirect to plain HTTP, and one that never ends") {
    StepResult http = Run(h, [](const HttpRequest& req) {
      return ModuleHarness::Answer(req, 302, "", {{"Location", "http://mail.contoso.test/x"}});
    });
    CHECK(ModuleHarness::Has(http, "autodv2.redirect.insecure"));
    StepResult loop = Run(h, [](const HttpRequest& req) {
      return ModuleHarness::Answer(req, 302, "", {{"Location", req.url}});
    });
    CHECK(ModuleHarness::Has(loop, "autodv2.redirect.loop"));
  }
  SECTION("pre-authentication, HTML, errors, bad URLs") {
    CHECK(ModuleHarness::Has(
        Run(h, [](const HttpRequest& req) { return ModuleHarness::Answer(req, 401, "", {}); }),
        "autodv2.http.auth_required"));
    CHECK(ModuleHarness::Has(Run(h,
                                 [](const HttpRequest& req) {
                                   return ModuleHarness::Answer(req, 200, "<html>sign in</html>",
                                                                {});
                                 }),
                             "autodv2.response.not_json"));
    CHECK(ModuleHarness::Has(
        Run(h,
            [](const HttpRequest& req) { return Json(req, R"({"ErrorCode":"MissingProtocol"})"); }),
        "autodv2.response.error"));
    CHECK(ModuleHarness::Has(
        Run(h,
            [](const HttpRequest& req) {
              return Json(req, R"({"Url":"http://mail.contoso.test/EWS/Exchange.asmx"})");
            }),
        "autodv2.url.insecure"));
    CHECK(ModuleHarness::Has(
        Run(h,
            [](const HttpRequest& req) {
              return Json(req, R"({"Url":"https://ex01.corp.local/EWS/Exchange.asmx"})");
            }),
        "autodv2.url.internal_name"));
    CHECK(ModuleHarness::Has(Run(h,
                                 [](const HttpRequest& req) {
                                   return Json(req, R"({"Url":"https://mail.contoso.test/eas/"})");
                                 }),
                             "autodv2.url.unexpected_path"));
  }
  SECTION("no endpoint on either candidate") {
    StepResult none =
        Run(h, [](const HttpRequest& req) { return ModuleHarness::Answer(req, 404, "", {}); });
    CHECK(ModuleHarness::Has(none, "autodv2.http.not_found"));
    CHECK(none.outcome == Outcome::kWarning);
    REQUIRE(h.transport.requests.size() == 2);
    CHECK(h.transport.requests[1].url.rfind("https://contoso.test/", 0) == 0);
  }
}
