#include "core/finding.h"

#include <algorithm>
#include <stdexcept>

#include "core/enum_names.h"

namespace cxa {

namespace {
constexpr EnumNames<Severity, 3> kSeverities{{"info", "warning", "error"}};
}  // namespace

std::string_view SeverityName(Severity s) { return kSeverities.Name(s); }

std::optional<Severity> ParseSeverity(std::string_view s) { return kSeverities.Parse(s); }

Finding MakeFinding(const FindingInfo& info, std::string message, std::string detail,
                    std::optional<int> cert_index) {
  Finding f;
  f.id = std::string(info.id);
  f.severity = info.severity;
  f.message = std::move(message);
  f.detail = std::move(detail);
  f.remediation = std::string(info.remediation);
  f.cert_index = cert_index;
  f.category = info.category;
  return f;
}

void Catalogue::Add(std::span<const FindingInfo> infos) {
  for (const auto& info : infos) {
    if (Find(info.id) != nullptr) {
      throw std::logic_error("duplicate finding id in catalogue: " + std::string(info.id));
    }
    all_.push_back(&info);
  }
  std::sort(all_.begin(), all_.end(),
            [](const FindingInfo* a, const FindingInfo* b) { return a->id < b->id; });
}

const FindingInfo* Catalogue::Find(std::string_view id) const {
  auto it = std::lower_bound(all_.begin(), all_.end(), id,
                             [](const FindingInfo* a, std::string_view v) { return a->id < v; });
  if (it != all_.end() && (*it)->id == id) return *it;
  return nullptr;
}

}  // namespace cxa
