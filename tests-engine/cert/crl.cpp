#include "cert/crl.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "cert/ocsp.h"
#include "cert/openssl_ptr.h"
#include "cert/x509.h"
#include "core/time_util.h"

namespace cxa::cert {
namespace {

X509CrlPtr ParseCrl(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  X509CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(bytes.size())));
  if (!crl && bytes.find("-----BEGIN X509 CRL-----") != std::string_view::npos) {
    BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
    crl.reset(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
  }
  ERR_clear_error();
  return crl;
}

// The reasonCode extension of a CRL entry, by name; "" when absent.
std::string EntryReason(X509_REVOKED* entry) {
  int crit = 0;
  auto* code = static_cast<ASN1_ENUMERATED*>(
      X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, &crit, nullptr));
  std::string name;
  if (code != nullptr) {
    long v = ASN1_ENUMERATED_get(code);
    name = OCSP_crl_reason_str(v);
    ASN1_ENUMERATED_free(code);
  }
  ERR_clear_error();
  return name;
}

CrlAnswer Fail(CrlVerdict v, std::string detail) {
  CrlAnswer a;
  a.verdict = v;
  a.detail = std::move(detail);
  return a;
}

}  // namespace

std::string_view CrlVerdictName(CrlVerdict v) {
  switch (v) {
    case CrlVerdict::kGood:
      return "good";
    case CrlVerdict::kRevoked:
      return "revoked";
    case CrlVerdict::kUnreadable:
      return "unreadable";
    case CrlVerdict::kWrongIssuer:
      return "wrong issuer";
    case CrlVerdict::kBadSignature:
      return "bad signature";
    case CrlVerdict::kExpired:
      return "expired";
    case CrlVerdict::kInvalid:
      return "invalid";
  }
  return "?";
}

CrlAnswer CheckCrl(std::string_view bytes, X509* cert, X509* issuer, std::time_t time) {
  X509CrlPtr crl = ParseCrl(bytes);
  if (!crl) return Fail(CrlVerdict::kUnreadable, "the bytes are not a CRL (DER or PEM)");
  if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(issuer)) != 0) {
    return Fail(CrlVerdict::kWrongIssuer,
                "the CRL is issued by " + NameText(X509_CRL_get_issuer(crl.get())) + ", not by " +
                    NameText(X509_get_subject_name(issuer)));
  }
  EVP_PKEY* key = X509_get0_pubkey(issuer);
  int sig_ok = key != nullptr ? X509_CRL_verify(crl.get(), key) : 0;
  ERR_clear_error();
  if (sig_ok != 1) {
    return Fail(CrlVerdict::kBadSignature, "the signature does not verify with the key of " +
                                               NameText(X509_get_subject_name(issuer)));
  }
  if ((X509_get_extension_flags(issuer) & EXFLAG_KUSAGE) != 0 &&
      (X509_get_key_usage(issuer) & KU_CRL_SIGN) == 0) {
    return Fail(CrlVerdict::kInvalid, "the issuer's key usage does not include cRLSign");
  }
  int critical = -1;
  auto* number = static_cast<ASN1_INTEGER*>(
      X509_CRL_get_ext_d2i(crl.get(), NID_crl_number, &critical, nullptr));
  bool critical_number = number != nullptr && critical == 1;
  ASN1_INTEGER_free(number);
  ERR_clear_error();
  if (critical_number) return Fail(CrlVerdict::kInvalid, "the CRLNumber extension is critical");
  CrlAnswer a;
  a.this_update = Asn1Time(X509_CRL_get0_lastUpdate(crl.get()));
  a.next_update = Asn1Time(X509_CRL_get0_nextUpdate(crl.get()));
  STACK_OF(X509_REVOKED)* listed = X509_CRL_get_REVOKED(crl.get());
  a.entries = listed != nullptr ? sk_X509_REVOKED_num(listed) : 0;
  std::string dates =
      "thisUpdate " + FormatTime(a.this_update) +
      (a.next_update != 0 ? ", nextUpdate " + FormatTime(a.next_update) : ", no nextUpdate") +
      ", " + std::to_string(a.entries) + " entries";
  X509_REVOKED* entry = nullptr;
  if (X509_CRL_get0_by_serial(crl.get(), &entry, X509_get0_serialNumber(cert)) == 1 &&
      entry != nullptr) {
    a.verdict = CrlVerdict::kRevoked;
    a.revoked_at = Asn1Time(X509_REVOKED_get0_revocationDate(entry));
    a.reason = EntryReason(entry);
    a.detail = "listed as revoked at " + FormatTime(a.revoked_at) +
               (a.reason.empty() ? "" : " (" + a.reason + ")") + "; " + dates;
    ERR_clear_error();
    return a;
  }
  ERR_clear_error();
  a.verdict = a.next_update == 0 || a.next_update < time ? CrlVerdict::kExpired : CrlVerdict::kGood;
  a.detail = (a.verdict == CrlVerdict::kGood ? "not listed; " : "not current; ") + dates;
  return a;
}

}  // namespace cxa::cert
