// What the AD FS modules share: the URLs of the federation service, its documents fetched under
// the step's policy, and their host, port and path options.
#pragma once

#include <algorithm>
#include <cstdio>

#include "core/module.h"
#include "core/text.h"
#include "core/time_util.h"
#include "protocols/adfs/adfs_codec.h"
#include "transport/connection_report.h"
#include "transport/nonce.h"
#include "transport/url.h"

namespace cxa::protocols::adfs {

// https://HOST[:PORT]PATH; the port is left out when it is 443, an IPv6 literal is bracketed.
inline std::string Url(const std::string& host, int port, const std::string& path) {
  std::string authority = HostForUrl(host);
  if (port != 443) authority += ":" + std::to_string(port);
  return "https://" + authority + path;
}

inline HttpRequest BaseRequest(StepContext& ctx, const std::string& url) {
  HttpRequest req = StepRequest(ctx, url);
  req.limits.max_body_bytes = 1024 * 1024;
  return req;
}

// Fetches a document; on failure adds the connection's findings plus `unreachable` and returns
// nullopt.
inline std::optional<std::string> FetchDocument(StepContext& ctx, const std::string& url,
                                                const FindingInfo& unreachable, const char* what,
                                                StepResult& result) {
  HttpExchange ex = ctx.transport.Perform(BaseRequest(ctx, url));
  if (!ReportConnectionFailure(ex, ctx.now, result)) {
    result.findings.push_back(MakeFinding(unreachable, what + std::string(" could not be fetched"),
                                          url + ": " + ex.error->message));
    return std::nullopt;
  }
  result.stage = Stage::kHttp;
  if (ex.response->status != 200) {
    std::string detail = url + " answered " + ex.response->StatusLine();
    if (ex.response->status == 503) {
      detail += " (the federation service or the proxy in front of it is stopped)";
    }
    result.findings.push_back(
        MakeFinding(unreachable, what + std::string(" is not available"), detail));
    return std::nullopt;
  }
  result.stage = Stage::kProtocol;
  return ex.response->body;
}

inline Result<std::string> HostOption(const OptionMap& o) {
  std::string host = o.at("host");
  if (host.empty() || host.find_first_of("/?#@ ") != std::string::npos) {
    return Fail("option 'host' must be a host name, got '" + host + "'");
  }
  return host;
}

inline int PortOption(const OptionMap& o) { return std::stoi(o.at("port")); }

inline Result<std::string> PathOption(const OptionMap& o) {
  std::string path = o.at("path");
  if (path.empty() || path[0] != '/') return Fail("option 'path' must start with '/'");
  return path;
}

}  // namespace cxa::protocols::adfs
