// The lab's Autodiscover (POX, protocols.md §2.2) for the mailboxes of <autodiscover>.
#pragma once

#include "lab.h"

namespace fixture {

// A POST to /autodiscover/autodiscover.xml on a site that knows mailboxes.
bool IsAutodiscover(const Site& site, const Request& req);

// The settings, redirect or error for the address in the request body (the caller has checked
// the lab account's credentials).
void AnswerAutodiscover(const Site& site, const Request& req, Response& res);

// Autodiscover v2 (anonymous GET /autodiscover/autodiscover.json/v1.0/EMAIL?Protocol=P) on a
// site with mailboxes: {"Protocol","Url"} for ActiveSync, Ews and AutodiscoverV1 on the
// mailbox's MAPI (else RPC proxy) host, ProtocolNotSupported for anything else.
bool IsAutodiscoverV2(const Site& site, const Request& req);
void AnswerAutodiscoverV2(const Site& site, const Request& req, Response& res);

}  // namespace fixture
