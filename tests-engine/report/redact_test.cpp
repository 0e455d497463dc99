#include "report/redact.h"

#include <catch2/catch.hpp>

#include "report/report.h"

using namespace cxa;

TEST_CASE("report redaction reaches every string a server could have filled, in every format",
          "[unit][report]") {
  const std::string secret = "S3cret-Echo!";
  RunReport r;
  r.scenario = "owa";
  r.scenario_title = "OWA";
  r.inputs = {{"url", "https://mail.contoso.test/owa/"}};
  StepResult s;
  s.step_id = "signin";
  s.module = "owa-signin";
  s.title = "Sign-in";
  s.skip_reason = "server said " + secret;
  s.facts["server_error"] = "Password '" + secret + "' is not valid";
  Finding f;
  f.id = "owa.signin.rejected";
  f.message = "the page says: " + secret;
  f.detail = "<input value=\"" + secret + "\">";
  s.findings.push_back(f);
  CertificateSummary c;
  c.host = "mail.contoso.test";
  CertificateInfo leaf;
  leaf.subject = "CN=" + secret;
  leaf.dns_names = {secret};
  c.certificates.push_back(leaf);
  s.certificate = c;
  StepResult child = s;
  s.children.push_back(child);
  r.steps.push_back(s);

  report::Redact(r, [&](std::string t) {
    for (size_t p; (p = t.find(secret)) != std::string::npos;) t.replace(p, secret.size(), "[x]");
    return t;
  });
  for (const std::string& out :
       {report::RenderJson(r), report::RenderText(r, {false, report::Detail::kVerbose}),
        report::RenderJunit(r), report::RenderHtml(r)}) {
    CHECK(out.find(secret) == std::string::npos);
  }
  CHECK(r.steps[0].facts["server_error"] == "Password '[x]' is not valid");
  CHECK(r.inputs[0].second == "https://mail.contoso.test/owa/");
}
