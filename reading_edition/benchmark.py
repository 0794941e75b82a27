"""Lighthouse (mobile) on every page of this edition and on plain Material's build of the same text,
in the same rounds, each site served as GitHub Pages serves it.

Usage: scripts/benchmark [--runs N] [--pages PAGE ...] [--also NAME=CHECKOUT ...]
A speed check for people, not a test: timings vary with the machine's load, so every page is
measured several times (default 5) and the medians are printed (Lighthouse's own advice on
variability). A comparison across runs or days says little for the same reason: the peer, plain
Material (font: false, the search plugin, a light/dark toggle, nothing else) built by the same
.venv from docs/source.txt, is measured in the same rounds, right after each page of this
edition: round after round, ours 404.html, peer, ours author/, peer, ... Each row's ratios are to
the peer's article. --also NAME=CHECKOUT adds another checkout of this project (a git worktree
of another branch, say), built by its own scripts/build and measured beside ours in every round.

Headless Chromium sometimes presents a page's first frame only about a second after the page
has finished loading, with the main thread idle in between (Lighthouse issue #17148). Lighthouse
then counts all of the page's start-up work into LCP and Speed Index. Such runs are counted in
the "late" column, and the medians of the other runs are printed too, so that the page and the
browser's delay can be told apart. The test is only that the first paint came after the load
event: this edition's theme scripts start after the first paint and are no part of the load, so
its load often comes first anyway, and "late" overcounts for it.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import os
import statistics
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from reading_edition.facts import load as load_facts

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = PROJECT_ROOT / "node_modules" / ".bin" / "lighthouse"
MKDOCS = PROJECT_ROOT / ".venv" / "bin" / "mkdocs"
SOURCE_TEXT = PROJECT_ROOT / "docs" / "source.txt"
BASE_PATH = load_facts().site_path
ARTICLE = "index.html"
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

# Plain Material, as its documentation sets it up: no Google Fonts (as this edition), the search
# plugin, and the light/dark toggle that starts from the system's setting.
PEER_CONFIG = """\
site_name: {title}
site_url: {site_url}
theme:
  name: material
  font: false
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle:
        icon: material/brightness-7
        name: Switch to dark mode
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle:
        icon: material/brightness-4
        name: Switch to light mode
plugins:
  - search
"""


class PagesHandler(http.server.SimpleHTTPRequestHandler):
    """A site under the project-site path, gzip for text, max-age=600, 404.html for misses."""

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


@dataclass
class Site:
    """One build, on a loopback port of its own, so its absolute links (404.html) and canonical
    addresses name the address Lighthouse loads, as on GitHub Pages."""

    name: str
    folder: Path
    server: http.server.ThreadingHTTPServer = field(init=False)

    def __post_init__(self) -> None:
        handler = type("Handler", (PagesHandler,), {"site_root": self.folder})
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(self.folder)))

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{BASE_PATH}"

    def serve(self) -> None:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def pages(self) -> list[str]:
        return sorted(page.relative_to(self.folder).as_posix() for page in self.folder.rglob("*.html"))


def build_edition(site: Site, checkout: Path) -> None:
    # As published: the byline links the PDF and EPUB (scripts/build-editions sets this).
    env = {**os.environ, "SITE_URL": site.root, "EDITIONS_BUILT": "true"}
    result = subprocess.run([str(checkout / "scripts" / "build"), str(site.folder)], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{checkout}/scripts/build failed:\n{result.stdout}{result.stderr}")


def build_peer(site: Site, work: Path) -> None:
    """Plain Material's site of the same text: the source's first line as the title, then its paragraphs."""
    blocks = [" ".join(line.split()) for line in SOURCE_TEXT.read_text(encoding="utf-8").splitlines() if line.strip()]
    source = work / "peer-source"
    (source / "docs").mkdir(parents=True)
    (source / "docs" / "index.md").write_text(f"# {blocks[0]}\n\n" + "\n\n".join(blocks[1:]) + "\n", encoding="utf-8")
    (source / "mkdocs.yml").write_text(PEER_CONFIG.format(title=json.dumps(blocks[0]), site_url=site.root), encoding="utf-8")
    subprocess.run(
        [str(MKDOCS), "build", "--strict", "--quiet", "-f", str(source / "mkdocs.yml"), "-d", str(site.folder)],
        check=True,
    )


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


@dataclass
class Run:
    """What one Lighthouse report says, kept small: a report is a few megabytes."""

    scores: dict[str, float | None]
    metrics: dict[str, float]
    late: bool
    benchmark_index: float
    failed: list[str]


# Columns: name, Lighthouse audit, how to print a value, how the ratio reads.
METRICS = {
    "FCP": ("first-contentful-paint", lambda v: f"{v / 1000:.2f} s"),
    "LCP": ("largest-contentful-paint", lambda v: f"{v / 1000:.2f} s"),
    "TBT": ("total-blocking-time", lambda v: f"{v:.0f} ms"),
    "CLS": ("cumulative-layout-shift", lambda v: f"{v:.3f}"),
    "KiB": ("total-byte-weight", lambda v: f"{v / 1024:.1f}"),
    "req": ("network-requests", lambda v: f"{v:.0f}"),
    "style": ("mainthread-work-breakdown:styleLayout", lambda v: f"{v:.0f} ms"),
    "script": ("mainthread-work-breakdown:scriptEvaluation", lambda v: f"{v:.0f} ms"),
    "long": ("long-tasks", lambda v: f"{v:.0f}"),
}
SCORE_NAMES = {"performance": "perf", "accessibility": "a11y", "best-practices": "best", "seo": "seo"}
RATIOS = ["perf", "FCP", "LCP", "TBT", "KiB", "req", "style", "script"]


def metric(report: dict, audit_name: str) -> float:
    audit_id, _, group = audit_name.partition(":")
    audit = report["audits"][audit_id]
    if audit_id == "network-requests":
        # Requests that went over the network: data: URLs (the theme's inline icons) cost none.
        return sum(1 for item in audit["details"]["items"] if not item["url"].startswith("data:"))
    if audit_id == "long-tasks":
        return len(audit["details"]["items"]) if audit.get("details") else 0
    if group:
        return sum(item["duration"] for item in audit["details"]["items"] if item["group"] == group)
    return audit["numericValue"]


def first_frame_was_late(report: dict) -> bool:
    """The first frame reached the screen only after the page had finished loading (#17148)."""
    observed = report["audits"]["metrics"]["details"]["items"][0]
    return observed["observedFirstContentfulPaint"] > observed["observedLoad"]


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


def summarise(report: dict) -> Run:
    return Run(
        scores={SCORE_NAMES[name]: report["categories"][name]["score"] for name in CATEGORIES},
        metrics={name: metric(report, audit) for name, (audit, _) in METRICS.items()},
        late=first_frame_was_late(report),
        benchmark_index=report["environment"]["benchmarkIndex"],
        failed=failed_audits(report),
    )


def medians(runs: list[Run]) -> dict[str, float | None]:
    values: dict[str, float | None] = {}
    for name in SCORE_NAMES.values():
        scores = [run.scores[name] for run in runs]
        values[name] = None if None in scores else statistics.median(scores) * 100
    for name in METRICS:
        values[name] = statistics.median(run.metrics[name] for run in runs)
    return values


# Wide enough for --also names such as search-article.
SITE_WIDTH = 14
HEADER = (
    f"{'site':<{SITE_WIDTH}} {'page':<20} {'perf':>4} {'a11y':>4} {'best':>4} {'seo':>4} {'FCP':>7} {'LCP':>7} {'TBT':>7} "
    f"{'CLS':>6} {'KiB':>6} {'req':>3} {'style':>7} {'script':>7} {'long':>4}  late"
)


def row(site: str, page: str, runs: list[Run], late: str) -> str:
    values = medians(runs)
    scores = " ".join("   —" if values[name] is None else f"{values[name]:4.0f}" for name in SCORE_NAMES.values())
    widths = {"FCP": 7, "LCP": 7, "TBT": 7, "CLS": 6, "KiB": 6, "req": 3, "style": 7, "script": 7, "long": 4}
    cells = " ".join(f"{METRICS[name][1](values[name]):>{width}}" for name, width in widths.items())
    return f"{site:<{SITE_WIDTH}} {page:<20} {scores} {cells}  {late}"


def ratio_row(site: str, page: str, runs: list[Run], peer: list[Run]) -> str:
    ours, theirs = medians(runs), medians(peer)
    cells = []
    for name in RATIOS:
        mine, other = ours[name], theirs[name]
        if mine is None or other is None:
            cells.append("—")
        elif other == 0:
            cells.append("=" if mine == 0 else "∞")
        else:
            cells.append(f"{mine / other:.2f}")
    return f"{site:<{SITE_WIDTH}} {page:<20} " + " ".join(f"{cell:>6}" for cell in cells)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="Lighthouse runs per page (default 5)")
    parser.add_argument("--pages", nargs="+", metavar="PAGE", help="only these pages of ours (default: all), e.g. index.html")
    parser.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="NAME=CHECKOUT",
        help="another checkout of this project to build and measure beside ours (repeatable)",
    )
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("lighthouse is not installed: run scripts/benchmark (it installs package.json with its devDependencies)")
    extra = [tuple(spec.split("=", 1)) for spec in args.also]
    if any(len(spec) != 2 for spec in extra):
        raise SystemExit("--also takes NAME=CHECKOUT")
    with tempfile.TemporaryDirectory() as work_name:
        work = Path(work_name)
        editions = [Site("ours", work / "ours")] + [Site(name, work / name) for name, _ in extra]
        peer = Site("peer", work / "peer")
        for site, checkout in zip(editions, [PROJECT_ROOT] + [Path(path).resolve() for _, path in extra]):
            build_edition(site, checkout)
        build_peer(peer, work)
        for site in [*editions, peer]:
            site.serve()
        try:
            measure(editions, peer, args.runs, args.pages or editions[0].pages())
        finally:
            for site in [*editions, peer]:
                site.server.shutdown()


def measure(editions: list[Site], peer: Site, runs: int, pages: list[str]) -> None:
    version = subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True).stdout.strip()
    material = subprocess.run([str(MKDOCS), "--version"], capture_output=True, text=True).stdout.split()[2]
    print(f"Lighthouse {version}, mobile (simulated throttling); MkDocs {material}")
    for site in [*editions, peer]:
        print(f"  {site.name}: {site.root}")
    print(f"{runs} rounds; each round measures every page of ours, each followed by the peer's article.")
    # Printed site by site, the peer last.
    results: dict[tuple[str, str], list[Run]] = {(site.name, page): [] for site in editions for page in pages}
    results[(peer.name, ARTICLE)] = []
    for round_number in range(1, runs + 1):
        print(f"round {round_number}/{runs}", flush=True)
        for page in pages:
            for site in editions:
                report = lighthouse(site.root + page.removesuffix("index.html"))
                results[(site.name, page)].append(summarise(report))
            report = lighthouse(peer.root)
            results[(peer.name, ARTICLE)].append(summarise(report))
    print()
    print("Medians. KiB and req: Lighthouse's transfer total and network requests (data: URLs left out);")
    print("style, script: main-thread Style & Layout and Script Evaluation; long: long tasks;")
    print("late: runs whose first frame reached the screen after the load (Lighthouse issue #17148).")
    print(HEADER)
    on_time_rows = []
    for (name, page), site_runs in results.items():
        on_time = [run for run in site_runs if not run.late]
        print(row(name, page, site_runs, f"{len(site_runs) - len(on_time)}/{len(site_runs)}"))
        if on_time and len(on_time) < len(site_runs):
            on_time_rows.append(row(name, page, on_time, f"0/{len(on_time)}"))
    if on_time_rows:
        print("The same, counting only the runs whose first frame was on time:")
        print("\n".join(on_time_rows))
    peer_runs = results[(peer.name, ARTICLE)]
    print("Ratios to the peer's article (medians; ∞: the peer's value is 0):")
    print(f"{'site':<{SITE_WIDTH}} {'page':<20} " + " ".join(f"{name:>6}" for name in RATIOS))
    for (name, page), site_runs in results.items():
        if name != peer.name:
            print(ratio_row(name, page, site_runs, peer_runs))
    # Lighthouse calibrates its CPU throttling for a benchmark index of about 1000 or more;
    # a busy machine scores lower and its TBT and performance figures come out worse.
    indexes = [run.benchmark_index for site_runs in results.values() for run in site_runs]
    print(f"CPU benchmark index (Lighthouse): {min(indexes):.0f}–{max(indexes):.0f}")
    notes = []
    for (name, page), site_runs in results.items():
        median_run = sorted(site_runs, key=lambda run: run.scores["perf"] or 0)[len(site_runs) // 2]
        if median_run.failed:
            notes += [f"  {name} {page}:", *median_run.failed]
    if notes:
        print("Audits short of a full score (the run with the median performance score):")
        print("\n".join(notes))


if __name__ == "__main__":
    main()
