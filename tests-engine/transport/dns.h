// DNS lookups other than a connection's own A/AAAA resolution: SRV (Autodiscover), and MX, TXT,
// TLSA for mail flow. A lookup goes through the transport (HttpTransport::LookupDns), so it is
// recorded and replayed like any exchange; live, it asks the system resolver or the server given
// with --dns-server (labs and tests never depend on the machine's resolver).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/step_result.h"

namespace cxa {

enum class DnsType : int {
  kA = 1,
  kCname = 5,
  kMx = 15,
  kTxt = 16,
  kAaaa = 28,
  kSrv = 33,
  kTlsa = 52
};
std::string_view DnsTypeName(DnsType type);  // "SRV"
std::optional<DnsType> ParseDnsType(std::string_view name);

// One record of an answer, in presentation form: SRV "10 5 443 target.", MX "10 mail.", TXT the
// character strings joined, TLSA "3 1 1 <hex>", A/AAAA the address, CNAME the name.
struct DnsRecord {
  uint32_t ttl = 0;
  std::string data;
};

struct DnsAnswer {
  std::string name;
  DnsType type = DnsType::kA;
  enum class Status { kFound, kNoRecords, kFailed } status = Status::kFailed;
  bool nxdomain = false;       // kNoRecords because the name does not exist
  bool authenticated = false;  // the resolver validated it with DNSSEC (the AD bit)
  // kFailed because DNSSEC validation failed: the resolver answered SERVFAIL, and the same
  // question with checking disabled (the CD bit) got an answer. A validating resolver's way of
  // saying "bogus" (RFC 4035 §3.2.2).
  bool bogus = false;
  std::vector<DnsRecord> records;
  std::string error;  // kFailed: why (a timeout, SERVFAIL, an unusable resolver)
  std::vector<Timing> timings;
};

// Live settings: `server` "ADDR[:PORT]" (IPv4) asks that server instead of the system resolver;
// `srv_overrides` are --srv-record entries answered without a query.
struct DnsOptions {
  std::string server;
  std::vector<std::string> srv_overrides;
};

// Asks for `type` records of `name` within `timeout_ms` (one attempt per server).
DnsAnswer LookupDnsLive(const std::string& name, DnsType type, const DnsOptions& options,
                        int timeout_ms);

// Validates --dns-server ADDR[:PORT]; returns an error message or "".
std::string CheckDnsServer(const std::string& server);

// SRV records (RFC 2782) of an answer.
struct SrvRecord {
  int priority = 0;
  int weight = 0;
  int port = 0;
  std::string target;  // without the trailing dot
};
// The SRV records of `answer` (empty: none); an error when the lookup failed.
Result<std::vector<SrvRecord>> SrvRecordsOf(const DnsAnswer& answer);

// Validates one --srv-record entry ("NAME=TARGET:PORT[:PRIORITY[:WEIGHT]]" or "NAME="): "" or
// the reason.
std::string CheckSrvOverride(const std::string& entry);

}  // namespace cxa
