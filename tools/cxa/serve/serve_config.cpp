#include "tools/cxa/serve/serve_config.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "core/targets.h"
#include "core/text.h"

namespace cxa::cli::serve {
namespace {

constexpr size_t kMaxFileBytes = 1024 * 1024;
constexpr size_t kMaxModules = 1000;

// `cxa run` options a module cannot set, and why.
struct Refused {
  const char* name;
  const char* why;
};
constexpr Refused kRefusedOptions[] = {
    {"scenario", "the module's scenario is its own key"},
    {"target", "the target comes with each probe (?target=)"},
    {"input", "fixed inputs go under inputs:"},
    {"password-env", "use password_env: beside options:"},
    {"password-stdin", "a service has no terminal: use password_file or password_env"},
    {"targets", "Prometheus chooses the targets (its scrape configuration)"},
    {"targets-column", "Prometheus chooses the targets (its scrape configuration)"},
    {"parallel", "the service bounds concurrency itself (--max-concurrent)"},
    {"record", "a service does not record"},
    {"replay", "a service probes live"},
    {"format", "the answer's format comes from the request"},
    {"output", "the answer goes to the client"},
    {"no-color", "the answer goes to the client"},
    {"verbose", "the answer goes to the client"},
    {"brief", "the answer goes to the client"},
    {"time", "a monitor judges certificates as of now"},
};

constexpr const char* kModuleKeys[] = {"scenario", "inputs",        "options",
                                       "targets",  "password_file", "password_env"};

struct Error {
  std::string message;
};

class Loader {
 public:
  explicit Loader(std::string path) : path_(std::move(path)) {}

  ServeConfig Load(const std::string& text) {
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
      throw Error{At(e.mark) + Printable(e.msg)};
    }
    ServeConfig config;
    config.path = path_;
    if (!root.IsDefined() || root.IsNull()) throw Error{path_ + ": the file is empty"};
    if (!root.IsMap()) throw Error{At(root.Mark()) + "expected a mapping with a modules: key"};
    std::set<std::string> seen;
    for (const auto& kv : root) {
      const std::string key = Key(kv.first, seen);
      if (key != "modules") {
        throw Error{At(kv.first.Mark()) + "unknown key '" + key + "'" +
                    DidYouMean(key, {"modules"})};
      }
      Modules(kv.second, config);
    }
    if (config.modules.empty()) throw Error{path_ + ": no modules: nothing to probe"};
    return config;
  }

 private:
  std::string At(const YAML::Mark& m) const {
    return path_ + ":" + (m.is_null() ? std::string("?") : std::to_string(m.line + 1)) + ": ";
  }

  // A mapping key: a scalar, once per mapping.
  std::string Key(const YAML::Node& k, std::set<std::string>& seen) const {
    if (!k.IsScalar()) throw Error{At(k.Mark()) + "a key must be a plain name"};
    std::string key = k.Scalar();
    if (!seen.insert(key).second) {
      throw Error{At(k.Mark()) + "'" + Printable(key) + "' appears twice"};
    }
    return Printable(key);
  }

  std::string Scalar(const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar()) throw Error{At(n.Mark()) + what + " must be a single value"};
    return n.Scalar();
  }

  void Modules(const YAML::Node& n, ServeConfig& config) {
    if (!n.IsMap()) throw Error{At(n.Mark()) + "modules: expects a mapping of module names"};
    std::set<std::string> seen;
    for (const auto& kv : n) {
      const std::string name = Key(kv.first, seen);
      if (name.empty() || name.size() > 64 ||
          name.find_first_not_of(
              "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
              std::string::npos) {
        throw Error{At(kv.first.Mark()) + "module name '" + name +
                    "': letters, digits, '-' and '_', at most 64"};
      }
      if (config.modules.size() == kMaxModules) {
        throw Error{At(kv.first.Mark()) + "more than " + std::to_string(kMaxModules) + " modules"};
      }
      config.modules[name] = Module(name, kv.first.Mark(), kv.second);
    }
  }

  ModuleConfig Module(const std::string& name, const YAML::Mark& at, const YAML::Node& n) {
    ModuleConfig m;
    m.name = name;
    m.line = at.line + 1;
    if (!n.IsMap()) throw Error{At(at) + "module '" + name + "' expects a mapping (scenario: ...)"};
    std::set<std::string> seen;
    std::vector<std::string> known(std::begin(kModuleKeys), std::end(kModuleKeys));
    for (const auto& kv : n) {
      const std::string key = Key(kv.first, seen);
      const YAML::Node& v = kv.second;
      if (key == "scenario") {
        m.scenario = Scalar(v, "scenario");
      } else if (key == "inputs") {
        Inputs(v, m);
      } else if (key == "options") {
        Options(v, m);
      } else if (key == "targets") {
        Targets(v, m);
      } else if (key == "password_file") {
        m.password_file = Scalar(v, "password_file");
      } else if (key == "password_env") {
        m.password_env = Scalar(v, "password_env");
      } else if (ToLower(key).find("password") != std::string::npos) {
        throw Error{At(kv.first.Mark()) + "'" + key +
                    "': a password never goes into the file: give password_file (a file only "
                    "the service can read) or password_env"};
      } else {
        throw Error{At(kv.first.Mark()) + "unknown key '" + key + "' in module '" + name + "'" +
                    DidYouMean(key, known)};
      }
    }
    if (m.scenario.empty()) throw Error{At(at) + "module '" + name + "' has no scenario:"};
    if (!m.password_file.empty() && !m.password_env.empty()) {
      throw Error{At(at) + "module '" + name + "': password_file or password_env, not both"};
    }
    if (!m.password_env.empty() &&
        (m.password_env.find_first_not_of(
             "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") !=
             std::string::npos ||
         std::isdigit(static_cast<unsigned char>(m.password_env[0])))) {
      throw Error{At(at) + "module '" + name +
                  "': password_env must name an environment "
                  "variable, got '" +
                  Printable(m.password_env) + "'"};
    }
    return m;
  }

  void Inputs(const YAML::Node& n, ModuleConfig& m) {
    if (!n.IsMap()) throw Error{At(n.Mark()) + "inputs: expects NAME: VALUE pairs"};
    std::set<std::string> seen;
    for (const auto& kv : n) {
      const std::string key = Key(kv.first, seen);
      if (ToLower(key).find("password") != std::string::npos) {
        throw Error{At(kv.first.Mark()) + "'" + key +
                    "': a password never goes into the file: use password_file or password_env"};
      }
      m.inputs.emplace_back(key, Scalar(kv.second, "input '" + key + "'"));
    }
  }

  void Options(const YAML::Node& n, ModuleConfig& m) {
    if (!n.IsMap()) throw Error{At(n.Mark()) + "options: expects OPTION: VALUE pairs"};
    std::set<std::string> seen;
    for (const auto& kv : n) {
      std::string key = Key(kv.first, seen);
      if (key.rfind("--", 0) == 0) key = key.substr(2);
      for (const auto& r : kRefusedOptions) {
        if (key == r.name) throw Error{At(kv.first.Mark()) + "option '" + key + "': " + r.why};
      }
      const YAML::Node& v = kv.second;
      if (v.IsSequence()) {
        for (const auto& item : v)
          m.options.emplace_back(key, Scalar(item, "option '" + key + "'"));
      } else {
        m.options.emplace_back(key, Scalar(v, "option '" + key + "'"));
      }
    }
  }

  void Targets(const YAML::Node& n, ModuleConfig& m) {
    if (!n.IsSequence()) throw Error{At(n.Mark()) + "targets: expects a list of names"};
    for (const auto& item : n) {
      std::string p = ToLower(Scalar(item, "a target pattern"));
      std::string_view name = p.rfind("*.", 0) == 0 ? std::string_view(p).substr(2) : p;
      if (!IsHostName(name)) {
        throw Error{At(item.Mark()) + "target pattern '" + Printable(p) +
                    "': a name (mail.contoso.com) or *.DOMAIN"};
      }
      m.targets.push_back(p);
    }
  }

  std::string path_;
};

}  // namespace

Result<ServeConfig> ParseServeConfig(const std::string& text, const std::string& path) {
  try {
    return Loader(path).Load(text);
  } catch (const Error& e) {
    return Fail(e.message);
  } catch (const YAML::Exception& e) {
    return Fail(path + ":" + std::to_string(e.mark.line + 1) + ": " + Printable(e.msg));
  }
}

Result<ServeConfig> LoadServeConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(path + ": cannot be read");
  std::string text(kMaxFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxFileBytes) return Fail(path + ": larger than 1 MiB");
  return ParseServeConfig(text, path);
}

bool TargetAllowed(const std::vector<std::string>& patterns, const std::string& target) {
  if (patterns.empty()) return true;
  std::string host = ToLower(target);
  if (size_t at = host.rfind('@'); at != std::string::npos) {
    host = host.substr(at + 1);
  } else if (auto hp = ParseHostTarget(host)) {  // HOST:PORT, [v6]:PORT, an https URL
    host = hp->host;
  } else {
    return false;
  }
  for (const auto& p : patterns) {
    if (p.rfind("*.", 0) == 0) {
      const std::string domain = p.substr(1);  // ".contoso.com"
      if (host.size() > domain.size() &&
          host.compare(host.size() - domain.size(), domain.size(), domain) == 0) {
        return true;
      }
    } else if (host == p) {
      return true;
    }
  }
  return false;
}

}  // namespace cxa::cli::serve
