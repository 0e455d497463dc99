#include "lab.h"

#include "cert/x509.h"
#include "core/text.h"

namespace fixture {
namespace {

std::string CredentialKind(const Request& req) {
  std::string auth(req[http::field::authorization]);
  if (auth.rfind("Basic ", 0) == 0) return "basic";
  if (auth.rfind("NTLM ", 0) == 0 || auth.rfind("Negotiate ", 0) == 0) {
    auto raw = cxa::cert::DecodeBase64(auth.substr(auth.find(' ') + 1));
    if (raw && cxa::ntlm::MessageType(std::string(raw->begin(), raw->end())) == 3) return "ntlm";
  }
  const std::string& body = req.body();
  if (body.find("&password=") != std::string::npos || body.rfind("password=", 0) == 0) {
    return "form";
  }
  if (body.find(":Password") != std::string::npos || body.find("<Password") != std::string::npos) {
    return "wstrust";
  }
  return "none";
}

}  // namespace

std::string Lab::ExpandPorts(std::string text) const {
  const std::string open = "{{port:";
  for (size_t at = 0; (at = text.find(open, at)) != std::string::npos;) {
    size_t end = text.find("}}", at);
    if (end == std::string::npos) break;
    auto it = site_ports.find(text.substr(at + open.size(), end - at - open.size()));
    if (it == site_ports.end()) {
      at = end;
      continue;
    }
    std::string port = std::to_string(it->second);
    text.replace(at, end + 2 - at, port);
    at += port.size();
  }
  return text;
}

void Lab::ExpandPortsIn(Response& res) const {
  bool in_headers = false;
  for (const auto& f : res) in_headers |= f.value().find("{{port:") != std::string_view::npos;
  if (in_headers) {
    std::vector<std::pair<std::string, std::string>> fields;
    for (const auto& f : res) {
      fields.emplace_back(std::string(f.name_string()), ExpandPorts(std::string(f.value())));
    }
    for (const auto& [k, v] : fields) res.erase(k);
    for (const auto& [k, v] : fields) res.insert(k, v);
  }
  if (res.body().find("{{port:") != std::string::npos) res.body() = ExpandPorts(res.body());
}

void Lab::LogRequest(const Site& site, const Request& req) const {
  if (request_log == nullptr) return;
  std::fprintf(request_log, "%s %s %s %zu credentials=%s\n", site.name.c_str(),
               std::string(req.method_string()).c_str(), std::string(req.target()).c_str(),
               req.body().size(), CredentialKind(req).c_str());
  std::fflush(request_log);
}

bool IsRpcMethod(const Request& req) {
  return req.method_string() == "RPC_IN_DATA" || req.method_string() == "RPC_OUT_DATA";
}

bool SignedIn(const Site& site, const Request& req, bool ntlm_verified) {
  if (site.rpc && site.rpc->mode == "reject" && IsRpcMethod(req)) return false;
  return ntlm_verified || BasicMatches(site, req);
}

bool BasicMatches(const Site& site, const Request& req) {
  std::string auth(req[http::field::authorization]);
  if (!site.ntlm || auth.rfind("Basic ", 0) != 0) return false;
  auto raw = cxa::cert::DecodeBase64(auth.substr(6));
  if (!raw) return false;
  std::string pair(raw->begin(), raw->end());
  size_t colon = pair.find(':');
  if (colon == std::string::npos) return false;
  std::string user = pair.substr(0, colon);
  if (size_t slash = user.find('\\'); slash != std::string::npos) user = user.substr(slash + 1);
  user = user.substr(0, user.find('@'));
  return cxa::ToLower(user) == cxa::ToLower(site.ntlm->user) &&
         pair.substr(colon + 1) == site.ntlm->password;
}

}  // namespace fixture
