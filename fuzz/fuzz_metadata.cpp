// Federation metadata documents (with embedded base64 certificates).
#include "protocols/adfs/adfs_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  (void)cxa::protocols::ParseFederationMetadata({reinterpret_cast<const char*>(data), size});
  return 0;
}
