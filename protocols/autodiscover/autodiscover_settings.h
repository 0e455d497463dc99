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
void ReportSettings(const PoxAnswer& answer, const std::string& url, const std::string& address,
                    StepResult& result);

}  // namespace cxa::protocols::autodiscover
