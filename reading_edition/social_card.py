#!/usr/bin/env python3
"""Draw the 1200x630 sharing image (og:image) from the article's title and author
(mkdocs.yml, read through reading_edition/facts.py).

Offline and reproducible: Pillow (requirements/dev.in) and the DejaVu
fonts from Debian's fonts-dejavu-core (scripts/system-packages.txt). No photograph,
only type. Usage: python -m reading_edition.social_card [OUTPUT.png]
Default output: docs/assets/images/social-card.png (committed; tests check that
this script still draws exactly that image).
"""

from __future__ import annotations

import sys
from pathlib import Path

from reading_edition.facts import load as load_facts
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "docs" / "assets" / "images" / "social-card.png"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
SERIF_BOLD = FONT_DIR / "DejaVuSerif-Bold.ttf"
SANS = FONT_DIR / "DejaVuSans.ttf"

WIDTH, HEIGHT = 1200, 630
MARGIN = 80
PAPER = (246, 244, 238)  # --edition-note-bg
INK = (31, 58, 95)  # --md-primary-fg-color
TEXT = (28, 28, 30)
MUTED = (88, 88, 96)
ACCENT = (163, 38, 42)  # --md-accent-fg-color

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
    for font in (SERIF_BOLD, SANS):
        if not font.is_file():
            raise SystemExit(f"missing font {font}: install Debian's fonts-dejavu-core")
    facts = load_facts()
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)

    draw.rectangle((0, 0, WIDTH, 24), fill=INK)
    label_font = ImageFont.truetype(str(SANS), 26)
    draw.text((MARGIN, 86), LABEL, font=label_font, fill=ACCENT)

    title_font = ImageFont.truetype(str(SERIF_BOLD), 64)
    y = 150
    for line in wrap(facts.title, title_font, WIDTH - 2 * MARGIN):
        draw.text((MARGIN, y), line, font=title_font, fill=TEXT)
        y += 84

    draw.rectangle((MARGIN, y + 30, MARGIN + 120, y + 36), fill=ACCENT)
    author_font = ImageFont.truetype(str(SANS), 36)
    draw.text((MARGIN, y + 64), facts.author, font=author_font, fill=MUTED)
    return image


def main(argv: list[str]) -> int:
    output = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    output.parent.mkdir(parents=True, exist_ok=True)
    draw_card().save(output, format="PNG", optimize=False)
    print(f"Wrote {output} ({WIDTH}x{HEIGHT})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
