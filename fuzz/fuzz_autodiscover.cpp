// Autodiscover (POX) answers and the e-mail addresses and URLs around them.
#include <string>

#include "protocols/autodiscover/autodiscover_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto answer = cxa::protocols::ParsePoxAnswer(in)) {
    (void)cxa::protocols::OutlookAnywhereFrom(*answer);
    (void)cxa::protocols::PoxErrorMeaning(answer->error_code);
    (void)cxa::protocols::IsAutodiscoverHttpsUrl(answer->redirect);
  }
  (void)cxa::protocols::EmailDomain(in);
  (void)cxa::protocols::BuildPoxRequest(in);
  return 0;
}
