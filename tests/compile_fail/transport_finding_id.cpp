// Compiled by CTest, not linked: with -DCXA_TYPO the misspelt transport finding ID must make the
// build fail (TransportFindingId is checked when compiled); without it, the file must build, so
// the failure can only come from the ID.
#include "transport/http_transport.h"

cxa::TransportError Example() {
#ifdef CXA_TYPO
  return {cxa::Stage::kResolve, "net.dns.no_such_hots", "a typo"};
#else
  return {cxa::Stage::kResolve, "net.dns.no_such_host", "the right ID"};
#endif
}
