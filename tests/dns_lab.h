// A real authoritative DNS server for the tests: Debian's nsd on 127.0.0.1 with the zones of
// fixtures/dns/ (installed by tools/install-deps), one per test process, stopped by PID. Tests
// aim cxa at it with --dns-server 127.0.0.1:PORT; nothing asks the machine's resolver.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "testing/fixtures.h"
#include "testing/process.h"
#include "transport/dns.h"

namespace cxa::testing {

class NsdLab {
 public:
  static constexpr const char* kNsd = "/usr/sbin/nsd";
  static constexpr const char* kZones[] = {"srv.test", "mail.test", "smtp.test", "contoso.test"};

  static NsdLab& Get() {
    static NsdLab lab;
    return lab;
  }
  int port() const { return port_; }
  std::string server() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  NsdLab() {
    REQUIRE(std::filesystem::exists(kNsd));
    dir_ = BinaryDir() + "/test-logs/nsd-" + std::to_string(::getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ::chmod(dir_.c_str(), 0777);  // nsd started as root may drop to its own user
    port_ = FreePort();
    std::ofstream conf(dir_ + "/nsd.conf");
    conf << "server:\n"
         << "  ip-address: 127.0.0.1\n"
         << "  port: " << port_ << "\n"
         << "  username: \"\"\n"
         << "  chroot: \"\"\n"
         << "  zonesdir: \"" << dir_ << "\"\n"
         << "  database: \"\"\n"
         << "  zonelistfile: \"" << dir_ << "/zone.list\"\n"
         << "  xfrdfile: \"" << dir_ << "/xfrd.state\"\n"
         << "  pidfile: \"" << dir_ << "/nsd.pid\"\n"
         << "  logfile: \"" << dir_ << "/nsd.log\"\n"
         << "  server-count: 1\n"
         << "  hide-version: yes\n"
         << "remote-control:\n"
         << "  control-enable: no\n";
    for (const char* zone : kZones) {
      std::filesystem::copy_file(FixturesDir() + "/dns/" + zone + ".zone",
                                 dir_ + "/" + zone + ".zone");
      conf << "zone:\n  name: " << zone << "\n  zonefile: " << zone << ".zone\n";
    }
    conf.close();
    REQUIRE(process_.Start({kNsd, "-d", "-c", dir_ + "/nsd.conf"}));
    // Ready when it answers: a record every zone file has.
    for (int i = 0; i < 100; ++i) {
      DnsAnswer a = LookupDnsLive("srv.test", DnsType::kTxt, DnsOptions{server(), {}}, 1000);
      if (a.status == DnsAnswer::Status::kFound) return;
      ::usleep(50 * 1000);
    }
    FAIL("nsd did not answer on " << server() << " (see " << dir_ << "/nsd.log)");
  }

  std::string dir_;
  int port_ = 0;
  BackgroundProcess process_;
};

}  // namespace cxa::testing
