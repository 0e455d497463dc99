// Scenario files (cxa run path/to/file.xml).
#include "core/scenario.h"
#include "protocols/registry.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  (void)cxa::LoadScenarioText({reinterpret_cast<const char*>(data), size}, "fuzz.xml",
                              cxa::protocols::AllModules());
  return 0;
}
