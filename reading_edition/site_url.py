"""Write the edition's addresses into Markdown where it says {{ config.site_url }} or {{ config.repo_url }}.

The citation forms must name the address readers will cite, and links to the
source repository must name the repository the site is built from; both are
only known at build time (the publish workflow sets SITE_URL and REPO_URL). The
placeholders use the same spelling as the macros plugin, so the Markdown stays
readable.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

# Placeholder -> the mkdocs.yml setting that fills it.
PLACEHOLDERS = {"{{ config.site_url }}": "site_url", "{{ config.repo_url }}": "repo_url"}


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    for placeholder, key in PLACEHOLDERS.items():
        if placeholder in markdown:
            markdown = markdown.replace(placeholder, setting(config, key, placeholder, page))
    return markdown


def setting(config: MkDocsConfig, key: str, placeholder: str, page: Page) -> str:
    value = getattr(config, key, None)
    if not value:
        raise PluginError(f"{page.file.src_uri} uses {placeholder}, but {key} is not set in mkdocs.yml")
    return str(value)
