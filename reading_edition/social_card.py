#!/usr/bin/env python3
"""Draw the 1200x630 sharing image (og:image) from the article's title and author
(mkdocs.yml, read through reading_edition/facts.py), and the favicon, in the edition's
colours as the stylesheet writes them (docs/assets/stylesheets/edition.css, light palette):
the colours are written there once, and these images follow.

Offline and reproducible: Pillow (requirements/dev.in) and the DejaVu
fonts from Debian's fonts-dejavu-core (scripts/system-packages.txt). No photograph,
only type. Usage: python -m reading_edition.social_card [OUTPUT.png]
Default output: docs/assets/images/social-card.png and favicon.svg beside it
(committed; tests check that this script still draws exactly those).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from reading_edition.facts import load as load_facts
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
STYLESHEET = ROOT / "docs" / "assets" / "stylesheets" / "edition.css"
DEFAULT_OUTPUT = ROOT / "docs" / "assets" / "images" / "social-card.png"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
SERIF_BOLD = FONT_DIR / "DejaVuSerif-Bold.ttf"
SANS = FONT_DIR / "DejaVuSans.ttf"

WIDTH, HEIGHT = 1200, 630
MARGIN = 80
TEXT = (28, 28, 30)
# Material's "library" icon, the site's logo, as the favicon draws it.
FAVICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="{ink}" d="M12 8a3 3 0 0 0 3-3 3 3 0 0 0-3-3'
    ' 3 3 0 0 0-3 3 3 3 0 0 0 3 3m0 3.54C9.64 9.35 6.5 8 3 8v11c3.5 0 6.64 1.35 9 3.54 2.36-2.19 5.5-3.54 9-3.54V8c-3.5'
    ' 0-6.64 1.35-9 3.54"/></svg>\n'
)


def palette(stylesheet: Path = STYLESHEET) -> dict[str, str]:
    """The light palette's colours, #rrggbb by custom property, from the stylesheet's first rule."""
    block = re.search(r"\{([^}]*)\}", stylesheet.read_text(encoding="utf-8")).group(1)
    colours = dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})\s*;", block))
    needed = ("--md-primary-fg-color", "--md-accent-fg-color", "--edition-note-bg", "--edition-muted")
    missing = [name for name in needed if name not in colours]
    if missing:
        raise SystemExit(f"{stylesheet}: its first rule gives no #rrggbb colour for {', '.join(missing)}")
    return colours


def rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


LABEL = "A READING EDITION"


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap to the given pixel width."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if font.getlength(candidate) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return lines


def draw_card() -> Image.Image:
    """The 1200x630 sharing image."""
    return draw(WIDTH, HEIGHT, scale=1.0)


def draw_cover() -> Image.Image:
    """The EPUB's portrait cover (1600x2560, the 1:1.6 of most reading systems' covers), the card's design."""
    return draw(1600, 2560, scale=2.0)


def draw(width: int, height: int, scale: float) -> Image.Image:
    for font in (SERIF_BOLD, SANS):
        if not font.is_file():
            raise SystemExit(f"missing font {font}: install Debian's fonts-dejavu-core")
    facts = load_facts()
    colours = palette()
    ink, accent = rgb(colours["--md-primary-fg-color"]), rgb(colours["--md-accent-fg-color"])
    paper, muted = rgb(colours["--edition-note-bg"]), rgb(colours["--edition-muted"])
    image = Image.new("RGB", (width, height), paper)
    draw = ImageDraw.Draw(image)
    margin = round(MARGIN * scale)

    def size(points: float) -> int:
        return round(points * scale)

    draw.rectangle((0, 0, width, size(24)), fill=ink)
    label_font = ImageFont.truetype(str(SANS), size(26))
    # The cover sets the title a third of the way down, the card near the top.
    y = size(86) if height < width else height // 3 - size(64)
    draw.text((margin, y), LABEL, font=label_font, fill=accent)

    title_font = ImageFont.truetype(str(SERIF_BOLD), size(64))
    y += size(64)
    for line in wrap(facts.title, title_font, width - 2 * margin):
        draw.text((margin, y), line, font=title_font, fill=TEXT)
        y += size(84)

    draw.rectangle((margin, y + size(30), margin + size(120), y + size(36)), fill=accent)
    author_font = ImageFont.truetype(str(SANS), size(36))
    draw.text((margin, y + size(64)), facts.author, font=author_font, fill=muted)
    return image


def main(argv: list[str]) -> int:
    output = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    output.parent.mkdir(parents=True, exist_ok=True)
    draw_card().save(output, format="PNG", optimize=False)
    favicon = output.with_name("favicon.svg")
    favicon.write_text(FAVICON.format(ink=palette()["--md-primary-fg-color"]), encoding="utf-8")
    print(f"Wrote {output} ({WIDTH}x{HEIGHT}) and {favicon}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
