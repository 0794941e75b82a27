"""Give a dotted abbreviation its final full stop: `<abbr>U.S.</abbr>`, not `<abbr>U.S</abbr>.`.

Enable it as `reading_edition.abbreviations` under `markdown_extensions`, after `abbr`.

Python-Markdown's `abbr` extension matches an abbreviation only as a whole word, between
two word boundaries, and there is none between a final dot and the space after it: "U.S."
can never match. So includes/abbreviations.md lists it as "U.S", and the dot that ends it
is left outside the element, outside its underline and its expansion's tooltip.

This moves that dot inside. It acts on an `abbr` element whose text is letters separated
by dots ("U.S", "e.g") and whose following text starts with a dot. The page's text is the
same character for character; only the element's end moves.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

DOTTED = re.compile(r"\w+(?:\.\w+)+")


class AbbreviationDots(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for abbr in root.iter("abbr"):
            if abbr.text and DOTTED.fullmatch(abbr.text) and abbr.tail and abbr.tail.startswith("."):
                abbr.text = AtomicString(abbr.text + ".")
                abbr.tail = abbr.tail[1:]


class AbbreviationDotsExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        # After abbr (7), which makes the elements; before toc (5).
        md.treeprocessors.register(AbbreviationDots(md), "edition_abbreviation_dots", 6.9)


def makeExtension(**kwargs: object) -> AbbreviationDotsExtension:  # noqa: N802 - Python-Markdown's name
    return AbbreviationDotsExtension(**kwargs)
