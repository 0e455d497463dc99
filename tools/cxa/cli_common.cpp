#include <arpa/inet.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "cli.h"
#include "core/module.h"
#include "core/output_file.h"
#include "core/targets.h"
#include "core/text.h"
#include "core/time_util.h"
#include "report/formats.h"
#include "report/report.h"
#include "transport/dns.h"

namespace cxa::cli {
namespace {

// "" when `entry` is a valid --connect-to value, HOST:PORT:HOST2:PORT2 as libcurl reads it (HOST,
// PORT and PORT2 may be empty: any name, any port, the same port; a host may be [IPv6]); else
// what is wrong. HOST2 must be a host name or an IP address: "999.1.1.1" is neither.
std::string CheckConnectToEntry(const std::string& entry) {
  std::vector<std::string> parts;
  for (size_t at = 0; parts.size() < 4;) {
    size_t end;
    if (at < entry.size() && entry[at] == '[') {
      size_t close = entry.find(']', at);
      if (close == std::string::npos) return "unclosed '[' in '" + entry + "'";
      end = close + 1;
      if (end < entry.size() && entry[end] != ':')
        return "expected ':' after ']' in '" + entry + "'";
    } else {
      end = std::min(entry.find(':', at), entry.size());
    }
    parts.push_back(entry.substr(at, end - at));
    if (end >= entry.size()) break;
    at = end + 1;
  }
  if (parts.size() != 4) return "expected HOST:PORT:HOST2:PORT2, got '" + entry + "'";
  for (int i : {1, 3}) {
    const std::string& port = parts[static_cast<size_t>(i)];
    if (!port.empty() && !CheckOptionValue(OptionType::kPort, port).empty()) {
      return "bad port '" + port + "' in '" + entry + "'";
    }
  }
  auto address_ok = [](std::string h) {
    if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
    unsigned char buf[16];
    if (inet_pton(AF_INET, h.c_str(), buf) == 1 || inet_pton(AF_INET6, h.c_str(), buf) == 1) {
      return true;
    }
    // All digits and dots but no IPv4 address: a mistyped address, not a name.
    if (h.find_first_not_of("0123456789.") == std::string::npos) return false;
    return IsHostName(h);
  };
  if (!parts[0].empty() && !address_ok(parts[0])) {
    return "'" + parts[0] + "' in '" + entry + "' is not a host name or an IP address";
  }
  if (!parts[2].empty() && !address_ok(parts[2])) {
    return "'" + parts[2] + "' in '" + entry + "' is not a host name or an IP address";
  }
  return "";
}

}  // namespace

std::string Version() { return CXA_VERSION; }

std::string CloudRealmEndpoint(const std::string& cloud) {
  static const std::map<std::string, std::string> kClouds = {
      {"global", "https://login.microsoftonline.com"},
      {"usgov", "https://login.microsoftonline.us"},
      {"china", "https://login.partner.microsoftonline.cn"}};
  auto it = kClouds.find(cloud);
  if (it == kClouds.end()) throw UsageError{"--cloud must be global, usgov or china"};
  return it->second;
}

void AddTrustOptions(po::options_description& d, CommonOptions& o) {
  d.add_options()(
      "public-roots", po::value(&o.public_roots)->value_name("FILE"),
      "PEM bundle that replaces the system's public roots (labs, air-gapped use, tests); the "
      "report names the store used")(
      "ca-file", po::value(&o.ca_files)->value_name("FILE")->composing(),
      "extra trust anchors (PEM), e.g. a private root: policy becomes public+custom; ignored by "
      "steps that demand strict public trust (repeatable)")(
      "ignore-trust", po::bool_switch(&o.ignore_trust),
      "report-only trust: certificate errors become warnings and the connection proceeds; "
      "refused by steps that demand strict public trust (Outlook Anywhere, AD FS)")(
      "expiry-warning-days", po::value(&o.expiry_warning_days)->value_name("N")->default_value(30),
      "warn when a certificate expires within N days")(
      "time", po::value(&o.time)->value_name("RFC3339"),
      "verify certificates as of this time instead of now, e.g. 2031-01-01T00:00:00Z");
}

void ApplyRevocation(const CommonOptions& o, RunSettings& settings) {
  if (o.revocation.empty()) return;
  auto mode = cert::ParseRevocationMode(o.revocation);
  if (!mode) {
    throw UsageError{"--revocation must be off, staple or fetch, got '" + o.revocation + "'"};
  }
  settings.revocation = *mode;
  settings.revocation_forced = true;
}

void AddNetworkOptions(po::options_description& d, CommonOptions& o) {
  d.add_options()(
      "resolve", po::value(&o.resolve)->value_name("HOST:PORT:ADDR")->composing(),
      "connect to ADDR for HOST:PORT without asking DNS; SNI, Host and the certificate name stay "
      "HOST (test a server before DNS points at it; repeatable). HOST '*' matches every name on "
      "that port (aim a whole target list at one lab server)")(
      "connect-to", po::value(&o.connect_to)->value_name("HOST:PORT:HOST2:PORT2")->composing(),
      "send connections for HOST:PORT to HOST2:PORT2 instead, keeping the name (a load "
      "balancer, a lab port; repeatable)")(
      "srv-record", po::value(&o.srv)->value_name("NAME=TARGET:PORT")->composing(),
      "answer the DNS SRV lookup of NAME (e.g. _autodiscover._tcp.contoso.com) with TARGET:PORT "
      "instead of asking DNS; 'NAME=' means no record (a lab without DNS; repeatable)")(
      "dns-server", po::value(&o.dns_server)->value_name("ADDR[:PORT]"),
      "ask this DNS server (IPv4, port 53 by default) for SRV, MX, TXT and TLSA records instead "
      "of the system resolver (a lab's own DNS; connections still resolve names as usual, "
      "aim them with --resolve)")(
      "revocation", po::value(&o.revocation)->value_name("MODE"),
      "how certificates are checked for revocation: 'staple' (the default: every handshake asks "
      "for the server's OCSP staple and judges it), 'fetch' (also ask each certificate's OCSP "
      "responder, then its CRL, over plain http; scenarios whose servers check revocation "
      "themselves, such as hybrid SMTP, use it by default) or 'off'. Given, it applies to "
      "every step")(
      "no-aia", po::bool_switch(&o.no_aia),
      "do not fetch missing issuers from the certificate's AIA URL (then an incomplete chain "
      "cannot be told apart from a private root)")("proxy", po::value(&o.proxy)->value_name("URL"),
                                                   "HTTP proxy, e.g. http://proxy:3128")(
      "timeout", po::value(&o.timeout_s)->value_name("SECONDS")->default_value(10),
      "limit for each stage: connect, TLS handshake, first response byte (a whole exchange gets "
      "three times as long)")(",4", po::bool_switch(&o.ipv4), "IPv4 only")(
      ",6", po::bool_switch(&o.ipv6), "IPv6 only");
}

void AddOutputOptions(po::options_description& d, CommonOptions& o) {
  static const std::string help = report::FormatHelp();
  d.add_options()("format", po::value(&o.format)->value_name("FMT")->default_value("text"),
                  help.c_str())(
      "output,o", po::value(&o.output)->value_name("FILE"),
      "write the report to FILE (atomically; checked before anything is sent; - is standard "
      "output)")("no-color", po::bool_switch(&o.no_color), "no colours even on a terminal")(
      "verbose,v", po::bool_switch(&o.verbose),
      "text report: every step's facts, certificate chain and timings, not only those of the "
      "steps that did not pass")("brief", po::bool_switch(&o.brief),
                                 "text report: the verdict line and one line per step");
}

cert::TrustPolicy BuildPolicy(const CommonOptions& o, std::optional<cert::TrustMode> forced) {
  cert::TrustPolicy p;
  if (!o.public_roots.empty()) {
    auto s = cert::TrustStore::FromPemFile(o.public_roots, o.public_roots);
    if (!s) throw UsageError{"--public-roots: " + s.error()};
    p.public_roots = *s;
  } else {
    auto s = cert::TrustStore::System();
    if (!s) throw UsageError{s.error()};
    p.public_roots = *s;
  }
  if (!o.ca_files.empty()) {
    std::shared_ptr<const cert::TrustStore> custom;
    for (const auto& f : o.ca_files) {
      auto s = cert::TrustStore::FromPemFile(f, f);
      if (!s) throw UsageError{"--ca-file: " + s.error()};
      custom = custom ? cert::TrustStore::Merge(*custom, **s) : *s;
    }
    p.custom_roots = custom;
  }
  if (o.expiry_warning_days < 0 || o.expiry_warning_days > 3650) {
    throw UsageError{"--expiry-warning-days must be 0..3650"};
  }
  p.expiry_warning_days = o.expiry_warning_days;
  if (forced) {
    p.mode = *forced;
  } else if (o.ignore_trust) {
    p.mode = cert::TrustMode::kReportOnly;
  } else if (!o.ca_files.empty()) {
    p.mode = cert::TrustMode::kPublicPlusCustom;
  }
  p.Anchors();  // merge the stores now: a bad bundle shows before any I/O
  return p;
}

std::time_t VerificationTime(const CommonOptions& o) {
  if (o.time.empty()) return std::time(nullptr);
  auto t = ParseTime(o.time);
  if (!t)
    throw UsageError{"--time: '" + o.time +
                     "' is not an RFC 3339 time (e.g. 2031-01-01T00:00:00Z)"};
  return *t;
}

TransportOptions BuildTransportOptions(const CommonOptions& o) {
  TransportOptions t;
  t.max_idle_connections = FileBudgetFor(RaiseOpenFileLimit()).idle_connections;
  for (const auto& r : o.resolve) {
    if (auto e = CheckResolveEntry(r); !e.empty()) throw UsageError{"--resolve: " + e};
  }
  for (const auto& r : o.resolve) {
    if (r.rfind("*:", 0) == 0) {
      // '*:PORT:ADDR': every host name on PORT goes to ADDR (libcurl's connect-to with an empty
      // host matches every name), so a lab or a benchmark can aim thousands of names at one server.
      std::string rest = r.substr(2);
      std::string port = rest.substr(0, rest.find(':'));
      std::string addr = rest.substr(rest.find(':') + 1);
      addr = addr.substr(0, addr.find(','));
      t.connect_to.push_back(":" + port + ":" + addr + ":" + port);
    } else {
      t.resolve.push_back(r);
    }
  }
  for (const auto& c : o.connect_to) {
    if (auto e = CheckConnectToEntry(c); !e.empty()) throw UsageError{"--connect-to: " + e};
  }
  t.connect_to.insert(t.connect_to.begin(), o.connect_to.begin(), o.connect_to.end());
  for (const auto& r : o.srv) {
    if (auto e = CheckSrvOverride(r); !e.empty()) throw UsageError{"--srv-record: " + e};
  }
  t.srv = o.srv;
  if (!o.dns_server.empty()) {
    if (auto e = CheckDnsServer(o.dns_server); !e.empty()) throw UsageError{"--dns-server: " + e};
  }
  t.dns_server = o.dns_server;
  t.proxy = o.proxy;
  if (!o.proxy.empty()) {
    // The authority part: between "scheme://" and the first '/'; userinfo ends at the last '@'.
    size_t start = o.proxy.find("://");
    start = start == std::string::npos ? 0 : start + 3;
    std::string authority = o.proxy.substr(start, o.proxy.find('/', start) - start);
    size_t at = authority.rfind('@');
    if (at != std::string::npos && authority.substr(0, at).find(':') != std::string::npos) {
      throw UsageError{
          "--proxy: a password does not belong on the command line (it shows in the process "
          "list and the shell history), and cxa takes no proxy password yet; run where the "
          "proxy lets this machine through without one"};
    }
  }
  if (o.ipv4 && o.ipv6) throw UsageError{"-4 and -6 exclude each other"};
  t.ip_version = o.ipv4 ? 4 : o.ipv6 ? 6 : 0;
  return t;
}

Timeouts BuildTimeouts(const CommonOptions& o) {
  if (!(o.timeout_s > 0 && o.timeout_s <= 600))
    throw UsageError{"--timeout must be in (0, 600] seconds"};
  int ms = static_cast<int>(o.timeout_s * 1000);
  return Timeouts{ms, ms, ms, 3 * ms};
}

void WriteFileAtomically(const std::string& path, const std::string& text) {
  if (auto s = WriteOutputFile(path, text); !s) throw UsageError{s.error()};
}

size_t RaiseOpenFileLimit() {
  static const size_t limit = [] {
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return size_t{1024};
    // An unlimited hard limit is taken as 1 Mi (what Linux allows by default, fs.nr_open).
    rlim_t want = rl.rlim_max == RLIM_INFINITY ? rlim_t{1} << 20 : rl.rlim_max;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
      rlimit raised = rl;
      raised.rlim_cur = want;
      if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
    }
    return rl.rlim_cur == RLIM_INFINITY ? size_t{1} << 20 : static_cast<size_t>(rl.rlim_cur);
  }();
  return limit;
}

FileBudget FileBudgetFor(size_t open_files) {
  // Kept aside: standard streams, input and output files, event loops, libcurl's own.
  constexpr size_t kReserve = 16;
  // A run holds at most two connections at once (the RPC over HTTP channels) and a DNS lookup
  // in flight (a socket pair): five descriptors.
  constexpr size_t kPerRun = 5;
  size_t usable = open_files > kReserve ? open_files - kReserve : 0;
  size_t idle = std::min<size_t>(64, usable / 4);
  size_t runs = (usable - idle) / kPerRun;
  return FileBudget{static_cast<int>(std::clamp<size_t>(runs, 1, 1024)), static_cast<long>(idle)};
}

void CheckFormat(const std::string& format, bool batch, bool has_targets) {
  if (report::FindFormat(format, batch) != nullptr) return;
  std::string also;
  if (has_targets && report::FindFormat(format, !batch) != nullptr) {
    also = batch ? " (" + format + " renders a single run, not --targets)"
                 : " (" + format + " goes with --targets)";
  }
  if (also.empty()) {
    std::vector<std::string> names;
    for (const auto& f : report::Formats()) {
      if (batch ? f.batch : f.single) names.emplace_back(f.name);
    }
    also = DidYouMean(format, names);
  }
  throw UsageError{"--format must be " + report::FormatNames(batch) + also};
}

void CheckOutput(CommonOptions& o) {
  if (o.brief && o.verbose) throw UsageError{"--brief and -v contradict each other: choose one"};
  if (o.output == "-") {
    o.output.clear();  // standard output
    return;
  }
  if (o.output.empty()) return;
  // Creating (and dropping) the temporary file proves the directory exists and is writable.
  if (auto f = OutputFile::Open(o.output); !f) throw UsageError{"-o: " + f.error()};
}

void Emit(const RunReport& report, const CommonOptions& o) {
  std::string text;
  bool tty = o.output.empty() && ::isatty(STDOUT_FILENO) && !o.no_color &&
             std::getenv("NO_COLOR") == nullptr;
  const report::Format* format = report::FindFormat(o.format, /*batch=*/false);
  if (format == nullptr) format = report::FindFormat("text", false);
  report::TextOptions options;
  options.color = tty;
  options.detail = o.brief     ? report::Detail::kBrief
                   : o.verbose ? report::Detail::kVerbose
                               : report::Detail::kNormal;
  text = format->render(report, options);
  if (o.output.empty()) {
    std::cout << text << std::flush;
    if (!std::cout) {
      throw UsageError{"cannot write the report to standard output (" +
                       std::string(std::strerror(errno)) + ")"};
    }
  } else {
    WriteFileAtomically(o.output, text);
  }
}

bool Parse(int argc, char** argv, const po::options_description& visible,
           const po::positional_options_description& positional, po::variables_map& vm,
           const std::string& usage, const std::string& footer) {
  po::options_description all;
  all.add(visible);
  all.add_options()("help,h", "show this help");
  // Refused with the safe ways named, never taken: a password on the command line shows in the
  // process list and the shell history.
  all.add_options()("password", po::value<std::string>()->implicit_value(""), "");
  // Exact option names only: a script must not change meaning when an option is added.
  const int style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
  try {
    po::store(
        po::command_line_parser(argc, argv).options(all).positional(positional).style(style).run(),
        vm);
  } catch (const po::unknown_option& e) {
    std::vector<std::string> names;
    for (const auto& o : all.options()) {
      if (!o->long_name().empty()) names.push_back("--" + o->long_name());
    }
    std::string name = e.get_option_name();
    throw UsageError{"unknown option '" + name + "'" + DidYouMean(name, names) + " (see --help)"};
  }
  if (vm.count("password")) {
    throw UsageError{
        "cxa takes no password on the command line (it would show in the process list and the "
        "shell history): use --password-stdin (asked for without echo on a terminal, or piped "
        "in) or --password-env VAR"};
  }
  if (vm.count("help")) {
    std::cout << usage << "\n\n" << visible << footer;
    return false;
  }
  po::notify(vm);
  return true;
}

}  // namespace cxa::cli
