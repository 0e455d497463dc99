// OWA answers: the front-end classification (status, headers, body) and logon pages.
#include <string>

#include "protocols/owa/owa_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)cxa::protocols::ParseLogonForm(in);
  cxa::HttpResponse r;
  r.status = size > 0 ? 200 + data[0] % 300 : 200;
  // Lines before a blank line are headers "Name: value"; the rest is the body.
  size_t end = in.find("\n\n");
  std::string_view head = in.substr(0, end == std::string_view::npos ? 0 : end);
  for (size_t at = 0; at < head.size();) {
    size_t nl = head.find('\n', at);
    std::string_view line = head.substr(at, nl == std::string_view::npos ? head.npos : nl - at);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      r.headers.emplace_back(std::string(line.substr(0, colon)),
                             std::string(line.substr(colon + 1)));
    }
    at = nl == std::string_view::npos ? head.size() : nl + 1;
  }
  r.body = std::string(end == std::string_view::npos ? in : in.substr(end + 2));
  for (int status : {r.status, 302, 401}) {
    r.status = status;
    (void)cxa::protocols::ClassifyOwaAnswer("https://mail.contoso.com/owa/", r);
  }
  (void)cxa::protocols::JudgeFbaAnswer(r, nullptr);
  (void)cxa::protocols::CookiesFrom(r);
  (void)cxa::protocols::SplitHttpUrl(in);
  (void)cxa::protocols::ResolveLocation("https://mail.contoso.com/owa/", in);
  return 0;
}
