// What the OWA modules share: the request a browser would send and the https URL option.
#pragma once

#include <strings.h>

#include <algorithm>

#include "cert/x509.h"
#include "core/module.h"
#include "protocols/owa/owa_codec.h"
#include "transport/connection_report.h"
#include "transport/url.h"

namespace cxa::protocols::owa {

inline HttpRequest Request(StepContext& ctx, const std::string& url) {
  HttpRequest req = StepRequest(ctx, url);
  req.limits.max_body_bytes = 2 * 1024 * 1024;
  req.headers = {{"User-Agent", "Mozilla/5.0 (compatible; cxa connectivity test)"}};
  return req;
}

inline Result<UrlParts> HttpsUrlOption(const OptionMap& o, const char* name) {
  auto u = SplitHttpUrl(NormalizeOwaUrl(o.at(name)));
  if (!u || u->scheme != "https") {
    return Fail(std::string("option '") + name + "' must be an https:// URL, got '" + o.at(name) +
                "'");
  }
  return *u;
}

}  // namespace cxa::protocols::owa
