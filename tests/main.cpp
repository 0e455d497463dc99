// The test binaries' main: Catch2's, then the schema check of the JSON reports this process
// made cxa write (testing/report_samples.h): a report that breaks docs/report.schema.json or
// docs/batch-record.schema.json fails the test that produced it.
#define CATCH_CONFIG_RUNNER
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <iostream>

#include "testing/fixtures.h"
#include "testing/process.h"
#include "testing/report_samples.h"

namespace {

int CheckReportSamples() {
  using namespace cxa::testing;
  const std::string prefix = std::to_string(::getpid()) + "-";
  std::vector<std::string> argv = {"/usr/bin/python3", SourceDir() + "/tools/check-report-schema",
                                   SourceDir() + "/docs"};
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(ReportSamplesDir(), ec)) {
    if (e.path().filename().string().rfind(prefix, 0) == 0) argv.push_back(e.path().string());
  }
  if (argv.size() == 3) return 0;
  CommandResult r = RunCommand(argv, "", 120);
  if (r.exit_code != 0) {
    std::cerr << "The JSON reports of this test do not match the schema:\n" << r.out << r.err;
    return 1;
  }
  for (size_t i = 3; i < argv.size(); ++i) std::filesystem::remove(argv[i], ec);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int failed = Catch::Session().run(argc, argv);
  return CheckReportSamples() != 0 ? 1 : failed;
}
