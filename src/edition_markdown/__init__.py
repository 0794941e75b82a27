"""Python-Markdown extensions of the reading edition (see paragraphs.py)."""
