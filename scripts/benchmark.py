"""Serve a built site as GitHub Pages does and run Lighthouse (mobile) on every page.

Usage: scripts/benchmark [--runs N] (builds the site, then runs this), or
       .venv/bin/python scripts/benchmark.py SITE_DIR PORT [--runs N]
A speed check for people, not a test: timings vary with the machine's load, so each page is
measured several times and the medians are printed (Lighthouse's own advice on variability).

Headless Chromium sometimes presents a page's first frame only about a second after the page
has finished loading, with the main thread idle in between (Lighthouse issue #17148). Lighthouse
then counts all of the page's start-up work into LCP and Speed Index. Such runs are counted in
the "late" column, and the medians of the other runs are printed too, so that the page and the
browser's delay can be told apart.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import os
import statistics
import subprocess
import sys
import threading
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from edition_facts import load as load_facts

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = PROJECT_ROOT / "node_modules" / ".bin" / "lighthouse"
BASE_PATH = load_facts().site_path
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


METRICS = {
    "FCP": "first-contentful-paint",
    "LCP": "largest-contentful-paint",
    "TBT": "total-blocking-time",
    "CLS": "cumulative-layout-shift",
    "transfer": "total-byte-weight",
}
HEADER = (
    f"{'page':<20} {'perf':>4} {'a11y':>4} {'best':>4} {'seo':>4}  {'FCP':>7} {'LCP':>7} {'TBT':>9} "
    f"{'CLS':>6} {'transfer':>11}  late"
)


def first_frame_was_late(report: dict) -> bool:
    """The first frame reached the screen only after the page had finished loading (#17148)."""
    observed = report["audits"]["metrics"]["details"]["items"][0]
    return observed["observedFirstContentfulPaint"] > observed["observedLoad"]


def median_row(page: str, reports: list[dict], late: int) -> str:
    scores = []
    for name in CATEGORIES:
        values = [report["categories"][name]["score"] for report in reports]
        scores.append("—" if None in values else str(round(statistics.median(values) * 100)))
    fcp, lcp, tbt, cls, transfer = (
        statistics.median(report["audits"][audit]["numericValue"] for report in reports) for audit in METRICS.values()
    )
    cells = " ".join(f"{score:>4}" for score in scores)
    return (
        f"{page:<20} {cells}  {fcp / 1000:5.2f} s {lcp / 1000:5.2f} s {tbt:6.0f} ms {cls:6.3f} "
        f"{transfer / 1024:7.1f} KiB  {late}"
    )


def median_report(reports: list[dict]) -> dict:
    """The run whose performance score is the median: the one whose shortfalls are listed."""
    ranked = sorted(reports, key=lambda report: report["categories"]["performance"]["score"])
    return ranked[len(ranked) // 2]


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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("port", type=int)
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (default 3)")
    args = parser.parse_args()
    site = args.site.resolve()
    if not LIGHTHOUSE.exists():
        raise SystemExit("lighthouse is not installed: run scripts/benchmark (it installs package.json with its devDependencies)")
    handler = type("Handler", (PagesHandler,), {"site_root": site})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{args.port}{BASE_PATH}"
    pages = sorted(page.relative_to(site).as_posix() for page in site.rglob("*.html"))
    version = subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True).stdout.strip()
    print(f"Lighthouse {version}, mobile (simulated throttling), {root}")
    print(f"Medians of {args.runs} runs a page; late: runs whose first frame reached the screen after the load")
    print(HEADER)
    notes: list[str] = []
    on_time_rows: list[str] = []
    benchmark_indexes: list[float] = []
    try:
        for page in pages:
            reports = [lighthouse(root + page.removesuffix("index.html")) for _ in range(args.runs)]
            on_time = [report for report in reports if not first_frame_was_late(report)]
            late = f"{args.runs - len(on_time)}/{args.runs}"
            print(median_row(page, reports, late), flush=True)
            if on_time and len(on_time) < len(reports):
                on_time_rows.append(median_row(page, on_time, f"0/{len(on_time)}"))
            benchmark_indexes += [report["environment"]["benchmarkIndex"] for report in reports]
            if failed := failed_audits(median_report(reports)):
                notes += [f"  {page}:", *failed]
    finally:
        server.shutdown()
    if on_time_rows:
        print("The same, counting only the runs whose first frame was on time:")
        print("\n".join(on_time_rows))
    # Lighthouse calibrates its CPU throttling for a benchmark index of about 1000 or more;
    # a busy machine scores lower and its TBT and performance figures come out worse.
    print(f"CPU benchmark index (Lighthouse): {min(benchmark_indexes):.0f}–{max(benchmark_indexes):.0f}")
    if notes:
        print("Audits short of a full score (the median run of each page):")
        print("\n".join(notes))


if __name__ == "__main__":
    main()
