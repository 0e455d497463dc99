// WS-Trust answers (token responses, SOAP faults).
#include "protocols/adfs/adfs_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  (void)cxa::protocols::ParseWsTrustAnswer({reinterpret_cast<const char*>(data), size});
  return 0;
}
