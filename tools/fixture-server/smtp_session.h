// SMTP sites (<smtp mode="..."/> in a config): a mail server on a plain listener that upgrades
// to the site's TLS chain on STARTTLS, for what a real MTA will not do on request. Modes:
//   ok                  greeting, EHLO offering STARTTLS, TLS, EHLO again, QUIT
//   no-starttls         EHLO without STARTTLS
//   refuse-starttls     STARTTLS offered, answered 454
//   throttle            a 421 greeting, then the connection closes
//   greet-pause         the greeting comes after greet-ms; a client that talks first gets 554
//   split-banner        a three-line greeting and the EHLO reply, each line in its own segment
//   starttls-sometimes  STARTTLS offered on every second connection only (a pool of nodes)
//   garbage             an HTTP answer instead of a greeting
//   endless             a greeting that never ends (multi-line, bounded at 16 MB)
//   stall-tls           220 to STARTTLS, then no TLS handshake ever
// Every command is written to the request log ("<site> SMTP <VERB> 0 credentials=none"), so a
// test can prove that no MAIL FROM or RCPT TO ever arrived.
#pragma once

#include "lab.h"

namespace fixture {

// The modes above, for validating configurations.
bool KnownSmtpMode(const std::string& mode);

void StartSmtpSession(Lab& lab, tcp::socket socket, Site& site);

}  // namespace fixture
