// Transcript files (--replay).
#include "transport/transcript.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  (void)cxa::ParseTranscript({reinterpret_cast<const char*>(data), size}, "fuzz.xml");
  return 0;
}
