// Realm discovery answers (getuserrealm.srf), both forms.
#include "protocols/o365-realm/realm_codec.h"
#include "transport/url.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)cxa::protocols::ParseRealmXml(body);
  (void)cxa::protocols::ParseRealmJson(body);
  (void)cxa::UrlHost(body);
  return 0;
}
