#include "report/formats.h"

#include <catch2/catch.hpp>

using namespace cxa;
using namespace cxa::report;

TEST_CASE("the format table: every single-run format renders, names and help come from it",
          "[unit][report]") {
  RunReport r;
  r.scenario = "tls-endpoint";
  for (const auto& f : Formats()) {
    INFO(f.name);
    CHECK((f.single || f.batch));
    CHECK_FALSE(f.help.empty());
    CHECK((f.render != nullptr) == f.single);
    CHECK((f.batch_renderer != nullptr) == f.batch);
    if (f.render != nullptr) CHECK_FALSE(f.render(r, TextOptions{}).empty());
    CHECK(FindFormat(f.name, false) == (f.single ? &f : nullptr));
    CHECK(FindFormat(f.name, true) == (f.batch ? &f : nullptr));
    CHECK(FormatHelp().find(std::string(f.name) + " (") != std::string::npos);
  }
  CHECK(FormatNames(false) == "text, json, junit, html or prometheus");
  CHECK(FormatNames(true) == "text, junit, html, jsonl or csv");
  CHECK(FindFormat("yaml", false) == nullptr);
}
