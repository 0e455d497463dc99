#include "transport/address_filter.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>

#include "core/text.h"
#include "transport/url.h"

namespace cxa {

std::string NonPublicKind(const sockaddr* sa) {
  if (sa->sa_family == AF_INET) {
    uint32_t a = ntohl(reinterpret_cast<const sockaddr_in*>(sa)->sin_addr.s_addr);
    auto in = [&](uint32_t net, int bits) { return (a >> (32 - bits)) == (net >> (32 - bits)); };
    if (in(0x7F000000, 8)) return "loopback";
    if (in(0xA9FE0000, 16)) return "link-local";
    if (in(0x0A000000, 8) || in(0xAC100000, 12) || in(0xC0A80000, 16)) return "private";
    if (in(0x64400000, 10)) return "shared (carrier-grade NAT)";
    if (in(0x00000000, 8)) return "unspecified";
    if (in(0xE0000000, 4) || in(0xF0000000, 4)) return "multicast or reserved";
    return "";
  }
  if (sa->sa_family == AF_INET6) {
    const auto& a6 = reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr;
    const unsigned char* b = a6.s6_addr;
    if (IN6_IS_ADDR_V4MAPPED(&a6) || IN6_IS_ADDR_V4COMPAT(&a6)) {
      sockaddr_in v4{};
      v4.sin_family = AF_INET;
      std::memcpy(&v4.sin_addr, b + 12, 4);
      return NonPublicKind(reinterpret_cast<const sockaddr*>(&v4));
    }
    if (IN6_IS_ADDR_LOOPBACK(&a6)) return "loopback";
    if (IN6_IS_ADDR_UNSPECIFIED(&a6)) return "unspecified";
    if (IN6_IS_ADDR_LINKLOCAL(&a6)) return "link-local";
    if ((b[0] & 0xFE) == 0xFC) return "private (unique local)";
    if (b[0] == 0xFF) return "multicast";
    return "";
  }
  return "not an internet";
}

std::string NonPublicAddress(const std::string& ip) {
  sockaddr_in v4{};
  sockaddr_in6 v6{};
  if (inet_pton(AF_INET, ip.c_str(), &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    return NonPublicKind(reinterpret_cast<const sockaddr*>(&v4));
  }
  if (inet_pton(AF_INET6, ip.c_str(), &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    return NonPublicKind(reinterpret_cast<const sockaddr*>(&v6));
  }
  return "not an address";
}

std::string AddressText(const sockaddr* sa) {
  char text[INET6_ADDRSTRLEN] = "?";
  if (sa->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, text, sizeof text);
  } else if (sa->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, text, sizeof text);
  }
  return text;
}

bool AimedByOperator(const std::vector<std::string>& resolve,
                     const std::vector<std::string>& connect_to, const std::string& url) {
  auto u = SplitHttpUrl(url);
  if (!u) return false;
  auto matches = [&](const std::string& entry) {
    size_t colon = entry.find(':');
    if (colon == std::string::npos) return false;
    std::string host = ToLower(entry.substr(0, colon));
    size_t next = entry.find(':', colon + 1);
    std::string port =
        entry.substr(colon + 1, next == std::string::npos ? std::string::npos : next - colon - 1);
    bool host_ok = host.empty() || host == "*" || host == u->host;
    bool port_ok = port.empty() || port == std::to_string(u->port);
    return host_ok && port_ok;
  };
  return std::any_of(resolve.begin(), resolve.end(), matches) ||
         std::any_of(connect_to.begin(), connect_to.end(), matches);
}

std::string CheckResolveEntry(const std::string& entry) {
  size_t a = entry.find(':');
  if (a == std::string::npos || a == 0) return "expected HOST:PORT:ADDRESS, got '" + entry + "'";
  size_t b = entry.find(':', a + 1);
  if (b == std::string::npos) return "expected HOST:PORT:ADDRESS, got '" + entry + "'";
  std::string port = entry.substr(a + 1, b - a - 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) == 0 ||
      std::stoi(port) > 65535) {
    return "bad port '" + port + "' in '" + entry + "'";
  }
  if (b + 1 >= entry.size()) return "missing address in '" + entry + "'";
  std::string list = entry.substr(b + 1);
  for (size_t at = 0; at <= list.size();) {
    size_t comma = list.find(',', at);
    std::string addr = list.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    if (addr.size() > 2 && addr.front() == '[' && addr.back() == ']') {
      addr = addr.substr(1, addr.size() - 2);
    }
    unsigned char buf[16];
    if (inet_pton(AF_INET, addr.c_str(), buf) != 1 && inet_pton(AF_INET6, addr.c_str(), buf) != 1) {
      return "'" + addr + "' in '" + entry + "' is not an IP address";
    }
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return "";
}

}  // namespace cxa
