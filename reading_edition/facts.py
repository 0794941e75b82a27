"""The edition's facts, read from their one home: mkdocs.yml.

The article's title, its author and the author's affiliations, the download
files' names and the site's path are written there only (`site_url` and
`extra`), where the templates read them as config values.
Scripts and tests read them through this module; the tests fails
if a copy appears anywhere else.

From a shell: python -m reading_edition.facts pdf   (prints one fact)
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from mkdocs.utils.yaml import get_yaml_loader

CONFIG_FILE = Path(__file__).resolve().parent.parent / "mkdocs.yml"


@dataclass(frozen=True)
class Facts:
    title: str
    author: str
    affiliations: tuple[str, ...]
    site_path: str  # the path of site_url, where GitHub Pages serves the site
    folder: str  # the offline zip's one top folder
    pdf: str
    epub: str
    offline_zip: str
    ris: str
    csl_json: str
    citation_key: str  # the BibTeX key and CSL-JSON id


def load(config_file: Path = CONFIG_FILE) -> Facts:
    # MkDocs' own YAML loader, for the !ENV tags (SITE_URL).
    with config_file.open(encoding="utf-8") as stream:
        config = yaml.load(stream, Loader=get_yaml_loader())
    article = config["extra"]["article"]
    return Facts(
        title=article["title"],
        author=article["author"],
        affiliations=tuple(article["affiliations"]),
        site_path=urlsplit(config["site_url"]).path,
        citation_key=config["extra"]["citation"]["id"],
        **config["extra"]["downloads"],
    )


def main(argv: list[str]) -> int:
    names = [field.name for field in fields(Facts)]
    if len(argv) != 2 or argv[1] not in names:
        print(f"usage: python -m reading_edition.facts {'|'.join(names)}", file=sys.stderr)
        return 2
    print(getattr(load(), argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
