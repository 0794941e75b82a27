"""Draw the README's screenshot: the article at 1280 px in the light palette, from a fresh build.

Usage: scripts/screenshot   (builds the site, serves it on a loopback port, and writes
.github/article-screenshot.png with Chromium, CHROMIUM_PATH or /usr/bin/chromium).

The picture records a fingerprint of what shapes the page's look (LAYOUT_SOURCES) in a PNG
text chunk, so the tests can tell when a change to the layout has left it stale: a word
changed in the essay does not call for a new picture, a stylesheet or template change does.
"""

from __future__ import annotations

import hashlib
import http.server
import io
import os
import subprocess
import sys
import tempfile
import threading
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image, PngImagePlugin

from reading_edition.facts import load as load_facts

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / ".github" / "article-screenshot.png"
LAYOUT_SOURCES = ["mkdocs.yml", "docs/assets/stylesheets/edition.css", "overrides", "reading_edition/paragraphs.py"]
FINGERPRINT_KEY = "layout-sources-sha256"
WINDOW = {"width": 1280, "height": 800}


def layout_fingerprint(root: Path = ROOT) -> str:
    """SHA-256 over the layout sources' paths and bytes, in a fixed order."""
    digest = hashlib.sha256()
    for source in LAYOUT_SOURCES:
        path = root / source
        for file in sorted([path] if path.is_file() else (p for p in path.rglob("*") if p.is_file())):
            digest.update(file.relative_to(root).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def recorded_fingerprint(picture: Path = OUTPUT) -> str | None:
    with Image.open(picture) as image:
        return image.text.get(FINGERPRINT_KEY)


def main() -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as work:
        site = Path(work) / "site"
        # As published: the byline's download links are drawn, though this build makes no PDF or EPUB.
        env = {**os.environ, "EDITIONS_BUILT": "true"}
        subprocess.run(["bash", str(ROOT / "scripts" / "build"), str(site)], check=True, stdout=subprocess.DEVNULL, env=env)
        base_path = load_facts().site_path
        handler = type("Handler", (http.server.SimpleHTTPRequestHandler,), {"log_message": lambda *args: None})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=work))
        os.symlink(site, Path(work) / base_path.strip("/"))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
                page = browser.new_page(viewport=WINDOW, color_scheme="light")
                page.goto(f"http://127.0.0.1:{server.server_port}{base_path}", wait_until="networkidle")
                png = page.screenshot()
                browser.close()
        finally:
            server.shutdown()
    info = PngImagePlugin.PngInfo()
    info.add_text(FINGERPRINT_KEY, layout_fingerprint())
    Image.open(io.BytesIO(png)).save(OUTPUT, pnginfo=info, optimize=True)
    print(f"Wrote {OUTPUT.relative_to(ROOT)} ({WINDOW['width']}x{WINDOW['height']}, {urlsplit(base_path).path})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
