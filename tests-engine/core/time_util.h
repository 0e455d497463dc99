// RFC 3339 / ISO 8601 time helpers (UTC only).
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace cxa {

// Accepts "2030-06-01", "2030-06-01T12:00:00Z", "2030-06-01T12:00:00+02:00" and
// "2030-06-01 12:00:00" (taken as UTC). Returns nullopt for anything else.
std::optional<std::time_t> ParseTime(std::string_view text);
// "2030-06-01T12:00:00Z".
std::string FormatTime(std::time_t t);

}  // namespace cxa
