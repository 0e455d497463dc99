// The outlook-anywhere scenario end to end against fixtures/servers/oa.xml: Autodiscover and
// RPC over HTTP proxies on one loopback listener chosen by SNI.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "dns_lab.h"
#include "loopback.h"

using namespace cxa::testing;
using nlohmann::json;

namespace {

using Ids = std::vector<std::string>;

const std::vector<std::string> kEndpoints = {"store", "referral", "addressbook"};

// Runs outlook-anywhere for EMAIL with the lab account (LAB\labuser) and the given password
// (none when empty); every name on 443 goes to the lab listener, port 80 to the plain sites, and
// SRV lookups are answered by --srv-record, or by the lab DNS server when `extra` names one.
struct Command {
  std::vector<std::string> args, env;
};
Command OaCommand(const std::string& email, const std::string& password,
                  std::vector<std::string> extra, const std::string& format = "json") {
  auto& fs = FixtureServer::Get("oa.xml");
  auto port = [&](const char* site) { return std::to_string(fs.Port(site)); };
  std::vector<std::string> args = LabRunArgs("outlook-anywhere", format);
  args.insert(args.end(), {
                              "--input",
                              "email=" + email,
                              "--connect-to",
                              ":443:127.0.0.1:" + port("oa-apex"),
                              "--connect-to",
                              "autodiscover.redir.test:80:127.0.0.1:" + port("oa-http-redirect"),
                              "--connect-to",
                              ":80:127.0.0.1:" + port("oa-http-none"),
                              "--srv-record",
                              "_autodiscover._tcp.oa.test=",
                              "--srv-record",
                              "_autodiscover._tcp.nowhere.test=",
                          });
  // SRV answers for the lab's domains, unless the test asks a real DNS server (--dns-server).
  if (std::find(extra.begin(), extra.end(), "--dns-server") == extra.end()) {
    args.insert(args.end(),
                {"--srv-record", "_autodiscover._tcp.srv.test=autodiscover.oa.test:443"});
  }
  std::vector<std::string> env;
  if (!password.empty()) {
    args.insert(args.end(), {"--input", "user=LAB\\labuser", "--password-env", "CXA_PW"});
    env.push_back("CXA_PW=" + password);
  }
  args.insert(args.end(), extra.begin(), extra.end());
  return {args, env};
}

ScenarioRun Oa(const std::string& email, const std::string& password = "cxa-lab-S3cret",
               std::vector<std::string> extra = {}) {
  Command c = OaCommand(email, password, std::move(extra));
  return RunScenario(c.args, c.env, "", 90);
}

// The text report of the same run (--no-color), as lines.
std::vector<std::string> OaText(const std::string& email, std::vector<std::string> extra = {}) {
  Command c = OaCommand(email, "cxa-lab-S3cret", std::move(extra), "text");
  c.args.push_back("--no-color");
  CommandResult r = RunCommand(c.args, "", 90, c.env);
  INFO(r.err);
  std::vector<std::string> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  REQUIRE(!lines.empty());
  return lines;
}

// The IDs of a step's findings that are not information.
Ids Problems(const ScenarioRun& r, const std::string& step) {
  Ids v;
  for (const auto& f : r.Step(step)["findings"]) {
    if (f["severity"] != "info") v.push_back(f["id"]);
  }
  return v;
}

}  // namespace

TEST_CASE("outlook-anywhere: the good path passes every step (NTLM and Basic)",
          "[e2e][loopback][oa]") {
  auto [email, auth] = GENERATE(std::pair<std::string, std::string>{"labuser@oa.test", "ntlm"},
                                std::pair<std::string, std::string>{"basic@oa.test", "basic"});
  INFO(email);
  ScenarioRun r = Oa(email);
  CHECK(r.cmd.exit_code == 0);
  for (const auto& s : r.report["steps"]) {
    INFO(s["id"]);
    CHECK(s["outcome"] == "passed");
  }
  CHECK(r.Fact("autodiscover", "url") ==
        "https://autodiscover.oa.test/autodiscover/autodiscover.xml");
  CHECK(r.Fact("autodiscover", "rpc_auth") == auth);
  CHECK(r.Fact("autodiscover", "cert_principal_name") == "msstd:mail.oa.test");
  // Candidate 1 (https://oa.test/...) has another name's certificate: tried, not used.
  const auto& first = r.Step("autodiscover")["children"][0];
  CHECK(first["outcome"] == "skipped");
  CHECK(first["stage"] == "certificate");
  CHECK(r.Ids("echo") == Ids{"oa.echo.ok"});
  for (const auto& e : kEndpoints) {
    INFO(e);
    CHECK(r.Ids(e) == Ids{"oa.rpc.endpoint_ok"});
    CHECK(r.Fact(e, "virtual_connection") == "open");
    CHECK(r.Fact(e, "bind") == "acceptance");
    CHECK(r.Fact(e, "connection_timeout_ms") == "120000");
  }
  CHECK(r.Fact("addressbook", "secondary_address") == "6004");
  CHECK(r.Ids("mutual") == Ids{"oa.mutual_auth.ok"});
  CHECK(r.cmd.out.find("cxa-lab-S3cret") == std::string::npos);
}

TEST_CASE("outlook-anywhere text report: the verdict and its cause first, one screen when passed",
          "[e2e][loopback][oa]") {
  auto count = [](const std::vector<std::string>& lines, const std::string& part) {
    return std::count_if(lines.begin(), lines.end(),
                         [&](const std::string& l) { return l.find(part) != std::string::npos; });
  };
  std::vector<std::string> passed = OaText("labuser@oa.test");
  CHECK(passed[0].rfind("PASSED: ", 0) == 0);
  CHECK(passed.size() <= 30);  // one screen
  for (const char* step : {"[autodiscover", "[proxy", "[store", "[addressbook", "[mutual"}) {
    CHECK(count(passed, step) == 1);  // one line per passed step
  }
  CHECK(count(passed, "trust: ") == 1);  // the policy once, in the header
  CHECK(passed.back().rfind("PASSED: ", 0) == 0);

  std::vector<std::string> failed = OaText("down@oa.test");
  CHECK(failed[0].rfind("FAILED at store: oa.rpc.server_unavailable — ", 0) == 0);
  // What to do names the endpoint the run found, not a placeholder.
  CHECK(failed[1].rfind("  What to do: ", 0) == 0);
  CHECK_THAT(failed[1], Catch::Contains("mbx01.oa.local:6001"));
  CHECK(count(failed, "<server>") == 0);

  std::vector<std::string> brief = OaText("down@oa.test", {"--brief"});
  CHECK(brief.size() == 1 + 8);  // the banner, one line per step
  CHECK(brief[0] == failed[0]);
}

TEST_CASE("outlook-anywhere: each RPC proxy fault yields its finding", "[e2e][loopback][oa]") {
  struct Case {
    const char* email;
    const char* step;     // the first step that fails
    const char* finding;  // its finding
  };
  auto c = GENERATE(values<Case>({
      {"down@oa.test", "store", "oa.rpc.server_unavailable"},
      {"denied@oa.test", "store", "oa.rpc.access_denied"},
      {"hang@oa.test", "store", "oa.rpc.backend_unreachable"},
      {"reject@oa.test", "echo", "oa.echo.rejected"},
      {"noauth@oa.test", "auth", "oa.auth.none_offered"},
      {"norpc@oa.test", "auth", "oa.auth.proxy_missing"},
      {"ntlmonbasic@oa.test", "auth", "oa.auth.method_missing"},
      {"mutual@oa.test", "mutual", "oa.mutual_auth.mismatch"},
  }));
  INFO(c.email);
  ScenarioRun r = Oa(c.email);
  CHECK(r.cmd.exit_code == 1);
  CHECK(r.Step(c.step)["outcome"] == "failed");
  CHECK(Problems(r, c.step) == Ids{c.finding});
  if (std::string(c.step) == "store") {
    for (const auto& e : kEndpoints) CHECK(Problems(r, e) == Ids{c.finding});
  }
  if (std::string(c.step) == "auth" || std::string(c.step) == "echo") {
    for (const auto& e : kEndpoints) CHECK(r.Step(e)["outcome"] == "skipped");
  }
}

TEST_CASE("outlook-anywhere: a bind the endpoint rejects is a warning with the reason",
          "[e2e][loopback][oa]") {
  ScenarioRun r = Oa("bindfail@oa.test");
  CHECK(r.cmd.exit_code == 0);
  for (const auto& e : kEndpoints) {
    INFO(e);
    CHECK(r.Step(e)["outcome"] == "warning");
    CHECK(r.Ids(e) == Ids{"oa.rpc.bind_rejected"});
    CHECK(r.Fact(e, "virtual_connection") == "open");
    CHECK(r.Fact(e, "bind") == "provider rejection (abstract syntax not supported)");
  }
}

TEST_CASE("outlook-anywhere: the mutual authentication name only in the SAN is a warning",
          "[e2e][loopback][oa]") {
  ScenarioRun r = Oa("alt@oa.test");
  CHECK(r.cmd.exit_code == 0);
  CHECK(r.Fact("autodiscover", "cert_principal_name") == "msstd:alt.oa.test");
  CHECK(r.Step("mutual")["outcome"] == "warning");
  CHECK(r.Ids("mutual") == Ids{"oa.mutual_auth.san_only"});
  CHECK(r.Fact("mutual", "certificate_cn") == "mail.oa.test");
}

TEST_CASE("outlook-anywhere: an Autodiscover URL that carries a port is followed to that port",
          "[e2e][loopback][oa]") {
  // redirectUrl names https://mail.oa.test:PORT/...: only that port answers for ported@oa.test
  // (443 is the lab listener, where that mailbox is unknown).
  auto& fs = FixtureServer::Get("oa.xml");
  const std::string port = std::to_string(fs.Port("oa-ported"));
  size_t before = fs.RequestLog().size();
  ScenarioRun r =
      Oa("ported@oa.test", "cxa-lab-S3cret", {"--resolve", "mail.oa.test:" + port + ":127.0.0.1"});
  CHECK(r.cmd.exit_code == 0);
  CHECK(Problems(r, "autodiscover").empty());
  CHECK(r.Fact("autodiscover", "url") ==
        "https://mail.oa.test:" + port + "/autodiscover/autodiscover.xml");
  CHECK(r.Fact("autodiscover", "proxy") == "mail.oa.test");
  CHECK(fs.RequestLog().substr(before).find("oa-ported POST /autodiscover/autodiscover.xml") !=
        std::string::npos);
}

TEST_CASE("outlook-anywhere: the Autodiscover SRV record comes from a real DNS server",
          "[e2e][loopback][oa][dns]") {
  // nsd answers _autodiscover._tcp.srv.test with three records: the lab host on 443 (priority
  // 0), a fallback (priority 5) and one on port 8443 that Outlook does not use.
  ScenarioRun r =
      Oa("labuser@srv.test", "cxa-lab-S3cret",
         {"--dns-server", NsdLab::Get().server(), "--allow-credentials-to", "*.oa.test"});
  CHECK(r.cmd.exit_code == 0);
  const auto& kids = r.Step("autodiscover")["children"];
  REQUIRE(kids.size() == 5);  // two POSTs, port 80, the SRV record, the POST it leads to
  CHECK(kids[3]["facts"]["srv_target"] == "autodiscover.oa.test");
  CHECK(r.Fact("autodiscover", "proxy") == "mail.oa.test");
}

TEST_CASE("outlook-anywhere: Autodiscover answers, errors and redirects", "[e2e][loopback][oa]") {
  struct Case {
    const char* email;
    const char* finding;  // the autodiscover step's problem, or ""
    int exit_code;
    const char* allow = "";  // --allow-credentials-to (a host the redirect leads to)
  };
  auto c = GENERATE(values<Case>({
      {"noexpr@oa.test", "autodiscover.settings.no_expr", 1},
      {"noauthpackage@oa.test", "autodiscover.settings.no_auth_package", 0},
      {"error600@oa.test", "autodiscover.error.invalid_request", 1},
      {"error603@oa.test", "autodiscover.error.internal", 1},
      {"nobody@oa.test", "autodiscover.error.address_unknown", 1},
      {"loop@oa.test", "autodiscover.redirect.limit", 1},
      {"insecure@oa.test", "autodiscover.redirect.refused", 1},
      {"labuser@nowhere.test", "autodiscover.lookup.not_found", 1},
      {"moved@oa.test", "", 0},      // redirectAddr to labuser@oa.test
      {"elsewhere@oa.test", "", 0},  // redirectUrl to mail.oa.test
      // The HTTP redirect method on port 80 and the SRV record lead out of the user's domain:
      // the credentials go there only with the operator's opt-in (hostile_world_test.cpp has
      // the cases without it).
      {"labuser@redir.test", "", 0, "autodiscover.oa.test"},
      {"labuser@srv.test", "", 0, "*.oa.test"},
  }));
  INFO(c.email);
  std::vector<std::string> extra;
  if (*c.allow) extra = {"--allow-credentials-to", c.allow};
  ScenarioRun r = Oa(c.email, "cxa-lab-S3cret", extra);
  CHECK(r.cmd.exit_code == c.exit_code);
  Ids problems = Problems(r, "autodiscover");
  CHECK(problems == (*c.finding ? Ids{c.finding} : Ids{}));
  std::string email = c.email;
  if (email == "moved@oa.test") CHECK(r.Fact("autodiscover", "email") == "labuser@oa.test");
  if (email == "elsewhere@oa.test") {
    CHECK(r.Fact("autodiscover", "url") == "https://mail.oa.test/autodiscover/autodiscover.xml");
  }
  if (email == "labuser@redir.test") {
    const auto& kids = r.Step("autodiscover")["children"];
    CHECK(kids[2]["facts"]["redirect"] ==
          "https://autodiscover.oa.test/autodiscover/autodiscover.xml");
  }
  if (email == "labuser@srv.test") {
    const auto& kids = r.Step("autodiscover")["children"];
    CHECK(kids[3]["facts"]["srv_target"] == "autodiscover.oa.test");
  }
  if (email == "labuser@nowhere.test") {
    CHECK(r.Step("autodiscover")["children"].size() == 4);  // two POSTs, port 80, SRV
  }
}

TEST_CASE("outlook-anywhere: credentials", "[e2e][loopback][oa]") {
  SECTION("a wrong password is rejected by Autodiscover") {
    ScenarioRun r = Oa("labuser@oa.test", "wrong");
    CHECK(r.cmd.exit_code == 1);
    CHECK(Problems(r, "autodiscover") == Ids{"autodiscover.auth.rejected"});
  }
  SECTION("without a password Autodiscover stops at the 401: the run is incomplete, not passed") {
    ScenarioRun r = Oa("labuser@oa.test", "");
    CHECK(r.cmd.exit_code == 4);
    CHECK(r.report["outcome"] == "incomplete");
    CHECK(r.report["exit_code"] == 4);
    CHECK(r.report["not_tested"]["step"] == "autodiscover");
    CHECK(r.Step("autodiscover")["outcome"] == "skipped");
    CHECK(r.Step("autodiscover")["not_run"] == true);
    CHECK(r.Step("proxy")["not_run"] == true);  // never looked at: not passed
    CHECK(r.Step("autodiscover")["children"][1]["facts"]["auth_schemes"] == "Negotiate NTLM Basic");
  }
  SECTION("manual settings without a password test the proxy; the sign-in steps are optional") {
    ScenarioRun r =
        Oa("labuser@oa.test", "", {"--input", "rpc_proxy=mail.oa.test", "--input", "auth=basic"});
    CHECK(r.cmd.exit_code == 0);
    CHECK(r.report["outcome"] == "passed");
    CHECK(r.Step("proxy")["outcome"] == "passed");
    CHECK(r.Step("echo")["outcome"] == "skipped");
    CHECK(r.Step("echo")["optional"] == true);
    CHECK(r.report["not_tested"].is_null());
  }
  SECTION("manual settings skip Autodiscover; the wrong password fails at the echo") {
    ScenarioRun r = Oa("labuser@oa.test", "wrong",
                       {"--input", "rpc_proxy=mail.oa.test", "--input", "auth=basic"});
    CHECK(r.Ids("autodiscover") == Ids{"autodiscover.settings.manual"});
    CHECK(r.Fact("autodiscover", "rpc_server") == "mail.oa.test");
    CHECK(r.Step("auth")["outcome"] == "passed");
    CHECK(r.Ids("echo") == Ids{"oa.echo.rejected"});
  }
  SECTION("manual settings with the right password pass") {
    ScenarioRun r =
        Oa("labuser@oa.test", "cxa-lab-S3cret",
           {"--input", "rpc_proxy=mail.oa.test", "--input", "rpc_server=mbx01.oa.local"});
    CHECK(r.cmd.exit_code == 0);
    CHECK(r.Ids("store") == Ids{"oa.rpc.endpoint_ok"});
  }
}

TEST_CASE(
    "outlook-anywhere: a self-signed RPC proxy fails at its certificate, --ignore-trust "
    "or not, and receives nothing",
    "[e2e][loopback][oa]") {
  auto& fs = FixtureServer::Get("oa.xml");
  for (bool relaxed : {false, true}) {
    INFO("--ignore-trust " << relaxed);
    std::vector<std::string> extra;
    if (relaxed) extra.push_back("--ignore-trust");
    ScenarioRun r = Oa("selfsigned@oa.test", "cxa-lab-S3cret", extra);
    CHECK(r.cmd.exit_code == 1);
    CHECK(r.Step("proxy")["outcome"] == "failed");
    CHECK(r.Step("proxy")["stage"] == "certificate");
    CHECK(r.Ids("proxy") == Ids{"cert.chain.self_signed", "tls.certificate.rejected"});
    CHECK(r.Step("proxy")["trust_policy"]["mode"] == "strict-public");
    CHECK(r.Step("proxy")["trust_policy"]["refused_relaxation"] ==
          (relaxed ? nlohmann::json("report-only") : nlohmann::json(nullptr)));
    for (const char* s : {"auth", "echo", "store", "referral", "addressbook", "mutual"}) {
      CHECK(r.Step(s)["outcome"] == "skipped");
    }
  }
  // The self-signed proxy's site never saw a request (the handshakes were aborted).
  CHECK(fs.RequestLog().find("oa-self-signed ") == std::string::npos);
}

TEST_CASE("outlook-anywhere: describe documents every input and step", "[e2e][oa]") {
  CommandResult d = RunCommand({CxaBinary(), "describe", "outlook-anywhere"}, "", 30);
  CHECK(d.exit_code == 0);
  for (const char* s :
       {"email", "user", "rpc_proxy", "rpc_server", "auth", "cert_principal_name", "autodiscover",
        "rpc-auth", "rpc-echo", "rpc-endpoint", "oa-mutual-auth", "strict-public"}) {
    CHECK_THAT(d.out, Catch::Contains(s));
  }
  // Wrapped to 96 columns; the RPC endpoint module, used by three steps, is described once.
  std::istringstream lines(d.out);
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    CHECK(line.size() <= 96 + 2);  // '—' takes 3 bytes and one column
  }
  CHECK(d.out.find("module rpc-endpoint:") == d.out.rfind("module rpc-endpoint:"));
  CHECK_THAT(d.out, Catch::Contains("module rpc-endpoint, as described at step store"));

  CommandResult j =
      RunCommand({CxaBinary(), "describe", "outlook-anywhere", "--format", "json"}, "", 30);
  CHECK(j.exit_code == 0);
  json doc = json::parse(j.out);
  CHECK(doc["name"] == "outlook-anywhere");
  CHECK(doc["steps"].size() == 8);
  CHECK(doc["steps"][1]["id"] == "proxy");
  CHECK(doc["steps"][1]["trust"] == "strict-public");
  CHECK(doc["steps"][4]["options"]["port"] == "6001");
  CHECK(doc["inputs"][0]["name"] == "email");
  CHECK(doc["inputs"][0]["required"] == true);
  CHECK(RunCommand({CxaBinary(), "describe", "outlook-anywhere", "--format", "xml"}).exit_code ==
        2);
}

TEST_CASE("outlook-anywhere: an incomplete run is incomplete in every format, never green",
          "[e2e][loopback][oa]") {
  auto& fs = FixtureServer::Get("oa.xml");
  auto run = [&](const std::string& format, const std::string& out) {
    return RunCommand({CxaBinary(),
                       "run",
                       "outlook-anywhere",
                       "--input",
                       "email=labuser@oa.test",
                       "--public-roots",
                       LabRoots(),
                       "--timeout",
                       "2",
                       "--format",
                       format,
                       "--no-color",
                       "--connect-to",
                       ":443:127.0.0.1:" + std::to_string(fs.Port("oa-apex")),
                       "--connect-to",
                       ":80:127.0.0.1:" + std::to_string(fs.Port("oa-http-none")),
                       "--srv-record",
                       "_autodiscover._tcp.oa.test=",
                       "-o",
                       out});
  };
  std::string dir = BinaryDir() + "/test-logs";
  std::filesystem::create_directories(dir);
  std::string base = dir + "/incomplete-" + std::to_string(::getpid());

  CHECK(run("text", base + ".txt").exit_code == 4);
  std::string text = ReadText(base + ".txt");
  // The first line says what was not tested and how to test it.
  CHECK(text.rfind("INCOMPLETE: not tested: Autodiscover for labuser@oa.test", 0) == 0);
  CHECK_THAT(text.substr(0, text.find('\n')), Catch::Contains("--password-stdin"));
  CHECK_THAT(text, Catch::Contains("\nINCOMPLETE: 0 of 8 steps passed, 8 skipped"));

  CHECK(run("junit", base + ".xml").exit_code == 4);
  std::string junit = ReadText(base + ".xml");
  CHECK(RunCommand({"/usr/bin/xmllint", "--noout", "--schema", SourceDir() + "/docs/junit.xsd",
                    base + ".xml"})
            .exit_code == 0);
  CHECK_THAT(junit, Catch::Contains("type=\"cxa.not_tested\""));
  CHECK_THAT(junit, !Catch::Contains("failures=\"0\""));  // CI counts it as failed

  CHECK(run("html", base + ".html").exit_code == 4);
  CHECK_THAT(ReadText(base + ".html"), Catch::Contains("class=\"verdict incomplete\""));
  for (const char* ext : {".txt", ".xml", ".html"}) std::filesystem::remove(base + ext);
}

TEST_CASE("outlook-anywhere --targets: refused without manual settings, counted honestly with them",
          "[e2e][loopback][oa][batch]") {
  auto& fs = FixtureServer::Get("oa.xml");
  std::string list = BinaryDir() + "/test-logs/mailboxes-" + std::to_string(::getpid()) + ".txt";
  std::filesystem::create_directories(BinaryDir() + "/test-logs");
  std::ofstream(list) << "labuser@oa.test\nbasic@oa.test\n";
  std::vector<std::string> args = {CxaBinary(),
                                   "run",
                                   "outlook-anywhere",
                                   "--targets",
                                   list,
                                   "--format",
                                   "jsonl",
                                   "--timeout",
                                   "2",
                                   "--public-roots",
                                   LabRoots(),
                                   "--connect-to",
                                   ":443:127.0.0.1:" + std::to_string(fs.Port("oa-apex"))};
  CommandResult refused = RunCommand(args);
  CHECK(refused.exit_code == 2);  // Autodiscover needs each user's password: nothing to test
  CHECK(refused.out.empty());
  CHECK_THAT(refused.err, Catch::Contains("rpc_proxy"));

  args.insert(args.end(), {"--input", "rpc_proxy=mail.oa.test", "--input", "auth=basic"});
  CommandResult r = RunCommand(args);
  INFO(r.err);
  CHECK(r.exit_code == 0);  // the proxy was tested; the password steps are optional
  std::istringstream lines(r.out);
  int records = 0;
  for (std::string line; std::getline(lines, line); ++records) {
    json j = json::parse(line);
    CHECK(j["outcome"] == "passed");
    CHECK(j["columns"]["certificate"] == "passed");
  }
  CHECK(records == 2);

  // Or each line carries its own proxy: a CSV column named after the input.
  std::ofstream(list) << "DisplayName,email,rpc_proxy,auth\n"
                      << "Lab User,labuser@oa.test,mail.oa.test,basic\n";
  CommandResult csv =
      RunCommand({CxaBinary(), "run", "outlook-anywhere", "--targets", list, "--format", "jsonl",
                  "--timeout", "2", "--public-roots", LabRoots(), "--connect-to",
                  ":443:127.0.0.1:" + std::to_string(fs.Port("oa-apex"))});
  INFO(csv.err);
  CHECK(csv.exit_code == 0);
  CHECK_THAT(csv.err, Catch::Contains("columns ignored (not inputs of outlook-anywhere): "
                                      "DisplayName"));
  json j = json::parse(csv.out.substr(0, csv.out.find('\n')));
  CHECK(j["report"]["inputs"]["rpc_proxy"] == "mail.oa.test");
  CHECK(j["columns"]["certificate"] == "passed");
  std::filesystem::remove(list);
}
