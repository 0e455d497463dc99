#include "transport/transcript.h"

#include <openssl/pem.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <pugixml.hpp>
#include <regex>
#include <sstream>

#include "cert/x509.h"
#include "core/input_file.h"
#include "core/text.h"
#include "core/time_util.h"

namespace cxa {
namespace {

constexpr const char* kMarker = "[redacted]";

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Printable UTF-8 with tabs and newlines is written as text; anything else (CR included, which
// XML would normalise away) as base64.
bool IsText(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return false;
      ++i;
      continue;
    }
    int n = (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : -1;
    if (n < 0 || i + static_cast<size_t>(n) >= s.size()) return false;
    for (int k = 1; k <= n; ++k) {
      if ((static_cast<unsigned char>(s[i + static_cast<size_t>(k)]) & 0xc0) != 0x80) return false;
    }
    i += static_cast<size_t>(n) + 1;
  }
  return true;
}

// Attribute values cannot carry control characters in XML 1.0.
std::string Attr(std::string v) {
  for (char& c : v) {
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  }
  return v;
}

std::string Base64(const std::string& in) { return cert::EncodeBase64(in); }

std::optional<std::string> Unbase64(std::string_view in) {
  if (in.find_first_not_of(" \t\r\n") == std::string_view::npos) return std::string();
  auto raw = cert::DecodeBase64(in);
  if (!raw) return std::nullopt;
  return std::string(raw->begin(), raw->end());
}

std::string DerToPem(const cert::Der& der) {
  std::string b64 = Base64(std::string(der.begin(), der.end()));
  std::string out = "-----BEGIN CERTIFICATE-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  return out + "-----END CERTIFICATE-----\n";
}

void WriteBody(pugi::xml_node parent, const std::string& body) {
  if (body.empty()) return;
  pugi::xml_node b = parent.append_child("body");
  if (IsText(body)) {
    b.append_attribute("encoding") = "text";
    b.append_child(pugi::node_pcdata).set_value(body.c_str());
  } else {
    b.append_attribute("encoding") = "base64";
    b.append_child(pugi::node_pcdata).set_value(Base64(body).c_str());
  }
}

void WriteHeaders(pugi::xml_node parent, const Headers& headers) {
  for (const auto& [k, v] : headers) {
    pugi::xml_node h = parent.append_child("header");
    h.append_attribute("name") = Attr(k).c_str();
    h.append_attribute("value") = Attr(v).c_str();
  }
}

// <tls> of an exchange, or <starttls> of a stream: the handshake's parameters and the chain as
// the server sent it.
void WriteTls(pugi::xml_node tls, const TlsCapture& cap) {
  tls.append_attribute("version") = cap.version.c_str();
  tls.append_attribute("cipher") = cap.cipher.c_str();
  tls.append_attribute("sni") = cap.sni.c_str();
  if (cap.rejected_by_policy) tls.append_attribute("rejected-by-policy") = true;
  // The OCSP staple: asked for (attribute), and what came (base64 DER), so replay judges it.
  if (cap.staple_requested) tls.append_attribute("staple-requested") = true;
  if (cap.ocsp_staple) {
    tls.append_child("ocsp-staple")
        .append_child(pugi::node_pcdata)
        .set_value(cert::EncodeBase64(*cap.ocsp_staple).c_str());
  }
  for (const auto& der : cap.chain) {
    std::string desc;
    if (auto x = cert::ParseDer(der)) desc = cert::NameText(X509_get_subject_name(x.get()));
    pugi::xml_node cert = tls.append_child("certificate");
    if (!desc.empty()) cert.append_attribute("subject") = desc.c_str();
    cert.append_child(pugi::node_pcdata).set_value(("\n" + DerToPem(der)).c_str());
  }
}

// <timing name ms/> elements, one per timing, milliseconds with three decimals.
void WriteTimings(pugi::xml_node parent, const std::vector<Timing>& timings) {
  for (const auto& tm : timings) {
    pugi::xml_node ti = parent.append_child("timing");
    ti.append_attribute("name") = tm.name.c_str();
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.3f", tm.ms);
    ti.append_attribute("ms") = ms;
  }
}

// <dns name type status nxdomain authenticated bogus error><record ttl>DATA</record><timing/></dns>
void WriteDns(pugi::xml_node d, const DnsAnswer& a) {
  d.append_attribute("name") = Attr(a.name).c_str();
  d.append_attribute("type") = std::string(DnsTypeName(a.type)).c_str();
  d.append_attribute("status") = a.status == DnsAnswer::Status::kFound       ? "found"
                                 : a.status == DnsAnswer::Status::kNoRecords ? "none"
                                                                             : "failed";
  if (a.nxdomain) d.append_attribute("nxdomain") = true;
  if (a.authenticated) d.append_attribute("authenticated") = true;
  if (a.bogus) d.append_attribute("bogus") = true;
  if (!a.error.empty()) d.append_attribute("error") = Attr(a.error).c_str();
  for (const auto& r : a.records) {
    pugi::xml_node rec = d.append_child("record");
    rec.append_attribute("ttl") = r.ttl;
    rec.append_child(pugi::node_pcdata).set_value(Attr(r.data).c_str());
  }
  WriteTimings(d, a.timings);
}

Stage ParseStage(std::string_view s) {
  for (Stage st : {Stage::kNone, Stage::kResolve, Stage::kConnect, Stage::kTls, Stage::kCertificate,
                   Stage::kHttp, Stage::kProtocol}) {
    if (StageName(st) == s) return st;
  }
  return Stage::kNone;
}

}  // namespace

// ---- Redactor ---------------------------------------------------------------------------

void Redactor::AddSecret(std::string value) {
  if (value.empty()) return;
  if (std::find(secrets_.begin(), secrets_.end(), value) != secrets_.end()) return;
  secrets_.push_back(std::move(value));
  // Longest first, so that a secret containing another is replaced whole.
  std::sort(secrets_.begin(), secrets_.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

namespace {

// Characters that make up one word with a secret next to them: letters, digits, the joiners of
// host names and addresses, and every byte of a non-ASCII character.
bool WordByte(char c) {
  auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) != 0 || u >= 0x80 || c == '.' || c == '-' || c == '_' || c == '@';
}

}  // namespace

std::string Redactor::Text(std::string text) const {
  // A secret inside a longer word ("contoso" in mail.contoso.com) takes the whole word with it:
  // marking only the secret's part would tell the reader which part of the word it is.
  const size_t marker = std::char_traits<char>::length(kMarker);
  for (const auto& s : secrets_) {
    for (size_t pos = 0; (pos = text.find(s, pos)) != std::string::npos;) {
      size_t begin = pos, end = pos + s.size();
      while (begin > 0 && WordByte(text[begin - 1]) && WordByte(text[pos])) --begin;
      while (end < text.size() && WordByte(text[end]) && WordByte(text[pos + s.size() - 1])) {
        ++end;
      }
      text.replace(begin, end - begin, kMarker);
      pos = begin + marker;
    }
  }
  // The patterns below only where their keywords occur (most strings of a report hold none, and
  // std::regex is slow).
  auto has = [&text](std::string_view word) {
    return std::search(text.begin(), text.end(), word.begin(), word.end(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == b;
           }) != text.end();
  };
  if (text.find('=') != std::string::npos && (has("pass") || has("pwd"))) {
    static const std::regex form_password("(^|&)((?:password|passwd|pwd|passwordText|pass)=)[^&]*",
                                          std::regex::icase);
    text = std::regex_replace(text, form_password, "$1$2[redacted]");
  }
  if (text.find('<') != std::string::npos && has("password")) {
    static const std::regex wstrust_password("(<([A-Za-z0-9_]+:)?Password\\b[^>]*>)[^<]*(</)",
                                             std::regex::icase);
    text = std::regex_replace(text, wstrust_password, "$1[redacted]$3");
  }
  return text;
}

std::string Redactor::HeaderValue(const std::string& name, const std::string& value) const {
  std::string n = Lower(name);
  if (n == "authorization" || n == "proxy-authorization") {
    size_t sp = value.find(' ');
    return (sp == std::string::npos ? std::string() : value.substr(0, sp + 1)) + kMarker;
  }
  if (n == "cookie" || n == "set-cookie") {
    // Keep cookie names (cadata, sessionid: evidence), drop their values.
    std::string out;
    std::istringstream parts(value);
    std::string part;
    bool first = true;
    while (std::getline(parts, part, ';')) {
      size_t eq = part.find('=');
      std::string key = eq == std::string::npos ? part : part.substr(0, eq);
      bool attribute = !first && n == "set-cookie";
      out += (out.empty() ? "" : ";") +
             (attribute || eq == std::string::npos ? part : key + "=" + kMarker);
      first = false;
    }
    return Text(out);
  }
  if (n == "www-authenticate" || n == "proxy-authenticate") {
    std::string lower = Lower(value);
    if ((lower.rfind("ntlm ", 0) == 0 || lower.rfind("negotiate ", 0) == 0) &&
        value.find(' ') + 1 < value.size()) {
      return value.substr(0, value.find(' ') + 1) + kMarker;
    }
  }
  return Text(value);
}

std::string Redactor::StreamBytes(std::string bytes) const {
  static const std::regex credential_line(
      "(^|\\n)((?:authorization|proxy-authorization|cookie|set-cookie):[ \\t]*(?:[A-Za-z0-9-]+ "
      ")?)[^\\r\\n]*",
      std::regex::icase);
  return std::regex_replace(Text(std::move(bytes)), credential_line, "$1$2[redacted]");
}

HttpRequest Redactor::Request(HttpRequest r) const {
  r.url = Text(r.url);
  for (auto& [k, v] : r.headers) v = HeaderValue(k, v);
  r.body = Text(r.body);
  return r;
}

HttpExchange Redactor::Exchange(HttpExchange ex) const {
  ex.request = Request(std::move(ex.request));
  if (ex.response) {
    for (auto& [k, v] : ex.response->headers) v = HeaderValue(k, v);
    ex.response->body = Text(ex.response->body);
  }
  if (ex.error) ex.error->message = Text(ex.error->message);
  for (auto& e : ex.stream) {
    e.bytes = StreamBytes(std::move(e.bytes));
    if (e.tls) e.tls->report.reset();
  }
  if (ex.tls) ex.tls->report.reset();
  return ex;
}

// ---- XML --------------------------------------------------------------------------------

std::string TranscriptToXml(const Transcript& t) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "utf-8";
  pugi::xml_node root = doc.append_child("transcript");
  root.append_attribute("version") = t.version;
  root.append_attribute("scenario") = t.scenario.c_str();
  root.append_attribute("recorded-at") = FormatTime(t.recorded_at).c_str();
  if (t.credentials) root.append_attribute("credentials") = "redacted";
  for (const auto& [k, v] : t.inputs) {
    pugi::xml_node in = root.append_child("input");
    in.append_attribute("name") = k.c_str();
    in.append_attribute("value") = v.c_str();
  }
  for (const auto& ex : t.exchanges) {
    pugi::xml_node e = root.append_child("exchange");
    pugi::xml_node rq = e.append_child("request");
    rq.append_attribute("method") = ex.request.method.c_str();
    rq.append_attribute("url") = Attr(ex.request.url).c_str();
    if (ex.request.connect_only) rq.append_attribute("connect-only") = true;
    if (!ex.request.cert_name.empty())
      rq.append_attribute("cert-name") = ex.request.cert_name.c_str();
    WriteHeaders(rq, ex.request.headers);
    WriteBody(rq, ex.request.body);
    pugi::xml_node c = e.append_child("connection");
    if (!ex.remote_address.empty()) c.append_attribute("address") = ex.remote_address.c_str();
    if (ex.remote_port != 0) c.append_attribute("port") = ex.remote_port;
    c.append_attribute("reached") = std::string(StageName(ex.reached)).c_str();
    if (ex.tls) WriteTls(e.append_child("tls"), *ex.tls);
    if (ex.response) {
      pugi::xml_node rs = e.append_child("response");
      rs.append_attribute("http-version") = ex.response->http_version.c_str();
      rs.append_attribute("status") = ex.response->status;
      rs.append_attribute("reason") = Attr(ex.response->reason).c_str();
      WriteHeaders(rs, ex.response->headers);
      WriteBody(rs, ex.response->body);
    }
    if (ex.error) {
      pugi::xml_node er = e.append_child("error");
      er.append_attribute("stage") = std::string(StageName(ex.error->stage)).c_str();
      er.append_attribute("id") = std::string(ex.error->id.str()).c_str();
      er.append_attribute("message") = Attr(ex.error->message).c_str();
    }
    if (!ex.stream.empty()) {
      pugi::xml_node st = e.append_child("stream");
      for (const auto& ev : ex.stream) {
        if (ev.tls) {
          WriteTls(st.append_child("starttls"), *ev.tls);
          continue;
        }
        if (ev.timed_out) {
          st.append_child("timeout");
          continue;
        }
        pugi::xml_node b = st.append_child(ev.sent ? "send" : "recv");
        bool text = IsText(ev.bytes);
        b.append_attribute("encoding") = text ? "text" : "base64";
        b.append_child(pugi::node_pcdata)
            .set_value(text ? ev.bytes.c_str() : Base64(ev.bytes).c_str());
      }
    }
    WriteTimings(e, ex.timings);
  }
  for (const auto& a : t.dns) WriteDns(root.append_child("dns"), a);
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

namespace {

class Reader {
 public:
  // With `in_place`, the text is parsed inside its own buffer (pugi's in-situ mode changes it):
  // no second copy of a large transcript.
  Reader(std::string_view text, std::string path, char* in_place = nullptr)
      : text_(text), path_(std::move(path)), in_place_(in_place) {}

  std::string At(const pugi::xml_node& n) const {
    ptrdiff_t off = std::max<ptrdiff_t>(n.offset_debug(), 0);
    size_t end = std::min(static_cast<size_t>(off), text_.size());
    return path_ + ":" + std::to_string(1 + std::count(text_.begin(), text_.begin() + end, '\n')) +
           ": ";
  }

  Result<DnsAnswer> ReadDns(const pugi::xml_node& d) const {
    DnsAnswer a;
    a.name = d.attribute("name").value();
    auto type = ParseDnsType(d.attribute("type").value());
    if (a.name.empty() || !type) return Fail(At(d) + "<dns> needs a name and a known type");
    a.type = *type;
    std::string_view status = d.attribute("status").value();
    if (status == "found") {
      a.status = DnsAnswer::Status::kFound;
    } else if (status == "none") {
      a.status = DnsAnswer::Status::kNoRecords;
    } else if (status == "failed") {
      a.status = DnsAnswer::Status::kFailed;
    } else {
      return Fail(At(d) + "<dns> status must be found, none or failed");
    }
    a.nxdomain = d.attribute("nxdomain").as_bool(false);
    a.authenticated = d.attribute("authenticated").as_bool(false);
    a.bogus = d.attribute("bogus").as_bool(false);
    a.error = d.attribute("error").value();
    for (pugi::xml_node r : d.children("record")) {
      a.records.push_back({r.attribute("ttl").as_uint(0), r.text().get()});
    }
    for (pugi::xml_node tm : d.children("timing")) {
      a.timings.push_back({tm.attribute("name").value(), tm.attribute("ms").as_double(0)});
    }
    return a;
  }

  Result<TlsCapture> ReadTls(const pugi::xml_node& tls) const {
    TlsCapture cap;
    cap.version = tls.attribute("version").value();
    cap.cipher = tls.attribute("cipher").value();
    cap.sni = tls.attribute("sni").value();
    cap.rejected_by_policy = tls.attribute("rejected-by-policy").as_bool(false);
    cap.staple_requested = tls.attribute("staple-requested").as_bool(false);
    if (pugi::xml_node staple = tls.child("ocsp-staple")) {
      auto der = cert::DecodeBase64(staple.text().get());
      if (!der) return Fail(At(staple) + "<ocsp-staple>: not base64");
      cap.ocsp_staple = std::string(der->begin(), der->end());
    }
    for (pugi::xml_node c : tls.children("certificate")) {
      auto ders = cert::SplitPem(c.text().get(), 1);
      if (!ders) return Fail(At(c) + "<certificate>: " + ders.error());
      cap.chain.push_back(ders->front());
    }
    return cap;
  }

  Result<std::string> Body(const pugi::xml_node& parent) const {
    pugi::xml_node b = parent.child("body");
    if (!b) return std::string();
    std::string enc = b.attribute("encoding").as_string("text");
    std::string value = b.text().get();
    if (enc == "text") return value;
    if (enc == "base64") {
      auto raw = Unbase64(value);
      if (!raw) return Fail(At(b) + "body is not valid base64");
      return *raw;
    }
    return Fail(At(b) + "unknown body encoding '" + enc + "' (text or base64)");
  }

  Result<Transcript> Read() const {
    pugi::xml_document doc;
    const unsigned options = pugi::parse_default | pugi::parse_ws_pcdata_single;
    auto pr = in_place_ != nullptr ? doc.load_buffer_inplace(in_place_, text_.size(), options)
                                   : doc.load_buffer(text_.data(), text_.size(), options);
    if (!pr) {
      size_t end = std::min(static_cast<size_t>(std::max<ptrdiff_t>(pr.offset, 0)), text_.size());
      return Fail(path_ + ":" +
                  std::to_string(1 + std::count(text_.begin(), text_.begin() + end, '\n')) +
                  ": not well-formed XML: " + pr.description());
    }
    pugi::xml_node root = doc.document_element();
    if (std::string_view(root.name()) != "transcript") {
      return Fail(At(root) + "the root element must be <transcript>");
    }
    Transcript t;
    t.version = root.attribute("version").as_int(0);
    if (t.version != 1) return Fail(At(root) + "unsupported transcript version (expected 1)");
    t.scenario = root.attribute("scenario").value();
    auto when = ParseTime(root.attribute("recorded-at").value());
    if (!when) return Fail(At(root) + "recorded-at must be an RFC 3339 time");
    t.recorded_at = *when;
    t.credentials = std::string_view(root.attribute("credentials").value()) == "redacted";
    for (pugi::xml_node n : root.children()) {
      if (n.type() != pugi::node_element) continue;
      std::string_view name = n.name();
      if (name == "input") {
        t.inputs.emplace_back(n.attribute("name").value(), n.attribute("value").value());
        continue;
      }
      if (name == "dns") {
        auto a = ReadDns(n);
        if (!a) return Fail(a.error());
        t.dns.push_back(std::move(*a));
        continue;
      }
      if (name != "exchange") return Fail(At(n) + "unknown element <" + std::string(name) + ">");
      HttpExchange ex;
      pugi::xml_node rq = n.child("request");
      if (!rq) return Fail(At(n) + "<exchange> needs a <request>");
      ex.request.method = rq.attribute("method").as_string("GET");
      ex.request.url = rq.attribute("url").value();
      if (ex.request.url.empty()) return Fail(At(rq) + "<request> needs a url");
      ex.request.connect_only = rq.attribute("connect-only").as_bool(false);
      ex.request.cert_name = rq.attribute("cert-name").value();
      for (pugi::xml_node h : rq.children("header")) {
        ex.request.headers.emplace_back(h.attribute("name").value(), h.attribute("value").value());
      }
      auto body = Body(rq);
      if (!body) return Fail(body.error());
      ex.request.body = std::move(*body);
      if (pugi::xml_node c = n.child("connection")) {
        ex.remote_address = c.attribute("address").value();
        ex.remote_port = c.attribute("port").as_int(0);
        ex.reached = ParseStage(c.attribute("reached").value());
      }
      if (pugi::xml_node tls = n.child("tls")) {
        auto cap = ReadTls(tls);
        if (!cap) return Fail(cap.error());
        ex.tls = std::move(*cap);
      }
      if (pugi::xml_node rs = n.child("response")) {
        HttpResponse r;
        r.http_version = rs.attribute("http-version").as_string("1.1");
        r.status = rs.attribute("status").as_int(0);
        if (r.status < 100 || r.status > 999)
          return Fail(At(rs) + "<response> needs a status 100..999");
        r.reason = rs.attribute("reason").value();
        for (pugi::xml_node h : rs.children("header")) {
          r.headers.emplace_back(h.attribute("name").value(), h.attribute("value").value());
        }
        auto b = Body(rs);
        if (!b) return Fail(b.error());
        r.body = std::move(*b);
        ex.response = std::move(r);
      }
      if (pugi::xml_node er = n.child("error")) {
        TransportError e;
        e.stage = ParseStage(er.attribute("stage").value());
        std::string_view id = er.attribute("id").value();
        auto known = TransportFindingId::Find(id);
        if (!known) {
          return Fail(At(er) + "<error> needs the id of a transport finding, got '" +
                      Printable(Excerpt(id, 80)) + "'");
        }
        e.id = *known;
        e.message = er.attribute("message").value();
        ex.error = std::move(e);
      }
      for (pugi::xml_node ev : n.child("stream").children()) {
        if (ev.type() != pugi::node_element) continue;
        std::string_view kind = ev.name();
        if (kind == "starttls") {
          auto cap = ReadTls(ev);
          if (!cap) return Fail(cap.error());
          StreamEvent upgrade;
          upgrade.tls = std::move(*cap);
          ex.stream.push_back(std::move(upgrade));
          continue;
        }
        if (kind == "timeout") {
          StreamEvent waited;
          waited.sent = false;
          waited.timed_out = true;
          ex.stream.push_back(std::move(waited));
          continue;
        }
        if (kind != "send" && kind != "recv") {
          return Fail(At(ev) + "unknown element <" + std::string(kind) + "> in <stream>");
        }
        std::string enc = ev.attribute("encoding").as_string("text");
        std::string value = ev.text().get();
        if (enc == "base64") {
          auto raw = Unbase64(value);
          if (!raw) return Fail(At(ev) + "<" + std::string(kind) + "> is not valid base64");
          value = *raw;
        } else if (enc != "text") {
          return Fail(At(ev) + "unknown encoding '" + enc + "' (text or base64)");
        }
        ex.stream.push_back({kind == "send", value, std::nullopt});
      }
      for (pugi::xml_node tm : n.children("timing")) {
        ex.timings.push_back({tm.attribute("name").value(), tm.attribute("ms").as_double(0)});
      }
      t.exchanges.push_back(std::move(ex));
    }
    return t;
  }

 private:
  std::string_view text_;
  std::string path_;
  char* in_place_ = nullptr;
};

}  // namespace

Result<Transcript> ParseTranscript(std::string_view xml, const std::string& path) {
  if (xml.size() > 256u * 1024 * 1024) return Fail(path + ": transcript larger than 256 MiB");
  return Reader(xml, path).Read();
}

Result<Transcript> LoadTranscript(const std::string& path) {
  auto text = ReadInputFile(path, kMaxTranscriptFile);
  if (!text) return Fail(text.error() + " (the transcript)");
  return Reader(*text, path, text->data()).Read();
}

}  // namespace cxa
