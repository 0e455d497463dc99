#include "routes.h"

#include <cctype>

namespace fixture {

bool AnswerFromRoutes(const Lab& lab, Site& site, const Request& req, Response& res,
                      const std::string& host, const Route** chosen) {
  if (site.routes.empty()) return false;
  std::string method(req.method_string());
  std::string target(req.target());
  auto header_has = [&](const std::string& text) {
    for (const auto& f : req) {
      std::string line = std::string(f.name_string()) + ": " + std::string(f.value());
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  };
  auto with_host = [&](std::string text) {
    for (size_t at; (at = text.find("{{host}}")) != std::string::npos;) text.replace(at, 8, host);
    return text;
  };
  auto matches = [&](const Route& r) {
    return r.method == method && lab.ExpandPorts(with_host(r.target)) == target &&
           (r.body_contains.empty() || req.body().find(r.body_contains) != std::string::npos) &&
           (r.header_contains.empty() || header_has(r.header_contains));
  };
  Route* route = nullptr;
  for (auto& r : site.routes) {
    if (!(r.recorded && r.used) && matches(r)) {
      route = &r;
      break;
    }
  }
  if (route == nullptr) {
    for (auto& r : site.routes) {  // asked again: answer as first time
      if (matches(r)) {
        route = &r;
        break;
      }
    }
  }
  if (route == nullptr && !site.realm.empty() && target.rfind("/getuserrealm.srf?", 0) == 0) {
    return false;  // the realm directory answers
  }
  if (route == nullptr) {
    res.result(http::status::not_found);
    res.set(http::field::content_type, "text/plain");
    res.body() = "cxa fixture-server: the transcript holds no " + method + " " + target + "\n";
    return true;
  }
  route->used = true;
  if (chosen != nullptr) *chosen = route;
  res.result(static_cast<unsigned>(route->status));
  res.reason(route->reason);
  for (const auto& [k, v] : route->headers) {
    std::string lower = k;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "content-length" || lower == "transfer-encoding" || lower == "connection")
      continue;
    res.insert(k, with_host(v));
  }
  res.body() = with_host(route->body);
  return true;
}

}  // namespace fixture
