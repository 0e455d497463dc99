// SMTP as a client sees it (RFC 5321): replies read from a stream with bounds, EHLO keywords,
// MX records in preference order, and what an MX host name says about the domain. No I/O of
// its own beyond the StreamReader it is given; no judgement (the modules emit the findings).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "transport/dns.h"
#include "transport/stream_reader.h"

namespace cxa::protocols::smtp {

// One reply: its three-digit code and the text of each line (without "250-" / "250 ").
struct Reply {
  int code = 0;
  std::vector<std::string> lines;
  std::string First() const { return lines.empty() ? "" : lines.front(); }
  // "421 mx.contoso.com busy", the first line as the server wrote it (for findings).
  std::string Summary() const;
};

// Bounds on a reply: RFC 5321 §4.5.3.1.5 allows 512 bytes per reply line; a server that sends
// more lines than a client could need is refused rather than read forever.
struct ReplyLimits {
  size_t max_line = 1000;
  size_t max_lines = 100;
  int timeout_ms = 30000;  // for each line
};

// Why reading a reply failed, so that the module can name it.
// kTooLong: a line past its bound, or more lines than a reply may have; kBroken: the stream
// failed (a reset, a TLS error).
enum class ReplyError { kNone, kTimeout, kClosed, kMalformed, kTooLong, kBroken };

struct ReadOutcome {
  ReplyError error = ReplyError::kNone;
  std::string detail;  // what went wrong, with a printable excerpt of what arrived
  Reply reply;
};

// Reads one complete reply (all its continuation lines) from `in`. Lines end with CRLF (a bare
// LF is tolerated); each line is "DDD-text" (more follow) or "DDD text" / "DDD" (the last);
// every line of a reply must carry the same code. Bytes after the reply stay buffered (a
// server that pipelines its banner and the next reply in one segment loses nothing).
ReadOutcome ReadReply(StreamReader& in, const ReplyLimits& limits);

// The EHLO keywords of a 250 reply (its lines after the first), upper case, without their
// parameters: "STARTTLS", "SIZE", "PIPELINING".
std::vector<std::string> EhloKeywords(const Reply& ehlo);
bool Offers(const std::vector<std::string>& keywords, std::string_view keyword);

// A domain or host option as the mail modules take it: lower case, without a trailing dot; an
// error for a value that cannot be a DNS name (spaces, slashes, colons, @). Empty stays empty.
Result<std::string> DomainOption(std::string_view value);

// An MX record "10 mx1.contoso.com" (presentation form, transport/dns.h).
struct MxRecord {
  int preference = 0;
  std::string host;  // lower case, without the trailing dot; "" for the null MX "0 ."
};
// The MX records of `answer` sorted by preference (stable: equal preferences keep the
// resolver's order); an error for a record that is not "PREFERENCE HOST".
Result<std::vector<MxRecord>> MxRecordsOf(const DnsAnswer& answer);

// What an MX host name is.
enum class MxKind {
  kPublic,         // a DNS name in a public suffix (what senders on the Internet can reach)
  kIpLiteral,      // an address where a name belongs (RFC 5321 §5.1 forbids it)
  kInternal,       // a single label or a private-use suffix (.local, .lan, .internal, .corp,
                   // .home.arpa, .localdomain): unreachable from outside
  kExchangeOnline  // Microsoft's inbound hosts (*.mail.protection.outlook.com, *.mx.microsoft)
};
MxKind ClassifyMxHost(std::string_view host);

}  // namespace cxa::protocols::smtp
