// The lab's realm discovery endpoint (Office 365's getuserrealm.srf, protocols.md §2.1).
#pragma once

#include "lab.h"

namespace fixture {

// GET /getuserrealm.srf?login=UPN[&xml=1] answered from the site's <realm> directory, as JSON
// or XML; unknown domains are Unknown. Returns false when the request is not a realm query or
// the site has no directory.
bool AnswerRealm(const Site& site, const Request& req, Response& res);

}  // namespace fixture
