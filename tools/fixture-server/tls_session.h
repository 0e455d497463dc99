// The TLS listeners' sessions: the site is chosen by SNI, then requests are answered in this
// order: NTLM legs (sites with <ntlm>), Autodiscover and the RPC proxy's echo (lab account),
// routes, the realm directory, the site's default answer. An RPC over HTTP channel takes its
// connection over (rpc_channel.h).
#pragma once

#include "lab.h"

namespace fixture {

// Lets `listener`'s sites choose by SNI (the first site when no host name matches).
void ChooseSiteBySni(Listener& listener);

// Serves one accepted connection of `listener`.
void StartTlsSession(Lab& lab, tcp::socket socket, Listener& listener);

}  // namespace fixture
