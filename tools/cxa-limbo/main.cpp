// cxa-limbo: runs the certificate evaluator over the x509-limbo conformance vectors
// (C2SP/x509-limbo, Apache-2.0) in one process and prints agree / wrongly accepted / wrongly
// rejected per namespace. SERVER cases only; each case's validation time, anchors,
// intermediates, peer name and maximum depth are honoured. Never special-cases test IDs: the
// reasons file (tools/cxa-limbo/disagreements.txt) only explains a verdict, it never makes one.
//
//   cxa-limbo [--min-agree N] [--list-disagreements] [--reasons FILE] [--require-reasons]
//             FILE.json[.xz]
// --list-disagreements prints each case where cxa and limbo disagree with the recorded reason;
// --require-reasons fails (exit 1) when a disagreement has none, so a case that agrees today
// cannot start to disagree unnoticed.
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cert/cert_evaluator.h"
#include "core/time_util.h"

using nlohmann::json;
using namespace cxa;

namespace {

std::string ReadAll(const std::string& path) {
  std::string cmd;
  bool xz = path.size() > 3 && path.compare(path.size() - 3, 3, ".xz") == 0;
  FILE* f = xz ? popen(("xz -dc -- '" + path + "'").c_str(), "r") : std::fopen(path.c_str(), "rb");
  if (f == nullptr) return "";
  std::string out;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  if (xz) {
    pclose(f);
  } else {
    std::fclose(f);
  }
  return out;
}

std::vector<cert::Der> Pems(const json& list) {
  std::vector<cert::Der> out;
  for (const auto& p : list) {
    auto d = cert::SplitPem(p.get<std::string>());
    if (d) out.insert(out.end(), d->begin(), d->end());
  }
  return out;
}

// "CASE-ID-OR-PREFIX*  reason" lines; '#' comments and blank lines are skipped.
struct Reason {
  std::string pattern, text;
  bool used = false;
};

std::vector<Reason> ReadReasons(const std::string& path) {
  std::vector<Reason> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    size_t gap = line.find("  ");
    if (gap == std::string::npos) continue;
    size_t text = line.find_first_not_of(' ', gap);
    out.push_back({line.substr(0, gap), line.substr(text)});
  }
  return out;
}

Reason* ReasonFor(std::vector<Reason>& reasons, const std::string& id) {
  for (Reason& r : reasons) {
    bool prefix = !r.pattern.empty() && r.pattern.back() == '*';
    if (prefix ? id.compare(0, r.pattern.size() - 1, r.pattern, 0, r.pattern.size() - 1) == 0
               : id == r.pattern) {
      return &r;
    }
  }
  return nullptr;
}

struct Tally {
  int cases = 0, agree = 0, wrongly_accepted = 0, wrongly_rejected = 0;
};

}  // namespace

int main(int argc, char** argv) {
  std::string path;
  int min_agree = -1;
  bool list = false, require_reasons = false;
  std::string reasons_path = CXA_LIMBO_REASONS;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--min-agree" && i + 1 < argc) {
      min_agree = std::atoi(argv[++i]);
    } else if (a == "--list-disagreements") {
      list = true;
    } else if (a == "--require-reasons") {
      require_reasons = true;
    } else if (a == "--reasons" && i + 1 < argc) {
      reasons_path = argv[++i];
    } else if (a == "-h" || a == "--help") {
      std::cout << "usage: cxa-limbo [--min-agree N] [--list-disagreements] [--reasons FILE] "
                   "[--require-reasons] limbo.json[.xz]\n";
      return 0;
    } else {
      path = a;
    }
  }
  if (path.empty()) {
    std::cerr << "cxa-limbo: which limbo.json(.xz)?\n";
    return 2;
  }
  std::string text = ReadAll(path);
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.contains("testcases")) {
    std::cerr << "cxa-limbo: " << path << " is not an x509-limbo JSON file\n";
    return 2;
  }
  std::vector<Reason> reasons = ReadReasons(reasons_path);
  std::vector<std::string> unexplained;
  cert::CertEvaluator evaluator;
  std::map<std::string, Tally> by_ns;
  std::vector<std::string> crl_cases;  // cases with CRLs: revocation judged
  Tally total;
  for (const auto& tc : doc["testcases"]) {
    if (tc.value("validation_kind", "") != "SERVER") continue;
    std::string id = tc.value("id", "");
    std::string ns = id.substr(0, id.find("::"));
    cert::TrustPolicy policy;
    std::vector<cert::X509Ptr> anchors;
    for (const auto& der : Pems(tc["trusted_certs"])) {
      if (auto c = cert::ParseDer(der)) anchors.push_back(std::move(c));
    }
    policy.public_roots = cert::TrustStore::FromCerts(std::move(anchors), "limbo anchors");
    policy.expiry_warning_days = 0;
    cert::CertInput in;
    in.chain = Pems(json::array({tc["peer_certificate"]}));
    for (auto& d : Pems(tc["untrusted_intermediates"])) in.chain.push_back(std::move(d));
    const auto& vt = tc["validation_time"];
    in.time = vt.is_string() ? ParseTime(vt.get<std::string>()).value_or(std::time(nullptr))
                             : std::time(nullptr);
    const auto& name = tc["expected_peer_name"];
    if (name.is_object() && name["value"].is_string()) in.host = name["value"];
    const auto& depth = tc["max_chain_depth"];
    if (depth.is_number_integer()) in.max_depth = depth.get<int>();

    // A case with CRLs has them judged as fetched revocation data (cert/revocation.h). The
    // suite expects a validator given CRLs to fail hard, so such a case is accepted only when
    // the evaluator established the path's status as good from them.
    bool crl_case = tc.contains("crls") && tc["crls"].is_array() && !tc["crls"].empty();
    if (crl_case) {
      in.revocation.mode = cert::RevocationMode::kFetch;
      for (const auto& pem : tc["crls"]) {
        cert::RevocationFetch f;
        f.kind = cert::RevocationFetch::Kind::kCrl;
        f.url = "limbo CRL";
        f.body = std::make_shared<const std::string>(pem.get<std::string>());
        in.revocation.fetched.push_back(std::move(f));
      }
    }
    cert::CertReport r = evaluator.Evaluate(in, policy);
    bool accepted = r.trusted && !r.HasErrors() && (!crl_case || r.revocation.status == "good");
    if (crl_case) crl_cases.push_back(id);
    bool expected = tc.value("expected_result", "") == "SUCCESS";
    Tally& t = by_ns[ns];
    for (Tally* x : {&t, &total}) {
      x->cases++;
      if (accepted == expected) {
        x->agree++;
      } else if (accepted) {
        x->wrongly_accepted++;
      } else {
        x->wrongly_rejected++;
      }
    }
    if (accepted == expected) continue;
    Reason* why = ReasonFor(reasons, id);
    if (why != nullptr) {
      why->used = true;
    } else {
      unexplained.push_back(id);
    }
    if (list) {
      std::cout << (accepted ? "ACCEPTED " : "REJECTED ") << id;
      for (const auto& f : r.findings) {
        if (f.severity != Severity::kInfo) std::cout << " " << f.id;
      }
      std::cout << "\n    " << (why ? why->text : "(no reason recorded)") << "\n";
    }
  }
  std::cout << std::left << std::setw(14) << "namespace" << std::right << std::setw(8) << "cases"
            << std::setw(8) << "agree" << std::setw(18) << "wrongly accepted" << std::setw(18)
            << "wrongly rejected"
            << "\n";
  auto row = [](const std::string& n, const Tally& t) {
    std::cout << std::left << std::setw(14) << n << std::right << std::setw(8) << t.cases
              << std::setw(8) << t.agree << std::setw(18) << t.wrongly_accepted << std::setw(18)
              << t.wrongly_rejected << "\n";
  };
  for (const auto& [n, t] : by_ns) row(n, t);
  row("total", total);
  if (!crl_cases.empty()) {
    std::cout << "revocation judged (CRLs given): " << crl_cases.size() << " cases, agreement in "
              << "the crl namespace above\n";
  }
  if (list) {
    for (const Reason& r : reasons) {
      if (!r.used) std::cerr << "cxa-limbo: no case disagrees any more: " << r.pattern << "\n";
    }
  }
  int status = 0;
  if (min_agree >= 0 && total.agree < min_agree) {
    std::cerr << "cxa-limbo: " << total.agree << " agree, below the floor of " << min_agree << "\n";
    status = 1;
  }
  if (require_reasons && !unexplained.empty()) {
    std::cerr << "cxa-limbo: " << unexplained.size() << " disagreement(s) without a reason in "
              << reasons_path << " (a case that agreed before? explain it or fix it):\n";
    for (const auto& id : unexplained) std::cerr << "  " << id << "\n";
    status = 1;
  }
  return status;
}
