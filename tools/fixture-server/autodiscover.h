// The lab's Autodiscover (POX, protocols.md §2.2) for the mailboxes of <autodiscover>.
#pragma once

#include "lab.h"

namespace fixture {

// A POST to /autodiscover/autodiscover.xml on a site that knows mailboxes.
bool IsAutodiscover(const Site& site, const Request& req);

// The settings, redirect or error for the address in the request body (the caller has checked
// the lab account's credentials).
void AnswerAutodiscover(const Site& site, const Request& req, Response& res);

}  // namespace fixture
