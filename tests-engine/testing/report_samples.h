// Every JSON report, batch record and JUnit report the tests make cxa write is kept as a sample,
// and the test process that produced it checks it before it exits (tests/main.cpp): JSON against
// docs/report.schema.json and docs/batch-record.schema.json (tools/check-report-schema), JUnit
// against docs/junit.xsd (xmllint). RunCommand calls KeepReportSample for every command it runs.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace cxa::testing {

// Where the samples go: <build>/report-samples/ (emptied by the test setup `report_samples`).
std::string ReportSamplesDir();

// When `argv` is `cxa run|cert ... --format json|jsonl|junit` and it wrote a report (on standard
// output, `out`, or to the -o file), keeps a copy: <pid>-<n>.json, .jsonl or .xml.
void KeepReportSample(const std::vector<std::string>& argv, const std::string& out);

// A fact of a JSON report as the tests write expectations: "443", "true", the string itself;
// "" for null or an absent fact.
inline std::string FactText(const nlohmann::json& v) {
  if (v.is_null()) return "";
  return v.is_string() ? v.get<std::string>() : v.dump();
}

}  // namespace cxa::testing
