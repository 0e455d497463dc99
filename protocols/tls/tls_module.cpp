// Module `tls`: DNS -> TCP -> TLS handshake -> certificate, for any host:port.
//
// Steps (each stops the step on failure):
//   1. resolve the host (or use --resolve), 2. TCP connect, 3. TLS handshake with SNI,
//   4. the certificate evaluator judges the chain inside the handshake under the step's policy.
// Pass: a trusted chain for the name. Facts: address, port, tls_version, cipher,
// certificate_trusted, certificate_subject, certificate_not_after, certificate_days_left.
#include "protocols/tls/tls_module.h"

#include "transport/connection_report.h"
#include "transport/revocation_check.h"
#include "transport/url.h"

namespace cxa::protocols {
namespace {

constexpr OptionSpec kOptions[] = {
    {"host", OptionType::kString, false, "", "host name or IP address to connect to"},
    {"port", OptionType::kPort, false, "443", "TCP port"},
    {"name", OptionType::kString, false, "", "name the certificate must cover (default: host)"},
    {"url", OptionType::kString, false, "",
     "instead of host and port: an https URL (or a bare host name) whose host and port to check"},
};

constexpr FactSpec kFacts[] = {
    {"address", "IP address connected to"},
    {"port", "TCP port connected to"},
    {"tls_version", "negotiated TLS version"},
    {"cipher", "negotiated cipher suite"},
    {"certificate_trusted", "true when the chain validated under the step's policy"},
    {"certificate_subject", "subject of the server certificate"},
    {"certificate_not_after", "expiry of the server certificate (RFC 3339)"},
    {"certificate_days_left", "days until the server certificate expires"},
    {"aia_fetched", "issuer URLs fetched to complete the chain (AIA caIssuers)"},
    {"revocation_fetched",
     "OCSP responders and CRLs asked about the path's certificates (--revocation fetch)"},
    {"ocsp_staple", "the server's OCSP staple: absent, good, revoked, unknown, stale or invalid"},
    {"revocation",
     "the path's revocation status: good, revoked, unknown, unreachable or no information"},
};

// The URLs of `fetched` as one space-separated fact.
void ListUrls(const std::vector<HttpExchange>& fetched, const std::string& fact,
              StepResult& result) {
  for (const auto& f : fetched) {
    std::string& list = result.facts[fact];
    list += (list.empty() ? "" : " ") + f.request.url;
  }
}

class TlsStep : public Step {
 public:
  TlsStep(std::string host, int port, std::string name)
      : host_(std::move(host)), port_(port), name_(std::move(name)) {}

  StepResult Run(StepContext& ctx) override {
    HttpRequest req =
        StepRequest(ctx, "https://" + HostForUrl(host_) + ":" + std::to_string(port_) + "/");
    req.connect_only = true;
    req.cert_name = name_.empty() ? host_ : name_;
    HttpExchange ex = ctx.transport.Perform(req);
    AiaResult aia = CompleteChainViaAia(ex, ctx.transport, ctx.evaluator, ctx.trust, ctx.aia);
    auto revocation = FetchRevocation(ex, ctx.transport, ctx.evaluator, aia.intermediates);
    StepResult result;
    ReportConnection(ex, ctx.now, result);
    ListUrls(aia.fetched, "aia_fetched", result);
    ListUrls(revocation, "revocation_fetched", result);
    if (ex.tls && ex.tls->report) {
      const auto& rev = ex.tls->report->revocation;
      if (!rev.staple.empty()) result.facts["ocsp_staple"] = rev.staple;
      if (!rev.status.empty() && rev.status != "not checked") {
        result.facts["revocation"] = rev.status;
      }
    }
    return result;
  }

 private:
  std::string host_;
  int port_;
  std::string name_;
};

Result<std::unique_ptr<Step>> Create(const OptionMap& o) {
  std::string host = o.count("host") ? o.at("host") : "";
  int port = std::stoi(o.at("port"));
  if (o.count("url") && !o.at("url").empty()) {
    if (!host.empty()) return Fail("options 'host' and 'url' exclude each other");
    const std::string& url = o.at("url");
    auto u = SplitHttpUrl(url.find("://") == std::string::npos ? "https://" + url : url);
    if (!u || u->scheme != "https") {
      return Fail("option 'url' must be an https:// URL or a host name, got '" + o.at("url") + "'");
    }
    host = u->host;
    port = u->port;
  }
  if (host.empty()) return Fail("option 'host' (or 'url') is empty");
  if (port < 1 || port > 65535) return Fail("option 'port' must be 1..65535");
  auto name = o.count("name") ? o.at("name") : std::string();
  return std::unique_ptr<Step>(std::make_unique<TlsStep>(host, port, name));
}

}  // namespace

const ModuleDescriptor kTlsModule{
    "tls",
    "TLS endpoint and certificate",
    "Resolves the host, opens TCP to the port, performs a TLS handshake with SNI and has the "
    "certificate evaluator judge the chain the server sends, inside the handshake, under the "
    "step's trust policy. Stops at the first failing stage.",
    kOptions,
    kFacts,
    {},
    Create,
    /*shareable=*/true,
    /*share_key=*/nullptr,
};

}  // namespace cxa::protocols
