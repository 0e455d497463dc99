#!/usr/bin/env python3
"""html_check.py FILE: exits 0 when FILE is a well-formed HTML report, else prints why and exits 1.

Well-formed here means what cxa's HTML writer promises: every element it opens is closed in
order (void elements excepted), text and attribute values carry no raw '<' or '>' (everything
from a server arrives escaped), and no control character (C0 other than tab, CR, LF; DEL; C1)
appears anywhere. Python's own HTML tokenizer does the parsing.
"""
import html.parser
import re
import sys

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]")


class Checker(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.stack = []
        self.problems = []

    def where(self):
        return "line %d" % self.getpos()[0]

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is not None and ("<" in value or ">" in value):
                self.problems.append("%s: raw < or > in attribute %s of <%s>" %
                                     (self.where(), name, tag))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append("%s: </%s> closes <%s>" %
                                 (self.where(), tag, self.stack[-1] if self.stack else "nothing"))
            return
        self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "style":
            return  # the report's own stylesheet (raw text by HTML's rules)
        if "<" in data or ">" in data:
            self.problems.append("%s: raw < or > in text %r" % (self.where(), data[:60]))


def main():
    text = open(sys.argv[1], encoding="utf-8", errors="strict").read()
    c = Checker()
    m = CONTROL.search(text)
    if m:
        c.problems.append("control character U+%04X at offset %d" % (ord(m.group()), m.start()))
    c.feed(text)
    c.close()
    if c.stack:
        c.problems.append("unclosed at the end: " + " ".join("<%s>" % t for t in c.stack))
    for p in c.problems[:20]:
        print(p)
    return 1 if c.problems else 0


if __name__ == "__main__":
    sys.exit(main())
