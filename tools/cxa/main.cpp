// cxa: connectivity analyzer for Exchange / Microsoft 365 operators.
#include <algorithm>
#include <cstring>
#include <exception>
#include <iostream>

#include "cli.h"
#include "core/text.h"
#include "transport/curl_transport.h"

namespace {

using cxa::cli::kExitOk;

// Prints the version line (also `cxa version`).
int VersionVerb(int, char**) {
  std::cout << "cxa " << cxa::cli::Version() << " (" << cxa::TransportVersions() << ")\n";
  return kExitOk;
}

// One row per verb (as ninja's kTools): the dispatcher and the help are made from it.
struct Verb {
  const char* name;
  const char* usage;  // name and positional arguments, as shown in the help
  const char* summary;
  int (*run)(int argc, char** argv);  // argv[0] is the verb
};

constexpr Verb kVerbs[] = {
    {"run", "run SCENARIO", "run a scenario against live servers (tls-endpoint, ...)",
     cxa::cli::RunVerb},
    {"serve", "serve", "watch endpoints continuously: Prometheus probes and a small analyzer page",
     cxa::cli::ServeVerb},
    {"cert", "cert", "evaluate a certificate chain: a PEM file, or grabbed live",
     cxa::cli::CertVerb},
    {"list", "list [WHAT]", "list scenarios, modules or checks (finding IDs)", cxa::cli::ListVerb},
    {"describe", "describe SCENARIO", "inputs, steps and trust policy of a scenario",
     cxa::cli::DescribeVerb},
    {"explain", "explain FINDING-ID", "what a finding means and what to change",
     cxa::cli::ExplainVerb},
    {"--version", "--version", "print the version", VersionVerb},
};

std::string Help() {
  std::string h =
      "cxa — connectivity analyzer for Exchange and Microsoft 365\n"
      "\n"
      "Usage: cxa VERB [options]        (cxa VERB --help for each verb)\n"
      "\n"
      "Verbs:\n";
  for (const auto& v : kVerbs) {
    std::string usage = v.usage;
    usage.resize(std::max<size_t>(usage.size() + 2, 20), ' ');
    h += "  " + usage + v.summary + "\n";
  }
  h += "\n"
       "Exit status: 0 no error findings, 1 error findings, 2 usage or input error, 3 internal "
       "error,\n4 incomplete (nothing failed, but not everything was tested).\n";
  return h;
}

const Verb* FindVerb(const std::string& name) {
  for (const auto& v : kVerbs) {
    if (name == v.name) return &v;
  }
  if (name == "version") return FindVerb("--version");
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace cxa::cli;
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
      std::strcmp(argv[1], "help") == 0) {
    // Asked for, the help is the output; without a verb it is a usage error, on stderr.
    (argc < 2 ? std::cerr : std::cout) << Help();
    return argc < 2 ? kExitUsage : kExitOk;
  }
  RaiseOpenFileLimit();  // a batch's connections need descriptors: use what the system allows
  std::string verb = argv[1];
  int vargc = argc - 1;
  char** vargv = argv + 1;
  try {
    if (const Verb* v = FindVerb(verb)) return v->run(vargc, vargv);
    std::cerr << "cxa: unknown verb '" << cxa::Printable(verb) << "'\n\n" << Help();
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
