#include "core/time_util.h"

#include <cstdio>

namespace cxa {

std::optional<std::time_t> ParseTime(std::string_view text) {
  std::string s(text);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) != 3 || consumed != 10) {
    return std::nullopt;
  }
  std::string_view rest = text.substr(10);
  long offset = 0;
  if (!rest.empty()) {
    if (rest[0] != 'T' && rest[0] != 't' && rest[0] != ' ') return std::nullopt;
    std::string r(rest.substr(1));
    int n = 0;
    if (std::sscanf(r.c_str(), "%2d:%2d:%2d%n", &h, &mi, &sec, &n) != 3 || n != 8) {
      return std::nullopt;
    }
    std::string_view tz = std::string_view(r).substr(8);
    if (!tz.empty() && tz[0] == '.') {  // fractional seconds: ignored
      size_t i = 1;
      while (i < tz.size() && tz[i] >= '0' && tz[i] <= '9') ++i;
      if (i == 1) return std::nullopt;
      tz = tz.substr(i);
    }
    if (tz == "Z" || tz == "z" || tz.empty()) {
      offset = 0;
    } else if ((tz[0] == '+' || tz[0] == '-') && tz.size() == 6 && tz[3] == ':') {
      int oh = 0, om = 0;
      std::string t(tz.substr(1));
      if (std::sscanf(t.c_str(), "%2d:%2d", &oh, &om) != 2) return std::nullopt;
      offset = (oh * 3600L + om * 60L) * (tz[0] == '+' ? 1 : -1);
    } else {
      return std::nullopt;
    }
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || y < 1950 ||
      y > 9999) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  std::time_t t = timegm(&tm);
  return t - offset;
}

std::string FormatTime(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace cxa
