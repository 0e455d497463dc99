// Certificate input: PEM/DER chains (cxa cert --chain) and AIA issuer answers (DER, PKCS#7, PEM).
#include "cert/x509.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto chain = cxa::cert::SplitPem(text)) {
    for (const auto& der : *chain) (void)cxa::cert::DescribeDer(der);
  }
  (void)cxa::cert::ParseIssuerResponse(text);
  (void)cxa::cert::DecodeBase64(text);
  return 0;
}
