#include "protocols/smtp/smtp_codec.h"

#include <catch2/catch.hpp>

#include "testing/scripted_stream.h"

using namespace cxa;
using namespace cxa::protocols::smtp;
using cxa::testing::ScriptedStream;

namespace {

ReadOutcome ReadFrom(const std::string& bytes, size_t chunk = 0, bool close = false) {
  ScriptedStream s;
  s.pending = bytes;
  s.chunk = chunk;
  s.close_when_idle = close;
  StreamReader in(s);
  ReplyLimits limits;
  limits.max_lines = 5;
  limits.max_line = 100;
  return ReadReply(in, limits);
}

}  // namespace

TEST_CASE("smtp replies: one line, several lines, cut anywhere", "[unit][smtp]") {
  auto one = ReadFrom("220 mx.contoso.test ESMTP\r\n");
  REQUIRE(one.error == ReplyError::kNone);
  CHECK(one.reply.code == 220);
  CHECK(one.reply.First() == "mx.contoso.test ESMTP");
  // A multi-line greeting delivered one byte per receive, with a bare LF on one line.
  auto multi = ReadFrom("220-mx.contoso.test\r\n220-second\n220 last\r\n", /*chunk=*/1);
  REQUIRE(multi.error == ReplyError::kNone);
  CHECK(multi.reply.lines == std::vector<std::string>{"mx.contoso.test", "second", "last"});
  CHECK(ReadFrom("250\r\n").reply.code == 250);  // a code alone is a whole reply
  CHECK(ReadFrom("421 4.7.0 busy\r\n").reply.Summary() == "421 4.7.0 busy");
}

TEST_CASE("smtp replies: what arrives after a reply stays for the next one", "[unit][smtp]") {
  ScriptedStream s;
  s.pending = "220 hi\r\n250-mx\r\n250 STARTTLS\r\n";  // banner and EHLO reply in one segment
  StreamReader in(s);
  ReplyLimits limits;
  CHECK(ReadReply(in, limits).reply.code == 220);
  auto ehlo = ReadReply(in, limits);
  REQUIRE(ehlo.error == ReplyError::kNone);
  CHECK(EhloKeywords(ehlo.reply) == std::vector<std::string>{"STARTTLS"});
}

TEST_CASE("smtp replies: garbage, changing codes, endless replies, silence", "[unit][smtp]") {
  CHECK(ReadFrom("SSH-2.0-OpenSSH_9.2\r\n").error == ReplyError::kMalformed);
  CHECK(ReadFrom("HTTP/1.1 400 Bad Request\r\n").error == ReplyError::kMalformed);
  CHECK(ReadFrom("220-a\r\n250 b\r\n").error == ReplyError::kMalformed);
  CHECK(ReadFrom("220_a\r\n").error == ReplyError::kMalformed);
  CHECK(ReadFrom("999 out of range\r\n").error == ReplyError::kMalformed);
  std::string endless;
  for (int i = 0; i < 10; ++i) endless += "220-more\r\n";
  CHECK(ReadFrom(endless).error == ReplyError::kTooLong);                // past max_lines
  CHECK(ReadFrom(std::string(500, 'x')).error == ReplyError::kTooLong);  // past max_line
  CHECK(ReadFrom("220-half\r\n").error == ReplyError::kTimeout);         // then silence
  CHECK(ReadFrom("220-half\r\n", 0, /*close=*/true).error == ReplyError::kClosed);
  CHECK(ReadFrom("").error == ReplyError::kTimeout);
}

TEST_CASE("smtp: EHLO keywords are upper case, without parameters", "[unit][smtp]") {
  Reply r{250, {"mx.contoso.test Hello", "size 10240000", "STARTTLS", "8BITMIME", ""}};
  auto k = EhloKeywords(r);
  CHECK(k == std::vector<std::string>{"SIZE", "STARTTLS", "8BITMIME"});
  CHECK(Offers(k, "STARTTLS"));
  CHECK_FALSE(Offers(EhloKeywords(Reply{250, {"only the greeting line"}}), "STARTTLS"));
}

TEST_CASE("smtp: MX records in preference order", "[unit][smtp]") {
  DnsAnswer a;
  a.status = DnsAnswer::Status::kFound;
  a.records = {{300, "20 MX2.Contoso.Test."}, {300, "10 mx1.contoso.test"}, {300, "20 mx3.x"}};
  auto mx = MxRecordsOf(a);
  REQUIRE(mx.ok());
  REQUIRE(mx->size() == 3);
  CHECK((*mx)[0].host == "mx1.contoso.test");
  CHECK((*mx)[1].host == "mx2.contoso.test");  // equal preferences keep the resolver's order
  CHECK((*mx)[2].host == "mx3.x");
  a.records = {{300, "0 ."}};
  CHECK(MxRecordsOf(a)->front().host.empty());  // the null MX
  a.records = {{300, "ten mx.contoso.test"}};
  CHECK_FALSE(MxRecordsOf(a).ok());
  a.status = DnsAnswer::Status::kFailed;
  CHECK_FALSE(MxRecordsOf(a).ok());
}

TEST_CASE("smtp: what an MX host name is", "[unit][smtp]") {
  CHECK(ClassifyMxHost("mail.contoso.com") == MxKind::kPublic);
  CHECK(ClassifyMxHost("192.0.2.25") == MxKind::kIpLiteral);
  CHECK(ClassifyMxHost("[2001:db8::25]") == MxKind::kIpLiteral);
  CHECK(ClassifyMxHost("exchange01") == MxKind::kInternal);
  CHECK(ClassifyMxHost("ex01.corp.local") == MxKind::kInternal);
  CHECK(ClassifyMxHost("mail.contoso.internal.") == MxKind::kInternal);
  CHECK(ClassifyMxHost("contoso-com.mail.protection.outlook.com") == MxKind::kExchangeOnline);
  CHECK(ClassifyMxHost("contoso-com.j-v1.mx.microsoft") == MxKind::kExchangeOnline);
}
