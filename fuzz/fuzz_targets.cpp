// Target lists for batch runs (plain and CSV).
#include <sstream>

#include "core/targets.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  cxa::TargetReader reader(in, cxa::TargetColumns{"user", "", {"port", "rpc_proxy"}});
  for (int i = 0; i < 100000; ++i) {
    std::optional<cxa::BadTargetLine> bad;
    auto next = reader.Next(bad);
    if (!next || (!bad && !*next)) break;
  }
  return 0;
}
