#include "core/finding.h"

#include <algorithm>
#include <stdexcept>

namespace cxa {

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kError:
      return "error";
  }
  return "error";
}

std::optional<Severity> ParseSeverity(std::string_view s) {
  if (s == "info") return Severity::kInfo;
  if (s == "warning") return Severity::kWarning;
  if (s == "error") return Severity::kError;
  return std::nullopt;
}

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
