#include "protocols/autodiscover/autodiscover_findings.h"

namespace cxa::protocols::autodiscover {

const FindingInfo& ErrorFinding(const std::string& code) {
  static const char* const kCodes[] = {"500", "501", "502", "600", "601", "602", "603"};
  for (size_t i = 0; i < 7; ++i) {
    if (code == kCodes[i]) return kErrors[i];
  }
  return kErrors[7];
}

}  // namespace cxa::protocols::autodiscover
