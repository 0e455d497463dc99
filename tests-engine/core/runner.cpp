#include "core/runner.h"

#include <algorithm>
#include <chrono>
#include <exception>

#include "core/scheduler.h"
#include "core/time_util.h"
#include "transport/url.h"

namespace cxa {
namespace {

constexpr FindingInfo kInternal[] = {
    {"internal.step.exception", Severity::kError, "Internal error in a step",
     "A step stopped on an unexpected condition inside cxa. This is a bug of cxa, not a finding "
     "about the server.",
     "Report it with the command line and, if possible, a recording (--record DIR).", "",
     FindingCategory::kInternal},
    {"internal.option.invalid", Severity::kError, "Invalid option value",
     "A step's option, after inserting inputs and facts, has a value the module cannot use.",
     "Check the inputs given with --input and the scenario file.", "", FindingCategory::kInternal},
};

// The host a "host" input names: a host, host:port, [v6]:port or an http(s) URL.
std::string HostOfInput(const std::string& value) {
  if (value.find("://") != std::string::npos) return UrlHost(value);
  if (!value.empty() && value.front() == '[') {
    size_t close = value.find(']');
    return close == std::string::npos ? "" : value.substr(1, close - 1);
  }
  size_t colon = value.find(':');
  if (colon != std::string::npos && value.find(':', colon + 1) == std::string::npos) {
    return value.substr(0, colon);
  }
  return value;
}

}  // namespace

CredentialScope RunCredentialScope(const Scenario& sc,
                                   const std::map<std::string, std::string>& inputs,
                                   const std::vector<std::string>& allow) {
  CredentialScope scope;
  for (const InputDecl& in : sc.inputs) {
    auto it = inputs.find(in.name);
    if (in.credentials.empty() || it == inputs.end() || it->second.empty()) continue;
    const std::string& v = it->second;
    if (in.credentials == "domain") {
      size_t at = v.rfind('@');
      if (at != std::string::npos && CheckEmailAddress(v).empty()) {
        scope.AllowDomain(v.substr(at + 1), "the domain of " + in.name + " " + v);
      }
    } else if (in.credentials == "host") {
      scope.AllowHost(HostOfInput(v), "named by the operator (" + in.name + ")");
    }
  }
  for (const auto& pattern : allow) scope.AllowPattern(pattern);
  return scope;
}

std::span<const FindingInfo> RunnerFindings() { return kInternal; }

void FillRemediation(StepResult& step, const OptionMap& options) {
  auto fill = [](std::string& text, const std::string& name, const std::string& value) {
    if (value.empty()) return;
    const std::string placeholder = "<" + name + ">";
    for (size_t at = text.find(placeholder); at != std::string::npos;
         at = text.find(placeholder, at + value.size())) {
      text.replace(at, placeholder.size(), value);
    }
  };
  for (auto& f : step.findings) {
    for (const auto& [name, value] : options) fill(f.remediation, name, value);
    for (const auto& [name, value] : step.facts) fill(f.remediation, name, value);
  }
  for (auto& c : step.children) FillRemediation(c, options);
}

RunReport Runner::Run(const Scenario& sc, const std::map<std::string, std::string>& inputs,
                      const RunSettings& settings, RunObserver* observer) const {
  RunReport report;
  report.scenario = sc.name;
  report.scenario_title = sc.title;
  report.started_at =
      FormatTime(settings.deterministic ? settings.verify_time : std::time(nullptr));
  auto t0 = std::chrono::steady_clock::now();
  Facts facts;
  std::map<std::string, Outcome> outcomes;
  std::map<std::string, bool> not_run;  // per step id: skipped although it should have run
  const Secret password(settings.password);
  CredentialScope credentials = RunCredentialScope(sc, inputs, settings.allow_credentials_to);
  RevocationCache run_cache;  // fetched revocation answers, unless the caller shares a cache

  for (const StepDecl& decl : sc.steps) {
    const ModuleDescriptor* mod = nullptr;
    for (const ModuleDescriptor* m : modules_) {
      if (m->name == decl.module) mod = m;
    }
    std::vector<std::string> missing;
    std::string title = ExpandTitle(decl.title, inputs, facts);
    Timeouts timeouts = settings.timeouts;
    bool out_of_time = false;
    if (settings.deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                            *settings.deadline - std::chrono::steady_clock::now())
                            .count();
      out_of_time = left <= 0;
      const int cap = static_cast<int>(std::max<long long>(1, std::min<long long>(left, 1 << 30)));
      for (int* t :
           {&timeouts.connect_ms, &timeouts.tls_ms, &timeouts.first_byte_ms, &timeouts.total_ms}) {
        *t = std::min(*t, cap);
      }
    }
    if (observer) observer->OnStepStart(decl, title);

    StepResult result;
    result.step_id = decl.id;
    result.module = decl.module;
    result.title = title;
    cert::TrustPolicy policy = cert::ResolveStepPolicy(settings.operator_policy, decl.strict_trust);
    result.trust_policy = policy.Summary();

    result.optional = decl.optional;
    // Not run (the run is incomplete) or not applicable: a step skipped because a step it needs
    // did not apply does not apply either; one whose needed step failed or was not run was not
    // run. A missing fact means an earlier step found nothing of the kind: not applicable.
    for (const auto& need : decl.needs) {
      Outcome o = outcomes[need];
      if (o != Outcome::kPassed && o != Outcome::kWarning) {
        result.outcome = Outcome::kSkipped;
        result.not_run |= o != Outcome::kSkipped || not_run[need];
        result.skip_reason = "skipped: needs step '" + need + "', which " +
                             (o == Outcome::kSkipped ? "was skipped" : "did not pass");
      }
    }
    if (result.outcome != Outcome::kSkipped && out_of_time) {
      result.outcome = Outcome::kSkipped;
      result.not_run = true;
      result.skip_reason = "skipped: the run's time budget ran out before this step";
    }
    if (result.outcome != Outcome::kSkipped && !decl.if_fact.empty()) {
      auto it = facts.find(decl.if_fact);
      if (it == facts.end()) {
        result.outcome = Outcome::kSkipped;
        result.skip_reason = "skipped: needs " + decl.if_fact + ", which no earlier step produced";
      } else if (it->second != decl.if_value) {
        result.outcome = Outcome::kSkipped;
        result.skip_reason = "skipped: " + decl.if_fact + " is '" + it->second +
                             "' (this step runs only when it is '" + decl.if_value + "')";
      }
    }
    OptionMap options;
    if (result.outcome != Outcome::kSkipped) {
      for (const auto& spec : mod->options) {
        std::string name(spec.name);
        auto it = decl.options.find(name);
        std::string value = it != decl.options.end() ? Expand(it->second, inputs, facts, &missing)
                                                     : std::string(spec.default_value);
        if (value.empty() && it == decl.options.end()) continue;
        options[name] = value;
        if (auto e = CheckOptionValue(spec.type, value); !e.empty() && missing.empty()) {
          result.outcome = Outcome::kError;
          result.findings.push_back(
              MakeFinding(kInternal[1], "option '" + name + "' of step '" + decl.id + "': " + e));
        }
      }
      if (!missing.empty()) {
        result.outcome = Outcome::kSkipped;
        std::string list;
        for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
        result.skip_reason = "skipped: needs " + list + ", which no earlier step produced";
      }
    }
    if (result.outcome != Outcome::kSkipped && result.outcome != Outcome::kError) {
      try {
        auto step = mod->create(options);
        if (!step) {
          result.outcome = Outcome::kError;
          result.findings.push_back(MakeFinding(kInternal[1], step.error()));
        } else {
          AiaSettings aia;
          aia.enabled = settings.aia;
          aia.timeouts = timeouts;
          RevocationContext revocation;
          revocation.mode = settings.revocation_forced || !decl.revocation ? settings.revocation
                                                                           : *decl.revocation;
          revocation.cache =
              settings.revocation_cache != nullptr ? settings.revocation_cache : &run_cache;
          StepContext ctx{
              inputs,   facts, transport_, evaluator_,  policy,        settings.verify_time,
              timeouts, aia,   password,   credentials, settings.seed, &revocation};
          auto started = std::chrono::steady_clock::now();
          StepResult r;
          if (settings.cache != nullptr && mod->shareable) {
            std::string key = decl.module + "\n" + policy.Describe() + "\nrevocation " +
                              std::string(cert::RevocationModeName(revocation.mode));
            if (mod->share_key != nullptr) {
              key += "\n" + mod->share_key(options);
            } else {
              for (const auto& [k, v] : options) key += "\n" + k + "=" + v;
            }
            r = settings.cache->GetOrRun(key, [&] { return (*step)->Run(ctx); });
          } else {
            r = (*step)->Run(ctx);
          }
          r.step_id = result.step_id;
          r.module = result.module;
          r.title = result.title;
          r.trust_policy = result.trust_policy;
          r.optional = result.optional;
          // A module skips itself for what it lacks (a password, a user): not run.
          r.not_run = r.outcome == Outcome::kSkipped;
          if (!settings.deterministic) {
            r.timings.push_back({"step", std::chrono::duration<double, std::milli>(
                                             std::chrono::steady_clock::now() - started)
                                             .count()});
          }
          FillRemediation(r, options);
          result = std::move(r);
        }
      } catch (const std::exception& e) {
        result.outcome = Outcome::kError;
        result.findings.push_back(MakeFinding(kInternal[0], e.what()));
      }
    }
    if (result.outcome == Outcome::kError && result.skip_reason.empty()) {
      result.skip_reason = "internal error: see the internal.* finding";
    }
    result.DeriveOutcome();
    // A host vouched for by a step counts only when its answer came over enforced trust.
    if (policy.Enforcing() && result.outcome != Outcome::kError) {
      for (const auto& [host, why] : result.credential_grants) credentials.AllowHost(host, why);
    }
    for (const auto& [k, v] : result.facts) facts[decl.id + "." + k] = v;
    outcomes[decl.id] = result.outcome;
    not_run[decl.id] = result.not_run;
    if (observer) observer->OnStepEnd(result);
    report.steps.push_back(std::move(result));
  }
  if (!sc.headline.empty()) {
    std::vector<std::string> missing;
    report.headline = Expand(sc.headline, inputs, facts, &missing);
    if (!missing.empty()) report.headline.clear();  // a fact it needs was never produced
  }
  report.duration_ms =
      settings.deterministic
          ? 0
          : std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count();
  return report;
}

StepResult StepCache::GetOrRun(const std::string& key, const std::function<StepResult()>& compute) {
  std::promise<StepResult> promise;
  std::shared_future<StepResult> future;
  bool mine = false;
  {
    std::lock_guard lock(mu_);
    size_t nl = key.find('\n');
    Partition& part = partitions_[key.substr(0, nl == std::string::npos ? 0 : nl)];
    auto it = part.results.find(key);
    if (it == part.results.end()) {
      future = promise.get_future().share();
      part.lru.push_back(key);
      part.results.emplace(key, Entry{future, std::prev(part.lru.end())});
      while (part.lru.size() > capacity_) {  // callers waiting on an evicted one keep their copy
        part.results.erase(part.lru.front());
        part.lru.pop_front();
      }
      mine = true;
    } else {
      future = it->second.result;
      part.lru.splice(part.lru.end(), part.lru, it->second.use);  // most recently used now
    }
  }
  if (!mine) {
    ++reused_;
    // In an event loop the computing run may be on this very thread: yield, never block.
    if (Scheduler* s = Scheduler::Current()) {
      while (future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) s->Sleep(2);
    }
    return future.get();  // rethrows what the computing run threw
  }
  ++computed_;
  try {
    promise.set_value(compute());
  } catch (...) {
    promise.set_exception(std::current_exception());
  }
  return future.get();
}

}  // namespace cxa
