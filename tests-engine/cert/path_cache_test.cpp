#include "cert/path_cache.h"

#include <catch2/catch.hpp>

#include "cert/cert_evaluator.h"
#include "core/time_util.h"
#include "testing/fixtures.h"
#include "testing/lab_chain.h"

using namespace cxa;
using namespace cxa::cert;

namespace {

std::shared_ptr<const TrustStore> LabRoots() {
  auto s = TrustStore::FromPemFile(testing::FixturesDir() + "/pki/ca/public-roots.pem", "lab");
  REQUIRE(s.ok());
  return *s;
}

CertInput Input(const std::string& pki_case, const std::string& host) {
  return testing::LabChainInput(pki_case, host);
}

std::vector<std::string> Ids(const CertReport& r) {
  std::vector<std::string> v;
  for (const auto& f : r.findings) v.push_back(f.id);
  return v;
}

}  // namespace

TEST_CASE("one evaluator judges a remembered chain under each name as if it were new",
          "[unit][cert]") {
  TrustPolicy policy;
  policy.public_roots = LabRoots();
  CertEvaluator shared;
  for (const char* host :
       {"a.contoso.test", "nowhere.example", "b.contoso.test", "10.0.0.1", "a.contoso.test"}) {
    INFO(host);
    CertReport again = shared.Evaluate(Input("wildcard", host), policy);
    CertReport fresh = CertEvaluator().Evaluate(Input("wildcard", host), policy);
    CHECK(again.trusted == fresh.trusted);
    CHECK(Ids(again) == Ids(fresh));
    REQUIRE(again.summary.certificates.size() == fresh.summary.certificates.size());
    for (size_t i = 0; i < again.summary.certificates.size(); ++i) {
      CHECK(again.summary.certificates[i].sha256 == fresh.summary.certificates[i].sha256);
      CHECK(again.summary.certificates[i].source == fresh.summary.certificates[i].source);
    }
  }
  CHECK(shared.Evaluate(Input("wildcard", "a.contoso.test"), policy).trusted);
  CHECK_FALSE(shared.Evaluate(Input("wildcard", "nowhere.example"), policy).trusted);
}

TEST_CASE("the path cache keys on chain, anchors and time, and forgets the least used",
          "[unit][cert]") {
  auto roots = LabRoots();
  auto other = LabRoots();  // the same certificates, another store: another key
  PathCache cache(2);
  CertInput a = Input("good", "x"), b = Input("wildcard", "x"), c = Input("expired", "x");
  auto key = [](const CertInput& in, const TrustStore& s) { return PathCache::Key(in, 0, s); };
  CHECK(key(a, *roots) != key(a, *other));
  CertInput later = a;
  later.time += 1;
  CHECK(key(a, *roots) != key(later, *roots));
  CertInput renamed = a;
  renamed.host = "another.name";
  CHECK(key(a, *roots) == key(renamed, *roots));  // the name is not part of it

  auto entry = [] {
    PathCache::Entry e;
    e.errors.push_back({X509_V_ERR_CERT_HAS_EXPIRED, 0});
    return e;
  };
  cache.Put(key(a, *roots), roots, entry());
  cache.Put(key(b, *roots), roots, entry());
  CHECK(cache.Find(key(a, *roots), roots));        // a is now the most recently used
  CHECK_FALSE(cache.Find(key(a, *roots), other));  // another store: not a hit
  cache.Put(key(c, *roots), roots, entry());       // b goes
  CHECK_FALSE(cache.Find(key(b, *roots), roots));
  auto hit = cache.Find(key(c, *roots), roots);
  REQUIRE(hit);
  CHECK(hit->errors.size() == 1);
  CHECK(cache.hits() == 2);
}
