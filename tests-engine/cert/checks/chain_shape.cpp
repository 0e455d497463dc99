// How the server sends its chain, judged against the validated path: order, the root sent
// along, certificates that serve no purpose.
#include <openssl/x509v3.h>

#include <algorithm>

#include "cert/checks/check.h"
#include "cert/x509.h"

namespace cxa::cert {
namespace {

constexpr FindingInfo kOrder{
    "cert.chain.order",
    Severity::kWarning,
    "Chain sent out of order",
    "The server sends its certificates in an order other than leaf, then each issuer in turn. "
    "Most current clients reorder them, but older Java, embedded devices and some proxies fail.",
    "Rebuild the chain file (or the bundle on the load balancer) as: server certificate, the "
    "intermediate that issued it, then the next intermediate up.",
    "RFC 8446 §4.4.2; RFC 5246 §7.4.2"};

constexpr FindingInfo kLeafNotFirst{
    "cert.chain.leaf_not_first",
    Severity::kError,
    "Server certificate not sent first",
    "The first certificate the server sends (or the first in the file) is not the server's own: "
    "it is a CA certificate or one for another name, and the certificate for this name comes "
    "later. Every TLS client takes the first certificate as the server's, so all of them fail "
    "(name mismatch, a CA used as a server, a handshake signature that does not match). A PEM "
    "bundle exported in reverse order (root first) for IIS or a load balancer is the usual "
    "cause.",
    "Rebuild the chain file in the order the finding gives: the server certificate first, then "
    "the intermediate that issued it, then the next one up; leave the root out. On IIS, import "
    "the PFX again and rebind; on a load balancer, upload the certificate and its chain as "
    "separate items.",
    "RFC 8446 §4.4.2; RFC 5246 §7.4.2"};

constexpr FindingInfo kRootSent{
    "cert.chain.root_sent",
    Severity::kInfo,
    "Root certificate sent",
    "The server also sends the root certificate. Clients ignore it (they must already trust the "
    "root), so it only costs bytes in every handshake.",
    "Optionally remove the root from the chain the server sends.",
    "RFC 8446 §4.4.2"};

constexpr FindingInfo kUnneeded{
    "cert.chain.unneeded_certs",
    Severity::kInfo,
    "Certificate sent but not needed",
    "The server sends a certificate that is not part of the path to the trust anchor: a leftover "
    "from an older chain, a cross-certificate clients do not need, or an unrelated certificate.",
    "Remove certificates that are not on the path from the server's chain file.",
    "RFC 8446 §4.4.2"};

constexpr FindingInfo kInfos[] = {kLeafNotFirst, kOrder, kRootSent, kUnneeded};

// "#2 'CN=mail.contoso.test', then #1 'CN=Issuing CA'; leave out #0 'CN=Root CA'": the path's
// sent certificates in the order a server must send them, and what it should not send (the root,
// certificates off the path). Positions are those of the chain as sent, counted from 0.
std::string OrderToSend(const Evaluation& ev) {
  std::string order, drop;
  auto item = [](int pos, X509* c) { return "#" + std::to_string(pos) + " '" + Subject(c) + "'"; };
  for (X509* c : ev.path) {
    int pos = ev.SentIndex(c);
    if (pos < 0) continue;
    std::string& list = c != ev.path.front() && IsSelfIssued(c) ? drop : order;
    list += (list.empty() ? "" : &list == &order ? ", then " : ", ") + item(pos, c);
  }
  for (X509* c : ev.UnusedSent()) drop += (drop.empty() ? "" : ", ") + item(ev.SentIndex(c), c);
  return order + (drop.empty() ? "" : "; leave out " + drop);
}

// The server's certificate is not the first one sent (Evaluation::leaf_sent > 0).
void LeafNotFirst(const Evaluation& ev, std::vector<Finding>& out) {
  X509* first = ev.sent.front();
  std::string what = first == nullptr            ? "an unreadable certificate"
                     : X509_check_ca(first) != 0 ? "the CA certificate '" + Subject(first) + "'"
                                                 : "'" + Subject(first) + "', for another name";
  out.push_back(MakeFinding(kLeafNotFirst,
                            "the server's certificate '" + Subject(ev.path.front()) +
                                "' is number " + std::to_string(ev.leaf_sent + 1) + " of the " +
                                std::to_string(ev.sent.size()) + " certificates sent (#" +
                                std::to_string(ev.leaf_sent) + "); the first (#0) is " + what,
                            "send them in this order: " + OrderToSend(ev), 0));
}

void Run(const Evaluation& ev, std::vector<Finding>& out) {
  if (ev.path.empty()) return;
  if (ev.leaf_sent > 0) LeafNotFirst(ev, out);
  // Order: the sent positions of the path's certificates must increase (the advice above
  // already covers a chain whose server certificate is not first).
  int last = -1;
  bool ordered = true;
  for (X509* c : ev.path) {
    int pos = ev.SentIndex(c);
    if (pos < 0) continue;
    if (pos < last) ordered = false;
    last = pos;
  }
  if (!ordered && ev.leaf_sent <= 0) {
    std::string sent_order;
    for (size_t i = 0; i < ev.sent.size(); ++i) {
      if (ev.sent[i] == nullptr) continue;
      if (!sent_order.empty()) sent_order += " | ";
      sent_order += Subject(ev.sent[i]);
    }
    out.push_back(
        MakeFinding(kOrder, "the server sends its chain out of order", "sent: " + sent_order));
  }
  X509* top = ev.path.back();
  if (ev.anchored && ev.path.size() > 1 && ev.SentIndex(top) > 0 && IsSelfIssued(top)) {
    out.push_back(MakeFinding(kRootSent, "the server sends the root '" + Subject(top) + "'", "",
                              static_cast<int>(ev.path.size()) - 1));
  }
  for (X509* c : ev.UnusedSent()) {
    if (ev.SentIndex(c) == 0) continue;
    out.push_back(MakeFinding(kUnneeded,
                              "the server sends '" + Subject(c) + "', which is not on the path",
                              "issued by '" + Issuer(c) + "'", ev.ReportIndex(c)));
  }
}

}  // namespace

const CertCheck kChainShapeCheck{"chain-shape", {}, Run};
std::span<const FindingInfo> ChainShapeFindings() { return kInfos; }

}  // namespace cxa::cert
