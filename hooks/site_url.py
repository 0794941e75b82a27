"""Write the edition's public address into Markdown where it says {{ config.site_url }}.

The citation forms must name the address readers will cite, and that address is
only known at build time (the publish workflow sets SITE_URL). The placeholder
uses the same spelling as the macros plugin, so the Markdown stays readable.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

PLACEHOLDER = "{{ config.site_url }}"


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if PLACEHOLDER not in markdown:
        return markdown
    site_url = config.site_url
    if not site_url:
        raise PluginError(f"{page.file.src_uri} uses {PLACEHOLDER}, but site_url is not set in mkdocs.yml")
    return markdown.replace(PLACEHOLDER, site_url)
