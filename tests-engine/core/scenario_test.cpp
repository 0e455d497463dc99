#include "core/scenario.h"

#include <catch2/catch.hpp>

#include "protocols/registry.h"

using namespace cxa;

namespace {

Result<Scenario> Load(const std::string& body) {
  return LoadScenarioText(body, "test.xml", protocols::AllModules());
}

const char* kGood = R"(<scenario name="s" title="T">
  <input name="host" required="true" doc="the host"/>
  <input name="port" type="int" default="443"/>
  <step id="a" module="tls"><option name="host" value="${input.host}"/></step>
  <step id="b" module="tls" needs="a">
    <option name="host" value="${a.address}"/>
    <option name="port" value="${input.port}"/>
  </step>
</scenario>)";

}  // namespace

TEST_CASE("a valid scenario loads with inputs, steps, options and needs", "[unit][scenario]") {
  auto s = Load(kGood);
  REQUIRE(s.ok());
  CHECK(s->name == "s");
  REQUIRE(s->inputs.size() == 2);
  CHECK(s->inputs[0].required);
  CHECK(s->inputs[1].default_value == "443");
  REQUIRE(s->steps.size() == 2);
  CHECK(s->steps[1].needs == std::vector<std::string>{"a"});
  CHECK(s->steps[1].options.at("host") == "${a.address}");
  CHECK(s->steps[1].line == 5);
}

TEST_CASE("scenario errors name the file and the line", "[unit][scenario]") {
  struct Case {
    const char* xml;
    const char* where;
    const char* what;
  };
  auto c = GENERATE(values<Case>({
      {"<scenario name=\"s\">\n<step id=\"a\" module=\"tls\">\n<option name=\"host\" "
       "value=\"x\"/>\n</scenario>",
       "test.xml:", "not well-formed"},
      {"<scenario name=\"s\">\n  <bogus/>\n</scenario>", "test.xml:2:", "unknown element <bogus>"},
      {"<scenario name=\"s\" colour=\"red\">\n</scenario>",
       "test.xml:1:", "unknown attribute 'colour'"},
      {"<scenario name=\"s\">\n\n<step id=\"a\" module=\"nope\"/>\n</scenario>",
       "test.xml:3:", "unknown module 'nope'"},
      {"<scenario name=\"s\">\n<step id=\"a\" module=\"tls\">\n<option name=\"hots\" "
       "value=\"x\"/>\n</step></scenario>",
       "test.xml:3:", "has no option 'hots'"},
      {"<scenario name=\"s\">\n<step id=\"a\" module=\"tls\">\n<option name=\"host\" "
       "value=\"x\"/>\n<option name=\"port\" value=\"abc\"/></step></scenario>",
       "test.xml:4:", "expected a TCP port (1-65535)"},
      {"<scenario name=\"s\">\n<step id=\"a\" module=\"tls\">\n<option name=\"host\" "
       "value=\"x\"/>\n<option name=\"port\" value=\"99999\"/></step></scenario>",
       "test.xml:4:", "expected a TCP port (1-65535)"},
      {"<scenario name=\"s\">\n<step id=\"a\" module=\"autodiscover\">\n<option name=\"email\" "
       "value=\"a@b.c\"/>\n<option name=\"max_hops\" value=\"x\"/></step></scenario>",
       "test.xml:4:", "expected a whole number"},
      {"<scenario name=\"s\">\n<step id=\"a\" module=\"adfs-mex\"/>\n</scenario>",
       "test.xml:2:", "lacks the required option 'host'"},
      {"<scenario name=\"s\">\n<step id=\"a\" module=\"tls\" if=\"nope\"/>\n</scenario>",
       "test.xml:2:", "if must be STEP.FACT=VALUE"},
      {"<scenario name=\"s\">\n<step id=\"a\" module=\"tls\" if=\"b.x=1\"/>\n</scenario>",
       "test.xml:2:", "no earlier step has the id 'b'"},
      {"<scenario name=\"s\"><step id=\"a\" module=\"tls\"/>\n<summary-column title=\"t\" "
       "verdict=\"zz\"/></scenario>",
       "test.xml:2:", "verdict names 'zz'"},
      {"<scenario name=\"s\"><step id=\"a\" module=\"tls\"/>\n<summary-column title=\"t\" "
       "value=\"${a.nope}\"/></scenario>",
       "test.xml:2:", "exports no fact 'nope'"},
      {"<scenario name=\"s\"><step id=\"a\" module=\"tls\"/>\n<headline value=\"${a.nope}\"/>"
       "</scenario>",
       "test.xml:2:", "exports no fact 'nope'"},
      {"<scenario name=\"s\"><step id=\"a\" module=\"tls\"/>\n<headline value=\"\"/></scenario>",
       "test.xml:2:", "<headline> needs a value"},
      {"<scenario name=\"s\"><input name=\"a\" target=\"true\"/>\n<input name=\"b\" "
       "target=\"true\"/><step id=\"x\" module=\"tls\"/></scenario>",
       "test.xml:2:", "only one input"},
      {"<scenario name=\"s\">\n<step id=\"a\" module=\"tls\">\n<option name=\"host\" "
       "value=\"${input.nope}\"/></step></scenario>",
       "test.xml:3:", "undeclared input 'nope'"},
      {"<scenario name=\"s\">\n<step id=\"a\" module=\"tls\">\n<option name=\"host\" "
       "value=\"${zz.address}\"/></step></scenario>",
       "test.xml:3:", "no earlier step has the id 'zz'"},
      {"<scenario name=\"s\">\n<step id=\"a\" module=\"tls\"><option name=\"host\" "
       "value=\"x\"/></step>\n"
       "<step id=\"b\" module=\"tls\">\n<option name=\"host\" "
       "value=\"${a.nothing}\"/></step></scenario>",
       "test.xml:4:", "exports no fact 'nothing'"},
      {"<scenario name=\"s\">\n<step id=\"a\" module=\"tls\" trust=\"lax\"><option name=\"host\" "
       "value=\"x\"/></step></scenario>",
       "test.xml:2:", "trust must be"},
      {"<scenario name=\"s\"></scenario>", "test.xml:1:", "has no <step>"},
      {"<other/>", "test.xml:1:", "root element must be <scenario>"},
  }));
  auto s = Load(c.xml);
  REQUIRE_FALSE(s.ok());
  CHECK_THAT(s.error(), Catch::StartsWith(c.where));
  CHECK_THAT(s.error(), Catch::Contains(c.what));
}

TEST_CASE("inputs are checked against the declaration", "[unit][scenario]") {
  auto s = Load(kGood);
  REQUIRE(s.ok());
  auto ok = ResolveInputs(*s, {{"host", "mail.contoso.test"}});
  REQUIRE(ok.ok());
  CHECK(ok->at("port") == "443");
  CHECK_THAT(ResolveInputs(*s, {}).error(), Catch::Contains("needs the input 'host'"));
  CHECK_THAT(ResolveInputs(*s, {{"host", "x"}, {"nope", "1"}}).error(),
             Catch::Contains("no input 'nope'"));
  CHECK_THAT(ResolveInputs(*s, {{"host", "x"}, {"port", "x"}}).error(),
             Catch::Contains("whole number"));
  CHECK_THAT(ResolveInputs(*s, {{"host", "x"}, {"host", "y"}}).error(), Catch::Contains("twice"));
}

TEST_CASE("references expand from inputs and facts and report what is missing",
          "[unit][scenario]") {
  std::vector<std::string> missing;
  Facts facts{{"a.address", "127.0.0.1"}};
  CHECK(Expand("${input.host}@${a.address}", {{"host", "h"}}, facts, &missing) == "h@127.0.0.1");
  CHECK(missing.empty());
  Expand("${a.cipher}", {}, facts, &missing);
  CHECK(missing == std::vector<std::string>{"a.cipher"});
}

TEST_CASE("the bundled scenarios are valid", "[unit][scenario]") {
  auto s = LoadScenarioFile(std::string(CXA_SOURCE_DIR) + "/scenarios/tls-endpoint.xml",
                            protocols::AllModules());
  REQUIRE(s.ok());
  CHECK(s->name == "tls-endpoint");
}

TEST_CASE("conditions, fallbacks, batch columns and the target input", "[unit][scenario]") {
  auto s = Load(
      "<scenario name=\"s\"><input name=\"h\" required=\"true\" target=\"true\"/>"
      "<step id=\"a\" module=\"tls\"><option name=\"host\" value=\"${input.h}\"/></step>"
      "<step id=\"b\" module=\"tls\" if=\"a.tls_version=TLSv1.3\">"
      "<option name=\"name\" value=\"${a.certificate_subject|none}\"/>"
      "<option name=\"host\" value=\"x\"/></step>"
      "<summary-column title=\"v\" verdict=\"a\"/>"
      "<summary-column title=\"tls\" value=\"${a.tls_version}\"/></scenario>");
  REQUIRE(s.ok());
  REQUIRE(s->TargetInput() != nullptr);
  CHECK(s->TargetInput()->name == "h");
  CHECK(s->steps[1].if_fact == "a.tls_version");
  CHECK(s->steps[1].if_value == "TLSv1.3");
  REQUIRE(s->columns.size() == 2);
  CHECK(s->columns[0].verdict_step == "a");
  std::vector<std::string> missing;
  CHECK(Expand("${a.x|dflt}/${a.y}", {}, {{"a.y", "Y"}}, &missing) == "dflt/Y");
  CHECK(missing.empty());
  CHECK(Expand("${a.x}", {}, {}, &missing).empty());
  CHECK(missing == std::vector<std::string>{"a.x"});
}

TEST_CASE("a step title whose facts are missing ends before them, without a dangling word",
          "[unit][scenario]") {
  Facts facts = {{"ad.proxy", "mail.contoso.test"}};
  CHECK(ExpandTitle("RPC proxy echo of ${ad.proxy}", {}, facts) ==
        "RPC proxy echo of mail.contoso.test");
  CHECK(ExpandTitle("RPC proxy echo of ${ad.server}", {}, facts) == "RPC proxy echo");
  CHECK(ExpandTitle("RPC proxy endpoint ${ad.server}:443", {}, facts) == "RPC proxy endpoint");
  CHECK(ExpandTitle("Authentication methods of https://${ad.server}/rpc/rpcproxy.dll", {}, facts) ==
        "Authentication methods");
  CHECK(ExpandTitle("Sign-in of ${input.user} through ${ad.sts}", {{"user", "alice@contoso.test"}},
                    facts) == "Sign-in of alice@contoso.test");
  CHECK(ExpandTitle("Sign-in of ${input.user}", {}, facts) == "Sign-in");  // input not given
  CHECK(ExpandTitle("${ad.server}", {}, facts).empty());  // nothing left: as Expand gives it
}
