"""The reading edition's own Python, in one package.

- paragraphs: the Markdown extension that numbers the article's paragraphs (mkdocs.yml, markdown_extensions)
- site_url: the one MkDocs hook, which writes the edition's addresses into Markdown prose
- facts: the edition's facts, read from mkdocs.yml, for scripts and tests
- built_article, pdf, epub, offline: the PDF, EPUB and offline editions, made from the built site
- social_card: the sharing image and the favicon, drawn in the stylesheet's colours
- screenshot: the README's screenshot of the article
- benchmark: Lighthouse on this site and on plain Material, in the same rounds
"""
