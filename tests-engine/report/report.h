// Renderers: pure functions of a RunReport. No I/O decisions here (the CLI chooses the stream).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/finding.h"
#include "core/run_report.h"

namespace cxa::report {

// How much the text report shows. kBrief: the banner and one line per step. kNormal: the
// banner, the header, one line per passed step and a block for each step that did not pass.
// kVerbose: every step's facts, findings, timings and certificate chain.
enum class Detail { kBrief, kNormal, kVerbose };

struct TextOptions {
  bool color = false;  // ANSI colours (only on a terminal)
  Detail detail = Detail::kNormal;
};

std::string RenderText(const RunReport& report, const TextOptions& options);

// The JSON report (docs/json-report.md, docs/report.schema.json; kReportSchemaVersion).
nlohmann::json ToJson(const RunReport& report);
nlohmann::json ToJson(const PolicySummary& policy);
// A fact as JSON: typed by its name (FactIsInteger, `*_trusted` booleans), null when empty.
nlohmann::json FactJson(const std::string& name, const std::string& value);
bool FactIsInteger(std::string_view name);
nlohmann::json ToJson(const StepResult& step);
nlohmann::json ToJson(const Finding& finding);
nlohmann::json ToJson(const CertificateSummary& summary);
std::string RenderJson(const RunReport& report);

// JUnit XML (Ant/Jenkins layout, docs/junit.xsd): one testsuite, one testcase per step.
std::string RenderJunit(const RunReport& report);
// One run as a <testsuite> element named `name` with id `id`, indented to sit in a
// <testsuites> document (a batch writes one per target).
std::string RenderJunitSuite(const RunReport& report, int id, const std::string& name);
// One self-contained HTML page: collapsible step tree, certificates, remediation, policy.
std::string RenderHtml(const RunReport& report);
// The page's body without the page: verdict banner, policy, step tree. Element ids start with
// `id_prefix` (a batch page holds many runs); with an empty prefix, as in RenderHtml.
std::string RenderHtmlFragment(const RunReport& report, const std::string& id_prefix);
// The start of a report page up to <body>: the Content-Security-Policy that forbids loading
// anything, the viewport and colour-scheme hints, `title`, and the stylesheet (html_style.css)
// followed by `extra_style`.
std::string HtmlPageStart(const std::string& title, std::string_view extra_style);

// `cxa explain ID` text.
std::string RenderExplanation(const FindingInfo& info);

}  // namespace cxa::report
