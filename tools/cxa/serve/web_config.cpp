#include "tools/cxa/serve/web_config.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "cert/x509.h"
#include "core/text.h"

namespace cxa::cli::serve {
namespace {

struct Error {
  std::string message;
};

std::string At(const std::string& path, const YAML::Mark& m) {
  return path + ":" + (m.is_null() ? std::string("?") : std::to_string(m.line + 1)) + ": ";
}

std::string Scalar(const std::string& path, const YAML::Node& n, const std::string& what) {
  if (!n.IsScalar()) throw Error{At(path, n.Mark()) + what + " must be a single value"};
  return n.Scalar();
}

bool IsBcrypt(const std::string& h) {
  return h.size() == 60 && h[0] == '$' && h[1] == '2' &&
         (h[2] == 'a' || h[2] == 'b' || h[2] == 'y') && h[3] == '$';
}

}  // namespace

Result<WebConfig> ParseWebConfig(const std::string& text, const std::string& path) {
  WebConfig out;
  try {
    YAML::Node root = YAML::Load(text);
    if (!root.IsDefined() || root.IsNull()) return out;
    if (!root.IsMap()) throw Error{At(path, root.Mark()) + "expected a mapping"};
    for (const auto& kv : root) {
      const std::string key = Scalar(path, kv.first, "a key");
      const YAML::Node& v = kv.second;
      if (key == "tls_server_config") {
        if (!v.IsMap()) throw Error{At(path, v.Mark()) + "tls_server_config: expects a mapping"};
        for (const auto& t : v) {
          const std::string k = Scalar(path, t.first, "a key");
          if (k == "cert_file") {
            out.cert_file = Scalar(path, t.second, k);
          } else if (k == "key_file") {
            out.key_file = Scalar(path, t.second, k);
          } else {
            throw Error{At(path, t.first.Mark()) + "tls_server_config." + Printable(k) +
                        " is not supported by cxa serve (cert_file and key_file are)"};
          }
        }
        if (out.cert_file.empty() || out.key_file.empty()) {
          throw Error{At(path, kv.first.Mark()) + "tls_server_config needs cert_file and key_file"};
        }
      } else if (key == "basic_auth_users") {
        if (!v.IsMap()) throw Error{At(path, v.Mark()) + "basic_auth_users: expects USER: HASH"};
        for (const auto& u : v) {
          const std::string user = Scalar(path, u.first, "a user name");
          const std::string hash = Scalar(path, u.second, "a password hash");
          if (user.empty() || user.find(':') != std::string::npos || Printable(user) != user) {
            throw Error{At(path, u.first.Mark()) + "user name '" + Printable(user) +
                        "': no ':' and no control characters"};
          }
          if (!IsBcrypt(hash)) {
            throw Error{At(path, u.second.Mark()) + "the password of '" + user +
                        "' must be a bcrypt hash ($2y$...), never the password itself"};
          }
          out.users[user] = hash;
        }
      } else {
        throw Error{At(path, kv.first.Mark()) + Printable(key) +
                    " is not supported by cxa serve (tls_server_config and basic_auth_users "
                    "are)"};
      }
    }
  } catch (const Error& e) {
    return Fail(e.message);
  } catch (const YAML::Exception& e) {
    return Fail(path + ":" + std::to_string(e.mark.line + 1) + ": " + Printable(e.msg));
  }
  return out;
}

Result<WebConfig> LoadWebConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(path + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > 1024 * 1024) return Fail(path + ": larger than 1 MiB");
  return ParseWebConfig(text.str(), path);
}

bool BasicAuth::Check(const std::string& authorization) {
  if (authorization.size() < 7 || ToLower(authorization.substr(0, 6)) != "basic ") return false;
  auto decoded = cert::DecodeBase64(Trim(authorization.substr(6)));
  if (!decoded) return false;
  const std::string pair(decoded->begin(), decoded->end());
  const size_t colon = pair.find(':');
  if (colon == std::string::npos) return false;
  const std::string user = pair.substr(0, colon), password = pair.substr(colon + 1);
  auto it = users_.find(user);
  if (it == users_.end()) return false;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  const std::string material = user + '\0' + password + '\0' + it->second;
  SHA256(reinterpret_cast<const unsigned char*>(material.data()), material.size(), digest);
  const std::string key(reinterpret_cast<char*>(digest), sizeof digest);
  {
    std::lock_guard lock(mu_);
    if (verified_.count(key)) return true;
  }
  crypt_data data{};
  const char* out = crypt_r(password.c_str(), it->second.c_str(), &data);
  const bool ok = out != nullptr && std::string(out).size() == it->second.size() &&
                  CRYPTO_memcmp(out, it->second.data(), it->second.size()) == 0;
  OPENSSL_cleanse(&data, sizeof data);
  if (ok) {
    std::lock_guard lock(mu_);
    if (verified_.size() >= 64) verified_.clear();
    verified_.insert(key);
  }
  return ok;
}

}  // namespace cxa::cli::serve
