// A committed test PKI case as the certificate evaluator's input (fixtures/pki/<case>/chain.pem),
// for unit tests of the evaluator and what it is built on.
#pragma once

#include <catch2/catch.hpp>
#include <string>

#include "cert/cert_evaluator.h"
#include "core/time_util.h"
#include "testing/fixtures.h"
#include "testing/process.h"

namespace cxa::testing {

// The chain of `pki_case` for `host`, judged at 2031-01-01 (inside the committed PKI's dates).
inline cert::CertInput LabChainInput(const std::string& pki_case, const std::string& host) {
  cert::CertInput in;
  auto ders = cert::SplitPem(ReadText(FixturesDir() + "/pki/" + pki_case + "/chain.pem"));
  REQUIRE(ders.ok());
  in.chain = *ders;
  in.host = host;
  in.time = *ParseTime("2031-01-01");
  return in;
}

// The digest a TLSA record holds for certificate `index` (1 = the first) of the PEM file `pem`:
// `selector` 0 the whole certificate, 1 its public key; `md` "sha256" or "sha512"; in hex. Taken
// with the openssl command, an implementation apart from cxa's own (cert/dane.h).
inline std::string TlsaDigest(const std::string& pem, int index, int selector,
                              const std::string& md = "sha256") {
  std::string script =
      "awk -v n=" + std::to_string(index) + " '/BEGIN CERT/{i++} i==n' '" + pem + "' | ";
  script += selector == 0 ? "openssl x509 -outform DER"
                          : "openssl x509 -pubkey -noout | openssl pkey -pubin -outform DER";
  script += " | openssl dgst -" + md + " -r | cut -d' ' -f1";
  CommandResult r = RunCommand({"/bin/sh", "-c", script});
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.out.size() > 64);
  return r.out.substr(0, r.out.find('\n'));
}

}  // namespace cxa::testing
