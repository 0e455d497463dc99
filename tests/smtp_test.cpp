// The smtp scenario end to end: the real cxa against a real MTA (Debian's Postfix on loopback
// ports, tests/postfix_lab.h) and a real authoritative DNS server for the MX lookups (nsd,
// tests/dns_lab.h). Every name is aimed at 127.0.0.1 with --resolve; nothing leaves loopback,
// and Postfix's own log proves that no message was ever submitted.
#include <catch2/catch.hpp>
#include <fstream>
#include <regex>

#include "dns_lab.h"
#include "dnssec_lab.h"
#include "loopback.h"
#include "postfix_lab.h"

using namespace cxa;
using namespace cxa::testing;

namespace {

bool Has(const std::vector<std::string>& v, const std::string& id) {
  return std::find(v.begin(), v.end(), id) != v.end();
}

// `cxa run smtp` aimed at the Postfix listener `listener` for every name in `names`.
ScenarioRun Smtp(const std::string& listener, std::vector<std::string> args,
                 const std::vector<std::string>& names = {"mail.contoso.test"}) {
  const std::string port = std::to_string(PostfixLab::Get().port(listener));
  std::vector<std::string> argv = LabRunArgs("smtp");
  argv.insert(argv.end(), {"--input", "port=" + port});
  for (const auto& n : names) argv.insert(argv.end(), {"--resolve", n + ":" + port + ":127.0.0.1"});
  argv.insert(argv.end(), args.begin(), args.end());
  return RunScenario(argv);
}

ScenarioRun Host(const std::string& listener, std::vector<std::string> extra = {}) {
  extra.insert(extra.begin(), {"--input", "host=mail.contoso.test", "--no-aia"});
  return Smtp(listener, extra);
}

}  // namespace

TEST_CASE("smtp: STARTTLS against Postfix, each certificate judged by the shared evaluator",
          "[e2e][loopback][smtp]") {
  ScenarioRun good = Host("good");
  CHECK(good.cmd.exit_code == 0);
  CHECK(good.report["outcome"] == "passed");
  CHECK(good.Fact("mx1", "starttls") == "ok");
  CHECK(good.Fact("mx1", "tls_version") == "TLSv1.3");
  CHECK(good.Fact("mx1", "certificate_trusted") == "true");
  CHECK(good.Fact("mx1", "banner") == "mx.lab.test ESMTP lab");
  CHECK(good.Step("mx2")["outcome"] == "skipped");  // no second MX: not applicable

  struct Case {
    const char* listener;
    const char* finding;
    const char* tlsrpt;
  };
  auto c = GENERATE(values<Case>({
      {"self-signed", "cert.chain.self_signed", "certificate-not-trusted"},
      {"wrong-name", "cert.name.mismatch", "certificate-host-mismatch"},
      {"expired", "cert.validity.expired", "certificate-expired"},
      {"missing-intermediate", "cert.chain.incomplete", "certificate-not-trusted"},
  }));
  INFO(c.listener);
  ScenarioRun r = Host(c.listener);
  CHECK(r.cmd.exit_code == 1);
  CHECK(Has(r.Ids("mx1"), c.finding));
  CHECK(r.Step("mx1")["stage"] == "certificate");
  CHECK(r.Fact("mx1", "tlsrpt_result") == c.tlsrpt);
  CHECK(r.report["cause"]["step"] == "mx1");
}

TEST_CASE("smtp: no STARTTLS, another expected name, and no relaxing of trust",
          "[e2e][loopback][smtp]") {
  ScenarioRun plain = Host("no-starttls");
  CHECK(plain.cmd.exit_code == 1);
  CHECK(Has(plain.Ids("mx1"), "smtp.starttls.not_offered"));
  CHECK(plain.Fact("mx1", "tlsrpt_result") == "starttls-not-supported");

  // The hybrid connector's TlsDomain: a name the certificate covers passes, another fails.
  CHECK(Host("good", {"--input", "expect_name=autodiscover.contoso.test"}).cmd.exit_code == 0);
  ScenarioRun other = Host("good", {"--input", "expect_name=smtp.fabrikam.test"});
  CHECK(Has(other.Ids("mx1"), "cert.name.mismatch"));

  // Exchange Online validates the certificate: --ignore-trust does not relax these steps.
  ScenarioRun relaxed = Host("self-signed", {"--ignore-trust"});
  CHECK(relaxed.cmd.exit_code == 1);
  CHECK(Has(relaxed.Ids("mx1"), "cert.chain.self_signed"));
  CHECK(relaxed.Step("mx1")["trust_policy"]["mode"] == "strict-public");
}

TEST_CASE("smtp: every address of a name is asked whether it offers STARTTLS",
          "[e2e][loopback][smtp][dns]") {
  // pool.contoso.test: Postfix with STARTTLS on 127.0.0.1, the same port without on 127.0.0.2.
  // One greeting from 127.0.0.2 first: Postfix starts that listener's smtpd on demand, and a
  // loaded machine must not turn its start-up into a missed answer within cxa's timeout.
  const std::string port = std::to_string(PostfixLab::Get().port("good"));
  CommandResult warm = RunCommand({"/bin/bash", "-c",
                                   std::string("exec 3<>/dev/tcp/") + PostfixLab::kSecondAddress +
                                       "/" + port + " && head -c 3 <&3"},
                                  "", 30);
  REQUIRE(warm.out == "220");
  ScenarioRun r =
      Smtp("good",
           {"--input", "host=pool.contoso.test", "--input", "expect_name=mail.contoso.test",
            "--dns-server", NsdLab::Get().server(), "--no-aia"},
           {"pool.contoso.test"});
  CHECK(r.cmd.exit_code == 1);
  CHECK(Has(r.Ids("mx1"), "smtp.starttls.inconsistent"));
  CHECK(r.Fact("mx1", "addresses") == std::string("127.0.0.1 ") + PostfixLab::kSecondAddress);
  CHECK(r.Fact("mx1", "certificate_trusted") == "true");  // the first address was tested on
  CHECK(PostfixLab::Get().Log().find("/pool-plain/smtpd") != std::string::npos);
}

TEST_CASE("smtp: a missing intermediate is told apart through AIA, as for HTTPS",
          "[e2e][loopback][smtp]") {
  const int aia = FixtureServer::Get().Port("aia");
  ScenarioRun r =
      Smtp("missing-intermediate", {"--input", "host=mail.contoso.test", "--connect-to",
                                    "pki.cxa.test:80:127.0.0.1:" + std::to_string(aia)});
  CHECK(r.cmd.exit_code == 1);
  CHECK(Has(r.Ids("mx1"), "cert.chain.missing_intermediate"));
}

TEST_CASE("smtp: MX records from a real DNS server, every MX tested in preference order",
          "[e2e][loopback][smtp][dns]") {
  const std::string dns = NsdLab::Get().server();
  ScenarioRun two = Smtp("wildcard", {"smtp.test", "--dns-server", dns},
                         {"mail.contoso.test", "mx2.contoso.test"});
  CHECK(two.cmd.exit_code == 0);
  CHECK(two.Fact("mx", "host1") == "mail.contoso.test");
  CHECK(two.Fact("mx", "host2") == "mx2.contoso.test");
  CHECK(two.Fact("mx", "dnssec") == "insecure");  // an authoritative server validates nothing
  CHECK(two.Step("mx1")["outcome"] == "passed");
  CHECK(two.Step("mx2")["outcome"] == "passed");
  CHECK(two.Step("mx3")["outcome"] == "skipped");

  ScenarioRun self = Smtp("self-signed", {"selfsigned.smtp.test", "--dns-server", dns},
                          {"selfsigned.contoso.test"});
  CHECK(Has(self.Ids("mx1"), "cert.chain.self_signed"));

  struct Case {
    const char* domain;
    const char* finding;
  };
  auto c = GENERATE(values<Case>({
      {"nomx.smtp.test", "smtp.mx.none"},
      {"null.smtp.test", "smtp.mx.null"},
      {"literal.smtp.test", "smtp.mx.ip_literal"},
      {"internal.smtp.test", "smtp.mx.internal_name"},
  }));
  INFO(c.domain);
  // No per-MX step runs: an unreachable MX is not connected to (the address is outside
  // loopback, the name is not public).
  ScenarioRun r = Smtp("good", {c.domain, "--dns-server", dns});
  CHECK(r.cmd.exit_code == 1);
  CHECK(Has(r.Ids("mx"), c.finding));
  CHECK(r.Step("mx1")["outcome"] == "skipped");
}

TEST_CASE("smtp: nothing is ever submitted to the MTA", "[e2e][loopback][smtp]") {
  Host("good");
  Host("no-starttls");
  const std::string log = PostfixLab::Get().Log();
  INFO(log);
  // Postfix logs each session's commands when it ends: EHLO, STARTTLS and QUIT only.
  std::regex session(R"(disconnect from \S+ (.*))");
  int sessions = 0;
  for (std::sregex_iterator it(log.begin(), log.end(), session), end; it != end; ++it) {
    const std::string commands = (*it)[1];
    CHECK(commands.find("mail=") == std::string::npos);
    CHECK(commands.find("rcpt=") == std::string::npos);
    CHECK(commands.find("data=") == std::string::npos);
    ++sessions;
  }
  CHECK(sessions >= 2);
  CHECK(log.find("ehlo=2 starttls=1 quit=1") != std::string::npos);
}

TEST_CASE("smtp: a recorded run replays offline to the same verdict", "[e2e][loopback][smtp]") {
  const std::string rec = BinaryDir() + "/test-logs/smtp-record-" + std::to_string(::getpid());
  ScenarioRun live = Host("self-signed", {"--record", rec});
  REQUIRE(live.cmd.exit_code == 1);
  std::vector<std::string> argv = {CxaBinary(), "run", "smtp", "--replay", rec, "--format", "json"};
  ScenarioRun replayed = RunScenario(argv);
  CHECK(replayed.cmd.exit_code == 1);
  CHECK(replayed.Ids("mx1") == live.Ids("mx1"));
  CHECK(replayed.Fact("mx1", "banner") == live.Fact("mx1", "banner"));
}

TEST_CASE("smtp: a server that never greets in time replays as a timeout",
          "[e2e][loopback][smtp]") {
  // The greet-pause site waits 1.5 s before its 220; with --timeout 1 cxa stops waiting first.
  const std::string port = std::to_string(FixtureServer::Get("smtp.xml").Port("smtp-greet-pause"));
  const std::string rec = BinaryDir() + "/test-logs/smtp-timeout-" + std::to_string(::getpid());
  ScenarioRun live =
      RunScenario({CxaBinary(), "run", "smtp", "--public-roots", LabRoots(), "--format", "json",
                   "--timeout", "1", "--input", "host=mail.contoso.test", "--input", "port=" + port,
                   "--resolve", "mail.contoso.test:" + port + ":127.0.0.1", "--record", rec});
  REQUIRE(Has(live.Ids("mx1"), "smtp.banner.timeout"));
  CHECK(ReadText(rec + "/transcript.xml").find("<timeout />") != std::string::npos);
  ScenarioRun replayed =
      RunScenario({CxaBinary(), "run", "smtp", "--replay", rec, "--format", "json"});
  CHECK(replayed.cmd.exit_code == live.cmd.exit_code);
  CHECK(replayed.Ids("mx1") == live.Ids("mx1"));
}

TEST_CASE("smtp: a wave of domains tests each MX host once", "[e2e][loopback][smtp][dns]") {
  const std::string port = std::to_string(PostfixLab::Get().port("wildcard"));
  const std::string targets =
      BinaryDir() + "/test-logs/smtp-targets-" + std::to_string(::getpid()) + ".txt";
  {
    std::ofstream out(targets);
    out << "smtp.test\nshared.smtp.test\nnomx.smtp.test\n";
  }
  // SMTP sessions the wildcard listener held (the lab's readiness probe sends no EHLO).
  auto sessions = [] {
    const std::string log = PostfixLab::Get().Log();
    std::regex ended(R"(/wildcard/smtpd\[\d+\]: disconnect from \S+ ehlo=)");
    return static_cast<size_t>(
        std::distance(std::sregex_iterator(log.begin(), log.end(), ended), std::sregex_iterator()));
  };
  const size_t before = sessions();
  CommandResult r =
      RunCommand({CxaBinary(), "run", "smtp", "--targets", targets, "--public-roots", LabRoots(),
                  "--dns-server", NsdLab::Get().server(), "--input", "port=" + port, "--resolve",
                  "mail.contoso.test:" + port + ":127.0.0.1", "--resolve",
                  "mx2.contoso.test:" + port + ":127.0.0.1", "--format", "csv", "--parallel", "3"},
                 "", 60);
  INFO(r.err);
  CHECK(r.exit_code == 1);  // nomx.smtp.test has no MX
  CHECK(r.out.rfind(
            "line,target,outcome,exit_code,MX,STARTTLS,certificate,TLS,MTA-STS,DANE,findings", 0) ==
        0);
  // The MX records come unsigned from nsd: DANE does not apply.
  CHECK(
      r.out.find(",smtp.test,passed,0,mail.contoso.test,ok,passed,TLSv1.3,none,not applicable,") !=
      std::string::npos);
  CHECK(r.out.find(",nomx.smtp.test,failed,1,") != std::string::npos);
  // mail.contoso.test (the MX of two domains) and mx2.contoso.test: one session each.
  CHECK(sessions() - before == 2);
}

TEST_CASE("smtp: servers that misbehave as real ones do end in their finding, in bounded time",
          "[e2e][loopback][smtp]") {
  FixtureServer& lab = FixtureServer::Get("smtp.xml");
  struct Case {
    const char* site;
    const char* finding;  // of step mx1, or "" for none
    int exit_code;
  };
  auto c = GENERATE(values<Case>({
      {"smtp-good", "", 0},
      {"smtp-split", "", 0},        // greeting and EHLO reply line by line, segment by segment
      {"smtp-greet-pause", "", 0},  // a 1.5 s greeting delay: cxa waits and never talks first
      {"smtp-self-signed", "cert.chain.self_signed", 1},
      {"smtp-no-starttls", "smtp.starttls.not_offered", 1},
      {"smtp-refuse", "smtp.starttls.rejected", 1},
      {"smtp-throttle", "smtp.banner.throttled", 4},        // not tested, not passed
      {"smtp-sometimes", "smtp.starttls.inconsistent", 1},  // a pool that differs
      {"smtp-garbage", "smtp.reply.malformed", 1},
      {"smtp-endless", "smtp.reply.malformed", 1},
      {"smtp-stall-tls", "tls.handshake.timeout", 1},
  }));
  INFO(c.site);
  const std::string port = std::to_string(lab.Port(c.site));
  std::vector<std::string> argv = LabRunArgs("smtp");
  argv.insert(argv.end(), {"--input", "host=mail.contoso.test", "--input", "port=" + port,
                           "--resolve", "mail.contoso.test:" + port + ":127.0.0.1", "--no-aia"});
  ScenarioRun r = RunScenario(argv, {}, "", 30);
  CHECK(r.cmd.exit_code == c.exit_code);
  if (*c.finding != '\0') CHECK(Has(r.Ids("mx1"), c.finding));
  // The scenario checks revocation (fetch): the lab's leaf and issuing CA name no CRL and no
  // OCSP responder (so there is no staple to miss), which is all a good server leaves to say.
  if (*c.finding == '\0') {
    CHECK(r.Ids("mx1") ==
          std::vector<std::string>{"cert.revocation.no_info", "cert.revocation.no_info"});
  }
  // Whatever the server did, cxa sent it no mail.
  const std::string log = lab.RequestLog();
  CHECK(log.find(" SMTP MAIL ") == std::string::npos);
  CHECK(log.find(" SMTP RCPT ") == std::string::npos);
  CHECK(log.find(" SMTP DATA ") == std::string::npos);
}

TEST_CASE("smtp: the domain's MTA-STS policy and TLS reporting record",
          "[e2e][loopback][smtp][dns]") {
  FixtureServer& lab = FixtureServer::Get("smtp.xml");
  const std::string smtp = std::to_string(lab.Port("smtp-good"));
  const std::string https = std::to_string(lab.Port("mta-sts"));
  auto run = [&](const std::string& domain, const std::string& policy_port = "") {
    std::vector<std::string> argv = LabRunArgs("smtp");
    argv.insert(
        argv.end(),
        {domain, "--dns-server", NsdLab::Get().server(), "--input", "port=" + smtp, "--resolve",
         "*:" + smtp + ":127.0.0.1", "--connect-to",
         "mta-sts." + domain + ":443:127.0.0.1:" + (policy_port.empty() ? https : policy_port),
         "--no-aia"});
    return RunScenario(argv);
  };
  // One MX, covered by an enforced policy fetched under strict public trust; reports go by mail.
  ScenarioRun good = run("contoso.test");
  CHECK(good.cmd.exit_code == 0);
  CHECK(good.Step("mta-sts")["outcome"] == "passed");
  CHECK(good.Fact("mta-sts", "mode") == "enforce");
  CHECK(good.Fact("mta-sts", "id") == "20261207");
  CHECK(good.Fact("tls-rpt", "rua") == "mailto:tls-reports@contoso.test");
  CHECK(lab.RequestLog().find("mta-sts GET /.well-known/mta-sts.txt") != std::string::npos);

  // The policy host's certificate does not cover mta-sts.moved.contoso.test: senders see no
  // policy (sts-webpki-invalid); its TLS-RPT record names an ftp: address.
  ScenarioRun moved = run("moved.contoso.test");
  CHECK(moved.cmd.exit_code == 1);
  CHECK(Has(moved.Ids("mta-sts"), "cert.name.mismatch"));
  CHECK(moved.Fact("mta-sts", "tlsrpt_result") == "sts-webpki-invalid");
  CHECK(Has(moved.Ids("tls-rpt"), "tlsrpt.record.invalid"));

  // A valid enforced policy that no longer names the MX: senders that honour it stop.
  ScenarioRun narrow = run("contoso.test", std::to_string(lab.Port("mta-sts-narrow")));
  CHECK(narrow.cmd.exit_code == 1);
  CHECK(narrow.Step("mx1")["outcome"] == "passed");
  CHECK(Has(narrow.Ids("mta-sts"), "mtasts.mx.not_covered"));
  CHECK(narrow.Fact("mta-sts", "mode") == "enforce");

  // No MTA-STS and no TLS-RPT record: information only.
  ScenarioRun none = run("smtp.test");
  CHECK(Has(none.Ids("mta-sts"), "mtasts.record.missing"));
  CHECK(Has(none.Ids("tls-rpt"), "tlsrpt.record.missing"));
}

TEST_CASE("smtp: DANE and the DNSSEC status, from a validating resolver in front of a signed zone",
          "[e2e][loopback][smtp][dns][dane]") {
  const std::string resolver = DnssecLab::Get().server();
  const std::string port = std::to_string(PostfixLab::Get().port("good"));
  // Port 25 as senders use it (the TLSA records are at _25._tcp), each host connected to the
  // Postfix listener that presents the lab PKI's good chain; the name checked is the one that
  // chain covers, as a hybrid connector's TlsDomain would be.
  std::vector<std::string> lab = {"--dns-server", resolver, "--input",
                                  "expect_name=mail.contoso.test"};
  for (const char* host : {"ee", "ta", "stale", "pkix", "forged", "plain"}) {
    lab.insert(lab.end(),
               {"--connect-to", std::string(host) + ".signed.test:25:127.0.0.1:" + port});
  }
  auto run = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = LabRunArgs("smtp");
    argv.insert(argv.end(), lab.begin(), lab.end());
    argv.insert(argv.end(), args.begin(), args.end());
    return RunScenario(argv);
  };
  ScenarioRun r = run({"signed.test"});
  CHECK(r.Fact("mx", "dnssec") == "secure");
  CHECK(r.Fact("mx", "host1") == "ee.signed.test");
  // DANE-EE and DANE-TA records that match the presented chain.
  CHECK(r.Step("mx1")["outcome"] == "passed");
  CHECK(r.Fact("mx1", "dane") == "verified");
  CHECK(r.Fact("mx1", "dane_match") == "3 1 1");
  CHECK(r.Fact("mx2", "dane") == "verified");
  CHECK(r.Fact("mx2", "dane_match") == "2 1 1");
  // A record for a key the server no longer has.
  CHECK(Has(r.Ids("mx3"), "dane.tlsa.mismatch"));
  CHECK(r.Fact("mx3", "tlsrpt_result") == "tlsa-invalid");
  // Only a usage SMTP does not use.
  CHECK(Has(r.Ids("mx4"), "dane.tlsa.unusable_usage"));
  // A TLSA record changed after signing: the resolver refuses it.
  CHECK(Has(r.Ids("mx5"), "dane.dnssec.bogus"));
  CHECK(r.Fact("mx5", "tlsrpt_result") == "dnssec-invalid");
  CHECK(r.cmd.exit_code == 1);

  // A host in the signed zone without a TLSA record: information.
  ScenarioRun plain = run({"--input", "host=plain.signed.test"});
  CHECK(plain.cmd.exit_code == 0);
  CHECK(Has(plain.Ids("mx1"), "dane.tlsa.missing"));

  // A batch summary says DANE per domain.
  const std::string targets =
      BinaryDir() + "/test-logs/dane-targets-" + std::to_string(::getpid()) + ".txt";
  std::ofstream(targets) << "signed.test\n";
  std::vector<std::string> argv = LabRunArgs("smtp", "csv");
  argv.insert(argv.end(), lab.begin(), lab.end());
  argv.insert(argv.end(), {"--targets", targets});
  CommandResult csv = RunCommand(argv, "", 60);
  INFO(csv.out);
  CHECK(csv.out.find(",ee.signed.test,ok,passed,TLSv1.3,none,verified,") != std::string::npos);

  // The same question with a record changed after signing: the MX answer itself is bogus.
  ScenarioRun bogus = run({"bogus.test"});
  CHECK(bogus.cmd.exit_code == 1);
  CHECK(Has(bogus.Ids("mx"), "smtp.mx.lookup_failed"));
  CHECK(bogus.Fact("mx", "dnssec") == "bogus");
}

TEST_CASE("smtp: TLSA records in an unsigned zone are reported as ignored",
          "[e2e][loopback][smtp][dns][dane]") {
  const std::string port = std::to_string(PostfixLab::Get().port("good"));
  std::vector<std::string> argv = LabRunArgs("smtp");
  argv.insert(argv.end(), {"--input", "host=unsigned-dane.contoso.test", "--input",
                           "expect_name=mail.contoso.test", "--dns-server", NsdLab::Get().server(),
                           "--connect-to", "unsigned-dane.contoso.test:25:127.0.0.1:" + port});
  ScenarioRun r = RunScenario(argv);
  CHECK(Has(r.Ids("mx1"), "dane.dnssec.insecure"));
  CHECK(r.Fact("mx1", "dane") == "not signed");
  CHECK(r.cmd.exit_code == 0);  // a warning: mail still flows
}
