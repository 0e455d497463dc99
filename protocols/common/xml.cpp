#include "protocols/common/xml.h"

#include "core/text.h"

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

std::string Text(pugi::xml_node n) { return Trim(n.text().get()); }

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

// A value with control characters other than tab, CR and LF (raw, or decoded from &#27;-style
// references) written visibly, so that no server-chosen text can drive a terminal.
static std::string Tamed(std::string_view v) {
  std::string out;
  size_t from = 0;
  for (size_t i = 0; i <= v.size(); ++i) {
    if (i < v.size() && (v[i] == '\t' || v[i] == '\r' || v[i] == '\n')) {
      out += Printable(v.substr(from, i - from));
      out += v[i];
      from = i + 1;
    } else if (i == v.size()) {
      out += Printable(v.substr(from));
    }
  }
  return out;
}

static bool NeedsTaming(const char* v) {
  for (auto* p = reinterpret_cast<const unsigned char*>(v); *p != 0; ++p) {
    if ((*p < 0x20 && *p != '\t' && *p != '\r' && *p != '\n') || *p == 0x7F ||
        (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)) {
      return true;
    }
  }
  return false;
}

static void TameControls(pugi::xml_node root) {
  struct Walker : pugi::xml_tree_walker {
    bool for_each(pugi::xml_node& n) override {
      if ((n.type() == pugi::node_pcdata || n.type() == pugi::node_cdata) &&
          NeedsTaming(n.value())) {
        n.set_value(Tamed(n.value()).c_str());
      }
      for (pugi::xml_attribute a : n.attributes()) {
        if (NeedsTaming(a.value())) a.set_value(Tamed(a.value()).c_str());
      }
      return true;
    }
  } walker;
  root.traverse(walker);
}

// Loads a document and checks its root element's local name.
Result<pugi::xml_node> Load(pugi::xml_document& doc, std::string_view body,
                            std::string_view root_name, std::string_view what) {
  // Invalid UTF-8 becomes U+FFFD before parsing, so no value read from the document can carry
  // it into a report (UTF-16 documents, marked by their BOM, are converted by pugixml itself).
  const bool utf16 = body.size() >= 2 && ((body[0] == '\xFF' && body[1] == '\xFE') ||
                                          (body[0] == '\xFE' && body[1] == '\xFF'));
  std::string text = utf16 ? std::string(body) : ValidUtf8(body);
  auto r = doc.load_buffer(text.data(), text.size(), pugi::parse_default);
  if (!r) return Fail(std::string("not XML: ") + r.description());
  pugi::xml_node root = doc.document_element();
  if (!IsA(root, root_name)) {
    return Fail("the root element is <" + std::string(root.name()) + ">, not " + std::string(what));
  }
  if (TooDeep(doc)) {
    return Fail("elements nest deeper than " + std::to_string(kMaxDepth) + " levels");
  }
  TameControls(doc);
  return root;
}

}  // namespace cxa::protocols::xml
