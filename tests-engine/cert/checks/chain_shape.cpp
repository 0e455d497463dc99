// How the server sends its chain, judged against the validated path: order, the root sent
// along, certificates that serve no purpose.
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

constexpr FindingInfo kInfos[] = {kOrder, kRootSent, kUnneeded};

void Run(const Evaluation& ev, std::vector<Finding>& out) {
  if (ev.path.empty()) return;
  // Order: the sent positions of the path's certificates must increase.
  int last = -1;
  bool ordered = true;
  for (X509* c : ev.path) {
    int pos = ev.SentIndex(c);
    if (pos < 0) continue;
    if (pos < last) ordered = false;
    last = pos;
  }
  if (!ordered) {
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
