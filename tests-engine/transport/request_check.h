// What every request must pass before the transport sends it, whichever module built it.
#pragma once

#include <string>

#include "transport/http_transport.h"

namespace cxa {

// Why the request cannot be sent as it is ("" when it can): a control character (CR, LF, ...)
// or a space in the URL, a control character in the method, a header or the NTLM user, or a
// header name that is not one token would let whoever supplied that value (a server, through a
// redirect or a setting) write lines of its own into cxa's request (http.request.unsafe).
std::string UnsafeRequestPart(const HttpRequest& r);

}  // namespace cxa
