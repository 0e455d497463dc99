// Shared pieces of the cxa command line (the only Boost.Program_options user).
#pragma once

#include <boost/program_options.hpp>
#include <ctime>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cert/trust_policy.h"
#include "core/result.h"
#include "core/run_report.h"
#include "core/runner.h"
#include "core/scenario.h"
#include "transport/address_filter.h"
#include "transport/curl_transport.h"

namespace cxa::cli {

namespace po = boost::program_options;

inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInternal = 3;
inline constexpr int kExitIncomplete = 4;  // nothing failed, but a required step was not run

// Thrown for usage and input errors: printed as "cxa VERB: message", exit 2.
struct UsageError {
  std::string message;
};

// Options shared by `run` and `cert`: trust, time, network, output.
struct CommonOptions {
  std::string public_roots;
  std::vector<std::string> ca_files;
  bool ignore_trust = false;
  int expiry_warning_days = 30;
  std::string time;
  std::vector<std::string> resolve;
  std::vector<std::string> connect_to;
  std::vector<std::string> srv;
  std::string dns_server;  // --dns-server ADDR[:PORT]
  bool no_aia = false;
  std::string revocation;  // --revocation off|staple|fetch; empty: not given
  std::string proxy;
  double timeout_s = 10;
  bool ipv4 = false, ipv6 = false;
  std::string format = "text";
  std::string output;
  bool no_color = false;
  bool verbose = false;  // -v: the text report shows every fact, chain and timing
  bool brief = false;    // --brief: the banner and one line per step
};

// --revocation into the run's settings (mode, and whether it overrides the scenario's steps);
// throws UsageError on an unknown mode.
void ApplyRevocation(const CommonOptions& o, RunSettings& settings);

void AddTrustOptions(po::options_description& d, CommonOptions& o);
void AddNetworkOptions(po::options_description& d, CommonOptions& o);
void AddOutputOptions(po::options_description& d, CommonOptions& o);

// The operator's policy from the flags (before scenario steps lock it).
// The realm discovery endpoint of a Microsoft cloud (--cloud global, usgov or china); throws
// UsageError for another name.
std::string CloudRealmEndpoint(const std::string& cloud);
cert::TrustPolicy BuildPolicy(const CommonOptions& o, std::optional<cert::TrustMode> forced);
std::time_t VerificationTime(const CommonOptions& o);
TransportOptions BuildTransportOptions(const CommonOptions& o);
Timeouts BuildTimeouts(const CommonOptions& o);

// Throws a UsageError unless `format` is one of `allowed`.
// --format names a format of report/formats.h that renders a single run or (batch) a batch.
// `has_targets`: the verb offers --targets (the message may point there).
void CheckFormat(const std::string& format, bool batch, bool has_targets = true);
// Checks -o before anything is sent: "-" means standard output; FILE must be creatable in its
// directory (the reason otherwise: no such directory, permission denied, a directory).
void CheckOutput(CommonOptions& o);
// Renders the report as asked and writes it to stdout or, atomically, to -o FILE; a report that
// cannot be written is a UsageError (exit 2) with the reason, never a silent exit 0.
void Emit(const RunReport& report, const CommonOptions& o);
// Writes `text` to `path` through an OutputFile (core/output_file.h: never half-written, never
// through a prepared name); devices and pipes are written in place. Throws a UsageError.
void WriteFileAtomically(const std::string& path, const std::string& text);

// The open-file limit (RLIMIT_NOFILE) after raising the soft limit to the hard one; main()
// calls it at start-up, later calls return the same value.
size_t RaiseOpenFileLimit();
// What a number of open files allows: runs in parallel (each may hold a few connections and a
// DNS lookup at once) and idle connections kept for reuse.
struct FileBudget {
  int max_parallel;
  long idle_connections;
};
FileBudget FileBudgetFor(size_t open_files);

// Parses argv for one verb; prints help and returns false when --help was asked.
bool Parse(int argc, char** argv, const po::options_description& visible,
           const po::positional_options_description& positional, po::variables_map& vm,
           const std::string& usage, const std::string& footer);

std::string Version();

// A scenario by name (builtin_scenarios.h search order) or a path ending in .xml; throws a
// UsageError with the reason (and a suggestion for a mistyped name).
Scenario LoadScenarioArg(const std::string& arg);
// The scenario's inputs with their types, defaults and docs (describe, run SCENARIO --help).
void PrintScenarioInputs(const Scenario& s, std::ostream& out);

int RunVerb(int argc, char** argv);
int ServeVerb(int argc, char** argv);
int CertVerb(int argc, char** argv);
int ListVerb(int argc, char** argv);
int DescribeVerb(int argc, char** argv);
int ExplainVerb(int argc, char** argv);

}  // namespace cxa::cli
