#include "protocols/registry.h"

#include "cert/cert_evaluator.h"
#include "core/runner.h"
#include "protocols/adfs/adfs_modules.h"
#include "protocols/autodiscover/autodiscover_module.h"
#include "protocols/hma/hma_module.h"
#include "protocols/mapi/mapi_modules.h"
#include "protocols/o365-realm/realm_module.h"
#include "protocols/owa/owa_modules.h"
#include "protocols/rpc-http/rpch_modules.h"
#include "protocols/smtp/smtp_modules.h"
#include "protocols/tls/tls_module.h"
#include "transport/http_transport.h"

namespace cxa::protocols {

ModuleTable AllModules() {
  static const ModuleDescriptor* const kModules[] = {
      &kTlsModule,
      &kO365RealmModule,
      &kAdfsMexModule,
      &kAdfsMetadataModule,
      &kAdfsSigninModule,
      &kOwaHttpModule,
      &kOwaFrontendModule,
      &kOwaLogonModule,
      &kOwaSigninModule,
      &kAutodiscoverModule,
      &kAutodiscoverV2Module,
      &kRpcAuthModule,
      &kRpcEchoModule,
      &kRpcEndpointModule,
      &kOaMutualAuthModule,
      &kSmtpMxModule,
      &kSmtpModule,
      &kMtaStsModule,
      &kTlsRptModule,
      &kMapiPingModule,
      &kMapiSessionModule,
      &kHmaModule,
  };
  return kModules;
}

const ModuleDescriptor* FindModule(std::string_view name) {
  for (const ModuleDescriptor* m : AllModules()) {
    if (m->name == name) return m;
  }
  return nullptr;
}

const Catalogue& FullCatalogue() {
  static const Catalogue catalogue = [] {
    Catalogue c;
    c.Add(cert::CertFindings());
    c.Add(TransportFindings());
    c.Add(RunnerFindings());
    for (const ModuleDescriptor* m : AllModules()) c.Add(m->findings);
    return c;
  }();
  return catalogue;
}

}  // namespace cxa::protocols
