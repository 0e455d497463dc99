#include "testing/report_samples.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "testing/fixtures.h"

namespace cxa::testing {

std::string ReportSamplesDir() { return BinaryDir() + "/report-samples"; }

void KeepReportSample(const std::vector<std::string>& argv, const std::string& out) {
  if (argv.size() < 2 || std::filesystem::path(argv[0]).filename() != "cxa") return;
  if (argv[1] != "run" && argv[1] != "cert") return;
  std::string format, output;
  for (size_t i = 2; i + 1 < argv.size(); ++i) {
    if (argv[i] == "--format") format = argv[i + 1];
    if (argv[i] == "-o" || argv[i] == "--output") output = argv[i + 1];
  }
  if (format != "json" && format != "jsonl" && format != "junit") return;
  std::string text = out;
  if (!output.empty() && output != "-") {
    std::error_code ec;  // only a regular file: a FIFO or a device would block or never end
    if (!std::filesystem::is_regular_file(output, ec)) return;
    std::ifstream in(output, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  if (text.empty() || text[0] != (format == "junit" ? '<' : '{')) return;  // no report written
  static std::atomic<int> n{0};
  std::filesystem::create_directories(ReportSamplesDir());
  std::ofstream(ReportSamplesDir() + "/" + std::to_string(::getpid()) + "-" + std::to_string(n++) +
                    "." + (format == "junit" ? "xml" : format),
                std::ios::binary)
      << text;
}

}  // namespace cxa::testing
