// DNS record lookups through the transport against a real authoritative server (nsd, loopback):
// each record type in presentation form, names and records that do not exist, a server that does
// not answer, and recording and replay of lookups.
#include <catch2/catch.hpp>

#include "dns_lab.h"
#include "loopback.h"
#include "transport/curl_transport.h"
#include "transport/replay_transport.h"

using namespace cxa;
using namespace cxa::testing;

namespace {

std::vector<std::string> Data(const DnsAnswer& a) {
  std::vector<std::string> v;
  for (const auto& r : a.records) v.push_back(r.data);
  std::sort(v.begin(), v.end());
  return v;
}

TransportOptions AtLab() {
  TransportOptions o;
  o.dns_server = NsdLab::Get().server();
  return o;
}

}  // namespace

TEST_CASE("dns: every record type comes back in presentation form", "[e2e][loopback][dns]") {
  cert::CertEvaluator evaluator;
  CurlTransport t(AtLab(), evaluator);
  Timeouts timeouts;
  DnsAnswer srv = t.LookupDns("_autodiscover._tcp.srv.test", DnsType::kSrv, timeouts);
  REQUIRE(srv.status == DnsAnswer::Status::kFound);
  CHECK(Data(srv) == std::vector<std::string>{"0 10 443 autodiscover.oa.test",
                                              "0 5 8443 other-port.oa.test",
                                              "5 10 443 fallback.oa.test"});
  CHECK(srv.records[0].ttl == 300);
  CHECK_FALSE(srv.authenticated);  // an authoritative server validates nothing
  auto parsed = SrvRecordsOf(srv);
  REQUIRE(parsed.ok());
  CHECK(parsed->size() == 3);

  CHECK(Data(t.LookupDns("mail.test", DnsType::kMx, timeouts)) ==
        std::vector<std::string>{"10 mx1.mail.test", "20 mx2.mail.test"});
  CHECK(Data(t.LookupDns("_mta-sts.mail.test", DnsType::kTxt, timeouts)) ==
        std::vector<std::string>{"v=STSv1; id=20261207"});
  CHECK(Data(t.LookupDns("_25._tcp.mx1.mail.test", DnsType::kTlsa, timeouts)) ==
        std::vector<std::string>{
            "3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"});
  CHECK(Data(t.LookupDns("mx1.mail.test", DnsType::kA, timeouts)) ==
        std::vector<std::string>{"127.0.0.1"});
  CHECK(Data(t.LookupDns("mx1.mail.test", DnsType::kAaaa, timeouts)) ==
        std::vector<std::string>{"::1"});
}

TEST_CASE("dns: no such name, no such record, no answer", "[e2e][loopback][dns]") {
  cert::CertEvaluator evaluator;
  CurlTransport t(AtLab(), evaluator);
  Timeouts timeouts;
  DnsAnswer missing = t.LookupDns("nothing-here.mail.test", DnsType::kMx, timeouts);
  CHECK(missing.status == DnsAnswer::Status::kNoRecords);
  CHECK(missing.nxdomain);
  DnsAnswer nodata = t.LookupDns("nomx.mail.test", DnsType::kMx, timeouts);
  CHECK(nodata.status == DnsAnswer::Status::kNoRecords);
  CHECK_FALSE(nodata.nxdomain);

  TransportOptions silent;
  silent.dns_server = "127.0.0.1:" + std::to_string(FreePort());  // nobody answers there
  CurlTransport deaf(silent, evaluator);
  timeouts.connect_ms = 1000;
  DnsAnswer failed = deaf.LookupDns("mail.test", DnsType::kMx, timeouts);
  CHECK(failed.status == DnsAnswer::Status::kFailed);
  CHECK_FALSE(failed.error.empty());
  CHECK_FALSE(SrvRecordsOf(failed).ok());
}

TEST_CASE("dns: lookups are recorded and replayed in order", "[e2e][loopback][dns][record]") {
  cert::CertEvaluator evaluator;
  CurlTransport live(AtLab(), evaluator);
  Transcript header;
  header.scenario = "dns";
  RecordingTransport rec(live, Redactor{}, header);
  Timeouts timeouts;
  DnsAnswer mx = rec.LookupDns("mail.test", DnsType::kMx, timeouts);
  DnsAnswer none = rec.LookupDns("nothing-here.mail.test", DnsType::kTxt, timeouts);
  std::string dir = BinaryDir() + "/test-logs/dns-record";
  REQUIRE(rec.Save(dir));
  auto transcript = LoadTranscript(dir + "/transcript.xml");
  REQUIRE(transcript.ok());

  ReplayTransport replay(*transcript, Redactor{}, evaluator);
  DnsAnswer mx_again = replay.LookupDns("MAIL.test", DnsType::kMx, timeouts);
  CHECK(Data(mx_again) == Data(mx));
  CHECK(mx_again.status == DnsAnswer::Status::kFound);
  DnsAnswer wrong = replay.LookupDns("nothing-here.mail.test", DnsType::kMx, timeouts);
  CHECK(wrong.status == DnsAnswer::Status::kFailed);
  CHECK_THAT(wrong.error, Catch::Contains("internal.replay.mismatch"));

  ReplayTransport again(*transcript, Redactor{}, evaluator);
  again.LookupDns("mail.test", DnsType::kMx, timeouts);
  DnsAnswer none_again = again.LookupDns("nothing-here.mail.test", DnsType::kTxt, timeouts);
  CHECK(none_again.status == none.status);
  CHECK(none_again.nxdomain == none.nxdomain);
  CHECK(again.Unused() == 0);
}

TEST_CASE("dns: --dns-server is checked before anything is sent", "[e2e][dns]") {
  for (const char* bad : {"garbage", "127.0.0.1:99999", "[::1]:53", "mail.test"}) {
    INFO(bad);
    CommandResult r = RunCommand(
        {CxaBinary(), "run", "outlook-anywhere", "alice@contoso.test", "--dns-server", bad});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("--dns-server"));
  }
}
