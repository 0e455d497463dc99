#include "tools/cxa/serve/web_config.h"

#include <catch2/catch.hpp>

using namespace cxa::cli::serve;

namespace {
// bcrypt (cost 6) of "cxa-web-S3cret", a test value.
const char* const kHash = "$2b$06$gf2gBoeKnB6DNTsNrs6EJ.pCX/td5N9pKZqHUM2R/donnNCpg81UG";
}  // namespace

TEST_CASE("web configuration: TLS files and bcrypt users", "[unit][serve]") {
  auto c = ParseWebConfig(std::string("tls_server_config:\n  cert_file: /etc/cxa/s.crt\n"
                                      "  key_file: /etc/cxa/s.key\nbasic_auth_users:\n"
                                      "  prometheus: '") +
                              kHash + "'\n",
                          "web.yml");
  REQUIRE(c.ok());
  CHECK(c->tls());
  CHECK(c->cert_file == "/etc/cxa/s.crt");
  CHECK(c->users.at("prometheus") == kHash);
  auto empty = ParseWebConfig("", "web.yml");
  REQUIRE(empty.ok());
  CHECK_FALSE(empty->tls());
}

TEST_CASE("web configuration: what is not enforced is refused, with the line", "[unit][serve]") {
  struct Case {
    const char* text;
    const char* says;
  };
  auto c = GENERATE(values<Case>({
      {"basic_auth_users:\n  prometheus: hunter2\n",
       "web.yml:2: the password of 'prometheus' "
       "must be a bcrypt hash"},
      {"tls_server_config:\n  cert_file: a\n  client_auth_type: RequireAndVerifyClientCert\n",
       "web.yml:3: tls_server_config.client_auth_type is not supported"},
      {"tls_server_config:\n  cert_file: a\n", "web.yml:1: tls_server_config needs"},
      {"http_server_config:\n  http2: true\n", "web.yml:1: http_server_config is not supported"},
      {"basic_auth_users: [a]\n", "web.yml:1: basic_auth_users: expects"},
  }));
  INFO(c.text);
  auto r = ParseWebConfig(c.text, "web.yml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().rfind(c.says, 0) == 0);
}

TEST_CASE("basic authentication against bcrypt hashes", "[unit][serve]") {
  BasicAuth auth(std::map<std::string, std::string>{{"prometheus", kHash}});
  CHECK(auth.enabled());
  // base64("prometheus:cxa-web-S3cret")
  CHECK(auth.Check("Basic cHJvbWV0aGV1czpjeGEtd2ViLVMzY3JldA=="));
  CHECK(auth.Check("basic cHJvbWV0aGV1czpjeGEtd2ViLVMzY3JldA=="));  // remembered, and again
  CHECK_FALSE(auth.Check("Basic cHJvbWV0aGV1czp3cm9uZw=="));        // prometheus:wrong
  CHECK_FALSE(auth.Check("Basic YWxpY2U6Y3hhLXdlYi1TM2NyZXQ="));    // alice:cxa-web-S3cret
  CHECK_FALSE(auth.Check("Bearer cHJvbWV0aGV1czpjeGEtd2ViLVMzY3JldA=="));
  CHECK_FALSE(auth.Check("Basic !!!"));
  CHECK_FALSE(auth.Check(""));
  CHECK_FALSE(BasicAuth(std::map<std::string, std::string>{}).enabled());
}
