// Manual mode of the autodiscover module: settings the operator gives by hand (as in Outlook's
// own dialog) instead of asking Autodiscover. RPC over HTTP with rpc_proxy (and rpc_server,
// auth, cert_principal_name); MAPI over HTTP with mapi_server (and mailbox_id, legacy_dn). The
// result carries the same facts an Autodiscover answer would, so the later steps do not care
// where they came from.
#pragma once

#include <string>

#include "core/module.h"

namespace cxa::protocols::autodiscover {

struct ManualSettings {
  std::string email, user, protocol;  // protocol: "", auto, mapi or rpc
  std::string rpc_proxy, rpc_server, auth, cert_principal_name;
  std::string mapi_server, mailbox_id, legacy_dn;

  static ManualSettings From(const OptionMap& options);
  // Whether the options ask for manual mode at all.
  bool Given() const { return !rpc_proxy.empty() || UsesMapi(); }
  // MAPI over HTTP by hand: mapi_server given and protocol not rpc.
  bool UsesMapi() const { return !mapi_server.empty() && protocol != "rpc"; }
};

// The options of manual mode, checked before anything is sent: "" or what is wrong.
std::string CheckManualOptions(const OptionMap& options);

// The step's result for the settings given by hand (Given() must be true).
StepResult ManualResult(const ManualSettings& s);

}  // namespace cxa::protocols::autodiscover
