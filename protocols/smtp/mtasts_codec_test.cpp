#include "protocols/smtp/mtasts_codec.h"

#include <catch2/catch.hpp>

using namespace cxa::protocols::smtp;

TEST_CASE("mta-sts record: exactly one v=STSv1 with a proper id", "[unit][smtp][mtasts]") {
  auto ok = ParseStsRecord({"v=spf1 mx -all", "v=STSv1; id=20261207T1;"});
  CHECK(ok.status == StsRecordStatus::kFound);
  CHECK(ok.record.id == "20261207T1");
  CHECK(ParseStsRecord({"v=spf1 -all"}).status == StsRecordStatus::kNone);
  CHECK(ParseStsRecord({}).status == StsRecordStatus::kNone);
  CHECK(ParseStsRecord({"v=STSv1; id=1", "v=STSv1; id=2"}).status == StsRecordStatus::kMultiple);
  CHECK(ParseStsRecord({"v=STSv1;"}).status == StsRecordStatus::kInvalid);
  CHECK(ParseStsRecord({"v=STSv1; id=has-dash"}).status == StsRecordStatus::kInvalid);
  CHECK(ParseStsRecord({"v=STSv1; id=" + std::string(33, 'a')}).status ==
        StsRecordStatus::kInvalid);
  CHECK(ParseStsRecord({"v=STSv10; id=1"}).status == StsRecordStatus::kNone);
}

TEST_CASE("mta-sts policy: fields, line endings, limits", "[unit][smtp][mtasts]") {
  auto p = ParseStsPolicy(
      "version: STSv1\r\nmode: enforce\r\nmx: mail.contoso.com\r\nmx: *.Backup.Contoso.com.\r\n"
      "max_age: 604800\r\nextension: ignored\r\n");
  REQUIRE(p.ok());
  CHECK(p->mode == "enforce");
  CHECK(p->mx == std::vector<std::string>{"mail.contoso.com", "*.backup.contoso.com"});
  CHECK(p->max_age == 604800);
  CHECK(ParseStsPolicy("version: STSv1\nmode: none\nmax_age: 86400\n").ok());  // LF, no mx
  CHECK_FALSE(ParseStsPolicy("version: STSv2\nmode: enforce\nmx: a\nmax_age: 1\n").ok());
  CHECK_FALSE(ParseStsPolicy("version: STSv1\nmode: strict\nmx: a\nmax_age: 1\n").ok());
  CHECK_FALSE(ParseStsPolicy("version: STSv1\nmode: enforce\nmax_age: 1\n").ok());  // no mx
  CHECK_FALSE(ParseStsPolicy("version: STSv1\nmode: enforce\nmx: a\n").ok());       // no max_age
  CHECK_FALSE(ParseStsPolicy("version: STSv1\nmode: enforce\nmx: a\nmax_age: 31557601\n").ok());
  CHECK_FALSE(ParseStsPolicy("version: STSv1\nmode: enforce\nmx: a\nmax_age: 1 week\n").ok());
  CHECK_FALSE(ParseStsPolicy("<html>not a policy</html>").ok());
}

TEST_CASE("mta-sts: mx patterns match a host or one more label", "[unit][smtp][mtasts]") {
  CHECK(StsMxMatches("mail.contoso.com", "MAIL.contoso.com."));
  CHECK(StsMxMatches("*.contoso.com", "mx1.contoso.com"));
  CHECK_FALSE(StsMxMatches("*.contoso.com", "a.b.contoso.com"));  // one label only
  CHECK_FALSE(StsMxMatches("*.contoso.com", "contoso.com"));
  CHECK_FALSE(StsMxMatches("mail.contoso.com", "mail.contoso.com.evil.test"));
  CHECK_FALSE(StsMxMatches("", "mail.contoso.com"));
}

TEST_CASE("tls-rpt record: v=TLSRPTv1 and rua URIs", "[unit][smtp][mtasts]") {
  auto rua = ParseTlsRptRecord("v=TLSRPTv1; rua=mailto:tls@contoso.com,https://r.contoso.com/x");
  REQUIRE(rua.ok());
  CHECK(rua->size() == 2);
  CHECK_FALSE(ParseTlsRptRecord("v=TLSRPTv1;").ok());
  CHECK_FALSE(ParseTlsRptRecord("v=TLSRPTv1; rua=http://insecure.test/").ok());
  CHECK_FALSE(ParseTlsRptRecord("v=spf1 -all").ok());
}
