// Plain HTTP sites (plain="true"): recorded or configured routes, else the certificates behind
// AIA caIssuers URLs, /NAME.cer -> the DER of <files>/NAME.pem. One request per connection.
#pragma once

#include "lab.h"

namespace fixture {

void StartPlainSession(Lab& lab, tcp::socket socket, Site& site);

}  // namespace fixture
