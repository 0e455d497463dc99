// Values a step would otherwise pick at random or hash itself, kept out of protocols/ (OpenSSL
// lives in cert/ and transport/ only).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace cxa {

// Fills `out` with random bytes in a live run (`seed` empty); when recording or replaying,
// derives them from `seed` (StepContext::seed, the recording time) and `label`, so that a replay
// sends the recorded bytes.
void FillNonce(std::span<std::uint8_t> out, std::string_view seed, std::string_view label);

// The SHA-256 digest of `data`.
std::array<std::uint8_t, 32> Sha256(std::string_view data);

}  // namespace cxa
