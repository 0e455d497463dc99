#include "mapi.h"

#include <algorithm>

#include "core/text.h"

namespace fixture {
namespace {

constexpr const char* kModes[] = {"ok",         "anonymous",   "no-challenge", "not-found",
                                  "bearer",     "bearer-bare", "reject",       "drop-cookies",
                                  "no-cookies", "disabled",    "unknown-user", "no-echo",
                                  "slow",       "buffered"};

std::string U32(uint32_t v) {
  std::string out;
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  return out;
}

// The binary response body of `type` (MS-OXCMAPIHTTP §2.2.4, §2.2.5); "" for PING.
std::string Body(const std::string& type, const std::string& mode) {
  if (type == "Connect") {
    if (mode == "unknown-user")
      return U32(0) + U32(0x3EB) + U32(0) + U32(0) + U32(0) + std::string("\0", 1) +
             std::string("\0\0", 2) + U32(0);
    std::string name;  // "Lab User" in UTF-16LE
    for (char c : std::string("Lab User")) name += std::string(1, c) + std::string(1, '\0');
    return U32(0) + U32(0) + U32(60000) + U32(6) + U32(10000) + "/o=Lab" + std::string(1, '\0') +
           name + std::string(2, '\0') + U32(0);
  }
  if (type == "Bind") return U32(0) + U32(0) + std::string(16, '\x42') + U32(0);
  if (type == "Disconnect" || type == "Unbind") return U32(0) + U32(0) + U32(0);
  return "";
}

bool HasCookie(const Request& req) {
  return std::string(req[http::field::cookie]).find("MapiContext=") != std::string::npos;
}

}  // namespace

// "code-N": Connect answered with X-ResponseCode N (1-18).
int CodeMode(const std::string& mode) {
  if (mode.rfind("code-", 0) != 0 || mode.size() > 7) return 0;
  const std::string n = mode.substr(5);
  if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos) return 0;
  const int code = std::stoi(n);
  return code >= 1 && code <= 18 ? code : 0;
}

bool KnownMapiMode(const std::string& mode) {
  return CodeMode(mode) != 0 ||
         std::find(std::begin(kModes), std::end(kModes), mode) != std::end(kModes);
}

bool IsMapi(const Site& site, const Request& req) {
  const std::string target = cxa::ToLower(std::string(req.target()));
  return site.mapi && (target.rfind("/mapi/emsmdb", 0) == 0 || target.rfind("/mapi/nspi", 0) == 0 ||
                       target.rfind("/microsoft-server-activesync", 0) == 0);
}

std::optional<Paced> AnswerMapi(const Site& site, const Request& req, bool signed_in,
                                Response& res) {
  const std::string& mode = site.mapi->mode;
  res.set(http::field::server, "Microsoft-IIS/10.0");
  if (mode == "not-found") {
    res.result(http::status::not_found);
    res.set(http::field::content_type, "text/html");
    res.body() = "<html><body>404 - File or directory not found.</body></html>\n";
    return std::nullopt;
  }
  const bool anonymous_ok = mode == "anonymous";
  const bool eas =
      cxa::ToLower(std::string(req.target())).rfind("/microsoft-server-activesync", 0) == 0;
  if (!eas && req.method() != http::verb::post) {
    res.result(http::status::method_not_allowed);
    return std::nullopt;
  }
  if ((!signed_in && !anonymous_ok) || mode == "reject") {
    res.result(http::status::unauthorized);
    if (mode != "no-challenge") {
      for (const auto& x : site.mapi->schemes) {
        res.insert(http::field::www_authenticate,
                   x == "Basic" ? "Basic realm=\"" + site.hosts.front() + "\"" : x);
      }
    }
    if (mode == "bearer") {
      res.insert(http::field::www_authenticate,
                 "Bearer client_id=\"00000002-0000-0ff1-ce00-000000000000\", "
                 "trusted_issuers=\"00000001-0000-0000-c000-000000000000@*\", "
                 "token_types=\"app_asserted_user_v1 service_asserted_app_v1\", "
                 "authorization_uri=\"https://login.windows.net/common/oauth2/authorize\"");
    } else if (mode == "bearer-bare") {
      res.insert(http::field::www_authenticate, "Bearer");
    }
    res.set("X-FEServer", "EX01");
    res.body() = "";
    return std::nullopt;
  }
  if (eas) {  // ActiveSync shares the site's authentication; cxa only probes it anonymously
    res.result(http::status::ok);
    res.set(http::field::content_type, "text/html");
    res.body() = "<html><body>ActiveSync</body></html>";
    return std::nullopt;
  }
  const std::string target = cxa::ToLower(std::string(req.target()));
  if (target.find("mailboxid=") == std::string::npos) {
    res.result(http::status::bad_request);  // as Exchange: an empty 400
    return std::nullopt;
  }
  const std::string type(req["X-RequestType"]);
  const bool nspi = target.rfind("/mapi/nspi", 0) == 0;
  const bool opens = type == (nspi ? "Bind" : "Connect");
  int code = 0;
  if (type.empty() || req["X-RequestId"].empty()) {
    code = 7;  // missing header
  } else if (type != "PING" && type != "Disconnect" && type != "Unbind" && !opens) {
    code = 5;  // invalid request type (cxa never sends Execute)
  } else if (opens && mode == "disabled" && !nspi) {
    code = 16;
  } else if (opens && CodeMode(mode) != 0 && !nspi) {
    code = CodeMode(mode);
  } else if (!opens && !anonymous_ok && mode == "drop-cookies") {
    code = 10;
  } else if (!opens && !anonymous_ok && !HasCookie(req)) {
    code = 13;
  }
  res.result(http::status::ok);
  res.set("X-RequestType", type);
  if (mode != "no-echo") {
    res.set("X-RequestId", req["X-RequestId"]);
    res.set("X-ClientInfo", req["X-ClientInfo"]);
  }
  res.set("X-ResponseCode", std::to_string(code));
  res.set("X-ServerApplication", "Exchange/15.02.1544.004");
  res.set("X-ExpirationInfo", "900000");
  const bool paced = opens && !nspi && (mode == "slow" || mode == "buffered");
  res.set("X-PendingPeriod", paced ? "400" : "15000");
  if (code != 0) {
    res.set(http::field::content_type, "text/html");
    res.body() = "<html><body>MAPI over HTTP failure " + std::to_string(code) + "</body></html>";
    return std::nullopt;
  }
  if (opens && mode != "no-cookies") {
    res.insert(http::field::set_cookie, "MapiContext=lab-context-1; path=/mapi/; secure; HttpOnly");
    res.insert(http::field::set_cookie, "MapiSequence=1-lab; path=/mapi/; secure; HttpOnly");
  }
  res.set(http::field::content_type, "application/mapi-http");
  const std::string done =
      "DONE\r\nX-ElapsedTime: 1\r\nX-StartTime: Mon, 07 Dec 2026 10:00:00 GMT\r\n\r\n" +
      Body(type, mode);
  if (paced) {
    Paced out{{"PROCESSING\r\n", "PENDING\r\n", "PENDING\r\n", "PENDING\r\n", done},
              400,
              mode == "buffered"};
    return out;
  }
  res.body() = "PROCESSING\r\nPENDING\r\n" + done;
  return std::nullopt;
}

}  // namespace fixture
