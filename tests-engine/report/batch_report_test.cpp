#include "report/batch_report.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace cxa;
using namespace cxa::report;

TEST_CASE("batch records: CSV quotes what needs it, errors keep the column count",
          "[unit][report][batch]") {
  std::vector<std::string> titles = {"domain", "sts host"};
  CHECK(RenderCsvHeader(titles) == "line,target,outcome,exit_code,domain,sts host,findings\n");
  BatchRecord ok{3,
                 "a@contoso.test",
                 RunVerdict::kFailed,
                 1,
                 {"contoso.test", "sts,\"x\""},
                 "cert.chain.self_signed tls.certificate.rejected",
                 nullptr,
                 "",
                 "cert.chain.self_signed"};
  CHECK(RenderCsvRecord(ok) ==
        "3,a@contoso.test,failed,1,contoso.test,\"sts,\"\"x\"\"\","
        "cert.chain.self_signed tls.certificate.rejected\n");
  BatchRecord broken{4,  "b@contoso.test", RunVerdict::kError,     3, {"", ""},
                     "", nullptr,          "internal error: boom", ""};
  CHECK(RenderCsvRecord(broken) == "4,b@contoso.test,error,3,,,internal error: boom\n");
}

TEST_CASE("batch records: one JSON object per line, with the report or the error",
          "[unit][report][batch]") {
  RunReport report;
  report.scenario = "o365-sso";
  BatchRecord r{7, "contoso.test", RunVerdict::kPassed, 0, {"contoso.test"}, "", &report, "", ""};
  std::string line = RenderJsonlRecord(r, {"domain"});
  REQUIRE(line.back() == '\n');
  CHECK(line.find('\n') == line.size() - 1);
  auto j = nlohmann::json::parse(line);
  CHECK(j["line"] == 7);
  CHECK(j["outcome"] == "passed");
  CHECK(j["columns"]["domain"] == "contoso.test");
  CHECK(j["report"]["scenario"]["name"] == "o365-sso");
  CHECK(j["schema_version"] == 3);
  CHECK(j["reason"].is_null());
  BatchRecord e{8, "\xff bad", RunVerdict::kError, 3, {}, "", nullptr, "internal error: x", ""};
  auto je = nlohmann::json::parse(RenderJsonlRecord(e, {"domain"}));  // valid despite the byte
  CHECK(je["error"] == "internal error: x");
  CHECK_FALSE(je.contains("report"));
}

TEST_CASE("batch summary: targets in file order, long cells cut, totals", "[unit][report][batch]") {
  std::vector<BatchRecord> rows = {
      {9, "late.test", RunVerdict::kPassed, 0, {"x"}, "", nullptr, "", ""},
      {2, "early.test", RunVerdict::kFailed, 1, {std::string(60, 'y')}, "", nullptr, "", "x.y"},
      {5, "empty.test", RunVerdict::kIncomplete, 4, {""}, "", nullptr, "", ""}};
  BatchTotals t;
  t.targets = 3;
  t.passed = t.failed = t.incomplete = 1;
  t.bad_lines = 2;
  t.event_loops = 2;
  t.runs = 16;
  rows[1].findings = "x.y cert.chain.self_signed";
  rows[0].findings = "cert.chain.self_signed";
  std::string out = RenderSummaryTable({"tls-endpoint", "TLS", {"col"}}, rows, t);
  // Failed first, then incomplete, then passed.
  CHECK(out.find("early.test") < out.find("empty.test"));
  CHECK(out.find("empty.test") < out.find("late.test"));
  CHECK(out.find(std::string(60, 'y')) == std::string::npos);
  CHECK(out.find(std::string(45, 'y') + "...") != std::string::npos);
  CHECK(out.find("  failed      x.y\n") != std::string::npos);  // the reason column
  CHECK(out.find("  incomplete  not tested\n") != std::string::npos);
  CHECK(out.find("3 targets: 1 passed, 1 failed, 1 incomplete (not tested); 2 bad lines skipped") !=
        std::string::npos);
  CHECK(out.find("findings: cert.chain.self_signed ×2, x.y ×1\n") != std::string::npos);
  CHECK(out.find("event loops") == std::string::npos);  // statistics only with -v
  CHECK(RenderSummaryTable({"tls-endpoint", "TLS", {"col"}, true}, rows, t).find("2 event loops") !=
        std::string::npos);
}
