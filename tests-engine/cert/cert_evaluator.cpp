#include "cert/cert_evaluator.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "cert/checks/check.h"
#include "cert/path_cache.h"
#include "core/time_util.h"

namespace cxa::cert {
namespace {

constexpr int kMaxCandidatePaths = 8;
constexpr int kMaxSearchNodes = 256;

using StackPtr = X509StackPtr;

struct Attempt {
  StackPtr chain;  // what OpenSSL built, leaf first, with references held
  std::vector<VerifyError> errors;
};

int g_ex_index = -1;

bool IsIpLiteral(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// OpenSSL applies DNS name constraints to the subject CN of the leaf too. We judge names by
// SANs only, so a violation that the SAN-only check does not confirm is dropped.
bool ConfirmedByNameConstraintsOnSans(X509_STORE_CTX* ctx, int depth) {
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx);
  if (chain == nullptr || depth < 0 || depth >= sk_X509_num(chain)) return true;
  X509* subject = sk_X509_value(chain, depth);
  for (int j = depth + 1; j < sk_X509_num(chain); ++j) {
    NameConstraintsPtr nc(static_cast<NAME_CONSTRAINTS*>(
        X509_get_ext_d2i(sk_X509_value(chain, j), NID_name_constraints, nullptr, nullptr)));
    if (nc && NAME_CONSTRAINTS_check(subject, nc.get()) != X509_V_OK) return true;
  }
  return false;
}

int CollectErrors(int ok, X509_STORE_CTX* ctx) {
  if (ok) return 1;
  auto* errors =
      static_cast<std::vector<VerifyError>*>(X509_STORE_CTX_get_ex_data(ctx, g_ex_index));
  int code = X509_STORE_CTX_get_error(ctx);
  int depth = X509_STORE_CTX_get_error_depth(ctx);
  if ((code == X509_V_ERR_PERMITTED_VIOLATION || code == X509_V_ERR_EXCLUDED_VIOLATION) &&
      !ConfirmedByNameConstraintsOnSans(ctx, depth)) {
    return 1;
  }
  if (errors != nullptr) {
    bool seen = std::any_of(errors->begin(), errors->end(), [&](const VerifyError& e) {
      return e.code == code && e.depth == depth;
    });
    if (!seen) errors->push_back({code, depth});
  }
  return 1;  // keep going: we want every reason, not the first
}

Attempt RunOpenSsl(X509* leaf, const std::vector<X509*>& untrusted, X509_STORE* store,
                   const CertInput& in, std::time_t when) {
  Attempt a;
  StackPtr pool(sk_X509_new_null());
  for (X509* c : untrusted) {
    X509_up_ref(c);
    sk_X509_push(pool.get(), c);
  }
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store, leaf, pool.get()) != 1) {
    a.errors.push_back({X509_V_ERR_OUT_OF_MEM, 0});
    return a;
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_flags(
      param, X509_V_FLAG_X509_STRICT | X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_USE_CHECK_TIME);
  X509_VERIFY_PARAM_set_time(param, when);
  X509_VERIFY_PARAM_set_auth_level(param, 2);
  X509_VERIFY_PARAM_set_depth(param, in.max_depth);
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
  // No name here: the path and its errors are the same for every name (PathCache); the name
  // is checked apart (NameError).
  X509_STORE_CTX_set_ex_data(ctx.get(), g_ex_index, &a.errors);
  X509_STORE_CTX_set_verify_cb(ctx.get(), CollectErrors);
  int rv = X509_verify_cert(ctx.get());
  if (rv <= 0 && a.errors.empty()) {
    // A failure that never reached the callback (internal error).
    a.errors.push_back(
        {X509_STORE_CTX_get_error(ctx.get()), X509_STORE_CTX_get_error_depth(ctx.get())});
  }
  a.chain.reset(X509_STORE_CTX_get1_chain(ctx.get()));
  ERR_clear_error();
  return a;
}

// Depth-first enumeration of issuer paths through the pool, leaf first, each ending in an
// anchor. Bounded in paths and in nodes visited.
void EnumeratePaths(std::vector<X509*>& current, const std::vector<X509*>& pool,
                    const TrustStore& anchors, int max_depth, int& nodes,
                    std::vector<std::vector<X509*>>& out) {
  if (out.size() >= kMaxCandidatePaths || ++nodes > kMaxSearchNodes) return;
  X509* tip = current.back();
  if (anchors.Contains(tip) && current.size() > 1) {
    out.push_back(current);
    return;
  }
  if (static_cast<int>(current.size()) > max_depth + 1) return;
  auto try_issuer = [&](X509* cand) {
    if (std::find(current.begin(), current.end(), cand) != current.end()) return;
    if (X509_check_issued(cand, tip) != X509_V_OK) return;
    current.push_back(cand);
    EnumeratePaths(current, pool, anchors, max_depth, nodes, out);
    current.pop_back();
  };
  for (X509* cand : pool) try_issuer(cand);
  for (X509* a : anchors.WithSubject(X509_get_issuer_name(tip))) try_issuer(a);
}

// Another path can only help when an error depends on the issuers chosen. Errors about the leaf
// alone (its name, dates, key, purpose) are the same on every path.
bool NeedsAlternatives(const std::vector<VerifyError>& errors) {
  for (const auto& e : errors) {
    if (e.depth > 0) return true;
    switch (e.code) {
      case X509_V_ERR_HOSTNAME_MISMATCH:
      case X509_V_ERR_IP_ADDRESS_MISMATCH:
      case X509_V_ERR_CERT_HAS_EXPIRED:
      case X509_V_ERR_CERT_NOT_YET_VALID:
      case X509_V_ERR_EE_KEY_TOO_SMALL:
      case X509_V_ERR_INVALID_PURPOSE:
        break;
      default:
        return true;
    }
  }
  return false;
}

// True when `c` covers `host` (a DNS name by SANs, or an IP address); an empty host matches.
bool Covers(X509* c, const std::string& host) {
  if (host.empty()) return true;
  if (IsIpLiteral(host)) return X509_check_ip_asc(c, host.c_str(), 0) == 1;
  return X509_check_host(c, host.data(), host.size(),
                         X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS | X509_CHECK_FLAG_NEVER_CHECK_SUBJECT,
                         nullptr) == 1;
}

// Which sent certificate is the server's own (see Evaluation::leaf_sent). A later certificate
// takes the place of the first only when it is an end-entity certificate that covers the name
// and the first is not both of these: the usual leaf-first chain is never second-guessed.
int ServerCertificateIndex(const std::vector<X509*>& sent, const std::string& host) {
  if (sent.empty() || sent.front() == nullptr) return sent.empty() ? -1 : 0;
  auto server_cert = [&](X509* c) {
    return c != nullptr && X509_check_ca(c) == 0 && Covers(c, host);
  };
  if (server_cert(sent.front())) return 0;
  for (size_t i = 1; i < sent.size(); ++i) {
    if (server_cert(sent[i])) return static_cast<int>(i);
  }
  return 0;
}

// The error OpenSSL's name check gives when `leaf` does not cover `host` (a DNS name by SANs
// with no partial wildcards, or an IP address), or nullopt.
std::optional<VerifyError> NameError(X509* leaf, const std::string& host) {
  if (host.empty() || Covers(leaf, host)) return std::nullopt;
  return VerifyError{
      IsIpLiteral(host) ? X509_V_ERR_IP_ADDRESS_MISMATCH : X509_V_ERR_HOSTNAME_MISMATCH, 0};
}

// `path` as links into the evaluation's sent and extra certificates, or anchors (held).
PathCache::Entry Remembered(const Evaluation& ev) {
  PathCache::Entry e;
  e.errors = ev.errors;
  for (X509* c : ev.path) {
    PathCache::Link link;
    auto in = [c](const std::vector<X509*>& v) { return std::find(v.begin(), v.end(), c); };
    if (auto it = in(ev.sent); it != ev.sent.end()) {
      link.index = static_cast<size_t>(it - ev.sent.begin());
    } else if (auto x = in(ev.extras); x != ev.extras.end()) {
      link.from = PathCache::Link::From::kExtra;
      link.index = static_cast<size_t>(x - ev.extras.begin());
    } else {
      link.from = PathCache::Link::From::kAnchor;
      if (X509_up_ref(c) == 1) link.anchor.reset(c);
    }
    e.path.push_back(std::move(link));
  }
  return e;
}

std::vector<X509*> ToVector(STACK_OF(X509) * s) {
  std::vector<X509*> v;
  if (s == nullptr) return v;
  for (int i = 0; i < sk_X509_num(s); ++i) v.push_back(sk_X509_value(s, i));
  return v;
}

}  // namespace

bool CertReport::HasErrors() const {
  return std::any_of(findings.begin(), findings.end(),
                     [](const Finding& f) { return f.severity == Severity::kError; });
}

namespace {

// A revoked certificate on the path: the chain is not trusted, whatever the policy.
void MarkRevoked(CertReport& report) {
  for (const auto& f : report.findings) {
    if (f.id == "cert.revocation.revoked") report.trusted = report.summary.trusted = false;
  }
}

// Report-only policies demote errors; findings are ordered by severity (stable, so findings
// added later stay behind those of the same severity).
void Finish(CertReport& report, const TrustPolicy& policy) {
  if (!policy.Enforcing()) {
    for (auto& f : report.findings) {
      if (f.severity == Severity::kError) {
        f.severity = Severity::kWarning;
        if (!f.detail.empty()) f.detail += " ";
        f.detail += "(reported as a warning: the report-only policy ignores trust failures)";
      }
    }
  }
  std::stable_sort(report.findings.begin(), report.findings.end(),
                   [](const Finding& a, const Finding& b) { return a.severity > b.severity; });
}

}  // namespace

CertEvaluator::CertEvaluator() : paths_(std::make_shared<PathCache>()) {}

CertReport CertEvaluator::Evaluate(const CertInput& input, const TrustPolicy& policy) const {
  static const int once = [] {
    g_ex_index = X509_STORE_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return 0;
  }();
  (void)once;

  CertReport report;
  report.policy = policy.Describe();
  std::shared_ptr<const TrustStore> anchors = policy.Anchors();

  std::vector<X509Ptr> owned;
  auto parse = [&](const Der& der) -> X509* {
    X509Ptr c = ParseDer(der);
    X509* raw = c.get();
    if (c) owned.push_back(std::move(c));
    return raw;
  };
  Evaluation ev{input, policy, *anchors, {}, {}, {}, {}, false, input.time};
  bool reuse = input.parsed.size() == input.chain.size();
  for (size_t i = 0; i < input.chain.size(); ++i) {
    if (reuse && input.parsed[i] != nullptr && X509_up_ref(input.parsed[i]) == 1) {
      owned.emplace_back(input.parsed[i]);
      ev.sent.push_back(input.parsed[i]);
    } else {
      ev.sent.push_back(parse(input.chain[i]));
    }
  }
  for (const auto& der : input.extra_intermediates) {
    if (X509* c = parse(der)) ev.extras.push_back(c);
  }

  Attempt best;
  ev.leaf_sent = ServerCertificateIndex(ev.sent, input.host);
  X509* leaf = ev.leaf_sent < 0 ? nullptr : ev.sent[ev.leaf_sent];
  std::vector<X509Ptr> held;  // the anchors of a remembered path, while this evaluation runs
  bool remembered = false;
  const std::string key = leaf != nullptr ? PathCache::Key(input, ev.leaf_sent, *anchors) : "";
  if (leaf != nullptr) {
    if (auto known = paths_->Find(key, anchors)) {
      for (auto& link : known->path) {
        using From = PathCache::Link::From;
        ev.path.push_back(link.from == From::kSent    ? ev.sent.at(link.index)
                          : link.from == From::kExtra ? ev.extras.at(link.index)
                                                      : link.anchor.get());
        if (link.anchor) held.push_back(std::move(link.anchor));
      }
      ev.errors = std::move(known->errors);
      remembered = true;
    }
  }
  if (leaf != nullptr && !remembered) {
    std::vector<X509*> pool;
    for (size_t i = 0; i < ev.sent.size(); ++i) {
      if (ev.sent[i] != nullptr && static_cast<int>(i) != ev.leaf_sent) pool.push_back(ev.sent[i]);
    }
    pool.insert(pool.end(), ev.extras.begin(), ev.extras.end());
    best = RunOpenSsl(leaf, pool, anchors->store(), input, input.time);

    if (NeedsAlternatives(best.errors)) {
      std::vector<std::vector<X509*>> candidates;
      std::vector<X509*> current{leaf};
      int nodes = 0;
      EnumeratePaths(current, pool, *anchors, input.max_depth, nodes, candidates);
      // Backtracking: the first path OpenSSL built may dead-end (an expired or wrong issuer, a
      // cross-certificate) where another candidate issuer leads on. Take the first candidate
      // that validates cleanly, else one that only deviates from the profile.
      std::vector<X509*> first = ToVector(best.chain.get());
      auto rank = [](const Attempt& a) {
        return Blocking(a.errors) ? 2 : a.errors.empty() ? 0 : 1;
      };
      for (const auto& cand : candidates) {
        if (cand == first) continue;
        std::vector<X509*> restricted(cand.begin() + 1, cand.end());
        Attempt alt = RunOpenSsl(leaf, restricted, anchors->store(), input, input.time);
        if (rank(alt) < rank(best)) best = std::move(alt);
        if (rank(best) == 0) break;
      }
    }
    ev.path = ToVector(best.chain.get());
    ev.errors = best.errors;
    paths_->Put(key, anchors, Remembered(ev));
  }
  if (leaf != nullptr) {
    if (auto name = NameError(leaf, input.host)) ev.errors.push_back(*name);
    ev.anchored = !ev.path.empty() && anchors->Contains(ev.path.back());
  }

  for (const CertCheck& check : AllChecks()) check.run(ev, report.findings);
  // One finding per (ID, certificate): OpenSSL may report one cause under several codes.
  std::vector<Finding> unique;
  for (auto& f : report.findings) {
    bool dup = std::any_of(unique.begin(), unique.end(), [&](const Finding& u) {
      return u.id == f.id && u.cert_index == f.cert_index;
    });
    if (!dup) unique.push_back(std::move(f));
  }
  report.findings = std::move(unique);

  // A server certificate that is not sent first is never trusted: clients take the first.
  // Profile deviations that mainstream clients accept do not count against it.
  report.trusted = leaf != nullptr && !Blocking(ev.errors) && ev.anchored && ev.leaf_sent == 0;
  // A path that validates only thanks to intermediates the server did not send is not what a
  // strict client sees.
  if (report.trusted) {
    for (X509* c : ev.path) {
      if (ev.IsExtra(c)) report.trusted = false;
    }
  }

  // Summary: the path, then sent certificates not used by it.
  report.summary.host = input.host;
  report.summary.verification_time = FormatTime(input.time);
  report.summary.trusted = report.trusted;
  auto add = [&](X509* c, bool on_path) {
    CertificateInfo info = Describe(c);
    int sent = ev.SentIndex(c);
    info.sent_index = sent;
    info.source = sent >= 0 ? "sent" : ev.IsAnchor(c) ? "anchor" : input.extra_source;
    info.on_path = on_path;
    report.summary.certificates.push_back(std::move(info));
  };
  for (X509* c : ev.path) add(c, true);
  for (X509* c : ev.UnusedSent()) add(c, false);
  for (X509* c : ev.path) {
    X509_up_ref(c);
    report.path.emplace_back(c, X509_free);
  }

  if (input.revocation.mode != RevocationMode::kOff) {
    JudgeRevocation(input.revocation, ev.path, input.time, report.findings, report.revocation);
    MarkRevoked(report);
  }
  Finish(report, policy);
  return report;
}

void CertEvaluator::AddRevocation(const CertInput& input, const TrustPolicy& policy,
                                  CertReport& report) const {
  if (input.revocation.mode == RevocationMode::kOff) return;
  std::vector<X509*> path;
  for (const auto& c : report.path) path.push_back(c.get());
  std::vector<Finding> added;
  JudgeRevocation(input.revocation, path, input.time, added, report.revocation);
  for (auto& f : added) report.findings.push_back(std::move(f));
  MarkRevoked(report);
  Finish(report, policy);
}

// ---- Evaluation helpers ---------------------------------------------------------------------

bool Evaluation::Has(int code) const { return First(code) != nullptr; }

const VerifyError* Evaluation::First(int code) const {
  for (const auto& e : errors) {
    if (e.code == code) return &e;
  }
  return nullptr;
}

bool Evaluation::IsAnchor(X509* c) const { return anchors.Contains(c); }

int Evaluation::SentIndex(X509* c) const {
  for (size_t i = 0; i < sent.size(); ++i) {
    if (sent[i] != nullptr && X509_cmp(sent[i], c) == 0) return static_cast<int>(i);
  }
  return -1;
}

bool Evaluation::IsExtra(X509* c) const {
  if (SentIndex(c) >= 0 || IsAnchor(c)) return false;
  return std::any_of(extras.begin(), extras.end(), [&](X509* e) { return X509_cmp(e, c) == 0; });
}

std::vector<X509*> Evaluation::UnusedSent() const {
  std::vector<X509*> out;
  for (X509* s : sent) {
    if (s == nullptr) continue;
    bool used = std::any_of(path.begin(), path.end(), [&](X509* p) { return X509_cmp(p, s) == 0; });
    bool dup = std::any_of(out.begin(), out.end(), [&](X509* p) { return X509_cmp(p, s) == 0; });
    if (!used && !dup) out.push_back(s);
  }
  return out;
}

int Evaluation::ReportIndex(X509* c) const {
  for (size_t i = 0; i < path.size(); ++i) {
    if (X509_cmp(path[i], c) == 0) return static_cast<int>(i);
  }
  auto unused = UnusedSent();
  for (size_t i = 0; i < unused.size(); ++i) {
    if (X509_cmp(unused[i], c) == 0) return static_cast<int>(path.size() + i);
  }
  return -1;
}

}  // namespace cxa::cert
