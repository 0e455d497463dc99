#include "transport/dns_srv.h"

#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <strings.h>

#include <algorithm>
#include <chrono>
#include <sstream>

namespace cxa {
namespace {

constexpr std::string_view kScheme = "dns:";

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

}  // namespace

HttpRequest SrvRequest(const std::string& name, const Timeouts& timeouts) {
  HttpRequest r;
  r.method = "SRV";
  r.url = std::string(kScheme) + name;
  r.timeouts = timeouts;
  return r;
}

std::string SrvBody(const std::vector<SrvRecord>& records) {
  std::string body;
  for (const auto& r : records) {
    body += std::to_string(r.priority) + " " + std::to_string(r.weight) + " " +
            std::to_string(r.port) + " " + r.target + "\n";
  }
  return body;
}

Result<std::vector<SrvRecord>> SrvRecordsOf(const HttpExchange& ex) {
  if (ex.error) return Fail(ex.error->message);
  if (!ex.response) return Fail("no answer");
  std::vector<SrvRecord> out;
  if (ex.response->status == 404) return out;
  std::istringstream in(ex.response->body);
  for (std::string line; std::getline(in, line) && out.size() < 64;) {
    std::istringstream l(line);
    SrvRecord r;
    if (l >> r.priority >> r.weight >> r.port >> r.target) out.push_back(r);
  }
  return out;
}

std::string CheckSrvOverride(const std::string& entry) {
  size_t eq = entry.find('=');
  if (eq == std::string::npos || eq == 0) return "expected NAME=TARGET:PORT, got '" + entry + "'";
  if (eq + 1 == entry.size()) return "";
  auto r = ParseOverrideValue(std::string_view(entry).substr(eq + 1));
  return r ? "" : r.error() + ", got '" + entry + "'";
}

HttpExchange LookupSrv(const HttpRequest& request, const std::vector<std::string>& overrides) {
  HttpExchange ex;
  ex.request = request;
  std::string name = request.url.substr(kScheme.size());
  auto start = std::chrono::steady_clock::now();
  std::vector<SrvRecord> records;
  bool overridden = false;
  for (const auto& o : overrides) {
    size_t eq = o.find('=');
    if (eq == std::string::npos || strcasecmp(o.substr(0, eq).c_str(), name.c_str()) != 0) {
      continue;
    }
    overridden = true;
    if (auto r = ParseOverrideValue(std::string_view(o).substr(eq + 1))) records.push_back(*r);
  }
  if (!overridden) {
    struct __res_state st {};
    if (res_ninit(&st) != 0) {
      ex.error = TransportError{Stage::kResolve, "net.dns.timeout", "the resolver is unusable"};
      return ex;
    }
    st.retrans = std::max(1, request.timeouts.connect_ms / 1000);
    st.retry = 1;
    unsigned char answer[8192];
    int n = res_nquery(&st, name.c_str(), ns_c_in, ns_t_srv, answer, sizeof answer);
    int herr = st.res_h_errno;
    if (n < 0) {
      res_nclose(&st);
      if (herr == HOST_NOT_FOUND || herr == NO_DATA) {
        ex.response = HttpResponse{"", 404, "no SRV record", {}, ""};
        ex.reached = Stage::kResolve;
        return ex;
      }
      ex.error = TransportError{Stage::kResolve, "net.dns.timeout",
                                "the SRV lookup of " + name + " got no answer"};
      return ex;
    }
    ns_msg msg;
    if (ns_initparse(answer, n, &msg) == 0) {
      for (int i = 0; i < ns_msg_count(msg, ns_s_an) && records.size() < 64; ++i) {
        ns_rr rr;
        if (ns_parserr(&msg, ns_s_an, i, &rr) != 0 || ns_rr_type(rr) != ns_t_srv ||
            ns_rr_rdlen(rr) < 7) {
          continue;
        }
        const unsigned char* rd = ns_rr_rdata(rr);
        SrvRecord r;
        r.priority = ns_get16(rd);
        r.weight = ns_get16(rd + 2);
        r.port = ns_get16(rd + 4);
        char target[NS_MAXDNAME];
        if (ns_name_uncompress(ns_msg_base(msg), ns_msg_end(msg), rd + 6, target, sizeof target) <
            0) {
          continue;
        }
        r.target = target;
        records.push_back(r);
      }
    }
    res_nclose(&st);
  }
  ex.reached = Stage::kResolve;
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ex.timings.push_back({"dns", ms});
  ex.response = HttpResponse{"",
                             records.empty() ? 404 : 200,
                             records.empty() ? "no SRV record" : "OK",
                             {},
                             SrvBody(records)};
  return ex;
}

}  // namespace cxa
