"""The served site opens in a real browser, including the 404 page at a deep path."""

from __future__ import annotations

from playwright.sync_api import Browser

from helpers import FACTS, Reference


def test_article_opens_with_its_title(browser: Browser, served_site: str, reference: Reference) -> None:
    page = browser.new_page()
    response = page.goto(served_site)
    assert response is not None and response.ok, f"GET {served_site} failed"
    assert page.locator("h1").inner_text().strip() == reference.title
    page.close()


def test_404_page_is_styled_at_a_deep_path(browser: Browser, served_site: str) -> None:
    page = browser.new_page()
    response = page.goto(served_site + "no/such/deep/page/")
    assert response is not None and response.status == 404
    header_position = page.eval_on_selector(".md-header", "el => getComputedStyle(el).position")
    assert header_position == "sticky", f"the 404 page at a deep path lost its stylesheet (header is {header_position})"
    page.click("article a >> nth=0")
    assert page.locator("h1").inner_text().startswith(FACTS.title)
    page.close()
