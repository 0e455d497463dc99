// A committed test PKI case as the certificate evaluator's input (fixtures/pki/<case>/chain.pem),
// for unit tests of the evaluator and what it is built on.
#pragma once

#include <catch2/catch.hpp>
#include <string>

#include "cert/cert_evaluator.h"
#include "core/time_util.h"
#include "testing/fixtures.h"

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

}  // namespace cxa::testing
