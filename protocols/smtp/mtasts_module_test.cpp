// The mta-sts and tls-rpt modules in process: scripted TXT answers and policy fetches.
#include <catch2/catch.hpp>

#include "protocols/smtp/smtp_modules.h"
#include "testing/module_harness.h"

using namespace cxa;
using namespace cxa::testing;
using cxa::protocols::kMtaStsModule;
using cxa::protocols::kTlsRptModule;

namespace {

const char* const kPolicy =
    "version: STSv1\nmode: enforce\nmx: mail.contoso.test\nmx: *.mx.contoso.test\nmax_age: 86400\n";

struct Lab {
  std::vector<std::string> txt = {"v=STSv1; id=1"};
  int status = 200;
  std::string type = "text/plain";
  std::string body = kPolicy;
  Headers extra;
};

StepResult RunSts(ModuleHarness& h, const Lab& lab, const std::string& hosts) {
  h.transport.dns_handler = [&](const std::string& name, DnsType) {
    DnsAnswer a;
    a.name = name;
    a.status = lab.txt.empty() ? DnsAnswer::Status::kNoRecords : DnsAnswer::Status::kFound;
    for (const auto& t : lab.txt) a.records.push_back({300, t});
    return a;
  };
  h.transport.handler = [&](const HttpRequest& req) {
    if (lab.status == 0) {  // nothing listens
      HttpExchange ex;
      ex.request = req;
      ex.error = TransportError{Stage::kConnect, "net.connect.refused", "scripted"};
      return ex;
    }
    Headers headers = lab.extra;
    if (!lab.type.empty()) headers.emplace_back("Content-Type", lab.type);
    return ModuleHarness::Answer(req, lab.status, lab.body, headers);
  };
  return h.Run(kMtaStsModule, {{"domain", "contoso.test"}, {"hosts", hosts}});
}

}  // namespace

TEST_CASE("mta-sts module: a policy that covers every MX", "[unit][smtp][mtasts]") {
  ModuleHarness h;
  StepResult r = RunSts(h, Lab{}, "mail.contoso.test mx2.mx.contoso.test");
  CHECK(r.outcome == Outcome::kPassed);
  CHECK(r.findings.empty());
  CHECK(r.facts["mode"] == "enforce");
  CHECK(r.facts["id"] == "1");
  CHECK(h.transport.dns_questions == std::vector<std::string>{"TXT _mta-sts.contoso.test"});
  REQUIRE(h.transport.requests.size() == 1);
  CHECK(h.transport.requests[0].url == "https://mta-sts.contoso.test/.well-known/mta-sts.txt");
  CHECK(h.transport.requests[0].limits.max_body_bytes == 64 * 1024);
}

TEST_CASE("mta-sts module: what goes wrong with records and policies", "[unit][smtp][mtasts]") {
  ModuleHarness h;
  Lab lab;
  SECTION("no record: information, no fetch") {
    lab.txt.clear();
    StepResult r = RunSts(h, lab, "mail.contoso.test");
    CHECK(ModuleHarness::Has(r, "mtasts.record.missing"));
    CHECK(r.outcome == Outcome::kPassed);
    CHECK(h.transport.requests.empty());
  }
  SECTION("two records") {
    lab.txt = {"v=STSv1; id=1", "v=STSv1; id=2"};
    CHECK(ModuleHarness::Has(RunSts(h, lab, ""), "mtasts.record.multiple"));
  }
  SECTION("a bad id") {
    lab.txt = {"v=STSv1; id=not valid!"};
    CHECK(ModuleHarness::Has(RunSts(h, lab, ""), "mtasts.record.invalid"));
  }
  SECTION("a redirect is not followed") {
    lab.status = 301;
    lab.extra = {{"Location", "https://www.contoso.test/mta-sts.txt"}};
    StepResult r = RunSts(h, lab, "");
    CHECK(ModuleHarness::Has(r, "mtasts.policy.redirect"));
    CHECK(r.facts["tlsrpt_result"] == "sts-policy-fetch-error");
    CHECK(h.transport.requests.size() == 1);
  }
  SECTION("not found") {
    lab.status = 404;
    CHECK(ModuleHarness::Has(RunSts(h, lab, ""), "mtasts.policy.fetch_failed"));
  }
  SECTION("served as HTML, and not a policy") {
    lab.type = "text/html";
    lab.body = "<html>hello</html>";
    StepResult r = RunSts(h, lab, "");
    CHECK(ModuleHarness::Has(r, "mtasts.policy.bad_content_type"));
    CHECK(ModuleHarness::Has(r, "mtasts.policy.invalid"));
    CHECK(r.facts["tlsrpt_result"] == "sts-policy-invalid");
  }
  SECTION("an MX the policy does not cover: an error under enforce") {
    StepResult r = RunSts(h, lab, "mail.contoso.test contoso-test.j-v1.mx.microsoft");
    CHECK(ModuleHarness::Has(r, "mtasts.mx.not_covered"));
    CHECK(r.outcome == Outcome::kFailed);
  }
  SECTION("... a warning under testing") {
    lab.body = "version: STSv1\nmode: testing\nmx: mail.contoso.test\nmax_age: 86400\n";
    StepResult r = RunSts(h, lab, "other.contoso.test");
    CHECK(ModuleHarness::Has(r, "mtasts.policy.mode_testing"));
    CHECK(ModuleHarness::Has(r, "mtasts.mx.not_covered"));
    CHECK(r.outcome == Outcome::kWarning);
  }
  SECTION("the policy host does not answer") {
    lab.status = 0;
    StepResult r = RunSts(h, lab, "");
    CHECK(ModuleHarness::Has(r, "net.connect.refused"));
    CHECK(r.facts["tlsrpt_result"] == "sts-policy-fetch-error");
  }
}

TEST_CASE("tls-rpt module: present, missing, unusable", "[unit][smtp][mtasts]") {
  ModuleHarness h;
  std::vector<std::string> txt;
  h.transport.dns_handler = [&](const std::string& name, DnsType) {
    DnsAnswer a;
    a.name = name;
    a.status = txt.empty() ? DnsAnswer::Status::kNoRecords : DnsAnswer::Status::kFound;
    for (const auto& t : txt) a.records.push_back({300, t});
    return a;
  };
  txt = {"v=TLSRPTv1; rua=mailto:tls@contoso.test"};
  StepResult ok = h.Run(kTlsRptModule, {{"domain", "contoso.test"}});
  CHECK(ok.findings.empty());
  CHECK(ok.facts["rua"] == "mailto:tls@contoso.test");
  CHECK(h.transport.dns_questions.back() == "TXT _smtp._tls.contoso.test");
  txt.clear();
  CHECK(h.Run(kTlsRptModule, {{"domain", "contoso.test"}}).findings.front().id ==
        "tlsrpt.record.missing");
  txt = {"v=TLSRPTv1; rua=ftp://x"};
  CHECK(h.Run(kTlsRptModule, {{"domain", "contoso.test"}}).findings.front().id ==
        "tlsrpt.record.invalid");
}
