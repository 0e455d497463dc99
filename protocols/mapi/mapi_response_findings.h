// One finding per non-zero X-ResponseCode (MS-OXCMAPIHTTP §2.2.3.3.3): what the code means and
// what usually causes it in front of or inside Exchange. IDs are mapi.response.<slug>
// (mapi_codec.h: ResponseCodeSlug).
#pragma once

#include <span>

#include "core/finding.h"

namespace cxa::protocols::mapi {

inline constexpr const char* kResponseCodeReference = "MS-OXCMAPIHTTP §2.2.3.3.3";

// Index: the code (0 and the reserved 14 have none: their entries are for unnamed codes).
inline constexpr FindingInfo kResponseCodeFindings[] = {
    {"mapi.response.unnamed", Severity::kError, "MAPI over HTTP failure with an unnamed code",
     "The server answered with an X-ResponseCode the specification does not name (or a "
     "reserved one).",
     "Read the code and the HTML body in the finding; check the server's event log.",
     kResponseCodeReference},
    {"mapi.response.unknown_failure", Severity::kError, "MAPI over HTTP: unknown failure (1)",
     "The server failed the request without saying why.",
     "Check the Exchange server's application event log and the MAPI over HTTP logs "
     "(Logging\\MapiHttp) for the request ID in the finding.",
     kResponseCodeReference},
    {"mapi.response.invalid_verb", Severity::kError, "MAPI over HTTP: invalid verb (2)",
     "The server says the request was not a POST: something in front of it changed the method.",
     "Check reverse proxies and filters in front of /mapi.", kResponseCodeReference},
    {"mapi.response.invalid_path", Severity::kError, "MAPI over HTTP: invalid path (3)",
     "The server does not accept the request's path: a MailboxId or virtual directory that does "
     "not exist there, or a proxy that rewrote the URL.",
     "Compare the URL Autodiscover returned with what reaches the server; fix path rewriting in "
     "front of it.",
     kResponseCodeReference},
    {"mapi.response.invalid_header", Severity::kError, "MAPI over HTTP: invalid header (4)",
     "The server refused a request header: a device in front rewrote or mangled it.",
     "Let the X-* headers of MAPI over HTTP through unchanged.", kResponseCodeReference},
    {"mapi.response.invalid_request_type", Severity::kError,
     "MAPI over HTTP: invalid request type (5)",
     "The server refused the X-RequestType: a device in front changed it, or the endpoint is not "
     "the one the request was meant for (mailbox versus address book).",
     "Check that /mapi/emsmdb and /mapi/nspi reach the matching endpoints.",
     kResponseCodeReference},
    {"mapi.response.invalid_context_cookie", Severity::kError,
     "MAPI over HTTP: invalid session cookie (6)",
     "The session cookie that came back is not one the server issued: a load balancer or proxy "
     "rewrote it.",
     "Pass the MAPI cookies through unchanged, and keep a session on one server (or use "
     "Exchange's own affinity-free design without cookie rewriting).",
     kResponseCodeReference},
    {"mapi.response.missing_header", Severity::kError, "MAPI over HTTP: missing header (7)",
     "The server misses a required header: a proxy in front strips X-* headers.",
     "Let X-RequestType, X-RequestId and X-ClientInfo through.", kResponseCodeReference},
    {"mapi.response.anonymous_not_allowed", Severity::kError,
     "MAPI over HTTP: anonymous request (8)",
     "The request reached the server without authentication: a device in front authenticated it "
     "and did not pass the identity on.",
     "Publish /mapi with pass-through authentication, or with Kerberos constrained delegation "
     "on the reverse proxy.",
     kResponseCodeReference},
    {"mapi.response.too_large", Severity::kError, "MAPI over HTTP: request too large (9)",
     "The server refused the request's size.", "Check request size limits in front of /mapi.",
     kResponseCodeReference},
    {"mapi.response.context_not_found", Severity::kError, "MAPI over HTTP: session not found (10)",
     "The server does not know the session the cookies name: it expired, it lives on another "
     "server (a load balancer that moves requests), the mailbox moved, or the request was "
     "authenticated as someone else.",
     "Keep the MAPI cookies intact through load balancers; check for mailbox moves and "
     "authentication that changes identity between requests.",
     kResponseCodeReference},
    {"mapi.response.no_privilege", Severity::kError, "MAPI over HTTP: no privilege (11)",
     "The authenticated user may not use this session.",
     "Check that the same account authenticates every request of a session.",
     kResponseCodeReference},
    {"mapi.response.invalid_request_body", Severity::kError,
     "MAPI over HTTP: invalid request body (12)",
     "The server could not read the request body: a device in front changed or cut it.",
     "Let application/mapi-http bodies through unchanged.", kResponseCodeReference},
    {"mapi.response.missing_cookie", Severity::kError, "MAPI over HTTP: missing cookie (13)",
     "A request of the session came without the session cookies: a load balancer or proxy "
     "dropped them.",
     "Pass Set-Cookie and Cookie headers of /mapi through unchanged.", kResponseCodeReference},
    {"mapi.response.reserved", Severity::kError, "MAPI over HTTP: reserved code (14)",
     "The server answered with code 14, which the specification reserves.",
     "Check the server's event log.", kResponseCodeReference},
    {"mapi.response.invalid_sequence", Severity::kError,
     "MAPI over HTTP: requests out of sequence (15)",
     "The server saw two requests of one session at once: a proxy retried or duplicated one.",
     "Disable request retries on devices in front of /mapi.", kResponseCodeReference},
    {"mapi.response.endpoint_disabled", Severity::kError, "MAPI over HTTP: endpoint disabled (16)",
     "MAPI over HTTP is disabled on this server (or for the mailbox), yet Autodiscover sent the "
     "client here.",
     "Enable MAPI over HTTP (Set-OrganizationConfig -MapiHttpEnabled $true; Get-CasMailbox "
     "MapiHttpEnabled) or stop advertising it.",
     kResponseCodeReference},
    {"mapi.response.invalid_response", Severity::kError, "MAPI over HTTP: invalid response (17)",
     "The server reports an invalid response.", "Check the server's event log.",
     kResponseCodeReference},
    {"mapi.response.endpoint_shutting_down", Severity::kError,
     "MAPI over HTTP: endpoint shutting down (18)",
     "The server is draining: it takes no new sessions.",
     "Wait for maintenance to end, or take the server out of the load balancer's pool first.",
     kResponseCodeReference},
};

// The finding of X-ResponseCode `code` (1 to 18), or the unnamed one.
inline const FindingInfo& ResponseCodeFinding(int code) {
  if (code < 1 || code >= static_cast<int>(std::size(kResponseCodeFindings))) {
    return kResponseCodeFindings[0];
  }
  return kResponseCodeFindings[code];
}

}  // namespace cxa::protocols::mapi
