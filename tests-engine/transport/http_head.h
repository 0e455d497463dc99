// The lines of an HTTP/1.x response head, parsed once for every reader of them: libcurl's
// header callback (transport/curl_transport) and the raw RPC over HTTP channels (protocols'
// framing over a Stream).
#pragma once

#include <optional>
#include <string_view>

#include "transport/http_transport.h"

namespace cxa {

// "HTTP/1.1 200 OK" -> version "1.1", status 200, reason "OK" (the reason may be empty, as in
// "HTTP/1.0 503 "). nullopt for anything else: another version, not exactly three digits, a
// missing or doubled space.
std::optional<HttpResponse> ParseStatusLine(std::string_view line);

// "Name: value" -> the name and the value without surrounding blanks (the line's CRLF may be
// there or not). nullopt for a line without a colon or with an empty name.
std::optional<std::pair<std::string, std::string>> ParseHeaderLine(std::string_view line);

}  // namespace cxa
