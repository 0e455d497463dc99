// Data-driven: every fixtures/cert/*.expect is evaluated and its finding set compared. A new case
// needs no C++ edit (fixtures/FORMAT.md describes the format).
#include <catch2/catch.hpp>
#include <set>
#include <sstream>

#include "cert/cert_evaluator.h"
#include "core/references.h"
#include "core/time_util.h"
#include "protocols/registry.h"
#include "testing/expect_file.h"
#include "testing/fixtures.h"

using namespace cxa;
using namespace cxa::testing;

namespace {

// A PKI set: the committed one, or a regenerated twin with other keys and another anchor date.
struct PkiSet {
  std::string root;    // replaces "pki" in the .expect paths
  long shift_seconds;  // added to the .expect time (anchor of the set - committed anchor)
};

PkiSet MakeSet(const std::string& root) {
  auto anchor = ParseTime(ReadText(root + "/ANCHOR").substr(0, 10));
  auto committed = ParseTime(ReadText(FixturesDir() + "/pki/ANCHOR").substr(0, 10));
  REQUIRE(anchor.has_value());
  REQUIRE(committed.has_value());
  return {root, static_cast<long>(*anchor - *committed)};
}

std::string Path(const PkiSet& set, const std::string& rel) {
  REQUIRE(rel.rfind("pki/", 0) == 0);
  return set.root + rel.substr(3);
}

std::vector<cert::Der> Chain(const std::string& path) {
  auto ders = cert::SplitPem(ReadText(path));
  REQUIRE(ders.ok());
  return *ders;
}

std::shared_ptr<const cert::TrustStore> Store(const std::string& path) {
  auto s = cert::TrustStore::FromPemFile(path, path);
  REQUIRE(s.ok());
  return *s;
}

std::string Key(std::optional<int> index, Severity s, const std::string& id) {
  return (index ? std::to_string(*index) : std::string("-")) + " " + std::string(SeverityName(s)) +
         " " + id;
}

// The revocation evidence of a case (fixtures/FORMAT.md): a mode, a staple, and what fetches of
// OCSP responders and CRLs gave (files, or a failure).
cert::RevocationInput Revocation(const ExpectFile& ex, const PkiSet& set) {
  cert::RevocationInput r;
  if (!ex.Has("revocation")) return r;
  auto mode = cert::ParseRevocationMode(ex.Get("revocation"));
  REQUIRE(mode.has_value());
  r.mode = *mode;
  if (ex.Has("staple")) {
    r.staple_requested = true;
    if (ex.Get("staple") != "none") r.staple = ReadText(Path(set, ex.Get("staple")));
  }
  auto file = [&](cert::RevocationFetch::Kind kind, const std::string& rel) {
    cert::RevocationFetch f;
    f.kind = kind;
    f.url = rel;
    f.body = std::make_shared<const std::string>(ReadText(Path(set, rel)));
    r.fetched.push_back(std::move(f));
  };
  for (const auto& o : ex.All("ocsp")) file(cert::RevocationFetch::Kind::kOcsp, o);
  for (const auto& c : ex.All("crl")) file(cert::RevocationFetch::Kind::kCrl, c);
  for (const auto& u : ex.All("unreachable")) {  // "ocsp URL" or "crl URL": no answer came
    cert::RevocationFetch f;
    f.kind = u.rfind("crl ", 0) == 0 ? cert::RevocationFetch::Kind::kCrl
                                     : cert::RevocationFetch::Kind::kOcsp;
    f.url = u.substr(u.find(' ') + 1);
    f.error = "connection refused";
    r.fetched.push_back(std::move(f));
  }
  for (const auto& u : ex.All("crl-too-large")) {
    cert::RevocationFetch f;
    f.kind = cert::RevocationFetch::Kind::kCrl;
    f.url = u;
    f.too_large = true;
    f.error = "larger than 10 MiB";
    r.fetched.push_back(std::move(f));
  }
  return r;
}

void CheckExpectFile(const std::string& path, const PkiSet& set) {
  INFO(path << " against " << set.root);
  auto ex = ReadExpectFile(path);
  REQUIRE(ex.ok());

  cert::TrustPolicy policy;
  policy.public_roots = Store(Path(set, ex->Get("public-roots")));
  if (ex->Has("ca-file")) policy.custom_roots = Store(Path(set, ex->Get("ca-file")));
  auto mode = cert::ParseTrustMode(ex->Get("policy", "strict-public"));
  REQUIRE(mode.has_value());
  policy.mode = *mode;
  policy.expiry_warning_days = std::stoi(ex->Get("expiry-warning-days", "30"));

  cert::CertInput in;
  in.chain = Chain(Path(set, ex->Get("chain")));
  in.host = ex->Has("ip") ? ex->Get("ip") : ex->Get("host");
  auto t = ParseTime(ex->Get("time"));
  REQUIRE(t.has_value());
  in.time = *t + set.shift_seconds;
  for (const auto& u : ex->All("untrusted")) {
    for (auto& d : Chain(Path(set, u))) in.extra_intermediates.push_back(d);
  }

  in.revocation = Revocation(*ex, set);

  cert::CertReport report = cert::CertEvaluator().Evaluate(in, policy);
  std::multiset<std::string> got, want;
  for (const auto& f : report.findings) got.insert(Key(f.cert_index, f.severity, f.id));
  for (auto line : ex->All("finding")) {
    std::istringstream ss(line);
    std::string idx, sev, id;
    ss >> idx >> sev >> id;
    want.insert(idx + " " + sev + " " + id);
  }
  CHECK(got == want);
  CHECK(report.trusted == (ex->Get("trusted") == "yes"));

  // Deterministic: the same input gives the same report.
  cert::CertReport again = cert::CertEvaluator().Evaluate(in, policy);
  CHECK(again.findings.size() == report.findings.size());
  CHECK(again.summary.certificates.size() == report.summary.certificates.size());
}

std::vector<std::string> ExpectFiles() {
  auto files = FilesEndingWith(FixturesDir() + "/cert", ".expect");
  REQUIRE(files.size() >= 40);
  return files;
}

}  // namespace

TEST_CASE("every certificate fixture yields exactly its expected findings", "[fixture][cert]") {
  auto path = GENERATE_COPY(from_range(ExpectFiles()));
  CheckExpectFile(path, MakeSet(FixturesDir() + "/pki"));
}

TEST_CASE("the fixtures hold for equivalent chains with other keys and dates", "[fixture][cert]") {
  // lab-pki: ECDSA/RSA as in the recipes, dated around today; lab-pki-rsa: RSA everywhere the
  // recipe does not insist, anchored in 2029. Both made by ctest fixtures from the same recipes.
  auto set = GENERATE(as<std::string>{}, "lab-pki", "lab-pki-rsa");
  auto path = GENERATE_COPY(from_range(ExpectFiles()));
  CheckExpectFile(path, MakeSet(BinaryDir() + "/" + set));
}

TEST_CASE("the certificate catalogue and the fixtures agree", "[fixture][catalogue]") {
  const Catalogue& cat = protocols::FullCatalogue();
  std::set<std::string> expected_somewhere;
  for (const auto& path : FilesEndingWith(FixturesDir() + "/cert", ".expect")) {
    auto ex = ReadExpectFile(path);
    REQUIRE(ex.ok());
    for (auto line : ex->All("finding")) {
      std::istringstream ss(line);
      std::string idx, sev, id;
      ss >> idx >> sev >> id;
      INFO(path << ": " << id);
      CHECK(cat.Find(id) != nullptr);
      CHECK(ParseSeverity(sev).has_value());
      expected_somewhere.insert(id);
    }
  }
  for (const FindingInfo& info : cert::CertFindings()) {
    // cert.chain.invalid is the safety net for OpenSSL codes no check claims: no chain should
    // ever produce it, so no fixture can.
    if (info.id == "cert.chain.invalid") continue;
    INFO("no fixture expects " << info.id);
    CHECK(expected_somewhere.count(std::string(info.id)) == 1);
  }
}

TEST_CASE("every catalogue entry is complete", "[unit][catalogue]") {
  for (const FindingInfo* f : protocols::FullCatalogue().all()) {
    INFO(f->id);
    CHECK(!f->title.empty());
    CHECK(!f->explanation.empty());
    CHECK(!f->remediation.empty());
    CHECK(f->id.find(' ') == std::string_view::npos);
    CHECK(std::count(f->id.begin(), f->id.end(), '.') == 2);
    // cxa's own failures, and only they, are internal.* (they make a step an error, exit 3).
    CHECK((f->category == FindingCategory::kInternal) == (f->id.rfind("internal.", 0) == 0));
  }
}

TEST_CASE("every catalogue entry cites public documents an operator can open",
          "[unit][catalogue]") {
  for (const FindingInfo* f : protocols::FullCatalogue().all()) {
    INFO(f->id << ": " << f->reference);
    const auto citations = Citations(f->reference);
    // cxa's own failures follow no outside rule; every other finding names where its rule
    // comes from.
    if (f->category == FindingCategory::kServer) CHECK(!citations.empty());
    for (const auto& c : citations) {
      INFO(c.text);
      CHECK(c.url.rfind("https://", 0) == 0);
    }
    // Nothing that ships only in the repository (notes, design documents, the README).
    for (std::string_view internal : {".md", "DESIGN", "README", "protocols"}) {
      CHECK(f->reference.find(internal) == std::string_view::npos);
    }
  }
}
