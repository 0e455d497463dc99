// The test binaries' main: Catch2's, then the schema check of the reports this process made cxa
// write (testing/report_samples.h): a JSON report that breaks docs/report.schema.json or
// docs/batch-record.schema.json, or a JUnit report that breaks docs/junit.xsd, fails the test
// that produced it.
#define CATCH_CONFIG_RUNNER
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "testing/fixtures.h"
#include "testing/process.h"
#include "testing/report_samples.h"

namespace {

int CheckReportSamples() {
  using namespace cxa::testing;
  const std::string prefix = std::to_string(::getpid()) + "-";
  std::vector<std::string> json = {"/usr/bin/python3", SourceDir() + "/tools/check-report-schema",
                                   SourceDir() + "/docs"};
  std::vector<std::string> junit = {"/usr/bin/xmllint", "--noout", "--schema",
                                    SourceDir() + "/docs/junit.xsd"};
  const size_t json_args = json.size(), junit_args = junit.size();
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(ReportSamplesDir(), ec)) {
    if (e.path().filename().string().rfind(prefix, 0) != 0) continue;
    (e.path().extension() == ".xml" ? junit : json).push_back(e.path().string());
  }
  int failed = 0;
  for (auto* check : {&json, &junit}) {
    const size_t fixed = check == &json ? json_args : junit_args;
    if (check->size() == fixed) continue;
    CommandResult r = RunCommand(*check, "", 120);
    if (r.exit_code != 0) {
      std::cerr << "The reports of this test do not match their schema:\n" << r.out << r.err;
      failed = 1;
      continue;
    }
    for (size_t i = fixed; i < check->size(); ++i) std::filesystem::remove((*check)[i], ec);
  }
  return failed;
}

}  // namespace

int main(int argc, char** argv) {
  // No lookup of a test, nor of the cxa it runs, may reach the machine's resolver: a DNS
  // question without --dns-server fails (tests-engine/transport/dns.cpp).
  ::setenv("CXA_NO_SYSTEM_RESOLVER", "1", 1);
  int failed = Catch::Session().run(argc, argv);
  return CheckReportSamples() != 0 ? 1 : failed;
}
