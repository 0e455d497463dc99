// A validating resolver for the tests: Debian's unbound on 127.0.0.1 in front of nsd serving
// zones signed at start with fresh keys (ldns-keygen, ldns-signzone; all installed by
// tools/install-deps). unbound holds the zones' keys as trust anchors, so their answers carry
// the AD bit; bogus.test is changed after signing and fails validation (SERVFAIL), as does the
// TLSA record of forged.signed.test. signed.test's TLSA records describe the lab PKI's good chain
// (digests taken with the openssl command). One lab per test process, stopped by PID; tests aim
// cxa at it with --dns-server.
#pragma once

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "loopback.h"
#include "testing/fixtures.h"
#include "testing/lab_chain.h"
#include "testing/process.h"
#include "transport/dns.h"

namespace cxa::testing {

class DnssecLab {
 public:
  static constexpr const char* kZones[] = {"signed.test", "bogus.test"};

  static DnssecLab& Get() {
    static DnssecLab lab;
    return lab;
  }
  std::string server() const { return "127.0.0.1:" + std::to_string(unbound_port_); }

 private:
  DnssecLab() {
    dir_ = BinaryDir() + "/test-logs/dnssec-" + std::to_string(::getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::string anchors;
    for (const char* zone : kZones) anchors += SignZone(zone);
    std::ofstream(dir_ + "/anchors.key") << anchors;
    nsd_port_ = FreePort();
    unbound_port_ = FreePort();
    std::ofstream nsd(dir_ + "/nsd.conf");
    nsd << "server:\n  ip-address: 127.0.0.1\n  port: " << nsd_port_
        << "\n  username: \"\"\n  chroot: \"\"\n  zonesdir: \"" << dir_
        << "\"\n  database: \"\"\n  zonelistfile: \"" << dir_ << "/zone.list\"\n  xfrdfile: \""
        << dir_ << "/xfrd.state\"\n  pidfile: \"" << dir_ << "/nsd.pid\"\n  logfile: \"" << dir_
        << "/nsd.log\"\n  server-count: 1\nremote-control:\n  control-enable: no\n";
    std::ofstream unbound(dir_ + "/unbound.conf");
    unbound << "server:\n  interface: 127.0.0.1\n  port: " << unbound_port_
            << "\n  do-ip6: no\n  username: \"\"\n  chroot: \"\"\n  directory: \"" << dir_
            << "\"\n  pidfile: \"" << dir_ << "/unbound.pid\"\n  logfile: \"" << dir_
            << "/unbound.log\"\n  use-syslog: no\n  do-daemonize: no\n"
            << "  access-control: 127.0.0.0/8 allow\n  trust-anchor-file: \"" << dir_
            << "/anchors.key\"\n  local-zone: \"test.\" nodefault\n"
            << "  do-not-query-localhost: no\n  module-config: \"validator iterator\"\n";
    for (const char* zone : kZones) {
      nsd << "zone:\n  name: " << zone << "\n  zonefile: " << zone << ".zone.signed\n";
      unbound << "stub-zone:\n  name: \"" << zone << "\"\n  stub-addr: 127.0.0.1@" << nsd_port_
              << "\n";
    }
    // Everything else goes to nsd too (which refuses it): unbound never asks the Internet.
    unbound << "stub-zone:\n  name: \".\"\n  stub-addr: 127.0.0.1@" << nsd_port_ << "\n"
            << "remote-control:\n  control-enable: no\n";
    nsd.close();
    unbound.close();
    REQUIRE(nsd_.Start({"/usr/sbin/nsd", "-d", "-c", dir_ + "/nsd.conf"}));
    REQUIRE(unbound_.Start({"/usr/sbin/unbound", "-d", "-c", dir_ + "/unbound.conf"}));
    for (int i = 0; i < 100; ++i) {
      DnsAnswer a = LookupDnsLive("signed.test", DnsType::kMx, DnsOptions{server(), {}}, 1000);
      if (a.status == DnsAnswer::Status::kFound && a.authenticated) return;
      ::usleep(50 * 1000);
    }
    FAIL("unbound gave no validated answer on " << server() << " (see " << dir_ << ")");
  }

  static void Replace(std::string& text, const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
      text.replace(at, from.size(), to);
      at += to.size();
    }
  }

  // Signs fixtures/dns/<zone>.zone (its placeholders filled in) into
  // <dir>/<zone>.zone.signed; returns its key-signing key's DNSKEY record (the trust anchor).
  // bogus.test's MX and forged.signed.test's TLSA record are changed after signing.
  std::string SignZone(const std::string& zone) {
    std::string source = ReadText(FixturesDir() + "/dns/" + zone + ".zone");
    const std::string good = LabPki() + "/good/chain.pem";
    Replace(source, "@LEAF_SPKI_SHA256@", TlsaDigest(good, 1, 1));
    Replace(source, "@ISSUER_SPKI_SHA256@", TlsaDigest(good, 2, 1));
    std::ofstream(dir_ + "/" + zone + ".zone") << source;
    auto keygen = [&](bool ksk) {
      std::vector<std::string> argv = {"/usr/bin/ldns-keygen", "-a", "ECDSAP256SHA256"};
      if (ksk) argv.push_back("-k");
      argv.push_back(zone);
      CommandResult r = RunCommand(argv, "", 30, {}, dir_);
      INFO(r.err);
      REQUIRE(r.exit_code == 0);
      std::string base = r.out.substr(0, r.out.find('\n'));
      REQUIRE(!base.empty());
      return base;
    };
    const std::string ksk = keygen(true), zsk = keygen(false);
    CommandResult signed_zone =
        RunCommand({"/usr/bin/ldns-signzone", "-n", zone + ".zone", ksk, zsk}, "", 30, {}, dir_);
    INFO(signed_zone.err);
    REQUIRE(signed_zone.exit_code == 0);
    if (zone == "bogus.test") {
      std::string text = ReadText(dir_ + "/" + zone + ".zone.signed");
      const std::string from = "MX\t10 mail.contoso.test.";
      const size_t at = text.find(from);
      REQUIRE(at != std::string::npos);
      text.replace(at, from.size(), "MX\t10 evil.contoso.test.");
      std::ofstream(dir_ + "/" + zone + ".zone.signed") << text;
    }
    if (zone == "signed.test") {
      std::string text = ReadText(dir_ + "/" + zone + ".zone.signed");
      const size_t line = text.find("_25._tcp.forged.signed.test.");
      REQUIRE(line != std::string::npos);
      const size_t data = text.find("TLSA\t3 1 1 ", line);
      REQUIRE(data != std::string::npos);
      char& digit = text[data + 11];
      digit = digit == '0' ? '1' : '0';
      std::ofstream(dir_ + "/" + zone + ".zone.signed") << text;
    }
    std::string key = ReadText(dir_ + "/" + ksk + ".key");
    return key.substr(0, key.find(';')) + "\n";
  }

  std::string dir_;
  int nsd_port_ = 0;
  int unbound_port_ = 0;
  BackgroundProcess nsd_;
  BackgroundProcess unbound_;
};

}  // namespace cxa::testing
