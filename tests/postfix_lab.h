// A real MTA for the tests: Debian's Postfix (installed by tools/install-deps). Its master
// daemon runs in the foreground with a private configuration under the test log directory: one
// smtpd on a loopback port per lab certificate case, and one that does not offer STARTTLS.
// One lab per test process, stopped by PID. Postfix needs root (CI runs the tests as root).
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "loopback.h"
#include "testing/fixtures.h"
#include "testing/process.h"

namespace cxa::testing {

class PostfixLab {
 public:
  static constexpr const char* kMaster = "/usr/lib/postfix/sbin/master";
  // Listener name -> the lab PKI case whose chain it presents ("" for no STARTTLS).
  static inline const std::map<std::string, std::string> kListeners = {
      {"good", "good"},
      {"self-signed", "self-signed"},
      {"wrong-name", "wrong-name"},
      {"missing-intermediate", "missing-intermediate"},
      {"expired", "expired"},
      {"wildcard", "wildcard"},
      {"no-starttls", ""},
  };

  static PostfixLab& Get() {
    static PostfixLab lab;
    return lab;
  }
  int port(const std::string& listener) const { return ports_.at(listener); }
  // Where the good listener's port answers too, without STARTTLS (pool.contoso.test's second
  // address in fixtures/dns/contoso.test.zone).
  static constexpr const char* kSecondAddress = "127.0.0.2";
  // Postfix's log so far (maillog_file).
  std::string Log() const { return ReadText(dir_ + "/maillog"); }

 private:
  PostfixLab() {
    REQUIRE(std::filesystem::exists(kMaster));
    REQUIRE(::geteuid() == 0);  // the master daemon runs as root and drops to "postfix"
    dir_ = BinaryDir() + "/test-logs/postfix-" + std::to_string(::getpid());
    std::filesystem::remove_all(dir_);
    for (const char* sub : {"etc", "spool/pid", "spool/private", "spool/public", "data"}) {
      std::filesystem::create_directories(dir_ + "/" + sub);
    }
    // Postfix insists on root-owned, not group- or world-writable configuration and queue
    // directories, and on its own user owning where its daemons write.
    for (const char* sub : {"", "/etc", "/spool", "/spool/pid"})
      ::chmod((dir_ + sub).c_str(), 0755);
    Chown("/spool/private", 0700);
    Chown("/spool/public", 0755);
    Chown("/data", 0755);

    std::ofstream main(dir_ + "/etc/main.cf");
    main << "compatibility_level = 3.6\n"
         << "queue_directory = " << dir_ << "/spool\n"
         << "data_directory = " << dir_ << "/data\n"
         << "maillog_file = " << dir_ << "/maillog\n"
         << "maillog_file_prefixes = " << dir_ << "\n"
         << "mail_owner = postfix\nsetgid_group = postdrop\n"
         << "inet_interfaces = 127.0.0.1\ninet_protocols = ipv4\n"
         << "myhostname = mx.lab.test\nmydestination =\nrelay_domains =\n"
         << "alias_maps =\nalias_database =\nlocal_recipient_maps =\n"
         << "smtpd_relay_restrictions = reject\n"
         << "smtpd_tls_security_level = may\nsmtpd_tls_loglevel = 1\n"
         << "smtpd_banner = $myhostname ESMTP lab\n";
    main.close();
    std::ofstream master(dir_ + "/etc/master.cf");
    for (const auto& [name, pki] : kListeners) {
      const int port = FreePort();
      ports_[name] = port;
      master << "127.0.0.1:" << port << " inet n - n - - smtpd -o syslog_name=postfix/" << name;
      if (pki.empty()) {
        master << " -o smtpd_tls_security_level=none";
      } else {
        const std::string d = LabPki() + "/" + pki;
        master << " -o smtpd_tls_chain_files=" << d << "/key.pem," << d << "/chain.pem";
      }
      master << "\n";
    }
    // The good listener's port on a second loopback address, without STARTTLS: a name with both
    // addresses is a pool whose servers are configured differently.
    master << kSecondAddress << ":" << ports_.at("good")
           << " inet n - n - - smtpd -o syslog_name=postfix/pool-plain"
           << " -o smtpd_tls_security_level=none\n";
    master << "anvil unix - - n - 1 anvil\n"
           << "tlsmgr unix - - n 1000? 1 tlsmgr\n"
           << "postlog unix-dgram n - n - 1 postlogd\n"
           << "proxymap unix - - n - - proxymap\n"
           << "rewrite unix - - n - - trivial-rewrite\n"
           << "cleanup unix n - n - 0 cleanup\n";
    master.close();
    REQUIRE(process_.Start({kMaster, "-c", dir_ + "/etc", "-d"}));
    for (const auto& [name, port] : ports_) {
      INFO("postfix did not listen on " << port << " (see " << dir_ << "/maillog)");
      REQUIRE(WaitForPort(port, 30000));  // a loaded CI machine starts it slowly
    }
  }

  void Chown(const std::string& sub, mode_t mode) {
    const std::string path = dir_ + sub;
    REQUIRE(::chmod(path.c_str(), mode) == 0);
    REQUIRE(RunCommand({"/bin/chown", "postfix", path}).exit_code == 0);
  }

  std::string dir_;
  std::map<std::string, int> ports_;
  BackgroundProcess process_;
};

}  // namespace cxa::testing
