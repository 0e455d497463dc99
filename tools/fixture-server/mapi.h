// MAPI over HTTP as Exchange serves it (MS-OXCMAPIHTTP) on a site with <mapi auth="..."
// mode="..."/>: POST /mapi/emsmdb/ (Connect, PING, Disconnect, Execute refused) and /mapi/nspi/
// (Bind, Unbind, PING) with the lab account (and /Microsoft-Server-ActiveSync's challenges for
// the empty-Bearer probe of hybrid modern authentication), the inner PROCESSING/PENDING/DONE
// framing, session cookies, and the echoed request headers. Modes, each one thing real deployments
// get wrong:
//   ok            as specified; a request of the session without its cookies gets 13
//   anonymous     answers an anonymous request as if it were signed in
//   no-challenge  401 without any WWW-Authenticate header (a device in front)
//   not-found     404 on /mapi (not published)
//   bearer        the 401 adds a Bearer challenge with authorization_uri (hybrid modern auth)
//   bearer-bare   the 401 adds Bearer without parameters
//   reject        401 to every credential
//   drop-cookies  requests inside a session get 10 (context not found: another server)
//   no-cookies    Connect sets no cookie
//   disabled      Connect gets X-ResponseCode 16 (endpoint disabled)
//   unknown-user  Connect fails with ecUnknownUser
//   no-echo       X-RequestId and X-ClientInfo are not echoed
//   code-N        Connect gets X-ResponseCode N (1 to 18), each code as Exchange names it
//   slow          Connect takes 1.6 s and says so: PENDING every 400 ms (X-PendingPeriod 400)
//   buffered      as slow, but the body is held back and comes at once at the end (a device
//                 in front that buffers the stream)
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lab.h"

namespace fixture {

bool KnownMapiMode(const std::string& mode);

// A request for the MAPI over HTTP endpoints of a site with <mapi>.
bool IsMapi(const Site& site, const Request& req);

// A response body written over time, chunked: `pieces`, one every `interval_ms`; with `hold`,
// nothing of the body until the last interval has passed, then all of it.
struct Paced {
  std::vector<std::string> pieces;
  int interval_ms = 0;
  bool hold = false;
};

// The answer to a MAPI request; `signed_in`: the lab account authenticated it. A paced answer
// (modes slow and buffered) has its head in `res` and its body in the result.
std::optional<Paced> AnswerMapi(const Site& site, const Request& req, bool signed_in,
                                Response& res);

}  // namespace fixture
