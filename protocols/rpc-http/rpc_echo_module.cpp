// Module `rpc-echo`: an authenticated RPC_IN_DATA echo to the RPC proxy (rpcping /E).
#include "core/text.h"
#include "protocols/rpc-http/rpc_proxy_common.h"
#include "protocols/rpc-http/rpch_codec.h"
#include "protocols/rpc-http/rpch_modules.h"
#include "transport/connection_report.h"
#include "transport/credentials.h"

namespace cxa::protocols {
namespace {

using rpch::Opt;
using rpch::ProxyUrl;
using rpch::RpcRequest;

constexpr FindingInfo kEchoOk{"oa.echo.ok",
                              Severity::kInfo,
                              "RPC proxy answered the echo",
                              "The RPC proxy accepted the credentials and answered an echo "
                              "request with an Echo RTS PDU (like rpcping /E).",
                              "Nothing to fix.",
                              "MS-RPCH 2.1.2.1"};
constexpr FindingInfo kEchoRejected{
    "oa.echo.rejected",
    Severity::kError,
    "RPC proxy rejected the credentials",
    "The RPC proxy answered 401 to the authenticated echo request: wrong user name or password, "
    "or the method is not enabled on the /rpc virtual directory.",
    "Check the credentials (DOMAIN\\user or UPN) and the IIS authentication methods of /rpc.",
    "Remote Connectivity Analyzer: Unknown Username or bad password; MS-RPCH 2.1.2.1"};
constexpr FindingInfo kEchoFailed{
    "oa.echo.failed",
    Severity::kError,
    "RPC proxy echo failed",
    "The echo request got an answer other than 200 with an Echo RTS PDU.",
    "Check the RPC proxy (the status line is in the finding) and the server's event log.",
    "MS-RPCH 2.1.2.1"};
constexpr FindingInfo kEchoFindings[] = {kEchoOk, kEchoRejected, kEchoFailed};

constexpr FactSpec kEchoFacts[] = {{"echo", "the RTS PDU the proxy answered (Echo)"}};

class EchoStep : public Step {
 public:
  explicit EchoStep(const OptionMap& o)
      : proxy_(Opt(o, "proxy")),
        server_(Opt(o, "server")),
        auth_(ToLower(Opt(o, "auth"))),
        user_(Opt(o, "user")) {}

  StepResult Run(StepContext& ctx) override {
    if (auto skip = SkipWithoutPassword(ctx)) return *skip;
    StepResult result;
    std::string url = ProxyUrl(proxy_, server_, 6001);
    std::string why;
    auto password = ctx.credentials.Release(ctx.password, url, &why);
    if (!password) {
      result.findings.push_back(CredentialsWithheld(url, "the RPC proxy Autodiscover named", why));
      return result;
    }
    HttpRequest req = RpcRequest(ctx, url);
    SignIn(req, user_, *password, auth_ == "basic");
    HttpExchange ex = ctx.transport.Perform(req);
    if (!ReportConnectionFailure(ex, ctx.now, result)) return result;
    result.stage = Stage::kHttp;
    const HttpResponse& r = *ex.response;
    if (r.status == 401) {
      result.findings.push_back(MakeFinding(
          kEchoRejected, "the RPC proxy rejected the " + auth_ + " credentials of " + user_,
          r.StatusLine()));
      return result;
    }
    if (r.status != 200) {
      result.findings.push_back(
          MakeFinding(kEchoFailed, "the echo request got " + r.StatusLine(), Excerpt(r.body)));
      return result;
    }
    auto len = rpch::PduLength(r.body);
    auto pdu = len && *len == r.body.size() ? rpch::DecodePdu(r.body) : Result<rpch::Pdu>(Fail(""));
    auto rts = pdu ? rpch::DecodeRts(*pdu) : Result<rpch::RtsPdu>(Fail(""));
    if (!rts || rts->flags != rpch::kRtsEcho) {
      result.findings.push_back(MakeFinding(
          kEchoFailed, "the echo answer is not an Echo RTS PDU",
          std::to_string(r.body.size()) + " bytes" + (rts ? ": " + rpch::DescribeRts(*rts) : "")));
      return result;
    }
    result.stage = Stage::kProtocol;
    result.facts["echo"] = rpch::DescribeRts(*rts);
    result.findings.push_back(MakeFinding(kEchoOk, "the RPC proxy " + proxy_ + " echoed"));
    return result;
  }

 private:
  std::string proxy_, server_, auth_, user_;
};

}  // namespace

const ModuleDescriptor kRpcEchoModule{
    "rpc-echo",
    "RPC proxy echo (rpcping /E)",
    "Only with a password: sends an authenticated RPC_IN_DATA echo request (Content-Length 0) "
    "to the RPC proxy with Basic or NTLM (libcurl's handshake on one connection) and expects 200 "
    "with an Echo RTS PDU: the proxy is up and accepts the credentials.",
    rpch::kProxyOptions,
    kEchoFacts,
    kEchoFindings,
    rpch::CreateProxyStep<EchoStep>,
    /*shareable=*/false,
    /*share_key=*/nullptr,
};

}  // namespace cxa::protocols
