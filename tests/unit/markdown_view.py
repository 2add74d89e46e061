"""What a reader sees of our Markdown, read by a real CommonMark + GFM parser (markdown-it-py,
"gfm-like": tables, strikethrough and linkify, as remark-gfm in Streamlit's ``st.markdown``),
and what a reader sees of our HTML pages."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from markdown_it import MarkdownIt

from selection.documents.document import WORD_JOINER

GFM = MarkdownIt("gfm-like")


def markdown_html(markdown: str) -> str:
    return GFM.render(markdown)


def _visible(page: str) -> str:
    without_style = re.sub(r"<(style|title)>.*?</\1>", " ", page, flags=re.DOTALL)
    text = html.unescape(re.sub(r"<[^>]+>", " ", without_style)).replace(WORD_JOINER, "")
    return " ".join(text.split())


def markdown_text(markdown: str) -> str:
    """The words a reader sees once the Markdown is rendered, whitespace collapsed."""
    return _visible(markdown_html(markdown))


def html_text(page: str) -> str:
    """The words a reader sees on one of our HTML pages, whitespace collapsed."""
    return _visible(page)


def headings(page_html: str, level: int) -> list[str]:
    """Text of the <hN> elements of rendered HTML (ours or markdown-it's)."""
    found = re.findall(rf"<h{level}>(.*?)</h{level}>", page_html, flags=re.DOTALL)
    return [_visible(h) for h in found]


class TagCollector(HTMLParser):
    """Every start tag of a page, with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def start_tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = TagCollector()
    collector.feed(page)
    collector.close()
    return collector.tags
