// Where the transport may connect: which addresses count as public, whether the operator aimed a
// URL somewhere on purpose, and the validation of --resolve entries. Pure functions over
// addresses and option strings (no sockets, no libcurl), so each rule is unit-tested alone.
#pragma once

#include <sys/socket.h>

#include <string>
#include <vector>

namespace cxa {

// For an IP address in text form: "" when it is public, else its kind ("loopback", "private",
// "link-local", ...): the addresses HttpRequest::public_only refuses.
std::string NonPublicAddress(const std::string& ip);

// The same for a socket address (IPv4-mapped IPv6 addresses are judged as their IPv4 address).
std::string NonPublicKind(const sockaddr* address);

// The text form of a socket address's IP ("192.0.2.1", "2001:db8::1"), or "?".
std::string AddressText(const sockaddr* address);

// The operator aimed `url`'s host and port somewhere with --resolve or --connect-to: some entry
// of `resolve` or `connect_to` ("HOST:PORT:...") has the URL's host, or an empty or '*' host, and
// the URL's port or an empty one. A URL so aimed may lead to a private address on purpose.
bool AimedByOperator(const std::vector<std::string>& resolve,
                     const std::vector<std::string>& connect_to, const std::string& url);

// Validates one --resolve entry ("HOST:PORT:ADDRESS[,ADDRESS...]", IPv6 in brackets): an error
// message, or "" when it is well-formed.
std::string CheckResolveEntry(const std::string& entry);

}  // namespace cxa
