#include "cert/ocsp.h"

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "cert/openssl_ptr.h"
#include "cert/x509.h"
#include "core/time_util.h"

namespace cxa::cert {
namespace {

constexpr std::time_t kSkew = 5 * 60;  // clock difference tolerated for thisUpdate

// The response's answer about cert: the first SingleResponse whose CertID (in whatever hash
// the responder chose) names cert and its issuer.
OCSP_SINGLERESP* FindSingle(OCSP_BASICRESP* bs, X509* cert, X509* issuer) {
  for (int i = 0; i < OCSP_resp_count(bs); ++i) {
    OCSP_SINGLERESP* single = OCSP_resp_get0(bs, i);
    ASN1_OBJECT* md_obj = nullptr;
    OCSP_id_get0_info(nullptr, &md_obj, nullptr, nullptr,
                      const_cast<OCSP_CERTID*>(OCSP_SINGLERESP_get0_id(single)));
    const EVP_MD* md = md_obj != nullptr ? EVP_get_digestbyobj(md_obj) : nullptr;
    if (md == nullptr) continue;
    OcspCertIdPtr id(OCSP_cert_to_id(md, cert, issuer));
    if (id && OCSP_id_cmp(id.get(), OCSP_SINGLERESP_get0_id(single)) == 0) return single;
  }
  return nullptr;
}

// Who signed: the issuer itself, or a responder the issuer delegated (RFC 6960 §4.2.2.2).
// Empty with `why` set when the signer has no authority over this certificate's status.
std::string SignerRole(X509* signer, X509* issuer, std::time_t time, std::string& why) {
  if (X509_cmp(signer, issuer) == 0) return "the issuing CA";
  std::string subject = NameText(X509_get_subject_name(signer));
  EVP_PKEY* issuer_key = X509_get0_pubkey(issuer);
  bool issued = X509_check_issued(issuer, signer) == X509_V_OK && issuer_key != nullptr &&
                X509_verify(signer, issuer_key) == 1;
  ERR_clear_error();
  if (!issued) {
    why = "signed by " + subject + ", which the certificate's issuer did not issue";
    return "";
  }
  if ((X509_get_extension_flags(signer) & EXFLAG_XKUSAGE) == 0 ||
      (X509_get_extended_key_usage(signer) & XKU_OCSP_SIGN) == 0) {
    why = "signed by " + subject + ", which lacks the OCSP-signing extended key usage";
    return "";
  }
  if (time < NotBefore(signer) || time > NotAfter(signer)) {
    why = "signed by " + subject + ", whose certificate is not valid at the verification time";
    return "";
  }
  return "delegated responder " + subject;
}

std::string Dates(const OcspAnswer& a) {
  std::string s = "thisUpdate " + FormatTime(a.this_update);
  s += a.next_update != 0 ? ", nextUpdate " + FormatTime(a.next_update) : ", no nextUpdate";
  return s;
}

OcspAnswer Fail(OcspVerdict v, std::string detail) {
  OcspAnswer a;
  a.verdict = v;
  a.detail = std::move(detail);
  return a;
}

}  // namespace

std::string_view OcspVerdictName(OcspVerdict v) {
  switch (v) {
    case OcspVerdict::kGood:
      return "good";
    case OcspVerdict::kRevoked:
      return "revoked";
    case OcspVerdict::kUnknown:
      return "unknown";
    case OcspVerdict::kResponderError:
      return "responder error";
    case OcspVerdict::kUnreadable:
      return "unreadable";
    case OcspVerdict::kBadSignature:
      return "bad signature";
    case OcspVerdict::kNotForCert:
      return "not for this certificate";
    case OcspVerdict::kStale:
      return "stale";
    case OcspVerdict::kNotYetValid:
      return "not yet valid";
  }
  return "?";
}

std::time_t Asn1Time(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return timegm(&tm);
}

OcspAnswer CheckOcspResponse(std::string_view der, X509* cert, X509* issuer, std::time_t time) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  OcspResponsePtr resp(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
  ERR_clear_error();
  if (!resp) return Fail(OcspVerdict::kUnreadable, "the bytes are not an OCSP response");
  int status = OCSP_response_status(resp.get());
  if (status != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
    return Fail(OcspVerdict::kResponderError,
                std::string("responseStatus ") + OCSP_response_status_str(status));
  }
  OcspBasicPtr bs(OCSP_response_get1_basic(resp.get()));
  ERR_clear_error();
  if (!bs) return Fail(OcspVerdict::kUnreadable, "the response holds no basic OCSP response");

  X509StackPtr issuer_stack(sk_X509_new_null());
  X509_up_ref(issuer);
  sk_X509_push(issuer_stack.get(), issuer);
  X509* signer = nullptr;
  if (OCSP_resp_get0_signer(bs.get(), &signer, issuer_stack.get()) != 1 || signer == nullptr) {
    ERR_clear_error();
    return Fail(OcspVerdict::kBadSignature,
                "the responder's certificate is neither the issuer nor included in the response");
  }
  X509StorePtr store(X509_STORE_new());
  int verified = OCSP_basic_verify(bs.get(), issuer_stack.get(), store.get(), OCSP_NOVERIFY);
  ERR_clear_error();
  if (verified <= 0) {
    return Fail(OcspVerdict::kBadSignature, "the signature does not verify with the key of " +
                                                NameText(X509_get_subject_name(signer)));
  }
  std::string why;
  std::string role = SignerRole(signer, issuer, time, why);
  if (role.empty()) return Fail(OcspVerdict::kBadSignature, why);

  OCSP_SINGLERESP* single = FindSingle(bs.get(), cert, issuer);
  if (single == nullptr) {
    return Fail(OcspVerdict::kNotForCert,
                "no answer about serial " + Describe(cert).serial + " in the response");
  }
  int reason = OCSP_REVOKED_STATUS_NOSTATUS;
  ASN1_GENERALIZEDTIME *revoked = nullptr, *this_upd = nullptr, *next_upd = nullptr;
  int cert_status = OCSP_single_get0_status(single, &reason, &revoked, &this_upd, &next_upd);
  OcspAnswer a;
  a.signer = role;
  a.this_update = Asn1Time(this_upd);
  a.next_update = Asn1Time(next_upd);
  if (cert_status == V_OCSP_CERTSTATUS_REVOKED) {
    a.verdict = OcspVerdict::kRevoked;
    a.revoked_at = Asn1Time(revoked);
    if (reason != OCSP_REVOKED_STATUS_NOSTATUS) a.reason = OCSP_crl_reason_str(reason);
    a.detail = "revoked at " + FormatTime(a.revoked_at) +
               (a.reason.empty() ? "" : " (" + a.reason + ")") + "; signed by " + role + "; " +
               Dates(a);
    return a;
  }
  if (a.next_update != 0 && a.next_update < time) {
    a.verdict = OcspVerdict::kStale;
  } else if (a.this_update > time + kSkew) {
    a.verdict = OcspVerdict::kNotYetValid;
  } else {
    a.verdict = cert_status == V_OCSP_CERTSTATUS_GOOD ? OcspVerdict::kGood : OcspVerdict::kUnknown;
  }
  a.detail = std::string(cert_status == V_OCSP_CERTSTATUS_GOOD ? "good" : "unknown") +
             "; signed by " + role + "; " + Dates(a);
  return a;
}

std::string OcspRequestFor(X509* cert, X509* issuer) {
  OcspRequestPtr req(OCSP_REQUEST_new());
  OCSP_CERTID* id = OCSP_cert_to_id(EVP_sha1(), cert, issuer);
  if (!req || id == nullptr || OCSP_request_add0_id(req.get(), id) == nullptr) {
    OCSP_CERTID_free(id);
    ERR_clear_error();
    return "";
  }
  unsigned char* out = nullptr;
  int len = i2d_OCSP_REQUEST(req.get(), &out);
  std::string der;
  if (len > 0) der.assign(reinterpret_cast<const char*>(out), static_cast<size_t>(len));
  OPENSSL_free(out);
  return der;
}

}  // namespace cxa::cert
