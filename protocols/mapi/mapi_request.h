// The HTTP side of MAPI over HTTP requests, shared by the mapi modules: the headers every
// request carries (MS-OXCMAPIHTTP §2.2.2.1, §2.2.3.3), the session cookies, and what every
// response must carry back.
#pragma once

#include <string>
#include <vector>

#include "core/module.h"

namespace cxa::protocols::mapi {

// A client GUID in registry form ("{0F0E0D0C-...}"): random live, derived from the run's seed
// when recording or replaying (so a replay sends the recorded requests).
std::string ClientGuid(const StepContext& ctx, std::string_view label);

// A POST of `request_type` ("PING", "Connect", ...) to `url` with `body`: Content-Type
// application/mapi-http, X-RequestType, X-RequestId GUID:counter, X-ClientInfo GUID:1,
// X-ClientApplication, and the session's cookies (name=value pairs) when there are any. The
// arrival of the response's pieces is tracked (HttpRequest::track_arrivals).
HttpRequest MapiRequest(const StepContext& ctx, const std::string& url,
                        const std::string& request_type, std::string body, const std::string& guid,
                        int counter, const std::vector<std::string>& cookies = {});

// The cookies a response sets (name=value, attributes dropped; at most 16).
std::vector<std::string> CookiesOf(const HttpResponse& response);

// The headers of `response` that echo or describe the request as the specification requires
// (X-RequestType, X-RequestId as sent, X-ClientInfo as sent, X-ResponseCode, X-ExpirationInfo),
// as a list of what is missing or wrong; empty when all is well.
std::vector<std::string> MissingEchoes(const HttpRequest& request, const HttpResponse& response);

}  // namespace cxa::protocols::mapi
