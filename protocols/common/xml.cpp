#include "protocols/common/xml.h"

namespace cxa::protocols::xml {

// The name of an element or attribute without its namespace prefix.
std::string_view Local(const char* name) {
  std::string_view n(name);
  size_t colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

bool IsA(pugi::xml_node n, std::string_view local) {
  return n.type() == pugi::node_element && Local(n.name()) == local;
}

// The first attribute whose local name is `local` (any prefix).
pugi::xml_attribute Attr(pugi::xml_node n, std::string_view local) {
  for (pugi::xml_attribute a : n.attributes()) {
    if (Local(a.name()) == local) return a;
  }
  return {};
}

pugi::xml_node Child(pugi::xml_node n, std::string_view local) {
  for (pugi::xml_node c : n.children()) {
    if (IsA(c, local)) return c;
  }
  return {};
}

// Every descendant element named `local`, in document order (iterative, no recursion).
std::vector<pugi::xml_node> Descendants(pugi::xml_node root, std::string_view local) {
  struct Collect : pugi::xml_tree_walker {
    std::string_view want;
    std::vector<pugi::xml_node> found;
    bool for_each(pugi::xml_node& n) override {
      if (IsA(n, want)) found.push_back(n);
      return true;
    }
  } walker;
  walker.want = local;
  root.traverse(walker);
  return walker.found;
}

pugi::xml_node FirstDescendant(pugi::xml_node root, std::string_view local) {
  auto all = Descendants(root, local);
  return all.empty() ? pugi::xml_node() : all.front();
}

std::string Trimmed(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::string Text(pugi::xml_node n) { return Trimmed(n.text().get()); }

static bool TooDeep(pugi::xml_node root) {
  struct Depth : pugi::xml_tree_walker {
    bool deep = false;
    bool for_each(pugi::xml_node&) override {
      if (depth() >= kMaxDepth) {
        deep = true;
        return false;
      }
      return true;
    }
  } walker;
  root.traverse(walker);
  return walker.deep;
}

// Loads a document and checks its root element's local name.
Result<pugi::xml_node> Load(pugi::xml_document& doc, std::string_view body,
                            std::string_view root_name, std::string_view what) {
  auto r = doc.load_buffer(body.data(), body.size(), pugi::parse_default);
  if (!r) return Fail(std::string("not XML: ") + r.description());
  pugi::xml_node root = doc.document_element();
  if (!IsA(root, root_name)) {
    return Fail("the root element is <" + std::string(root.name()) + ">, not " + std::string(what));
  }
  if (TooDeep(doc)) {
    return Fail("elements nest deeper than " + std::to_string(kMaxDepth) + " levels");
  }
  return root;
}

}  // namespace cxa::protocols::xml
