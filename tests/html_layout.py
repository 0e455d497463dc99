#!/usr/bin/env python3
"""html_layout.py REPORT.html OUTDIR: renders a cxa HTML report in headless Chromium the way
people see it and prints one JSON object of measurements for the test to assert on.

It drives Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe: no port, no
network) and, for each layout (light at 1100 px, dark at 1100 px, narrow at 400 px), takes a
screenshot (OUTDIR/report-<layout>.png) and measures: the page's scroll width against the
viewport (nothing may stick out sideways), the body's background colour (dark really is dark),
and whether any date cell wraps. It then prints the page to OUTDIR/report.pdf (print media: every
step expanded) and reports the PDF's text (pdftotext, Debian's poppler-utils).

Exit 0 with the JSON on stdout, 1 when Chromium or pdftotext fails.
"""
import base64
import json
import os
import subprocess
import sys
import tempfile

CHROMIUM = "/usr/bin/chromium"


class Browser:
    def __init__(self, profile):
        self.reader_r, self.reader_w = os.pipe()  # Chromium writes fd 4, we read
        self.writer_r, self.writer_w = os.pipe()  # we write, Chromium reads fd 3
        args = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--proxy-server=http://127.0.0.1:9",
                "--user-data-dir=" + profile, "--remote-debugging-pipe", "about:blank"]
        def fds():  # in the child: our pipe ends become fds 3 and 4, whatever they were
            read_end, write_end = os.dup(self.writer_r), os.dup(self.reader_w)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)
        self.proc = subprocess.Popen(args, close_fds=False, preexec_fn=fds,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(self.writer_r)
        os.close(self.reader_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def _read_message(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.reader_r, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.writer_w, json.dumps(msg).encode() + b"\0")
        while True:
            m = self._read_message()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method, session):
        for i, m in enumerate(self.events):
            if m.get("method") == method and m.get("sessionId") == session:
                del self.events[i]
                return m
        while True:
            m = self._read_message()
            if m.get("method") == method and m.get("sessionId") == session:
                return m
            self.events.append(m)

    def close(self):
        try:
            self.call("Browser.close")
        except Exception:
            pass
        self.proc.wait(timeout=30)


MEASURE = """(() => {
  const wraps = [...document.querySelectorAll('.date')].filter(
      e => e.getClientRects().length > 1).length;
  return {scroll_width: document.documentElement.scrollWidth,
          viewport_width: window.innerWidth,
          background: getComputedStyle(document.body).backgroundColor,
          text_color: getComputedStyle(document.body).color,
          dates: document.querySelectorAll('.date').length,
          wrapped_dates: wraps};
})()"""


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    page, outdir = os.path.abspath(argv[1]), argv[2]
    result = {}
    with tempfile.TemporaryDirectory() as profile:
        b = Browser(profile)
        try:
            target = b.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = b.call("Target.attachToTarget",
                             {"targetId": target, "flatten": True})["sessionId"]
            b.call("Page.enable", session=session)
            for layout, width, scheme in (("light", 1100, "light"), ("dark", 1100, "dark"),
                                          ("narrow", 400, "light")):
                b.call("Emulation.setDeviceMetricsOverride",
                       {"width": width, "height": 1200, "deviceScaleFactor": 1,
                        "mobile": width < 600}, session)
                b.call("Emulation.setEmulatedMedia",
                       {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
                       session)
                b.call("Page.navigate", {"url": "file://" + page}, session)
                b.wait_event("Page.loadEventFired", session)
                m = b.call("Runtime.evaluate", {"expression": MEASURE, "returnByValue": True},
                           session)["result"]["value"]
                shot = b.call("Page.captureScreenshot", {"format": "png"}, session)["data"]
                path = os.path.join(outdir, "report-%s.png" % layout)
                with open(path, "wb") as f:
                    f.write(base64.b64decode(shot))
                m["screenshot_bytes"] = os.path.getsize(path)
                result[layout] = m
            b.call("Emulation.clearDeviceMetricsOverride", session=session)
            b.call("Emulation.setEmulatedMedia", {"features": []}, session)
            b.call("Page.navigate", {"url": "file://" + page}, session)
            b.wait_event("Page.loadEventFired", session)
            pdf = b.call("Page.printToPDF", {"printBackground": True}, session)["data"]
            pdf_path = os.path.join(outdir, "report.pdf")
            with open(pdf_path, "wb") as f:
                f.write(base64.b64decode(pdf))
        finally:
            b.close()
    text = subprocess.run(["pdftotext", "-layout", pdf_path, "-"], capture_output=True,
                          check=True, text=True).stdout
    result["pdf_text"] = text
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (RuntimeError, OSError, subprocess.CalledProcessError) as e:
        print("html_layout.py: %s" % e, file=sys.stderr)
        sys.exit(1)
