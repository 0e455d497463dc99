#include "transport/nonce.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <string>

namespace cxa {

std::array<std::uint8_t, 32> Sha256(std::string_view data) {
  std::array<std::uint8_t, 32> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
  return digest;
}

void FillNonce(std::span<std::uint8_t> out, std::string_view seed, std::string_view label) {
  if (seed.empty()) {
    RAND_bytes(out.data(), static_cast<int>(out.size()));
    return;
  }
  std::string input = std::string(seed) + "|" + std::string(label);
  for (size_t done = 0, round = 0; done < out.size(); ++round) {
    // The first 32 bytes are SHA-256(seed|label) exactly (recorded transcripts depend on it).
    auto digest = Sha256(round == 0 ? input : input + "|" + std::to_string(round));
    size_t n = std::min(out.size() - done, digest.size());
    std::copy_n(digest.begin(), n, out.begin() + static_cast<long>(done));
    done += n;
  }
}

}  // namespace cxa
