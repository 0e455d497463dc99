#include "cert/trust_policy.h"

#include <catch2/catch.hpp>

#include "testing/fixtures.h"

using namespace cxa;
using namespace cxa::cert;

namespace {

std::string Pem(const std::string& name) {
  return testing::ReadText(testing::FixturesDir() + "/pki/ca/" + name + ".pem");
}

X509Ptr Cert(const std::string& name) {
  auto ders = SplitPem(Pem(name));
  REQUIRE(ders.ok());
  return ParseDer(ders->front());
}

}  // namespace

TEST_CASE("a trust store finds its anchors by subject, decoding only those asked for",
          "[unit][cert]") {
  auto store = TrustStore::FromPemText(Pem("public-root") + Pem("private-root"), "two roots");
  REQUIRE(store.ok());
  CHECK((*store)->size() == 2);
  X509Ptr public_root = Cert("public-root");
  X509Ptr private_root = Cert("private-root");
  X509Ptr inter = Cert("public-inter");
  auto found = (*store)->WithSubject(X509_get_subject_name(public_root.get()));
  REQUIRE(found.size() == 1);
  CHECK(X509_cmp(found[0], public_root.get()) == 0);
  // The intermediate's issuer is the public root: the evaluator's search asks by that name.
  CHECK((*store)->WithSubject(X509_get_issuer_name(inter.get())).size() == 1);
  CHECK((*store)->Contains(public_root.get()));
  CHECK((*store)->Contains(private_root.get()));
  CHECK_FALSE((*store)->Contains(inter.get()));
  CHECK((*store)->WithSubject(X509_get_subject_name(inter.get())).empty());

  // OpenSSL finds the anchor through the store's lookup.
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  REQUIRE(X509_STORE_CTX_init(ctx.get(), (*store)->store(), inter.get(), nullptr) == 1);
  X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx.get()), X509_V_FLAG_PARTIAL_CHAIN);
  X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx.get()), 1924992000);  // 2031
  CHECK(X509_verify_cert(ctx.get()) == 1);

  std::vector<X509Ptr> extra;
  extra.push_back(Cert("public-inter"));
  auto merged = TrustStore::Merge(**store, *TrustStore::FromCerts(std::move(extra), "x"));
  CHECK(merged->size() == 3);
  CHECK(merged->All().size() == 3);
  CHECK(merged->Contains(inter.get()));
}

TEST_CASE("a bundle with a block that is no certificate is refused when loaded", "[unit][cert]") {
  std::string junk =
      "-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n";  // SEQ { INT 0 }
  auto bad = TrustStore::FromPemText(Pem("public-root") + junk, "bundle");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error(), Catch::Contains("certificate 2 is malformed"));
}
