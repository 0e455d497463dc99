// What an Autodiscover settings answer tells the later steps of outlook-anywhere: the facts
// (proxy, mailbox server, authentication, mutual authentication name, URLs) and the findings
// about missing or unusable settings.
#pragma once

#include <string>

#include "core/step_result.h"
#include "protocols/autodiscover/autodiscover_codec.h"

namespace cxa::protocols::autodiscover {

// The normalized RPC proxy authentication for the later steps: basic or ntlm (Negotiate is
// tried as NTLM, as Outlook does outside the domain).
std::string RpcAuth(const std::string& auth_package);

// The settings of `answer` (from `url`, for `address`) as facts and findings of `result`. A
// server name that is not a host name (EXPR) or a mailbox server name (EXCH: a host name or
// GUID@domain) is reported and never passed on to later steps.
// `need_expr` false: the client asked for MAPI over HTTP and got it, so a missing EXPR is no
// finding (Exchange 2019 leaves it out then).
void ReportSettings(const PoxAnswer& answer, const std::string& url, const std::string& address,
                    StepResult& result, bool need_expr = true);

// How Outlook would connect with `answer` (`protocol`: auto as Outlook decides, mapi, rpc): the
// MAPI over HTTP endpoints as facts (mapi_*, legacy_dn), protocol_used (mapi, rpc or none) and
// protocol_reason, and the findings about the mapiHttp element. Returns whether MAPI over HTTP
// is what Outlook uses.
bool ReportProtocol(const PoxAnswer& answer, const std::string& protocol, StepResult& result);

}  // namespace cxa::protocols::autodiscover
