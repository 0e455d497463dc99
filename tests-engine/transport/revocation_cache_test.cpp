#include "transport/revocation_cache.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

using namespace cxa;

TEST_CASE("the revocation cache keeps answers by certificate and CRLs by URL",
          "[unit][revocation]") {
  RevocationCache cache;
  CHECK_FALSE(cache.Has("aa"));
  cert::RevocationFetch ocsp;
  ocsp.url = "http://ocsp.test/";
  ocsp.body = std::make_shared<const std::string>("x");
  cache.Put("aa", {ocsp});
  CHECK(cache.Has("aa"));
  CHECK(cache.For("aa").size() == 1);
  CHECK(cache.For("bb").empty());
  cert::RevocationFetch crl;
  crl.kind = cert::RevocationFetch::Kind::kCrl;
  crl.url = "http://crl.test/ca.crl";
  cache.PutCrl(crl);
  cache.PutCrl(crl);  // stored once
  REQUIRE(cache.Crl(crl.url).has_value());
  CHECK_FALSE(cache.Crl("http://other/").has_value());
  CHECK(cache.fetches() == 2);
}

TEST_CASE("one holder per key at a time, across threads", "[unit][revocation]") {
  RevocationCache cache;
  std::atomic<int> inside{0}, most{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto hold = cache.Hold("cert x");
      int now = ++inside;
      most = std::max(most.load(), now);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      --inside;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(most == 1);
  auto a = cache.Hold("cert a");
  auto b = cache.Hold("cert b");  // other keys do not wait
  CHECK(a != nullptr);
  CHECK(b != nullptr);
}
