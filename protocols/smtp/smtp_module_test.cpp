// The smtp and smtp-mx modules in process: a scripted mail server (testing/scripted_stream.h)
// for each dialogue a real one may hold, scripted DNS answers for the MX lookup. Asserts IDs,
// stages, facts and what cxa sent (never a MAIL FROM).
#include <algorithm>
#include <catch2/catch.hpp>

#include "protocols/smtp/smtp_modules.h"
#include "testing/lab_chain.h"
#include "testing/module_harness.h"
#include "testing/scripted_stream.h"

using namespace cxa;
using namespace cxa::testing;
using cxa::protocols::kSmtpModule;
using cxa::protocols::kSmtpMxModule;

namespace {

const char* const kEhloReply =
    "250-mx.contoso.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n250 "
    "8BITMIME\r\n";

// A well-behaved server: greeting, EHLO with STARTTLS, 220 to STARTTLS, then a TLS session
// presenting lab PKI case `pki_case` (judged by the harness's evaluator and policy).
struct Server {
  std::vector<std::unique_ptr<ScriptedStream>> streams;  // every stream the step opened
  ScriptedStream* stream = nullptr;                      // the first one
  std::string greeting = "220 mx.contoso.test ESMTP\r\n";
  std::function<std::string(std::string_view)> answers = [](std::string_view sent) {
    if (sent.rfind("EHLO", 0) == 0) return std::string(kEhloReply);
    if (sent == "STARTTLS\r\n") return std::string("220 2.0.0 go ahead\r\n");
    if (sent == "QUIT\r\n") return std::string("221 bye\r\n");
    return std::string("502 5.5.2 what?\r\n");
  };
  // The answers of the second and later connections, when they differ (a pool of servers).
  std::function<std::string(std::string_view)> later_answers;
  std::string pki_case = "good";
  std::string tls_version = "TLSv1.3";
  size_t chunk = 0;
  std::vector<std::string> sent;
};

StepResult RunSmtp(ModuleHarness& h, Server& server, OptionMap options = {}) {
  h.transport.stream_handler = [&](const HttpRequest& req) {
    server.streams.push_back(std::make_unique<ScriptedStream>());
    ScriptedStream* s = server.streams.back().get();
    if (server.stream == nullptr) server.stream = s;
    s->connection.request = req;
    s->connection.remote_address = "192.0.2.25";
    s->connection.remote_port = 25;
    s->connection.reached = Stage::kConnect;
    s->pending = server.greeting;
    s->on_send =
        server.streams.size() > 1 && server.later_answers ? server.later_answers : server.answers;
    s->chunk = server.chunk;
    cert::CertInput in = LabChainInput(server.pki_case, req.cert_name);
    TlsCapture tls;
    tls.chain = in.chain;
    tls.version = server.tls_version;
    tls.cipher = "TLS_AES_128_GCM_SHA256";
    tls.report = h.evaluator.Evaluate(in, h.policy);
    if (tls.report->trusted) {
      s->tls = tls;
    } else {
      tls.rejected_by_policy = true;
      s->tls = tls;
      s->tls_error = TransportError{Stage::kCertificate, "tls.certificate.rejected",
                                    "the trust gate rejected the chain"};
    }
    return std::make_unique<BorrowedStream>(*s);
  };
  options.emplace("host", "mail.contoso.test");  // the name the lab's certificates cover
  StepResult r = h.Run(kSmtpModule, options);
  server.sent = server.stream ? server.stream->sent : std::vector<std::string>{};
  return r;
}

void NothingSubmitted(const Server& s) {
  for (const auto& line : s.sent) {
    INFO(line);
    CHECK(line.rfind("MAIL", 0) != 0);
    CHECK(line.rfind("RCPT", 0) != 0);
    CHECK(line.rfind("DATA", 0) != 0);
  }
}

}  // namespace

TEST_CASE("smtp module: greeting, EHLO, STARTTLS, a trusted chain, EHLO again, QUIT",
          "[unit][smtp]") {
  ModuleHarness h;
  Server server;
  server.chunk = 3;  // every reply cut across receives
  StepResult r = RunSmtp(h, server);
  CHECK(r.outcome == Outcome::kPassed);
  CHECK(r.findings.empty());
  CHECK(r.facts["banner"] == "mx.contoso.test ESMTP");
  CHECK(r.facts["starttls"] == "ok");
  CHECK(r.facts["tls_version"] == "TLSv1.3");
  CHECK(r.facts["certificate_trusted"] == "true");
  CHECK(r.facts["ehlo_keywords"] == "PIPELINING SIZE STARTTLS 8BITMIME");
  CHECK(server.sent == std::vector<std::string>{"EHLO cxa.invalid\r\n", "STARTTLS\r\n",
                                                "EHLO cxa.invalid\r\n", "QUIT\r\n"});
  CHECK(server.stream->sent_after_tls.size() == 2);
  // The handshake was for the MX host (SNI and the certificate name).
  CHECK(server.stream->Connection().request.cert_name == "mail.contoso.test");
}

TEST_CASE("smtp module: the certificate is judged by the shared evaluator", "[unit][smtp]") {
  ModuleHarness h;
  SECTION("self-signed: the gate closes the stream, nothing is sent over it") {
    Server server;
    server.pki_case = "self-signed";
    StepResult r = RunSmtp(h, server);
    CHECK(r.outcome == Outcome::kFailed);
    CHECK(r.stage == Stage::kCertificate);
    CHECK(ModuleHarness::Has(r, "cert.chain.self_signed"));
    CHECK(r.facts["tlsrpt_result"] == "certificate-not-trusted");
    CHECK(server.sent.back() == "STARTTLS\r\n");
  }
  SECTION("a name the certificate does not cover") {
    Server server;
    StepResult r = RunSmtp(h, server, {{"name", "smtp.fabrikam.test"}});
    CHECK(ModuleHarness::Has(r, "cert.name.mismatch"));
    CHECK(r.facts["tlsrpt_result"] == "certificate-host-mismatch");
    CHECK(server.stream->Connection().request.cert_name == "smtp.fabrikam.test");
  }
  SECTION("TLS 1.1 is too old for Exchange Online") {
    Server server;
    server.tls_version = "TLSv1.1";
    StepResult r = RunSmtp(h, server);
    CHECK(ModuleHarness::Has(r, "smtp.tls.protocol_too_old"));
    CHECK(r.outcome == Outcome::kFailed);
  }
}

TEST_CASE("smtp module: servers that do not greet as they should", "[unit][smtp]") {
  ModuleHarness h;
  Server server;
  SECTION("silence") {
    server.greeting = "";
    StepResult r = RunSmtp(h, server);
    CHECK(ModuleHarness::Has(r, "smtp.banner.timeout"));
    CHECK(r.stage == Stage::kProtocol);
    CHECK(server.sent.empty());  // no early talking
  }
  SECTION("half a multi-line greeting, then silence") {
    server.greeting = "220-mx.contoso.test\r\n";
    CHECK(ModuleHarness::Has(RunSmtp(h, server), "smtp.banner.timeout"));
    CHECK(server.sent.empty());
  }
  SECTION("421 throttling: not tested, and said so") {
    server.greeting = "421 4.7.0 mx.contoso.test too many connections\r\n";
    StepResult r = RunSmtp(h, server);
    CHECK(r.outcome == Outcome::kSkipped);
    CHECK(ModuleHarness::Has(r, "smtp.banner.throttled"));
    CHECK(r.facts.at("banner").find("too many connections") != std::string::npos);  // the greeting
  }
  SECTION("554 refusal") {
    server.greeting = "554 5.7.1 no service for you\r\n";
    CHECK(ModuleHarness::Has(RunSmtp(h, server), "smtp.banner.rejected"));
  }
  SECTION("not SMTP") {
    server.greeting = "SSH-2.0-OpenSSH_9.2\r\n";
    CHECK(ModuleHarness::Has(RunSmtp(h, server), "smtp.reply.malformed"));
  }
  SECTION("an endless multi-line greeting is cut off") {
    server.greeting.clear();
    for (int i = 0; i < 500; ++i) server.greeting += "220-more\r\n";
    CHECK(ModuleHarness::Has(RunSmtp(h, server), "smtp.reply.malformed"));
  }
}

TEST_CASE("smtp module: STARTTLS missing, refused, or followed by injected data", "[unit][smtp]") {
  ModuleHarness h;
  Server server;
  SECTION("not offered") {
    server.answers = [](std::string_view sent) {
      return std::string(sent.rfind("EHLO", 0) == 0 ? "250-mx\r\n250 SIZE 1000\r\n"
                                                    : "221 bye\r\n");
    };
    StepResult r = RunSmtp(h, server);
    CHECK(ModuleHarness::Has(r, "smtp.starttls.not_offered"));
    CHECK(r.facts["starttls"] == "not offered");
    CHECK(r.facts["tlsrpt_result"] == "starttls-not-supported");
    CHECK(server.sent == std::vector<std::string>{"EHLO cxa.invalid\r\n", "QUIT\r\n"});
    // A second session asks again, to tell "never" from "on some connections".
    REQUIRE(server.streams.size() == 2);
    CHECK(server.streams[1]->sent == server.sent);
  }
  SECTION("offered on the second connection only") {
    server.later_answers = server.answers;
    server.answers = [](std::string_view sent) {
      return std::string(sent.rfind("EHLO", 0) == 0 ? "250-mx\r\n250 SIZE 1000\r\n"
                                                    : "221 bye\r\n");
    };
    StepResult r = RunSmtp(h, server);
    CHECK(ModuleHarness::Has(r, "smtp.starttls.inconsistent"));
    CHECK_FALSE(ModuleHarness::Has(r, "smtp.starttls.not_offered"));
    CHECK(r.facts["starttls"] == "inconsistent");
    CHECK(server.streams[1]->sent_after_tls.empty());  // the second session only asks
  }
  SECTION("a host with several addresses, one of which does not offer it") {
    h.transport.dns_handler = [](const std::string& name, DnsType type) {
      DnsAnswer a;
      a.name = name;
      a.type = type;
      a.status = DnsAnswer::Status::kNoRecords;
      if (type == DnsType::kA) {
        a.status = DnsAnswer::Status::kFound;
        a.records = {{300, "192.0.2.25"}, {300, "192.0.2.26"}};
      }
      return a;
    };
    server.later_answers = [](std::string_view sent) {
      return std::string(sent.rfind("EHLO", 0) == 0 ? "250-mx\r\n250 SIZE 1000\r\n"
                                                    : "221 bye\r\n");
    };
    StepResult r = RunSmtp(h, server);
    CHECK(ModuleHarness::Has(r, "smtp.starttls.inconsistent"));
    CHECK(r.facts["starttls"] == "inconsistent");
    CHECK(r.facts["addresses"] == "192.0.2.25 192.0.2.26");
    // The first address (192.0.2.25) was the step's own session; the other was asked apart.
    REQUIRE(h.transport.requests.size() == 2);
    CHECK(h.transport.requests[1].connect_address == "192.0.2.26");
    CHECK(server.streams[0]->sent_after_tls.size() == 2);  // and the TLS test went on
  }
  SECTION("refused with 454") {
    server.answers = [](std::string_view sent) {
      return std::string(sent.rfind("EHLO", 0) == 0 ? kEhloReply
                                                    : "454 4.7.0 TLS not available\r\n");
    };
    CHECK(ModuleHarness::Has(RunSmtp(h, server), "smtp.starttls.rejected"));
  }
  SECTION("EHLO refused") {
    server.answers = [](std::string_view) { return std::string("502 5.5.1 no\r\n"); };
    CHECK(ModuleHarness::Has(RunSmtp(h, server), "smtp.ehlo.rejected"));
  }
  SECTION("data after the 220 to STARTTLS is not carried into TLS") {
    server.answers = [](std::string_view sent) {
      if (sent == "STARTTLS\r\n") return std::string("220 go\r\n250 injected\r\n");
      return std::string(kEhloReply);
    };
    StepResult r = RunSmtp(h, server);
    CHECK(ModuleHarness::Has(r, "smtp.reply.malformed"));
    CHECK(server.stream->sent_after_tls.empty());
  }
  SECTION("no answer to EHLO") {
    server.answers = [](std::string_view) { return std::string(); };
    CHECK(ModuleHarness::Has(RunSmtp(h, server), "smtp.reply.timeout"));
  }
  SECTION("the session breaks after TLS") {
    server.answers = [n = 0](std::string_view sent) mutable {
      if (sent.rfind("EHLO", 0) == 0 && n++ > 0) return std::string("421 4.4.2 gone\r\n");
      if (sent == "STARTTLS\r\n") return std::string("220 go\r\n");
      return std::string(kEhloReply);
    };
    CHECK(ModuleHarness::Has(RunSmtp(h, server), "smtp.tls.session_failed"));
  }
  NothingSubmitted(server);
}

namespace {

// TLSA answers for _25._tcp.mail.contoso.test: `records`, validated (`secure`) or not, or a
// failed lookup (`bogus` when validation failed).
void Tlsa(ModuleHarness& h, std::vector<std::string> records, bool secure = true,
          DnsAnswer::Status status = DnsAnswer::Status::kFound, bool bogus = false) {
  h.transport.dns_handler = [=](const std::string& name, DnsType type) {
    DnsAnswer a;
    a.name = name;
    a.type = type;
    if (type != DnsType::kTlsa) {
      a.status = DnsAnswer::Status::kNoRecords;
      return a;
    }
    a.status = records.empty() && status == DnsAnswer::Status::kFound
                   ? DnsAnswer::Status::kNoRecords
                   : status;
    a.authenticated = secure;
    a.bogus = bogus;
    if (status == DnsAnswer::Status::kFailed) a.error = "SERVFAIL";
    for (const auto& r : records) a.records.push_back({300, r});
    return a;
  };
}

std::string GoodKey(int index) {
  return TlsaDigest(FixturesDir() + "/pki/good/chain.pem", index, 1);
}

}  // namespace

TEST_CASE("smtp module: DANE, the TLSA records matched against the presented chain",
          "[unit][smtp][dane]") {
  ModuleHarness h;
  const OptionMap secure_mx{{"dnssec", "secure"}};
  SECTION("DANE-EE and DANE-TA records that match") {
    for (const std::string& record : {"3 1 1 " + GoodKey(1), "2 1 1 " + GoodKey(2)}) {
      Tlsa(h, {"3 1 1 " + std::string(64, '0'), record});
      Server server;
      StepResult r = RunSmtp(h, server, secure_mx);
      CHECK(h.transport.dns_questions.front() == "TLSA _25._tcp.mail.contoso.test");
      CHECK(r.outcome == Outcome::kPassed);
      CHECK(r.facts["dane"] == "verified");
      CHECK(r.facts["dane_match"] == record.substr(0, 5));
    }
  }
  SECTION("a certificate renewed without its TLSA record") {
    Tlsa(h, {"3 1 1 " + std::string(64, 'a')});
    Server server;
    StepResult r = RunSmtp(h, server, secure_mx);
    CHECK(ModuleHarness::Has(r, "dane.tlsa.mismatch"));
    CHECK(r.facts["dane"] == "mismatch");
    CHECK(r.facts["tlsrpt_result"] == "tlsa-invalid");
    CHECK(r.outcome == Outcome::kFailed);
  }
  SECTION("DANE-EE is matched even when strict public trust rejects the chain") {
    Tlsa(h, {"3 1 1 " + TlsaDigest(FixturesDir() + "/pki/self-signed/chain.pem", 1, 1)});
    Server server;
    server.pki_case = "self-signed";
    StepResult r = RunSmtp(h, server, secure_mx);
    CHECK(r.facts["dane"] == "verified");
    CHECK(ModuleHarness::Has(r, "cert.chain.self_signed"));  // Exchange Online still refuses it
  }
  SECTION("records senders cannot use, or ignore") {
    Tlsa(h, {"1 1 1 " + GoodKey(1), "0 0 1 " + GoodKey(2)});
    Server unusable_server;
    StepResult unusable = RunSmtp(h, unusable_server, secure_mx);
    CHECK(ModuleHarness::Has(unusable, "dane.tlsa.unusable_usage"));
    CHECK(unusable.facts["dane"] == "no usable TLSA");

    Tlsa(h, {"3 1 1 " + GoodKey(1)}, /*secure=*/false);
    Server insecure_server;
    StepResult insecure = RunSmtp(h, insecure_server, secure_mx);
    CHECK(ModuleHarness::Has(insecure, "dane.dnssec.insecure"));
    CHECK(insecure.facts["dane"] == "not signed");
  }
  SECTION("no TLSA in a signed zone, a bogus answer, a failed lookup") {
    Tlsa(h, {});
    Server none_server;
    StepResult none = RunSmtp(h, none_server, secure_mx);
    CHECK(ModuleHarness::Has(none, "dane.tlsa.missing"));
    CHECK(none.outcome == Outcome::kPassed);  // information

    Tlsa(h, {}, true, DnsAnswer::Status::kFailed, /*bogus=*/true);
    Server bogus_server;
    StepResult bogus = RunSmtp(h, bogus_server, secure_mx);
    CHECK(ModuleHarness::Has(bogus, "dane.dnssec.bogus"));
    CHECK(bogus.facts["tlsrpt_result"] == "dnssec-invalid");

    Tlsa(h, {}, true, DnsAnswer::Status::kFailed);
    Server failed_server;
    CHECK(ModuleHarness::Has(RunSmtp(h, failed_server, secure_mx), "dane.tlsa.lookup_failed"));
    // A host the operator named: whether senders look its TLSA up is not known, no finding.
    Server named_server;
    StepResult named = RunSmtp(h, named_server);
    CHECK(named.findings.empty());
    CHECK(named.facts["dane"] == "unknown (TLSA lookup failed)");
  }
  SECTION("below unsigned MX records DANE does not apply: no TLSA question") {
    Tlsa(h, {"3 1 1 " + std::string(64, 'a')});
    Server server;
    StepResult r = RunSmtp(h, server, {{"dnssec", "insecure"}});
    CHECK(std::none_of(h.transport.dns_questions.begin(), h.transport.dns_questions.end(),
                       [](const std::string& q) { return q.rfind("TLSA", 0) == 0; }));
    CHECK(r.facts["dane"] == "not applicable");
    CHECK(r.outcome == Outcome::kPassed);
  }
}

TEST_CASE("smtp module: options are checked before anything is sent", "[unit][smtp]") {
  OptionMap o{{"host", "mx.contoso.test"}, {"port", "25"}, {"name", ""}, {"helo", "cxa.invalid"}};
  CHECK(kSmtpModule.create(o).ok());
  o["helo"] = "not fqdn";
  CHECK_FALSE(kSmtpModule.create(o).ok());
  o["helo"] = "[192.0.2.1]";
  CHECK(kSmtpModule.create(o).ok());
  o["host"] = "mx.contoso.test/x";
  CHECK_FALSE(kSmtpModule.create(o).ok());
  o["host"] = "mx.contoso.test";
  o["dnssec"] = "maybe";
  CHECK_FALSE(kSmtpModule.create(o).ok());
}

namespace {

StepResult RunMx(ModuleHarness& h, std::vector<std::string> records,
                 DnsAnswer::Status status = DnsAnswer::Status::kFound, bool secure = false) {
  h.transport.dns_handler = [=](const std::string& name, DnsType type) {
    DnsAnswer a;
    a.name = name;
    a.type = type;
    a.status = status;
    a.authenticated = secure;
    if (status == DnsAnswer::Status::kFailed) a.error = "SERVFAIL";
    for (const auto& r : records) a.records.push_back({300, r});
    return a;
  };
  return h.Run(kSmtpMxModule, {{"domain", "Contoso.Test."}});
}

}  // namespace

TEST_CASE("smtp-mx module: MX hosts in preference order, and what they are", "[unit][smtp]") {
  ModuleHarness h;
  StepResult r =
      RunMx(h, {"20 mx2.contoso.test.", "10 mx1.contoso.test."}, DnsAnswer::Status::kFound,
            /*secure=*/true);
  CHECK(h.transport.dns_questions == std::vector<std::string>{"MX contoso.test"});
  CHECK(r.outcome == Outcome::kPassed);
  CHECK(r.facts["host1"] == "mx1.contoso.test");
  CHECK(r.facts["host2"] == "mx2.contoso.test");
  CHECK(r.facts["count"] == "2");
  CHECK(r.facts["dnssec"] == "secure");

  CHECK(ModuleHarness::Has(RunMx(h, {}, DnsAnswer::Status::kNoRecords), "smtp.mx.none"));
  CHECK(ModuleHarness::Has(RunMx(h, {}, DnsAnswer::Status::kFailed), "smtp.mx.lookup_failed"));
  CHECK(ModuleHarness::Has(RunMx(h, {"0 ."}), "smtp.mx.null"));
  // Hosts no sender can reach are reported and not handed to the per-MX steps.
  StepResult literal = RunMx(h, {"10 192.0.2.25.", "20 mx.contoso.test"});
  CHECK(ModuleHarness::Has(literal, "smtp.mx.ip_literal"));
  CHECK(literal.facts["host1"] == "mx.contoso.test");
  CHECK(literal.facts.count("host2") == 0);
  StepResult internal = RunMx(h, {"10 exchange01.corp.local."});
  CHECK(ModuleHarness::Has(internal, "smtp.mx.internal_name"));
  CHECK(internal.facts.count("host1") == 0);
  CHECK(ModuleHarness::Has(RunMx(h, {"ten mx"}), "smtp.mx.malformed"));
  StepResult eo = RunMx(h, {"0 contoso-test.mail.protection.outlook.com."});
  CHECK(ModuleHarness::Has(eo, "smtp.mx.exchange_online"));
  CHECK(eo.outcome == Outcome::kPassed);  // information
  StepResult many =
      RunMx(h, {"1 a.test", "2 b.test", "3 c.test", "4 d.test", "5 e.test", "6 f.test"});
  CHECK(ModuleHarness::Has(many, "smtp.mx.not_all_tested"));
  CHECK(many.facts["host5"] == "e.test");
  CHECK(many.facts.count("host6") == 0);
}

TEST_CASE("smtp-mx module: a host instead of a domain is tested without a lookup", "[unit][smtp]") {
  ModuleHarness h;
  StepResult r = h.Run(kSmtpMxModule, {{"host", "mail.contoso.test"}});
  CHECK(h.transport.dns_questions.empty());
  CHECK(r.facts["host1"] == "mail.contoso.test");
  CHECK_FALSE(kSmtpMxModule.create({{"domain", ""}, {"host", ""}}).ok());
  CHECK_FALSE(kSmtpMxModule.create({{"domain", "a b"}, {"host", ""}}).ok());
}
