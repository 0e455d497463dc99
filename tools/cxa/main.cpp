// cxa: connectivity analyzer for Exchange / Microsoft 365 operators.
#include <curl/curl.h>

#include <cstring>
#include <exception>
#include <iostream>

#include "cli.h"

namespace {

const char* kHelp =
    "cxa — connectivity analyzer for Exchange and Microsoft 365\n"
    "\n"
    "Usage: cxa VERB [options]        (cxa VERB --help for each verb)\n"
    "\n"
    "Verbs:\n"
    "  run SCENARIO        run a scenario against live servers (tls-endpoint, ...)\n"
    "  cert                evaluate a certificate chain: a PEM file, or grabbed live\n"
    "  list [WHAT]         list scenarios, modules or checks (finding IDs)\n"
    "  describe SCENARIO   inputs, steps and trust policy of a scenario\n"
    "  explain FINDING-ID  what a finding means and what to change\n"
    "  --version           print the version\n"
    "\n"
    "Exit status: 0 no error findings, 1 error findings, 2 usage or input error, 3 internal "
    "error,\n4 incomplete (nothing failed, but not everything was tested).\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace cxa::cli;
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
      std::strcmp(argv[1], "help") == 0) {
    std::cout << kHelp;
    return argc < 2 ? kExitUsage : kExitOk;
  }
  RaiseOpenFileLimit();  // a batch's connections need descriptors: use what the system allows
  std::string verb = argv[1];
  if (verb == "--version" || verb == "version") {
    std::cout << "cxa " << Version() << " (" << curl_version() << ")\n";
    return kExitOk;
  }
  int vargc = argc - 1;
  char** vargv = argv + 1;
  try {
    if (verb == "run") return RunVerb(vargc, vargv);
    if (verb == "cert") return CertVerb(vargc, vargv);
    if (verb == "list") return ListVerb(vargc, vargv);
    if (verb == "describe") return DescribeVerb(vargc, vargv);
    if (verb == "explain") return ExplainVerb(vargc, vargv);
    std::cerr << "cxa: unknown verb '" << verb << "'\n\n" << kHelp;
    return kExitUsage;
  } catch (const UsageError& e) {
    std::cerr << "cxa " << verb << ": " << e.message << "\n";
    return kExitUsage;
  } catch (const po::error& e) {
    std::cerr << "cxa " << verb << ": " << e.what() << " (see cxa " << verb << " --help)\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "cxa " << verb << ": internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}
