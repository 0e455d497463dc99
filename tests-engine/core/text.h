// Small text helpers shared by renderers and protocol codecs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cxa {

// ASCII lower case (host names, header names, HTML tags).
std::string ToLower(std::string_view text);

// Escapes &, <, >, " and ' for XML and HTML text and attribute values.
std::string XmlEscape(std::string_view text);

// The first `max` bytes of a server's answer with control characters as spaces: a one-line
// excerpt for a finding's detail.
std::string Excerpt(std::string_view body, size_t max = 160);

// `text` as valid UTF-8: every byte that does not start a well-formed sequence (stray
// continuation bytes, overlong forms, surrogates, code points past U+10FFFF, a sequence cut
// short) becomes U+FFFD. Applied where bytes from servers and files enter, so that no renderer
// or JSON writer ever meets invalid UTF-8.
std::string ValidUtf8(std::string_view text);

// ValidUtf8(text) with every control character but tab (C0, DEL, and C1 as UTF-8) written as
// visible text ("\x1b"): for strings a server chose that reports show (certificate names,
// header values), so that none can move the cursor, recolour or clear an operator's terminal.
std::string Printable(std::string_view text);

// `text` without leading and trailing spaces, tabs, CRs and LFs.
std::string Trim(std::string_view text);

// The parts of `text` between `separator`s, each trimmed (Trim), empty ones left out:
// Split("a; b;;c", ';') is {"a", "b", "c"}.
std::vector<std::string> Split(std::string_view text, char separator);

// The parts with `separator` between them ("Negotiate NTLM Basic").
std::string Join(const std::vector<std::string>& parts, std::string_view separator = " ");

// `text` in lines of at most `width` columns (a word longer than that gets a line of its own):
// the first line starts with `label`, the others with as many spaces (a wrapped list does not
// repeat its label). Whitespace runs become one space. Counts bytes: for the ASCII-dominated
// texts of help and reports.
std::vector<std::string> WrapLines(std::string_view text, size_t width,
                                   const std::string& label = "");

// The candidate closest to `word` by edit distance when it is close enough to be a typo (at
// most a third of the word's length, at least 2), else "": for "did you mean ...?" messages.
std::string Closest(std::string_view word, const std::vector<std::string>& candidates);
// " (did you mean 'X'?)" for Closest(word, candidates), or "".
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace cxa
