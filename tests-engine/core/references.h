// The public documents a catalogue entry cites, with a URL an operator can open.
//
// A FindingInfo's `reference` is a list of citations separated by ";", each naming a public
// document and optionally where in it: "RFC 5280 §6.1.3", "MS-RPCH 2.2.3.5", "C706 §12",
// "Remote Connectivity Analyzer: SSL Certificate Trust Failure", "getrlimit(2)". Citations
// resolves each to a URL: RFCs by number (with the section anchor), manual pages by name, and
// every other document through one table here, so that a link is written once however many
// findings cite it. A citation nobody here knows keeps an empty URL; a unit test over the whole
// catalogue keeps that from happening in a release.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cxa {

struct Citation {
  std::string text;  // as written in the catalogue, trimmed
  std::string url;   // https://…, or empty for a document not in the table
};

// The citations of a catalogue `reference`, in order; none for an empty one.
std::vector<Citation> Citations(std::string_view reference);

}  // namespace cxa
