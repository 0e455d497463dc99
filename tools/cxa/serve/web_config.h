// The listener's own security (--web.config.file), in the exporter-toolkit convention that
// Prometheus exporters share: TLS for the listener and HTTP basic authentication with bcrypt
// hashes. Only what is listed below is understood; any other key is refused by name, so a
// setting that would not be enforced never looks as if it were.
//
//   tls_server_config:
//     cert_file: /etc/cxa/serve.crt      # PEM: the certificate, then its intermediates
//     key_file: /etc/cxa/serve.key
//   basic_auth_users:
//     prometheus: $2y$10$...             # bcrypt (htpasswd -nBC 10 "" | tr -d ':\n')
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>

#include "core/result.h"

namespace cxa::cli::serve {

struct WebConfig {
  std::string cert_file, key_file;           // both set: the listener speaks TLS
  std::map<std::string, std::string> users;  // user -> bcrypt hash; empty: no authentication
  bool tls() const { return !cert_file.empty(); }
};

// Reads FILE; errors name FILE:LINE.
Result<WebConfig> LoadWebConfig(const std::string& path);
Result<WebConfig> ParseWebConfig(const std::string& text, const std::string& path);

// Checks Authorization headers against the users' bcrypt hashes. Verified credentials are
// remembered (as a digest, never the password) so that a scrape every few seconds does not pay
// for bcrypt each time; at most 64 are kept.
class BasicAuth {
 public:
  explicit BasicAuth(std::map<std::string, std::string> users) : users_(std::move(users)) {}
  bool enabled() const { return !users_.empty(); }
  // Whether `authorization` (the header's value) names a user with the right password.
  bool Check(const std::string& authorization);

 private:
  std::map<std::string, std::string> users_;
  std::mutex mu_;
  std::set<std::string> verified_;  // SHA-256 of "user\0password\0hash"
};

}  // namespace cxa::cli::serve
