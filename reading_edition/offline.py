"""Pack the offline edition into a reproducible zip archive.

Usage: python -m reading_edition.offline OFFLINE_SITE_DIR OUTPUT.zip FOLDER

Every entry sits under one top folder (FOLDER), in sorted order, with the same timestamp
(SOURCE_DATE_EPOCH, as the site's own dates) and the same permissions, so the same
commit always gives the same bytes.
"""

from __future__ import annotations

import fnmatch
import os
import sys
import time
import zipfile
from pathlib import Path

LEFT_OUT = [
    "404.html",  # served only by a web server for missing addresses; its absolute links fail from disk
    "*.map",  # source maps of the theme's minified files: for its developers, not readers
    # Word splitters and stemmers the search worker loads only for languages other than English.
    "assets/javascripts/lunr/*",
]
ZIP_EPOCH = 315532800  # 1980-01-01, the earliest date a zip entry can hold


def entry_date() -> tuple[int, int, int, int, int, int]:
    epoch = max(int(os.environ.get("SOURCE_DATE_EPOCH", ZIP_EPOCH)), ZIP_EPOCH)
    return time.gmtime(epoch)[:6]


def is_left_out(relative_path: str) -> bool:
    return any(fnmatch.fnmatch(relative_path, pattern) for pattern in LEFT_OUT)


def pack(site: Path, output: Path, folder: str) -> int:
    files = sorted(p for p in site.rglob("*") if p.is_file() and not is_left_out(p.relative_to(site).as_posix()))
    if not (site / "index.html").is_file():
        raise SystemExit(f"offline edition: {site} has no index.html")
    date = entry_date()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in files:
            info = zipfile.ZipInfo(f"{folder}/{path.relative_to(site).as_posix()}", date_time=date)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever system builds it
            archive.writestr(info, path.read_bytes(), compresslevel=9)
    return len(files)


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print("usage: python -m reading_edition.offline OFFLINE_SITE_DIR OUTPUT.zip FOLDER", file=sys.stderr)
        return 2
    count = pack(Path(argv[1]), Path(argv[2]), argv[3])
    print(f"Wrote {argv[2]} ({count} files, {Path(argv[2]).stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
