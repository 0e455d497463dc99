// One table of names per enum: the name of a value and the value of a name come from the same
// list, so they cannot disagree. The enum must count from 0 in the table's order.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace cxa {

template <typename E, std::size_t N>
struct EnumNames {
  std::array<std::string_view, N> names;

  // The name of `v`; the first name for a value outside the table (none is, for a valid enum).
  constexpr std::string_view Name(E v) const {
    auto i = static_cast<std::size_t>(v);
    return i < N ? names[i] : names[0];
  }
  // The value named `name`, or nullopt.
  constexpr std::optional<E> Parse(std::string_view name) const {
    for (std::size_t i = 0; i < N; ++i) {
      if (names[i] == name) return static_cast<E>(i);
    }
    return std::nullopt;
  }
};

}  // namespace cxa
