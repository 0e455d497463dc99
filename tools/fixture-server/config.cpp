#include "config.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "cert/x509.h"
#include "core/text.h"
#include "mapi.h"
#include "smtp_session.h"
#include "transport/url.h"

namespace fixture {

namespace {

// The base64 DER of a PEM certificate of the PKI ({{cert-base64:CASE/NAME.pem}} in bodies).
std::string CertBase64(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  auto chain = cxa::cert::SplitPem(text, 1);
  if (!chain || chain->empty()) return "";
  const auto& der = chain->front();
  return cxa::cert::EncodeBase64({reinterpret_cast<const char*>(der.data()), der.size()});
}

// A route's body: inline, or from file="NAME" next to the config; {{cert-base64:...}}
// placeholders are filled from the PKI now, {{host}} per request. Returns false on an error.
bool LoadBody(pugi::xml_node n, const std::string& config_dir, const std::string& pki,
              std::string& body, std::string& error) {
  body = n.child_value("body");
  if (const char* file = n.attribute("file").as_string(nullptr)) {
    std::string path = file[0] == '/' ? std::string(file) : config_dir + "/" + file;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      error = "cannot read " + path;
      return false;
    }
    body.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string open = "{{cert-base64:";
  for (size_t at; (at = body.find(open)) != std::string::npos;) {
    size_t end = body.find("}}", at);
    if (end == std::string::npos) break;
    std::string name = body.substr(at + open.size(), end - at - open.size());
    std::string b64 = CertBase64(pki + "/" + name);
    if (b64.empty()) {
      error = "no certificate " + pki + "/" + name;
      return false;
    }
    body.replace(at, end + 2 - at, b64);
  }
  return true;
}

}  // namespace

std::vector<std::unique_ptr<Site>> SitesFromConfig(const pugi::xml_document& doc,
                                                   const std::string& config_dir,
                                                   const std::string& pki, std::string& error) {
  std::vector<std::unique_ptr<Site>> sites;
  for (pugi::xml_node n : doc.document_element().children("site")) {
    auto s = std::make_unique<Site>();
    s->name = n.attribute("name").value();
    s->pki = n.attribute("pki").value();
    s->tls = n.attribute("tls").value();
    s->urls_carry_port = n.attribute("urls-carry-port").as_bool(false);
    std::istringstream hosts(n.attribute("host").value());
    for (std::string h; hosts >> h;) s->hosts.push_back(h);
    s->listener = n.attribute("listener").as_string(s->name.c_str());
    s->status = n.attribute("status").as_int(200);
    s->plain = n.attribute("plain").as_bool(false);
    s->files = n.attribute("files").as_string("ca");
    s->staple_file = n.attribute("staple").value();
    s->body = n.child_value("body");
    for (pugi::xml_node h : n.children("header")) {
      s->headers.emplace_back(h.attribute("name").value(), h.attribute("value").value());
    }
    std::vector<pugi::xml_node> route_nodes;
    for (pugi::xml_node c : n.children()) {
      if (std::string_view(c.name()) == "route") route_nodes.push_back(c);
      if (std::string_view(c.name()) != "use") continue;
      // <use routes="NAME"/>: the routes of a top-level <routes name="NAME"> group.
      pugi::xml_node group = doc.document_element().find_child_by_attribute(
          "routes", "name", c.attribute("routes").value());
      if (!group) {
        error = "no <routes name=\"" + std::string(c.attribute("routes").value()) + "\">";
        return {};
      }
      for (pugi::xml_node r : group.children("route")) route_nodes.push_back(r);
    }
    for (pugi::xml_node r : route_nodes) {
      Route route;
      route.method = r.attribute("method").value();
      route.target = r.attribute("target").value();
      route.status = r.attribute("status").as_int(200);
      route.reason = r.attribute("reason").value();
      for (pugi::xml_node h : r.children("header")) {
        route.headers.emplace_back(h.attribute("name").value(), h.attribute("value").value());
      }
      route.body_contains = r.attribute("body-contains").value();
      route.header_contains = r.attribute("header-contains").value();
      route.dribble = r.attribute("dribble").as_bool(false);
      if (!LoadBody(r, config_dir, pki, route.body, error)) return {};
      s->routes.push_back(std::move(route));
    }
    if (pugi::xml_node a = n.child("ntlm")) {
      s->ntlm = cxa::ntlm::Account{a.attribute("user").value(), a.attribute("password").value(),
                                   a.attribute("domain").as_string("LAB")};
    }
    for (pugi::xml_node m : n.child("autodiscover").children("mailbox")) {
      Mailbox box;
      box.proxy = m.attribute("proxy").value();
      box.auth_package = m.attribute("auth-package").as_string("Basic");
      box.server = m.attribute("server").value();
      box.cert_principal_name = m.attribute("cert-principal-name").value();
      box.ssl = m.attribute("ssl").as_string("On");
      box.error = m.attribute("error").value();
      box.redirect_addr = m.attribute("redirect-addr").value();
      box.redirect_url = m.attribute("redirect-url").value();
      box.mapi = m.attribute("mapi").value();
      box.mapi_internal_only = m.attribute("mapi-internal-only").as_bool(false);
      box.mapi_without_mailbox_id = m.attribute("mapi-without-mailbox-id").as_bool(false);
      box.expr_with_mapi = m.attribute("expr-with-mapi").as_bool(false);
      box.v2 = m.attribute("v2").value();
      if (!box.v2.empty() && box.v2 != "insecure" && box.v2 != "loop" && box.v2 != "error-400" &&
          box.v2 != "internal" && box.v2.rfind("redirect:", 0) != 0) {
        error = "<mailbox v2=\"" + box.v2 + "\"> is not a known Autodiscover v2 behaviour";
        return {};
      }
      s->mailboxes[cxa::ToLower(m.attribute("email").value())] = box;
    }
    if (pugi::xml_node r = n.child("rpc-proxy")) {
      RpcProxy proxy;
      std::istringstream schemes(r.attribute("auth").as_string("Negotiate NTLM Basic"));
      for (std::string x; schemes >> x;) proxy.schemes.push_back(x);
      proxy.mode = r.attribute("mode").as_string("ok");
      static const char* const kModes[] = {"ok",    "unavailable", "access-denied",
                                           "no-a3", "reject",      "bind-reject"};
      if (std::find(std::begin(kModes), std::end(kModes), proxy.mode) == std::end(kModes)) {
        error = "<rpc-proxy mode=\"" + proxy.mode + "\"> is not a known mode";
        return {};
      }
      s->rpc = proxy;
    }
    if (pugi::xml_node m = n.child("mapi")) {
      MapiService mapi;
      std::istringstream schemes(m.attribute("auth").as_string("Negotiate NTLM"));
      for (std::string x; schemes >> x;) mapi.schemes.push_back(x);
      mapi.mode = m.attribute("mode").as_string("ok");
      if (!KnownMapiMode(mapi.mode)) {
        error = "<mapi mode=\"" + mapi.mode + "\"> is not a known mode";
        return {};
      }
      s->mapi = mapi;
    }
    if (pugi::xml_node m = n.child("smtp")) {
      SmtpService smtp;
      smtp.mode = m.attribute("mode").as_string("ok");
      smtp.greet_ms = m.attribute("greet-ms").as_int(0);
      if (!KnownSmtpMode(smtp.mode)) {
        error = "<smtp mode=\"" + smtp.mode + "\"> is not a known mode";
        return {};
      }
      s->smtp = smtp;
    }
    if ((s->rpc || s->mapi || !s->mailboxes.empty()) && !s->ntlm) {
      error = "site " + s->name +
              ": <rpc-proxy>, <mapi> and <autodiscover> need the lab account (<ntlm>)";
      return {};
    }
    for (pugi::xml_node r : n.children("realm")) {
      RealmEntry e;
      e.namespace_type = r.attribute("namespace").as_string("Federated");
      e.sts = r.attribute("sts").value();
      e.auth_path = r.attribute("auth-path").as_string("/adfs/ls/");
      e.brand = r.attribute("brand").value();
      std::string domain = r.attribute("domain").value();
      if (domain.empty() || (e.namespace_type == "Federated" && e.sts.empty())) {
        error = "<realm> needs a domain, and an sts when federated";
        return {};
      }
      s->realm[domain] = e;
    }
    sites.push_back(std::move(s));
  }
  return sites;
}

std::vector<std::unique_ptr<Site>> SitesFromTranscript(const cxa::Transcript& t,
                                                       const std::string& pki_case) {
  std::vector<std::unique_ptr<Site>> sites;
  std::map<std::string, Site*> by_origin;
  for (const auto& ex : t.exchanges) {
    auto url = cxa::SplitHttpUrl(ex.request.url);
    if (!url) continue;
    const std::string &scheme = url->scheme, &host = url->host, &target = url->path;
    int port = url->port;
    Site*& site = by_origin[scheme + "://" + host + ":" + std::to_string(port)];
    if (site == nullptr) {
      auto s = std::make_unique<Site>();
      s->name = host + ":" + std::to_string(port);
      s->listener = s->name;
      s->hosts = {host};
      s->plain = scheme == "http";
      s->files = "ca";
      if (!s->plain) s->pki = pki_case;
      site = s.get();
      sites.push_back(std::move(s));
    }
    if (ex.request.connect_only || !ex.response) continue;
    Route route;
    route.method = ex.request.method;
    route.target = target;
    route.status = ex.response->status;
    route.reason = ex.response->reason;
    route.headers = ex.response->headers;
    route.body = ex.response->body;
    route.recorded = true;
    site->routes.push_back(std::move(route));
  }
  return sites;
}

namespace {

// tls="dhe1024": a server stuck in the past, TLS 1.2 with only finite-field DHE over the 1024-bit
// group of RFC 5114 (an RSA certificate is needed). Returns an error or "".
std::string WeakDhe(SSL_CTX* ctx) {
  SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
  if (SSL_CTX_set_cipher_list(ctx, "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384") != 1) {
    return "tls=dhe1024: no DHE cipher suite";
  }
  EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new_from_name(nullptr, "DH", nullptr);
  EVP_PKEY* params = nullptr;
  char group[] = "dh_1024_160";
  OSSL_PARAM p[] = {OSSL_PARAM_construct_utf8_string("group", group, 0), OSSL_PARAM_END};
  bool ok = pctx != nullptr && EVP_PKEY_fromdata_init(pctx) == 1 &&
            EVP_PKEY_fromdata(pctx, &params, EVP_PKEY_KEY_PARAMETERS, p) == 1;
  EVP_PKEY_CTX_free(pctx);
  if (!ok || SSL_CTX_set0_tmp_dh_pkey(ctx, params) != 1) {
    EVP_PKEY_free(params);
    return "tls=dhe1024: cannot set the 1024-bit DH group";
  }
  return "";  // the context owns params now
}

}  // namespace

namespace {

// The server side of OCSP stapling: the site's response, for clients that ask.
int Staple(SSL* ssl, void* arg) {
  const auto* site = static_cast<const Site*>(arg);
  if (SSL_get_tlsext_status_type(ssl) != TLSEXT_STATUSTYPE_ocsp) return SSL_TLSEXT_ERR_NOACK;
  auto* copy = static_cast<unsigned char*>(OPENSSL_malloc(site->staple.size()));
  if (copy == nullptr) return SSL_TLSEXT_ERR_NOACK;
  std::memcpy(copy, site->staple.data(), site->staple.size());
  SSL_set_tlsext_status_ocsp_resp(ssl, copy, static_cast<long>(site->staple.size()));
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

std::string LoadTls(Site& s, const std::string& pki) {
  s.ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  s.ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3);
  std::string dir = pki + "/" + s.pki;
  boost::system::error_code ec;
  s.ctx->use_certificate_chain_file(dir + "/chain.pem", ec);
  if (ec) {
    // A chain.pem whose extra blocks are not certificates (the malformed case): leaf only.
    s.ctx->use_certificate_file(dir + "/chain.pem", ssl::context::pem, ec);
    if (ec) return dir + "/chain.pem: " + ec.message();
  }
  s.ctx->use_private_key_file(dir + "/key.pem", ssl::context::pem, ec);
  if (ec) return dir + "/key.pem: " + ec.message();
  SSL_CTX_set_security_level(s.ctx->native_handle(), 0);  // serve weak test chains too
  if (!s.staple_file.empty()) {
    std::ifstream in(pki + "/" + s.staple_file, std::ios::binary);
    if (!in) return "site " + s.name + ": no staple file " + pki + "/" + s.staple_file;
    s.staple.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    SSL_CTX_set_tlsext_status_cb(s.ctx->native_handle(), Staple);
    SSL_CTX_set_tlsext_status_arg(s.ctx->native_handle(), &s);
  }
  if (s.tls == "dhe1024") return WeakDhe(s.ctx->native_handle());
  if (!s.tls.empty()) return "site " + s.name + ": unknown tls profile '" + s.tls + "'";
  return "";
}

}  // namespace fixture
