#include "transport/dns.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <strings.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace cxa {
namespace {

constexpr size_t kMaxRecords = 64;

struct NamedType {
  DnsType type;
  std::string_view name;
};
constexpr NamedType kTypes[] = {{DnsType::kA, "A"},       {DnsType::kCname, "CNAME"},
                                {DnsType::kMx, "MX"},     {DnsType::kTxt, "TXT"},
                                {DnsType::kAaaa, "AAAA"}, {DnsType::kSrv, "SRV"},
                                {DnsType::kTlsa, "TLSA"}};

Result<SrvRecord> ParseOverrideValue(std::string_view v) {
  SrvRecord r;
  std::vector<std::string> parts;
  std::string cur;
  for (char c : v) {
    if (c == ':') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  if (parts.size() < 2 || parts.size() > 4 || parts[0].empty()) {
    return Fail("expected TARGET:PORT[:PRIORITY[:WEIGHT]]");
  }
  r.target = parts[0];
  try {
    r.port = std::stoi(parts[1]);
    if (parts.size() > 2) r.priority = std::stoi(parts[2]);
    if (parts.size() > 3) r.weight = std::stoi(parts[3]);
  } catch (...) {
    return Fail("port, priority and weight must be numbers");
  }
  if (r.port < 1 || r.port > 65535 || r.priority < 0 || r.priority > 65535 || r.weight < 0 ||
      r.weight > 65535) {
    return Fail("port 1-65535, priority and weight 0-65535");
  }
  return r;
}

std::string SrvData(const SrvRecord& r) {
  return std::to_string(r.priority) + " " + std::to_string(r.weight) + " " +
         std::to_string(r.port) + " " + r.target;
}

// --dns-server ADDR[:PORT] as a socket address (IPv4), or nullopt.
std::optional<sockaddr_in> ServerAddress(const std::string& server) {
  std::string addr = server;
  int port = 53;
  if (size_t colon = server.find(':'); colon != std::string::npos) {
    addr = server.substr(0, colon);
    std::string p = server.substr(colon + 1);
    if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos) {
      return std::nullopt;
    }
    port = std::stoi(p);
    if (port < 1 || port > 65535) return std::nullopt;
  }
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, addr.c_str(), &sa.sin_addr) != 1) return std::nullopt;
  return sa;
}

// A domain name in the record's data, uncompressed; "" when it cannot be read.
std::string NameAt(const ns_msg& msg, const unsigned char* at) {
  char name[NS_MAXDNAME];
  if (ns_name_uncompress(ns_msg_base(msg), ns_msg_end(msg), at, name, sizeof name) < 0) return "";
  return name;
}

// The record's data in presentation form, or nullopt for a record that is cut short.
std::optional<std::string> Presentation(const ns_msg& msg, const ns_rr& rr) {
  const unsigned char* rd = ns_rr_rdata(rr);
  size_t len = ns_rr_rdlen(rr);
  char text[INET6_ADDRSTRLEN];
  switch (static_cast<DnsType>(ns_rr_type(rr))) {
    case DnsType::kA:
      if (len != 4 || inet_ntop(AF_INET, rd, text, sizeof text) == nullptr) return std::nullopt;
      return std::string(text);
    case DnsType::kAaaa:
      if (len != 16 || inet_ntop(AF_INET6, rd, text, sizeof text) == nullptr) return std::nullopt;
      return std::string(text);
    case DnsType::kCname:
      return NameAt(msg, rd);
    case DnsType::kMx:
      if (len < 3) return std::nullopt;
      return std::to_string(ns_get16(rd)) + " " + NameAt(msg, rd + 2);
    case DnsType::kSrv:
      if (len < 7) return std::nullopt;
      return std::to_string(ns_get16(rd)) + " " + std::to_string(ns_get16(rd + 2)) + " " +
             std::to_string(ns_get16(rd + 4)) + " " + NameAt(msg, rd + 6);
    case DnsType::kTxt: {
      std::string out;
      for (size_t i = 0; i < len;) {
        size_t n = rd[i];
        if (i + 1 + n > len) return std::nullopt;
        out.append(reinterpret_cast<const char*>(rd + i + 1), n);
        i += 1 + n;
      }
      return out;
    }
    case DnsType::kTlsa: {
      if (len < 3) return std::nullopt;
      static const char kHex[] = "0123456789abcdef";
      std::string out =
          std::to_string(rd[0]) + " " + std::to_string(rd[1]) + " " + std::to_string(rd[2]) + " ";
      for (size_t i = 3; i < len; ++i) {
        out += kHex[rd[i] >> 4];
        out += kHex[rd[i] & 0xF];
      }
      return out;
    }
  }
  return std::nullopt;
}

// Asks `name` again with the CD bit (checking disabled, RFC 4035 §3.2.2): a validating resolver
// that answered SERVFAIL and now answers NOERROR or NXDOMAIN holds data that failed validation.
bool AnswersWithCheckingDisabled(res_state st, const std::string& name, DnsType type) {
  std::vector<unsigned char> query(512), reply(65536);
  int len = res_nmkquery(st, ns_o_query, name.c_str(), ns_c_in, static_cast<int>(type), nullptr, 0,
                         nullptr, query.data(), static_cast<int>(query.size()));
  if (len < static_cast<int>(sizeof(HEADER))) return false;
  reinterpret_cast<HEADER*>(query.data())->cd = 1;
  int n = res_nsend(st, query.data(), len, reply.data(), static_cast<int>(reply.size()));
  if (n < static_cast<int>(sizeof(HEADER))) return false;
  const auto* h = reinterpret_cast<const HEADER*>(reply.data());
  return h->rcode == ns_r_noerror || h->rcode == ns_r_nxdomain;
}

}  // namespace

std::string_view DnsTypeName(DnsType type) {
  for (const auto& t : kTypes) {
    if (t.type == type) return t.name;
  }
  return "?";
}

std::optional<DnsType> ParseDnsType(std::string_view name) {
  for (const auto& t : kTypes) {
    if (strncasecmp(t.name.data(), name.data(), name.size()) == 0 && t.name.size() == name.size())
      return t.type;
  }
  return std::nullopt;
}

std::string CheckDnsServer(const std::string& server) {
  if (ServerAddress(server)) return "";
  return "expected an IPv4 address with an optional port (127.0.0.1:5353), got '" + server + "'";
}

std::string CheckSrvOverride(const std::string& entry) {
  size_t eq = entry.find('=');
  if (eq == std::string::npos || eq == 0) return "expected NAME=TARGET:PORT, got '" + entry + "'";
  if (eq + 1 == entry.size()) return "";
  auto r = ParseOverrideValue(std::string_view(entry).substr(eq + 1));
  return r ? "" : r.error() + ", got '" + entry + "'";
}

Result<std::vector<SrvRecord>> SrvRecordsOf(const DnsAnswer& answer) {
  if (answer.status == DnsAnswer::Status::kFailed) return Fail(answer.error);
  std::vector<SrvRecord> out;
  for (const auto& r : answer.records) {
    std::istringstream l(r.data);
    SrvRecord s;
    if (!(l >> s.priority >> s.weight >> s.port >> s.target)) continue;
    if (!s.target.empty() && s.target.back() == '.' && s.target != ".") s.target.pop_back();
    out.push_back(s);
  }
  return out;
}

DnsAnswer LookupDnsLive(const std::string& name, DnsType type, const DnsOptions& options,
                        int timeout_ms) {
  DnsAnswer a;
  a.name = name;
  a.type = type;
  auto start = std::chrono::steady_clock::now();
  auto done = [&]() -> DnsAnswer {
    a.timings.push_back(
        {"dns", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count()});
    if (a.status != DnsAnswer::Status::kFailed) {
      a.status = a.records.empty() ? DnsAnswer::Status::kNoRecords : DnsAnswer::Status::kFound;
    }
    return a;
  };
  if (type == DnsType::kSrv) {  // --srv-record: answers given by the operator, no query
    bool overridden = false;
    for (const auto& o : options.srv_overrides) {
      size_t eq = o.find('=');
      if (eq == std::string::npos || strcasecmp(o.substr(0, eq).c_str(), name.c_str()) != 0) {
        continue;
      }
      overridden = true;
      if (auto r = ParseOverrideValue(std::string_view(o).substr(eq + 1))) {
        a.records.push_back({0, SrvData(*r)});
      }
    }
    if (overridden) {
      a.status = DnsAnswer::Status::kFound;
      return done();
    }
  }
  if (options.server.empty() && std::getenv("CXA_NO_SYSTEM_RESOLVER") != nullptr) {
    // Labs, tests, the demo and the benchmarks set it: no lookup may reach the machine's resolver.
    a.error = "no --dns-server given, and CXA_NO_SYSTEM_RESOLVER keeps the system resolver out";
    return done();
  }
  struct __res_state st {};
  if (res_ninit(&st) != 0) {
    a.error = "the system resolver is unusable";
    return done();
  }
  if (!options.server.empty()) {
    auto sa = ServerAddress(options.server);
    if (!sa) {
      res_nclose(&st);
      a.error = "--dns-server " + options.server + " is not an address";
      return done();
    }
    st.nsaddr_list[0] = *sa;
    st.nscount = 1;
  }
  st.retrans = std::max(1, timeout_ms / 1000);
  st.retry = 1;
  st.options |= RES_USE_EDNS0 | RES_USE_DNSSEC;  // DO: a validating resolver sets AD
#ifdef RES_TRUSTAD
  // glibc clears the AD bit of answers unless told to trust the resolver (trust-ad). The
  // DNSSEC status is the resolver's to give, as for Postfix: the operator chose it
  // (--dns-server, or the system's resolv.conf).
  st.options |= RES_TRUSTAD;
#endif
  std::vector<unsigned char> answer(65536);
  int n = res_nquery(&st, name.c_str(), ns_c_in, static_cast<int>(type), answer.data(),
                     static_cast<int>(answer.size()));
  int herr = st.res_h_errno;
  // glibc reports a SERVFAIL like a timeout; one that came before the first try's time ran out
  // was an answer.
  const bool answered = std::chrono::steady_clock::now() - start < std::chrono::seconds(st.retrans);
  if (n < 0) {
    if (herr == HOST_NOT_FOUND || herr == NO_DATA) {
      res_nclose(&st);
      // The reply is in `answer` all the same: its AD bit says whether the denial was validated.
      a.authenticated = reinterpret_cast<const HEADER*>(answer.data())->ad != 0;
      a.status = DnsAnswer::Status::kNoRecords;
      a.nxdomain = herr == HOST_NOT_FOUND;
      return done();
    }
    a.error = herr == TRY_AGAIN ? "no answer (a timeout or SERVFAIL)" : "the lookup was refused";
    if (herr == TRY_AGAIN && answered && AnswersWithCheckingDisabled(&st, name, type)) {
      a.bogus = true;
      a.error =
          "DNSSEC validation failed (bogus): the resolver answers only with checking disabled";
    }
    res_nclose(&st);
    return done();
  }
  res_nclose(&st);
  ns_msg msg;
  if (ns_initparse(answer.data(), n, &msg) != 0) {
    a.error = "the answer is not a DNS message";
    return done();
  }
  a.status = DnsAnswer::Status::kNoRecords;  // found or not decided by the records below
  a.authenticated = ns_msg_getflag(msg, ns_f_ad) != 0;
  for (int i = 0; i < ns_msg_count(msg, ns_s_an) && a.records.size() < kMaxRecords; ++i) {
    ns_rr rr;
    if (ns_parserr(&msg, ns_s_an, i, &rr) != 0 || ns_rr_type(rr) != static_cast<int>(type)) {
      continue;
    }
    if (auto data = Presentation(msg, rr)) a.records.push_back({ns_rr_ttl(rr), std::move(*data)});
  }
  return done();
}

}  // namespace cxa
