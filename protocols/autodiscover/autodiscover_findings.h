// The finding catalogue of the `autodiscover` module (cxa explain lists it): the search's own
// findings, one per Autodiscover error code, and the findings about the settings an answer gives.
#pragma once

#include <string>
#include <string_view>

#include "core/finding.h"

namespace cxa::protocols::autodiscover {

inline constexpr FindingInfo kManual{
    "autodiscover.settings.manual",
    Severity::kInfo,
    "Manual Outlook Anywhere settings",
    "The RPC proxy and the other Outlook Anywhere settings were given by the operator, so "
    "Autodiscover was not asked (like the analyzer's manual mode).",
    "Run without rpc_proxy to test Autodiscover as well.",
    "Set-OutlookAnywhere; MS-OXDISCO; MS-OXDSCLI; Exchange Autodiscover reference"};
inline constexpr FindingInfo kCandidateFailed{
    "autodiscover.candidate.failed",
    Severity::kError,
    "Autodiscover URL gave no usable answer",
    "This candidate Autodiscover URL did not produce an Autodiscover answer (no connection, "
    "certificate refused, an HTTP error, or not an Autodiscover document). Outlook moves on to "
    "the next candidate; when a later one works this is information only.",
    "If this URL is meant to answer, check its DNS name, certificate and the Autodiscover "
    "virtual directory; otherwise nothing to change.",
    "MS-OXDISCO; MS-OXDSCLI; Exchange Autodiscover reference"};
inline constexpr FindingInfo kNotFound{
    "autodiscover.lookup.not_found",
    Severity::kError,
    "Autodiscover found no settings",
    "No candidate (the SMTP domain, autodiscover.DOMAIN, the HTTP redirect method on port 80, "
    "the _autodiscover._tcp SRV record) produced an Autodiscover answer: Outlook cannot set up "
    "the profile from outside.",
    "Publish autodiscover.<domain> (DNS A/CNAME record to the Exchange or hybrid endpoint, a "
    "publicly trusted certificate naming it) or an _autodiscover._tcp SRV record pointing to a "
    "host whose certificate names it.",
    "MS-OXDISCO; Remote Connectivity Analyzer: The Host Name Could Not be Resolved in DNS"};
inline constexpr FindingInfo kCredentialsRejected{
    "autodiscover.auth.rejected",
    Severity::kError,
    "Autodiscover rejected the credentials",
    "The Autodiscover endpoint answered 401 to the credentials: wrong user name format or "
    "password, a locked account, or an authentication method that does not accept them.",
    "Check the user name (DOMAIN\\user or the UPN), the password and the account; check the "
    "authentication methods of the Autodiscover virtual directory "
    "(Get-AutodiscoverVirtualDirectory "
    "| fl *Authentication*).",
    "Remote Connectivity Analyzer: Unknown Username or bad password; MS-OXDISCO; MS-OXDSCLI; "
    "Exchange Autodiscover reference"};
inline constexpr FindingInfo kNoScheme{
    "autodiscover.auth.unsupported",
    Severity::kError,
    "Autodiscover offers no usable authentication",
    "The Autodiscover endpoint answered 401 without offering Basic or NTLM (only Negotiate, or "
    "nothing): clients outside the domain cannot authenticate; a reverse proxy may be stripping "
    "the WWW-Authenticate headers.",
    "Enable Basic or NTLM on the Autodiscover virtual directory, or let the reverse proxy pass "
    "them through (pre-authentication breaks Autodiscover).",
    "Remote Connectivity Analyzer: No Supported Authentication Methods Found in Response; "
    "MS-OXDISCO; MS-OXDSCLI; Exchange Autodiscover reference"};
inline constexpr FindingInfo kInsecureRedirect{
    "autodiscover.redirect.refused",
    Severity::kError,
    "Autodiscover redirect refused",
    "A redirect pointed to a URL Outlook does not follow with credentials: plain http, or a path "
    "that is not /autodiscover/autodiscover.xml. Nothing was sent there.",
    "Redirect only to https://<host>/autodiscover/autodiscover.xml.",
    "MS-OXDSCLI 3.1.5 (redirect confirmation); MS-OXDISCO"};
inline constexpr FindingInfo kOtherDomain{
    "autodiscover.redirect.other_domain",
    Severity::kWarning,
    "Autodiscover points to a host outside the user's domain",
    "A redirect (an HTTP redirect, the port-80 redirect method, the SRV record, a redirectAddr "
    "or redirectUrl) sends Outlook to a host outside the user's domain. Outlook asks the user "
    "(\"Allow this website to configure "
    "server settings?\") before it sends credentials there, because anyone who controls the "
    "domain's web site, port 80 or DNS answers can forge such a redirect; cxa sends the request "
    "there without credentials (auth.credentials.withheld) unless the operator allows the host.",
    "If the host is legitimately yours or your provider's, run again with "
    "--allow-credentials-to HOST; better, publish autodiscover.<domain> with a certificate for "
    "it, so that no redirect to another domain is needed. If you do not know the host, find out "
    "who answers for your domain (the apex web site, port 80, the SRV record).",
    "MS-OXDSCLI 3.1.5 (redirect confirmation); MS-OXDISCO"};
inline constexpr FindingInfo kTooManyHops{
    "autodiscover.redirect.limit",
    Severity::kError,
    "Too many Autodiscover redirects",
    "Autodiscover redirects (HTTP, redirectUrl, redirectAddr) went on for more hops than Outlook "
    "follows (10), or came back to an address already tried: a loop.",
    "Fix the redirect chain: the last redirect must reach a server that answers with settings.",
    "MS-OXDISCO; MS-OXDSCLI"};
inline constexpr FindingInfo kHttpRedirectOther{
    "autodiscover.redirect.http_unusable",
    Severity::kError,
    "HTTP redirect method gave no usable redirect",
    "http://autodiscover.DOMAIN/autodiscover/autodiscover.xml on port 80 answered, but not with a "
    "redirect (301/302/307) to an https Autodiscover URL; Outlook ignores any other answer there.",
    "On port 80 of autodiscover.<domain>, answer only with a redirect to "
    "https://<host>/autodiscover/autodiscover.xml.",
    "Remote Connectivity Analyzer: An Unexpected Redirect Response was Received; MS-OXDISCO"};
inline constexpr FindingInfo kSrvNone{
    "autodiscover.srv.not_found",
    Severity::kInfo,
    "No Autodiscover SRV record",
    "There is no _autodiscover._tcp SRV record for the domain (or none on port 443). That is "
    "only a problem when no other candidate works.",
    "If the domain cannot publish autodiscover.<domain>, add _autodiscover._tcp.<domain> SRV 0 0 "
    "443 <host>.",
    "Remote Connectivity Analyzer: Could Not Find Autodiscover Service Location (SRV) Record in "
    "DNS; RFC 2782; MS-OXDISCO"};
inline constexpr FindingInfo kMalformed{
    "autodiscover.answer.malformed",
    Severity::kError,
    "Autodiscover answer is not valid",
    "The endpoint answered 200, but the body is not an Autodiscover (POX) answer (an HTML page, "
    "a mobile-sync (MS-ASCMD) answer, broken XML), or its settings name a server that is not a "
    "host name (spaces, control characters, a URL), which no client can connect to.",
    "Check what answers /autodiscover/autodiscover.xml (a web site, a reverse proxy's error "
    "page) and that Autodiscover requests reach Exchange.",
    "MS-OXDISCO; MS-OXDSCLI; Exchange Autodiscover reference"};
inline constexpr FindingInfo kErrors[] = {
    {"autodiscover.error.address_unknown", Severity::kError,
     "Autodiscover does not know the address (500)",
     "Autodiscover answered ErrorCode 500: no mailbox has that e-mail address (or it is not yet "
     "replicated).",
     "Check the primary SMTP address of the mailbox (Get-Mailbox | fl PrimarySmtpAddress) and "
     "that the address was typed right.",
     "Remote Connectivity Analyzer: The Outlook Autodiscover Provider Returned an Error Status in "
     "the XML Response; MS-OXDSCLI"},
    {"autodiscover.error.no_configuration", Severity::kError,
     "Autodiscover has no configuration for the address (501)",
     "Autodiscover answered ErrorCode 501: no configuration is available for this address (no "
     "provider settings, or a mail-enabled user without a mailbox).",
     "Check that the address belongs to a mailbox and that the Outlook providers exist "
     "(Get-OutlookProvider).",
     "Remote Connectivity Analyzer: The Outlook Autodiscover Provider Returned an Error Status in "
     "the XML Response; MS-OXDSCLI"},
    {"autodiscover.error.invalid_address", Severity::kError,
     "Autodiscover refused the address (502)",
     "Autodiscover answered ErrorCode 502: the address is not valid for this Autodiscover "
     "service.",
     "Check the address and the accepted domains of the organization.",
     "Remote Connectivity Analyzer: The Outlook Autodiscover Provider Returned an Error Status in "
     "the XML Response; MS-OXDSCLI"},
    {"autodiscover.error.invalid_request", Severity::kError,
     "Autodiscover refused the request (600)",
     "Autodiscover answered ErrorCode 600 (invalid request): often another service (a mobile "
     "sync endpoint, a third-party server) answers the POX request.",
     "Check that /autodiscover/autodiscover.xml reaches Exchange's Autodiscover service.",
     "Remote Connectivity Analyzer: The Outlook Autodiscover Provider Returned an Error Status in "
     "the XML Response; MS-OXDSCLI"},
    {"autodiscover.error.provider_unavailable", Severity::kError,
     "Autodiscover provider unavailable (601)",
     "Autodiscover answered ErrorCode 601: the requested response schema (Outlook) is not "
     "available.",
     "Check the Outlook providers (Get-OutlookProvider) and the Autodiscover virtual directory.",
     "Remote Connectivity Analyzer: The Outlook Autodiscover Provider Returned an Error Status in "
     "the XML Response; MS-OXDSCLI"},
    {"autodiscover.error.configuration_failed", Severity::kError,
     "Autodiscover could not build the configuration (602)",
     "Autodiscover answered ErrorCode 602: the server failed to build the settings.",
     "Check the Exchange server's application event log for Autodiscover errors.",
     "Remote Connectivity Analyzer: The Outlook Autodiscover Provider Returned an Error Status in "
     "the XML Response; MS-OXDSCLI"},
    {"autodiscover.error.internal", Severity::kError, "Autodiscover internal error (603)",
     "Autodiscover answered ErrorCode 603: an internal server error.",
     "Check the Exchange server's application event log for Autodiscover errors.",
     "Remote Connectivity Analyzer: The Outlook Autodiscover Provider Returned an Error Status in "
     "the XML Response; MS-OXDSCLI"},
    {"autodiscover.error.other", Severity::kError, "Autodiscover answered with an error",
     "Autodiscover answered with an error code outside the documented ones.",
     "Check the Exchange server's application event log for Autodiscover errors.",
     "Remote Connectivity Analyzer: The Outlook Autodiscover Provider Returned an Error Status in "
     "the XML Response; MS-OXDSCLI"},
};
inline constexpr FindingInfo kNoExpr{
    "autodiscover.settings.no_expr",
    Severity::kError,
    "Outlook Anywhere is not published (no EXPR)",
    "The Autodiscover answer has no EXPR (or external EXHTTP) block: Outlook Anywhere is not "
    "enabled or has no external host name, so Outlook outside the network cannot use RPC over "
    "HTTP.",
    "Enable Outlook Anywhere with an external host name (Set-OutlookAnywhere -ExternalHostname "
    "... -ExternalClientAuthenticationMethod ...).",
    "Remote Connectivity Analyzer: Missing EXPR Element in Autodiscover XML Response; MS-OXDISCO; "
    "MS-OXDSCLI; Exchange Autodiscover reference"};
inline constexpr FindingInfo kNoExch{
    "autodiscover.settings.no_exch",
    Severity::kWarning,
    "No EXCH block in the Autodiscover answer",
    "The answer has no EXCH block, which names the mailbox server (the RPC target): MAPI may be "
    "disabled for the mailbox.",
    "Check Get-CASMailbox | fl MAPIEnabled and the EXCH provider (Get-OutlookProvider EXCH).",
    "Remote Connectivity Analyzer: Missing EXCH Element in Autodiscover XML Response; MS-OXDISCO; "
    "MS-OXDSCLI; Exchange Autodiscover reference"};
inline constexpr FindingInfo kNoAuthPackage{
    "autodiscover.settings.no_auth_package",
    Severity::kWarning,
    "EXPR without AuthPackage",
    "The EXPR block does not say which authentication Outlook should use at the RPC proxy (the "
    "EXPR provider's Server setting overrides it); Outlook falls back to NTLM.",
    "Set the external client authentication method (Set-OutlookAnywhere "
    "-ExternalClientAuthenticationMethod Ntlm|Basic|Negotiate) and clear any Server override on "
    "the EXPR provider (Set-OutlookProvider EXPR -Server $null).",
    "Remote Connectivity Analyzer: Missing AuthPackage Element in Autodiscover XML Response; "
    "MS-OXDISCO; MS-OXDSCLI; Exchange Autodiscover reference"};
inline constexpr FindingInfo kSslOff{
    "autodiscover.settings.ssl_off",
    Severity::kWarning,
    "Outlook Anywhere published without SSL",
    "The EXPR block says SSL Off: Outlook would connect to the RPC proxy over plain HTTP, which "
    "only works behind an SSL-offloading device that Outlook still reaches over HTTPS.",
    "Publish Outlook Anywhere with SSL (Set-OutlookAnywhere -ExternalClientsRequireSsl $true).",
    "Set-OutlookAnywhere; MS-OXDISCO; MS-OXDSCLI; Exchange Autodiscover reference"};

inline constexpr FindingInfo kMapiNotAdvertised{
    "mapi.autodiscover.not_advertised",
    Severity::kWarning,
    "Autodiscover does not advertise MAPI over HTTP",
    "Asked as Outlook asks today (X-MapiHttpCapability: 1), Autodiscover answered without a "
    "mapiHttp Protocol element: MAPI over HTTP is disabled for the organization or the mailbox "
    "(or the server predates Exchange 2013 SP1), so Outlook falls back to RPC over HTTP, which "
    "Exchange Online no longer accepts and Exchange Server SE keeps only for compatibility.",
    "Enable MAPI over HTTP: Set-OrganizationConfig -MapiHttpEnabled $true, and check the mailbox "
    "(Get-CasMailbox | fl MapiHttpEnabled) and the mapi virtual directory's URLs "
    "(Set-MapiVirtualDirectory -ExternalUrl ...).",
    "MS-OXDSCLI; Set-MapiVirtualDirectory; Exchange Autodiscover reference"};
inline constexpr FindingInfo kMapiInternalOnly{
    "mapi.autodiscover.internal_only",
    Severity::kWarning,
    "MAPI over HTTP published for the inside only",
    "The mapiHttp settings carry an InternalUrl but no ExternalUrl: Outlook outside the network "
    "tries the internal name, which does not resolve or reach from there.",
    "Set the external URL of the mapi virtual directory (Set-MapiVirtualDirectory -ExternalUrl "
    "https://mail.contoso.com/mapi) and publish /mapi through the firewall.",
    "MS-OXDSCLI; Set-MapiVirtualDirectory"};
inline constexpr FindingInfo kMapiMailboxIdMissing{
    "mapi.autodiscover.mailboxid_missing",
    Severity::kWarning,
    "A MAPI over HTTP URL without a MailboxId",
    "A MailStore or AddressBook URL in the answer lacks ?MailboxId=: the server cannot route "
    "the requests to the mailbox and answers them with 400 (the endpoint steps that follow "
    "show it as mapi.http.bad_request).",
    "Check what rewrites the Autodiscover answer (a proxy, a custom Autodiscover service); "
    "Exchange adds the MailboxId itself.",
    "MS-OXCMAPIHTTP §2.2.2; MS-OXDSCLI"};

inline constexpr FindingInfo kFindings[] = {kManual,
                                            kCandidateFailed,
                                            kNotFound,
                                            kCredentialsRejected,
                                            kNoScheme,
                                            kInsecureRedirect,
                                            kOtherDomain,
                                            kTooManyHops,
                                            kHttpRedirectOther,
                                            kSrvNone,
                                            kMalformed,
                                            kErrors[0],
                                            kErrors[1],
                                            kErrors[2],
                                            kErrors[3],
                                            kErrors[4],
                                            kErrors[5],
                                            kErrors[6],
                                            kErrors[7],
                                            kNoExpr,
                                            kNoExch,
                                            kNoAuthPackage,
                                            kSslOff,
                                            kMapiNotAdvertised,
                                            kMapiInternalOnly,
                                            kMapiMailboxIdMissing};

// The finding for an Autodiscover <ErrorCode> (kErrors), the generic one for an unknown code.
const FindingInfo& ErrorFinding(const std::string& code);

}  // namespace cxa::protocols::autodiscover
