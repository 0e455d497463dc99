// Revocation data from servers and CAs: the bytes as an OCSP response (stapled or fetched) and
// as a CRL, judged about the committed revocation lab's leaf and issuing CA (cert/ocsp.h,
// cert/crl.h, cert/revocation.h).
#include <fstream>
#include <iterator>

#include "cert/crl.h"
#include "cert/ocsp.h"
#include "cert/revocation.h"
#include "cert/x509.h"

namespace {

cxa::cert::X509Ptr Load(const char* name) {
  std::ifstream in(std::string(CXA_REVOCATION_PKI) + "/" + name);
  std::string text(std::istreambuf_iterator<char>(in), {});
  auto ders = cxa::cert::SplitPem(text);
  return ders ? cxa::cert::ParseDer(ders->front()) : nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  static const cxa::cert::X509Ptr leaf = Load("good.pem");
  static const cxa::cert::X509Ptr ca = Load("rev-ca.pem");
  static const cxa::cert::X509Ptr root = Load("../ca/public-root.pem");
  if (!leaf || !ca || !root) return 0;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  const std::time_t when = 1925164800;  // 2031-01-03, inside the committed lab's dates
  (void)cxa::cert::CheckOcspResponse(bytes, leaf.get(), ca.get(), when);
  (void)cxa::cert::CheckCrl(bytes, leaf.get(), ca.get(), when);

  cxa::cert::RevocationInput in;
  in.mode = cxa::cert::RevocationMode::kFetch;
  in.staple_requested = true;
  in.staple = bytes;
  cxa::cert::RevocationFetch crl;
  crl.kind = cxa::cert::RevocationFetch::Kind::kCrl;
  crl.url = "fuzz";
  crl.body = std::make_shared<const std::string>(bytes);
  in.fetched.push_back(crl);
  X509* path[] = {leaf.get(), ca.get(), root.get()};
  std::vector<cxa::Finding> findings;
  cxa::cert::RevocationSummary summary;
  cxa::cert::JudgeRevocation(in, path, when, findings, summary);
  return 0;
}
