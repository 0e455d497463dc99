#include "transport/nonce.h"

#include <catch2/catch.hpp>

using namespace cxa;

TEST_CASE("nonces: random live, derived from the seed when recording or replaying",
          "[unit][nonce]") {
  std::array<std::uint8_t, 16> a{}, b{};
  FillNonce(a, "", "label");
  FillNonce(b, "", "label");
  CHECK(a != b);  // live: random (equal by chance once in 2^128)
  FillNonce(a, "2031-01-01T00:00:00Z", "https://x/|in");
  FillNonce(b, "2031-01-01T00:00:00Z", "https://x/|in");
  CHECK(a == b);
  auto digest = Sha256("2031-01-01T00:00:00Z|https://x/|in");
  CHECK(std::equal(a.begin(), a.end(), digest.begin()));  // what recorded transcripts hold
  std::array<std::uint8_t, 40> longer{};
  FillNonce(longer, "seed", "label");
  CHECK(std::equal(longer.begin(), longer.begin() + 32, Sha256("seed|label").begin()));
  // SHA-256("abc"), FIPS 180-2 appendix B.1
  CHECK(Sha256("abc")[0] == 0xba);
  CHECK(Sha256("abc")[31] == 0xad);
}
