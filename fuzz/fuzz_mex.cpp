// AD FS WS-MetadataExchange documents.
#include "protocols/adfs/adfs_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  auto mex = cxa::protocols::ParseMex({reinterpret_cast<const char*>(data), size});
  if (mex) (void)mex->Usernamemixed();
  return 0;
}
