#include "cert/x509.h"

#include <arpa/inet.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>
#include <ctime>

#include "core/text.h"
#include "core/time_util.h"

namespace cxa::cert {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::time_t AsnTime(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return timegm(&tm);
}

}  // namespace

Result<std::vector<Der>> SplitPem(std::string_view text, size_t max_certs) {
  std::vector<Der> out;
  if (text.find("-----BEGIN") == std::string_view::npos) {
    // Maybe a single DER certificate.
    Der der(text.begin(), text.end());
    if (!der.empty() && ParseDer(der) != nullptr) {
      out.push_back(std::move(der));
      return out;
    }
    return Fail(
        "no PEM certificate found (expected '-----BEGIN CERTIFICATE-----' blocks or one DER "
        "certificate)");
  }
  BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  ERR_clear_error();
  for (;;) {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* data = nullptr;
    long len = 0;
    if (PEM_read_bio(bio.get(), &name, &header, &data, &len) != 1) {
      unsigned long err = ERR_peek_last_error();
      ERR_clear_error();
      if (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE) break;
      return Fail("damaged PEM block after certificate " + std::to_string(out.size()) +
                  " (bad base64 or missing END line)");
    }
    bool is_cert = std::strcmp(name, "CERTIFICATE") == 0 ||
                   std::strcmp(name, "X509 CERTIFICATE") == 0 ||
                   std::strcmp(name, "TRUSTED CERTIFICATE") == 0;
    if (is_cert) out.emplace_back(data, data + len);
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(data);
    if (out.size() > max_certs) {
      return Fail("more than " + std::to_string(max_certs) + " certificates");
    }
  }
  if (out.empty()) return Fail("no CERTIFICATE block found");
  return out;
}

X509Ptr ParseDer(const Der& der) {
  const unsigned char* p = der.data();
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  ERR_clear_error();
  if (cert && p != der.data() + der.size()) return nullptr;  // trailing bytes
  return cert;
}

Der ToDer(X509* cert) {
  unsigned char* buf = nullptr;
  int len = i2d_X509(cert, &buf);
  if (len <= 0) return {};
  Der out(buf, buf + len);
  OPENSSL_free(buf);
  return out;
}

std::string NameText(const X509_NAME* name) {
  if (name == nullptr) return "";
  BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return Printable(std::string_view(data, static_cast<size_t>(len)));
}

std::string CommonName(X509* cert) {
  X509_NAME* name = X509_get_subject_name(cert);
  int idx = -1, last = -1;
  while ((idx = X509_NAME_get_index_by_NID(name, NID_commonName, idx)) >= 0) last = idx;
  if (last < 0) return "";
  ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last));
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, s);
  if (len < 0) return "";
  std::string out =
      Printable(std::string_view(reinterpret_cast<char*>(utf8), static_cast<size_t>(len)));
  OPENSSL_free(utf8);
  return out;
}

namespace {
template <typename Fn>
void ForEachSan(X509* cert, Fn&& fn) {
  GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    fn(sk_GENERAL_NAME_value(names.get(), i));
  }
}
}  // namespace

std::vector<std::string> DnsNames(X509* cert) {
  std::vector<std::string> out;
  ForEachSan(cert, [&](GENERAL_NAME* gn) {
    if (gn->type != GEN_DNS) return;
    const ASN1_IA5STRING* s = gn->d.dNSName;
    out.push_back(
        Printable(std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                   static_cast<size_t>(ASN1_STRING_length(s)))));
  });
  return out;
}

std::vector<std::string> IpAddresses(X509* cert) {
  std::vector<std::string> out;
  ForEachSan(cert, [&](GENERAL_NAME* gn) {
    if (gn->type != GEN_IPADD) return;
    const ASN1_OCTET_STRING* s = gn->d.iPAddress;
    const unsigned char* p = ASN1_STRING_get0_data(s);
    int len = ASN1_STRING_length(s);
    char buf[INET6_ADDRSTRLEN] = {};
    if (len == 4) {
      inet_ntop(AF_INET, p, buf, sizeof buf);
    } else if (len == 16) {
      inet_ntop(AF_INET6, p, buf, sizeof buf);
    } else {
      return;
    }
    out.emplace_back(buf);
  });
  return out;
}

bool HasSubjectAltName(X509* cert) {
  return X509_get_ext_by_NID(cert, NID_subject_alt_name, -1) >= 0;
}

std::string AiaCaIssuers(X509* cert) {
  AuthorityInfoAccessPtr aia(static_cast<AUTHORITY_INFO_ACCESS*>(
      X509_get_ext_d2i(cert, NID_info_access, nullptr, nullptr)));
  if (!aia) return "";
  std::string url;
  for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(aia.get()) && url.empty(); ++i) {
    ACCESS_DESCRIPTION* ad = sk_ACCESS_DESCRIPTION_value(aia.get(), i);
    if (OBJ_obj2nid(ad->method) != NID_ad_ca_issuers) continue;
    if (ad->location->type != GEN_URI) continue;
    const ASN1_IA5STRING* s = ad->location->d.uniformResourceIdentifier;
    url.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
               static_cast<size_t>(ASN1_STRING_length(s)));
  }
  return Printable(url);
}

namespace {

std::string UriText(const GENERAL_NAME* name) {
  if (name == nullptr || name->type != GEN_URI) return "";
  const ASN1_IA5STRING* s = name->d.uniformResourceIdentifier;
  return Printable(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                               static_cast<size_t>(ASN1_STRING_length(s))));
}

}  // namespace

std::vector<std::string> OcspUrls(X509* cert) {
  std::vector<std::string> out;
  AuthorityInfoAccessPtr aia(static_cast<AUTHORITY_INFO_ACCESS*>(
      X509_get_ext_d2i(cert, NID_info_access, nullptr, nullptr)));
  for (int i = 0; aia && i < sk_ACCESS_DESCRIPTION_num(aia.get()); ++i) {
    ACCESS_DESCRIPTION* ad = sk_ACCESS_DESCRIPTION_value(aia.get(), i);
    if (OBJ_obj2nid(ad->method) != NID_ad_OCSP) continue;
    if (std::string url = UriText(ad->location); !url.empty()) out.push_back(std::move(url));
  }
  ERR_clear_error();
  return out;
}

std::vector<std::string> CrlUrls(X509* cert) {
  std::vector<std::string> out;
  CrlDistPointsPtr points(static_cast<CRL_DIST_POINTS*>(
      X509_get_ext_d2i(cert, NID_crl_distribution_points, nullptr, nullptr)));
  for (int i = 0; points && i < sk_DIST_POINT_num(points.get()); ++i) {
    const DIST_POINT* dp = sk_DIST_POINT_value(points.get(), i);
    if (dp->distpoint == nullptr || dp->distpoint->type != 0) continue;  // 0: fullName
    const GENERAL_NAMES* names = dp->distpoint->name.fullname;
    for (int j = 0; j < sk_GENERAL_NAME_num(names); ++j) {
      if (std::string url = UriText(sk_GENERAL_NAME_value(names, j)); !url.empty()) {
        out.push_back(std::move(url));
      }
    }
  }
  ERR_clear_error();
  return out;
}

bool MustStaple(X509* cert) {
  Asn1IntegerStackPtr features(static_cast<STACK_OF(ASN1_INTEGER)*>(
      X509_get_ext_d2i(cert, NID_tlsfeature, nullptr, nullptr)));
  bool found = false;
  for (int i = 0; features && i < sk_ASN1_INTEGER_num(features.get()); ++i) {
    found = found || ASN1_INTEGER_get(sk_ASN1_INTEGER_value(features.get(), i)) == 5;
  }
  ERR_clear_error();
  return found;
}

bool IsSelfIssued(X509* cert) {
  // Names and key identifiers only: the signature is judged by path validation.
  bool ok = X509_self_signed(cert, 0) == 1;
  ERR_clear_error();
  return ok;
}

bool IsCa(X509* cert) { return X509_check_ca(cert) != 0; }

int KeyBits(X509* cert) {
  EVP_PKEY* key = X509_get0_pubkey(cert);
  return key == nullptr ? 0 : EVP_PKEY_get_bits(key);
}

std::string KeyDescription(X509* cert) {
  EVP_PKEY* key = X509_get0_pubkey(cert);
  ERR_clear_error();
  if (key == nullptr) return "unknown";
  int id = EVP_PKEY_get_base_id(key);
  int bits = EVP_PKEY_get_bits(key);
  switch (id) {
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS:
      return "RSA " + std::to_string(bits);
    case EVP_PKEY_EC: {
      char group[64] = {};
      size_t glen = 0;
      if (EVP_PKEY_get_group_name(key, group, sizeof group, &glen) == 1) {
        std::string g(group, glen);
        if (g == "prime256v1") g = "P-256";
        if (g == "secp384r1") g = "P-384";
        if (g == "secp521r1") g = "P-521";
        return "EC " + g;
      }
      return "EC " + std::to_string(bits);
    }
    case EVP_PKEY_ED25519:
      return "Ed25519";
    case EVP_PKEY_ED448:
      return "Ed448";
    case EVP_PKEY_DSA:
      return "DSA " + std::to_string(bits);
    default:
      return std::string(OBJ_nid2sn(id)) + " " + std::to_string(bits);
  }
}

namespace {

std::string Hex(const unsigned char* md, unsigned int len) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 15]);
  }
  return out;
}

}  // namespace

std::string Sha256Hex(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &len) != 1) return "";
  return Hex(md, len);
}

std::string Sha256Hex(const Der& der) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(der.data(), der.size(), md, &len, EVP_sha256(), nullptr) != 1) return "";
  return Hex(md, len);
}

std::time_t NotBefore(X509* cert) { return AsnTime(X509_get0_notBefore(cert)); }
std::time_t NotAfter(X509* cert) { return AsnTime(X509_get0_notAfter(cert)); }

CertificateInfo Describe(X509* cert) {
  CertificateInfo info;
  info.subject = NameText(X509_get_subject_name(cert));
  info.issuer = NameText(X509_get_issuer_name(cert));
  if (BignumPtr bn{ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr)}) {
    char* hex = BN_bn2hex(bn.get());
    info.serial = Lower(hex ? hex : "");
    OPENSSL_free(hex);
  }
  info.sha256 = Sha256Hex(cert);
  info.not_before = FormatTime(NotBefore(cert));
  info.not_after = FormatTime(NotAfter(cert));
  info.key = KeyDescription(cert);
  int sig_nid = X509_get_signature_nid(cert);
  info.signature_algorithm = sig_nid == NID_undef ? "unknown" : OBJ_nid2ln(sig_nid);
  info.dns_names = DnsNames(cert);
  info.ip_addresses = IpAddresses(cert);
  info.aia_ca_issuers = AiaCaIssuers(cert);
  info.is_ca = IsCa(cert);
  info.self_signed = IsSelfIssued(cert);
  ERR_clear_error();
  return info;
}

bool DnsNameMatches(std::string_view pattern, std::string_view host) {
  std::string p = Lower(pattern);
  std::string h = Lower(host);
  if (!h.empty() && h.back() == '.') h.pop_back();
  if (!p.empty() && p.back() == '.') p.pop_back();
  if (p.rfind("*.", 0) != 0) return p == h;
  std::string suffix = p.substr(1);  // ".contoso.com"
  if (h.size() <= suffix.size()) return false;
  if (h.compare(h.size() - suffix.size(), suffix.size(), suffix) != 0) return false;
  std::string first = h.substr(0, h.size() - suffix.size());
  return !first.empty() && first.find('.') == std::string::npos;
}

}  // namespace cxa::cert

namespace cxa::cert {

std::vector<Der> ParseIssuerResponse(std::string_view bytes) {
  std::vector<Der> out;
  Der raw(bytes.begin(), bytes.end());
  if (ParseDer(raw)) {
    out.push_back(std::move(raw));
    return out;
  }
  auto from_pkcs7 = [&](Pkcs7Ptr p7) {
    if (!p7) return;
    STACK_OF(X509)* certs = nullptr;
    if (PKCS7_type_is_signed(p7.get()) && p7->d.sign != nullptr) certs = p7->d.sign->cert;
    for (int i = 0; certs != nullptr && i < sk_X509_num(certs); ++i) {
      out.push_back(ToDer(sk_X509_value(certs, i)));
    }
  };
  const unsigned char* p = raw.data();
  from_pkcs7(Pkcs7Ptr(d2i_PKCS7(nullptr, &p, static_cast<long>(raw.size()))));
  if (out.empty() && bytes.find("-----BEGIN PKCS7") != std::string_view::npos) {
    BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
    from_pkcs7(Pkcs7Ptr(PEM_read_bio_PKCS7(bio.get(), nullptr, nullptr, nullptr)));
  }
  if (out.empty()) {
    if (auto pem = SplitPem(bytes, 16)) out = *pem;
  }
  ERR_clear_error();
  return out;
}

}  // namespace cxa::cert

namespace cxa::cert {

std::optional<Der> DecodeBase64(std::string_view text) {
  std::string clean;
  clean.reserve(text.size());
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/' || c == '=';
    if (!ok) return std::nullopt;
    clean.push_back(c);
  }
  if (clean.empty() || clean.size() % 4 != 0) return std::nullopt;
  size_t pad = 0;
  while (pad < 2 && clean.size() > pad && clean[clean.size() - 1 - pad] == '=') ++pad;
  if (clean.find('=') < clean.size() - pad) return std::nullopt;  // '=' only at the end
  Der out(clean.size() / 4 * 3);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(clean.data()),
                          static_cast<int>(clean.size()));
  if (n < 0) return std::nullopt;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

std::string EncodeBase64(std::string_view raw) {
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(raw.data()),
                          static_cast<int>(raw.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<CertificateInfo> DescribeDer(const Der& der) {
  X509Ptr x = ParseDer(der);
  if (!x) return std::nullopt;
  return Describe(x.get());
}

}  // namespace cxa::cert
