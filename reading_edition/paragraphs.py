"""Number the author's paragraphs of an article: permanent ids, visible numbers and ¶ links.

Enable it as `reading_edition.paragraphs` under `markdown_extensions`. It acts on
article pages only, and knows one by its structure, since Python-Markdown never
sees a page's front matter:

- An **article** has a byline: a top-level paragraph with the class `byline`.
  Pages without one are left exactly as they are.
- Its **body** is every top-level paragraph after the byline, up to the first
  thematic break (`---`) or heading. Figures, placeholders and other blocks are not
  top-level paragraphs, so they are never numbered; neither is anything before the
  byline (title, standfirst) or after the body (author note, citation).

Paragraphs are numbered in order from 1. Numbers depend only on the order of the
paragraphs, never on their words, so correcting a word never moves an anchor. An
id written in the Markdown is kept, so published anchors survive a change to
the sequence:

- `{ #p-7a }` marks a paragraph inserted after paragraph 7: it keeps that id and
  the next paragraph is still 8;
- `{ #p-9 }` resumes the count at 9 (it must be higher than the last number),
  for instance after paragraph 8 was removed.

Any other id in the body, a number that goes backwards or a number used twice
is an error, and so is an article whose body has no paragraph.

Each body paragraph becomes (attributes in Python-Markdown's order)::

    <p id="p-5"><span aria-hidden="true" class="para-number" data-search-exclude>5</span>The …
    … text. <a aria-label="Link to paragraph 5" class="para-link" href="#p-5"></a></p>

The visible number is hidden from assistive technology, which hears the link's
name instead, and from the site search; the stylesheets place it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

EXPLICIT_ID = re.compile(r"p-(?P<number>[0-9]+)(?P<suffix>[a-z]*)")
BODY_ENDS = {"hr", "h1", "h2", "h3", "h4", "h5", "h6"}


class ParagraphNumberingError(ValueError):
    """The article's body cannot be numbered as it stands."""


def has_class(element: etree.Element, name: str) -> bool:
    return name in (element.get("class") or "").split()


def page_name(md: Markdown, root: etree.Element) -> str:
    """The page for an error message: its title, and its file where the generator tells.

    MkDocs names the file in its own message ("Error reading page 'index.md'");
    Zensical keeps it on its rendering-context preprocessor.
    """
    heading = root.find("h1")
    title = " ".join("".join(heading.itertext()).split()) if heading is not None else "(untitled)"
    context = md.preprocessors["rendering_context"] if "rendering_context" in md.preprocessors else None
    path = getattr(getattr(context, "page", None), "path", None)
    return f"{path} (“{title}”)" if path else f"the page “{title}”"


def body_paragraphs(root: etree.Element) -> list[etree.Element] | None:
    """The top-level paragraphs between the byline and the end of the body; None without a byline."""
    children = list(root)
    bylines = [index for index, child in enumerate(children) if child.tag == "p" and has_class(child, "byline")]
    if not bylines:
        return None
    body = []
    for child in children[bylines[0] + 1 :]:
        if child.tag in BODY_ENDS:
            break
        if child.tag == "p":
            body.append(child)
    return body


def paragraph_labels(body: list[etree.Element]) -> list[str]:
    """Each paragraph's number as shown and in its id ("5", "7a"), keeping ids written in the Markdown."""
    labels: list[str] = []
    last = 0
    for paragraph in body:
        written = paragraph.get("id")
        if written is None:
            last += 1
            labels.append(str(last))
            continue
        match = EXPLICIT_ID.fullmatch(written)
        if match is None:
            raise ParagraphNumberingError(
                f"body paragraph after ¶{last} has the id {written!r}: ids in the body are paragraph numbers, "
                "such as p-9 or p-7a"
            )
        number, suffix = int(match["number"]), match["suffix"]
        if suffix and number != last:
            raise ParagraphNumberingError(f"{written!r} follows ¶{last}: an inserted paragraph is p-{last}{suffix}")
        if not suffix and number <= last:
            raise ParagraphNumberingError(f"{written!r} follows ¶{last}: numbers may skip but never go back")
        if not suffix:
            last = number
        label = f"{number}{suffix}"
        if label in labels:
            raise ParagraphNumberingError(f"{written!r} is used twice")
        labels.append(label)
    return labels


def number_paragraph(paragraph: etree.Element, label: str) -> None:
    anchor = f"p-{label}"
    paragraph.set("id", anchor)

    number = etree.Element("span", {"class": "para-number", "aria-hidden": "true", "data-search-exclude": None})
    number.text = label
    number.tail = paragraph.text
    paragraph.text = None
    paragraph.insert(0, number)

    last = paragraph[-1]
    last.tail = (last.tail or "").rstrip() + " "
    etree.SubElement(
        paragraph, "a", {"href": f"#{anchor}", "class": "para-link", "aria-label": f"Link to paragraph {label}"}
    )


class ParagraphNumbers(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        body = body_paragraphs(root)
        if body is None:
            return
        try:
            if not body:
                raise ParagraphNumberingError(
                    "the article has a byline but no paragraph between it and the first '---' or heading"
                )
            labels = paragraph_labels(body)
        except ParagraphNumberingError as error:
            raise ParagraphNumberingError(f"paragraph numbers in {page_name(self.md, root)}: {error}") from None
        for paragraph, label in zip(body, labels):
            number_paragraph(paragraph, label)


class ParagraphNumbersExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        # After attr_list (8), which sets the byline's class and any written id, and
        # abbr (7); before toc (5), which then keeps heading slugs clear of p-N.
        md.treeprocessors.register(ParagraphNumbers(md), "edition_paragraph_numbers", 6.5)


def makeExtension(**kwargs: object) -> ParagraphNumbersExtension:  # noqa: N802 - Python-Markdown's name
    return ParagraphNumbersExtension(**kwargs)
