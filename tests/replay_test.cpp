// The QA fixture library: every fixtures/runs/<scenario>/<case>/case.expect is replayed offline
// through the real cxa binary and its outcome, stages, finding IDs and facts compared; cases
// with `golden:` also compare whole reports byte for byte (CXA_REBASE=1 rewrites them).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "testing/expect_file.h"
#include "testing/fixtures.h"
#include "testing/process.h"
#include "testing/report_samples.h"

using namespace cxa::testing;
using nlohmann::json;

namespace {

std::vector<std::string> Split(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

const json* Step(const json& report, const std::string& id) {
  for (const auto& s : report["steps"]) {
    if (s["id"] == id) return &s;
  }
  return nullptr;
}

std::string Extension(const std::string& format) {
  if (format == "text") return "txt";
  if (format == "junit") return "junit.xml";
  if (format == "prometheus") return "prom";
  return format;
}

// Golden HTML pages hold the stylesheet once, in the source: the page's <style> block is
// checked against tests-engine/report/html_style.css and stored as a marker naming that file,
// so a change of style does not rewrite every golden page.
std::string StylesheetApart(std::string page) {
  const std::string open = "<style>", close = "</style>";
  size_t a = page.find(open);
  size_t b = a == std::string::npos ? a : page.find(close, a);
  REQUIRE(b != std::string::npos);
  a += open.size();
  CHECK(page.substr(a, b - a) ==
        "\n" + ReadText(SourceDir() + "/tests-engine/report/html_style.css"));
  page.replace(a, b - a, "/* tests-engine/report/html_style.css */");
  return page;
}

}  // namespace

TEST_CASE("every recorded run replays offline to its expected result", "[replay]") {
  auto files = FilesEndingWith(FixturesDir() + "/runs", "case.expect");
  REQUIRE(files.size() >= 9);
  auto path = GENERATE_COPY(from_range(files));
  INFO(path);
  auto ex = ReadExpectFile(path);
  REQUIRE(ex.ok());
  std::string dir = std::filesystem::path(path).parent_path().string();
  // Run inside the case directory with relative paths, so that reports are the same on every
  // machine (golden files).
  std::vector<std::string> args = {CxaBinary(), "run", ex->Get("scenario"), "--replay", "."};
  for (auto a : Split(ex->Get("args"))) args.push_back(a);
  auto run = [&](const std::string& format) {
    auto a = args;
    a.insert(a.end(), {"--format", format});
    return RunCommand(a, "", 60, {}, dir);
  };
  CommandResult r = run("json");
  INFO(r.err);
  CHECK(r.exit_code == std::stoi(ex->Get("exit")));
  json report = json::parse(r.out);
  CHECK(report["mode"] == "replay");
  for (auto line : ex->All("step")) {
    auto w = Split(line);
    REQUIRE(w.size() == 3);
    const json* s = Step(report, w[0]);
    REQUIRE(s != nullptr);
    CHECK((*s)["outcome"] == w[1]);
    CHECK((*s)["stage"] == w[2]);
  }
  std::multiset<std::string> want, got;
  for (auto line : ex->All("finding")) want.insert(line);
  for (const auto& s : report["steps"]) {
    for (const auto& f : s["findings"]) {
      got.insert(s["id"].get<std::string>() + " " + f["severity"].get<std::string>() + " " +
                 f["id"].get<std::string>());
    }
  }
  CHECK(got == want);
  for (auto line : ex->All("fact")) {
    auto w = Split(line);
    REQUIRE(w.size() >= 3);
    const json* s = Step(report, w[0]);
    REQUIRE(s != nullptr);
    std::string value = line.substr(line.find(w[1]) + w[1].size() + 1);
    CHECK(FactText((*s)["facts"][w[1]]) == value);
  }
  // Deterministic: the same transcript gives byte-identical JSON.
  CHECK(run("json").out == r.out);

  for (const auto& format : Split(ex->Get("golden"))) {
    std::string golden = dir + "/report." + Extension(format);
    CommandResult g = run(format);
    if (format == "html") g.out = StylesheetApart(g.out);
    if (std::getenv("CXA_REBASE") != nullptr) {
      std::ofstream(golden, std::ios::binary) << g.out;
    }
    INFO("golden " << golden << " (CXA_REBASE=1 rewrites it)");
    CHECK(g.out == ReadText(golden));
    if (format == "prometheus") {  // Prometheus' own linter accepts it
      CommandResult lint = RunCommand({"/usr/bin/promtool", "check", "metrics"}, g.out, 30);
      INFO(lint.out << lint.err);
      CHECK(lint.exit_code == 0);
    }
  }
}

TEST_CASE("a transcript edited to another URL fails with a readable diff", "[replay]") {
  std::string src = FixturesDir() + "/runs/tls-endpoint/good";
  std::string dir = BinaryDir() + "/replay-edited";
  std::filesystem::create_directories(dir);
  std::string xml = ReadText(src + "/transcript.xml");
  size_t at = xml.find("url=\"https://mail.contoso.test:");
  REQUIRE(at != std::string::npos);
  xml.replace(at, 31, "url=\"https://www.contoso.test:");
  std::ofstream(dir + "/transcript.xml", std::ios::binary) << xml;
  CommandResult r = RunCommand({CxaBinary(), "run", "tls-endpoint", "--replay", dir,
                                "--public-roots", src + "/public-roots.pem", "--format", "json"});
  CHECK(r.exit_code == 3);
  json report = json::parse(r.out);
  const auto& f = report["steps"][0]["findings"][0];
  CHECK(f["id"] == "internal.replay.mismatch");
  CHECK(report["steps"][0]["outcome"] == "error");
  CHECK_THAT(f["message"].get<std::string>(),
             Catch::Contains("- expected CONNECT-ONLY https://www.contoso.test"));
  CHECK_THAT(f["message"].get<std::string>(),
             Catch::Contains("+ sent     CONNECT-ONLY https://mail.contoso.test"));
}

TEST_CASE("a malformed transcript exits 2 naming file and line", "[replay]") {
  std::string dir = BinaryDir() + "/replay-malformed";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/transcript.xml")
      << "<transcript version=\"1\" recorded-at=\"2031-01-01\">\n"
         "<exchange>\n<request/>\n</exchange></transcript>\n";
  CommandResult r = RunCommand({CxaBinary(), "run", "tls-endpoint", "--replay", dir});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(dir + "/transcript.xml:3:"));
  CommandResult missing =
      RunCommand({CxaBinary(), "run", "tls-endpoint", "--replay", dir + "/nope"});
  CHECK(missing.exit_code == 2);
}

namespace {

CommandResult Replay(const std::string& c, const std::string& format, const std::string& out) {
  std::string dir = FixturesDir() + "/runs/tls-endpoint/" + c;
  return RunCommand({CxaBinary(), "run", "tls-endpoint", "--replay", ".", "--public-roots",
                     "public-roots.pem", "--format", format, "-o", out},
                    "", 60, {}, dir);
}

}  // namespace

TEST_CASE("JUnit reports validate against the JUnit schema", "[replay][junit]") {
  auto c = GENERATE(as<std::string>{}, "good", "self-signed", "connection-refused",
                    "missing-intermediate");
  std::string out = BinaryDir() + "/junit-" + c + ".xml";
  REQUIRE(Replay(c, "junit", out).exit_code >= 0);
  CommandResult v =
      RunCommand({"/usr/bin/xmllint", "--noout", "--schema", SourceDir() + "/docs/junit.xsd", out});
  INFO(v.err);
  CHECK(v.exit_code == 0);
  std::string xml = ReadText(out);
  CHECK_THAT(xml, Catch::Contains("<testcase classname=\"cxa.tls-endpoint\""));
  if (c != "good") CHECK_THAT(xml, Catch::Contains("<failure message="));
}

TEST_CASE("the HTML report is self-contained and renders in headless Chromium", "[replay][html]") {
  std::string out = BinaryDir() + "/report-self-signed.html";
  REQUIRE(Replay("self-signed", "html", out).exit_code == 1);
  std::string html = ReadText(out);
  // Nothing to fetch: no external reference at all, and a policy that forbids loading anything.
  CHECK_THAT(html, Catch::Contains("default-src 'none'"));
  for (const char* ref : {"src=", "href=", "url(", "@import", "<script", "<link"}) {
    INFO(ref);
    CHECK(html.find(ref) == std::string::npos);
  }
  // Light, dark and 400 px wide screenshots and a printed PDF (tests/html_layout.py drives
  // Chromium over the DevTools pipe; pdftotext reads the PDF).
  std::string dir = BinaryDir() + "/html-layout";
  std::filesystem::create_directories(dir);
  CommandResult layout =
      RunCommand({"/usr/bin/python3", SourceDir() + "/tests/html_layout.py", out, dir}, "", 180);
  INFO(layout.err);
  REQUIRE(layout.exit_code == 0);
  json m = json::parse(layout.out);
  for (const char* l : {"light", "dark", "narrow"}) {
    INFO(l);
    CHECK(m[l]["screenshot_bytes"] > 20000);                // a rendered page, not a blank one
    CHECK(m[l]["scroll_width"] <= m[l]["viewport_width"]);  // nothing sticks out sideways
    CHECK(m[l]["dates"] > 0);
    CHECK(m[l]["wrapped_dates"] == 0);  // no date breaks mid-token
  }
  CHECK(m["light"]["background"] == "rgb(255, 255, 255)");
  CHECK(m["dark"]["background"] == "rgb(18, 18, 18)");  // the dark palette applies
  std::string pdf = m["pdf_text"];
  CHECK_THAT(pdf, Catch::Contains("FAILED at tls: cert.chain.self_signed"));
  CHECK_THAT(pdf, Catch::Contains("What to do:"));
  std::vector<std::string> chromium = {"/usr/bin/chromium",
                                       "--headless",
                                       "--no-sandbox",
                                       "--disable-gpu",
                                       "--disable-quic",
                                       "--no-first-run",
                                       "--disable-background-networking",
                                       "--disable-component-update",
                                       "--disable-sync",
                                       "--user-data-dir=" + BinaryDir() + "/chromium-profile",
                                       "--proxy-server=http://127.0.0.1:9"};
  auto dom_args = chromium;
  dom_args.insert(dom_args.end(), {"--dump-dom", "file://" + out});
  CommandResult dom = RunCommand(dom_args, "", 120);
  CHECK_THAT(dom.out, Catch::Contains("id=\"steps\""));
  CHECK_THAT(dom.out, Catch::Contains("class=\"step failed\""));
  CHECK_THAT(dom.out, Catch::Contains("cert.chain.self_signed"));
}

TEST_CASE("the printed HTML report of a passing run holds every step's findings and facts",
          "[replay][html]") {
  // On screen the passed steps are closed; on paper every step is open.
  const std::string c = "outlook-anywhere/good-ntlm";
  std::string dir = FixturesDir() + "/runs/" + c;
  std::string html = BinaryDir() + "/report-oa-print.html";
  std::vector<std::string> args = {CxaBinary(),
                                   "run",
                                   "outlook-anywhere",
                                   "--replay",
                                   dir,
                                   "--public-roots",
                                   dir + "/public-roots.pem",
                                   "--format"};
  auto html_args = args;
  html_args.insert(html_args.end(), {"html", "-o", html});
  REQUIRE(RunCommand(html_args).exit_code == 0);
  args.push_back("json");
  json report = json::parse(RunCommand(args).out);
  std::string outdir = BinaryDir() + "/html-layout-print";
  std::filesystem::create_directories(outdir);
  CommandResult layout = RunCommand(
      {"/usr/bin/python3", SourceDir() + "/tests/html_layout.py", html, outdir}, "", 180);
  INFO(layout.err);
  REQUIRE(layout.exit_code == 0);
  std::string pdf = json::parse(layout.out)["pdf_text"];
  int facts = 0;
  for (const auto& s : report["steps"]) {
    INFO(s["id"]);
    CHECK_THAT(pdf, Catch::Contains("[" + s["id"].get<std::string>()));
    for (const auto& f : s["findings"])
      CHECK_THAT(pdf, Catch::Contains(f["id"].get<std::string>()));
    for (const auto& [name, value] : s["facts"].items()) {
      std::string v = FactText(value);
      if (v.empty() || v.size() > 30) continue;  // long values wrap across PDF lines
      INFO(name);
      CHECK_THAT(pdf, Catch::Contains(v));
      ++facts;
    }
  }
  CHECK(facts > 20);
}
