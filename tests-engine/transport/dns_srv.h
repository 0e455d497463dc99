// DNS SRV lookups (RFC 2782) for Autodiscover's last candidate. A lookup travels through the
// transport as an exchange (method "SRV", URL "dns:NAME"; the answer's body holds one
// "priority weight port target" line per record), so it is recorded and replayed like any other.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "transport/http_transport.h"

namespace cxa {

struct SrvRecord {
  int priority = 0;
  int weight = 0;
  int port = 0;
  std::string target;
};

// The exchange asking for the SRV records of `name`.
HttpRequest SrvRequest(const std::string& name, const Timeouts& timeouts);
// The records of an SRV exchange (empty: the name has none); an error when the lookup failed.
Result<std::vector<SrvRecord>> SrvRecordsOf(const HttpExchange& exchange);

// Live: the system resolver (res_nquery), one attempt within timeout_ms. `overrides` are
// "NAME=TARGET:PORT[:PRIORITY[:WEIGHT]]" entries (several per name allowed; "NAME=" means no
// records) answered without any query, for labs and tests.
HttpExchange LookupSrv(const HttpRequest& request, const std::vector<std::string>& overrides);
// Validates one override entry; returns an error message or "".
std::string CheckSrvOverride(const std::string& entry);

// Lines "priority weight port target" for an answer body.
std::string SrvBody(const std::vector<SrvRecord>& records);

}  // namespace cxa
