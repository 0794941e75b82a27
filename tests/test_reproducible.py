"""Two builds of one commit are byte-identical, editions included, and their dates come from the commit."""

from __future__ import annotations

import gzip
import hashlib
import os
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from helpers import EPUB_NAME, OFFLINE_ZIP_NAME, PROJECT_ROOT, commit_time, run_build

SITEMAP = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def digests(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_a_second_build_later_elsewhere_is_byte_identical(site: Path, tmp_path: Path) -> None:
    # Another folder, time zone and umask, and seconds or minutes after the session's build.
    env = {"TZ": "Pacific/Kiritimati"}
    second = tmp_path / "elsewhere" / "site"
    old_umask = os.umask(0o077)
    try:
        result = run_build(PROJECT_ROOT, second, env=env, script="build-editions")
    finally:
        os.umask(old_umask)
    assert result.returncode == 0, f"second build failed:\n{result.stdout}\n{result.stderr}"
    first_files, second_files = digests(site), digests(second)
    assert sorted(first_files) == sorted(second_files), (
        f"the builds wrote different files: only first {sorted(set(first_files) - set(second_files))}, "
        f"only second {sorted(set(second_files) - set(first_files))}"
    )
    differing = [name for name in first_files if first_files[name] != second_files[name]]
    assert not differing, f"files that differ between two builds of one commit: {differing}"
    assert len(first_files) > 10, f"only {len(first_files)} files compared"


def test_sitemap_dates_and_the_compressed_sitemap_carry_the_commit_date(site: Path) -> None:
    expected = commit_time().date().isoformat()
    dates = [node.text for node in ET.parse(site / "sitemap.xml").getroot().findall("sm:url/sm:lastmod", SITEMAP)]
    assert dates and set(dates) == {expected}, f"sitemap lastmod {sorted(set(dates))}, commit date {expected}"
    raw = (site / "sitemap.xml.gz").read_bytes()
    header_mtime = int.from_bytes(raw[4:8], "little")  # RFC 1952: MTIME, bytes 4-7
    assert header_mtime == int(commit_time().replace(hour=0, minute=0, second=0).timestamp()), (
        f"sitemap.xml.gz header time {header_mtime} is not the commit's day"
    )
    assert gzip.decompress(raw) == (site / "sitemap.xml").read_bytes(), "sitemap.xml.gz is not sitemap.xml"


@pytest.mark.parametrize("archive_name", [OFFLINE_ZIP_NAME, EPUB_NAME])
def test_archive_entries_carry_the_commit_time_and_one_mode(site: Path, archive_name: str) -> None:
    # The EPUB's container rules (mimetype first, stored) are EPUBCheck's, which the build runs.
    expected = commit_time().timetuple()[:6]
    with zipfile.ZipFile(site / archive_name) as archive:
        stamps = {info.date_time for info in archive.infolist()}
        modes = {info.external_attr >> 16 for info in archive.infolist()}
    # Zip stores even seconds only.
    assert stamps == {expected[:5] + (expected[5] - expected[5] % 2,)}, f"{archive_name}: entry times {stamps}, commit {expected}"
    assert len(modes) == 1, f"{archive_name}: entry permissions vary with the files': {sorted(oct(m) for m in modes)}"
