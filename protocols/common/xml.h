// Reading untrusted XML leniently and boundedly: elements and attributes by local name (any
// namespace prefix), iterative searches, and a loader that checks the root element and caps the
// nesting depth. pugixml expands no DTD entities, so entity bombs stay inert text.
#pragma once

#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cxa::protocols::xml {

// Deeper documents are refused as malformed (real ones nest about 15 levels).
inline constexpr int kMaxDepth = 64;

// The name of an element or attribute without its namespace prefix.
std::string_view Local(const char* name);
bool IsA(pugi::xml_node n, std::string_view local);
// The first attribute whose local name is `local` (any prefix).
pugi::xml_attribute Attr(pugi::xml_node n, std::string_view local);
// The first child element named `local`.
pugi::xml_node Child(pugi::xml_node n, std::string_view local);
// Every descendant element named `local`, in document order (iterative, no recursion).
std::vector<pugi::xml_node> Descendants(pugi::xml_node root, std::string_view local);
pugi::xml_node FirstDescendant(pugi::xml_node root, std::string_view local);
// The element's text, trimmed.
std::string Text(pugi::xml_node n);
// Loads a document whose root element's local name must be `root_name` (`what` names it in the
// error) and whose elements nest at most kMaxDepth deep.
Result<pugi::xml_node> Load(pugi::xml_document& doc, std::string_view body,
                            std::string_view root_name, std::string_view what);

}  // namespace cxa::protocols::xml
