"""Serve a built site as GitHub Pages does and run Lighthouse (mobile) on every page.

Usage: scripts/benchmark (builds the site, then runs this), or
       .venv/bin/python scripts/benchmark.py SITE_DIR PORT
A speed check for people, not a test: timings vary with the machine's load.
"""

from __future__ import annotations

import gzip
import http.server
import json
import os
import subprocess
import sys
import threading
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = PROJECT_ROOT / "benchmark" / "node_modules" / ".bin" / "lighthouse"
BASE_PATH = "/principled-diplomacy/"
# GitHub Pages compresses text responses and lets browsers cache everything for ten minutes.
COMPRESSIBLE = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt"}
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--metrics-recording-only",
    # Chromium still looks up Google's update and account hosts despite the flags above;
    # resolving no name at all but the loopback address keeps every byte on this machine.
    '--host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"',
]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


class PagesHandler(http.server.SimpleHTTPRequestHandler):
    """The site under its project-site path, gzip for text, max-age=600, 404.html for misses."""

    site_root: Path

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's signature
        pass

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        path = urlsplit(self.path).path
        file = self._resolve(path)
        if file is None:
            if path.startswith(BASE_PATH) and not path.endswith("/") and self._resolve(path + "/") is not None:
                self.send_response(301)
                self.send_header("Location", path + "/")
                self.end_headers()
                return
            self._send(self.site_root / "404.html", 404)
            return
        self._send(file, 200)

    def _resolve(self, path: str) -> Path | None:
        if not path.startswith(BASE_PATH):
            return None
        candidate = (self.site_root / path[len(BASE_PATH):]).resolve()
        if candidate.is_dir():
            candidate = candidate / "index.html"
        if not candidate.is_file() or not candidate.is_relative_to(self.site_root.resolve()):
            return None
        return candidate

    def _send(self, file: Path, status: int) -> None:
        body = file.read_bytes()
        self.send_response(status)
        self.send_header("Content-Type", self.guess_type(str(file)))
        self.send_header("Cache-Control", "max-age=600")
        if file.suffix in COMPRESSIBLE and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, compresslevel=6, mtime=0)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def lighthouse(url: str) -> dict:
    result = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            "--output-path=stdout",
            "--quiet",
            "--form-factor=mobile",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={' '.join(CHROME_FLAGS)}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
    )
    if result.returncode != 0:
        raise SystemExit(f"lighthouse failed on {url}:\n{result.stderr[-3000:]}")
    report = json.loads(result.stdout)
    if report.get("runtimeError"):
        raise SystemExit(f"lighthouse could not measure {url}: {report['runtimeError']}")
    return report


def summarize(page: str, report: dict) -> str:
    scores = [report["categories"][name]["score"] for name in CATEGORIES]
    audits = report["audits"]
    fcp, lcp, tbt = (audits[name]["numericValue"] for name in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time"))
    cls = audits["cumulative-layout-shift"]["numericValue"]
    transfer = audits["total-byte-weight"]["numericValue"]
    cells = [f"{round(score * 100) if score is not None else '—':>4}" for score in scores]
    return (
        f"{page:<20} {' '.join(cells)}  {fcp / 1000:5.2f} s {lcp / 1000:5.2f} s {tbt:6.0f} ms {cls:6.3f} "
        f"{transfer / 1024:7.1f} KiB"
    )


def failed_audits(report: dict) -> list[str]:
    """Audits below a full score in the categories that are not perfect: what to fix."""
    notes = []
    for name in CATEGORIES:
        category = report["categories"][name]
        if category["score"] is not None and category["score"] < 1:
            for ref in category["auditRefs"]:
                audit = report["audits"][ref["id"]]
                if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
                    notes.append(f"    {name}: {audit['id']} ({audit['score']}) {audit.get('displayValue', '')}")
    return notes


def main() -> None:
    site = Path(sys.argv[1]).resolve()
    port = int(sys.argv[2])
    if not LIGHTHOUSE.exists():
        raise SystemExit("lighthouse is not installed: run scripts/benchmark, or npm ci --prefix benchmark")
    handler = type("Handler", (PagesHandler,), {"site_root": site})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{port}{BASE_PATH}"
    pages = sorted(page.relative_to(site).as_posix() for page in site.rglob("*.html"))
    version = subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True).stdout.strip()
    print(f"Lighthouse {version}, mobile (simulated throttling), {root}")
    print(f"{'page':<20} {'perf':>4} {'a11y':>4} {'best':>4} {'seo':>4}  {'FCP':>7} {'LCP':>7} {'TBT':>9} {'CLS':>6} {'transfer':>11}")
    notes: list[str] = []
    benchmark_indexes: list[float] = []
    try:
        for page in pages:
            report = lighthouse(root + page.removesuffix("index.html"))
            print(summarize(page, report), flush=True)
            benchmark_indexes.append(report["environment"]["benchmarkIndex"])
            if failed := failed_audits(report):
                notes += [f"  {page}:", *failed]
    finally:
        server.shutdown()
    # Lighthouse calibrates its CPU throttling for a benchmark index of about 1000 or more;
    # a busy machine scores lower and its TBT and performance figures come out worse.
    print(f"CPU benchmark index (Lighthouse): {min(benchmark_indexes):.0f}–{max(benchmark_indexes):.0f}")
    if notes:
        print("Audits short of a full score:")
        print("\n".join(notes))


if __name__ == "__main__":
    main()
