// Autodiscover answers, POX and v2 (JSON), and the e-mail addresses and URLs around them.
#include <string>

#include "protocols/autodiscover/autodiscover_codec.h"
#include "protocols/autodiscover/autodv2_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto answer = cxa::protocols::ParsePoxAnswer(in)) {
    (void)cxa::protocols::OutlookAnywhereFrom(*answer);
    (void)cxa::protocols::MapiHttpFrom(*answer);
    (void)cxa::protocols::PoxErrorMeaning(answer->error_code);
    (void)cxa::protocols::IsAutodiscoverHttpsUrl(answer->redirect);
  }
  if (auto v2 = cxa::protocols::ParseAutodiscoverV2(in)) {
    (void)cxa::protocols::IsAutodiscoverV2Url(v2->url);
    (void)cxa::protocols::ExpectedV2Path(v2->protocol);
  }
  (void)cxa::protocols::EmailDomain(in);
  (void)cxa::protocols::BuildPoxRequest(in);
  return 0;
}
