"""User text never becomes a link, an image, HTML or Markdown structure, in any document.

Every document type is filled with hostile text (tests/unit/hostile.py) and read the way its
readers read it: the Markdown by a CommonMark + GFM parser with linkify (markdown-it-py), the
printable page by an HTML parser. The same text must still read the same to a human."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest

from selection.documents.document import (
    Box,
    BulletList,
    Checklist,
    Document,
    Heading,
    Inline,
    NotesArea,
    NumberedList,
    Paragraph,
    Quote,
    Table,
    escape_markdown,
    render_html,
    render_markdown,
)
from tests.unit.hostile import HOSTILE, LINE, HostileDocument, hostile_documents
from tests.unit.markdown_view import GFM, html_text, markdown_html, markdown_text, start_tags

DOCUMENTS = hostile_documents()
IDS = [d.name for d in DOCUMENTS]

# Token types user text could create; none may appear beyond what the document itself holds.
NEVER = {"link_open", "image", "html_inline", "html_block", "em_open", "s_open", "code_inline"}
NEVER |= {"code_block", "fence", "hr", "footnote_ref", "math_inline"}

OUR_TAGS: dict[str, set[str]] = {
    "html": {"lang"},
    "head": set(),
    "meta": {"charset", "name", "content"},
    "title": set(),
    "style": set(),
    "body": set(),
    "main": set(),
    **{f"h{n}": set() for n in range(1, 7)},
    "p": {"class"},
    "br": set(),
    "strong": set(),
    "span": set(),
    "ul": {"class"},
    "ol": {"start"},
    "li": set(),
    "table": set(),
    "thead": set(),
    "tbody": set(),
    "tr": set(),
    "th": {"scope"},
    "td": set(),
    "blockquote": set(),
    "section": {"class"},
    "div": {"class", "style"},
}


def _blocks(blocks) -> Iterator:
    for block in blocks:
        yield block
        if isinstance(block, Box):
            yield from _blocks(block.blocks)


def _inlines(block) -> Iterator[Inline]:
    if isinstance(block, Paragraph | Quote):
        yield block.text
    elif isinstance(block, BulletList | NumberedList):
        yield from block.items
    elif isinstance(block, Checklist):
        yield block.label
        yield from block.items


def expected_structure(doc: Document) -> Counter:
    """What the renderer itself writes: the only structure the Markdown may have."""
    blocks = list(_blocks(doc.blocks))
    count = Counter(
        heading_open=int(bool(doc.title)) + sum(isinstance(b, Heading) for b in blocks),
        table_open=sum(isinstance(b, Table) for b in blocks),
        blockquote_open=sum(
            isinstance(b, Quote) or (isinstance(b, Box) and b.kind == "callout") for b in blocks
        ),
        bullet_list_open=sum(
            isinstance(b, BulletList) or (isinstance(b, Checklist) and not b.horizontal)
            for b in blocks
        ),
        ordered_list_open=sum(isinstance(b, NumberedList) for b in blocks),
        strong_open=sum(isinstance(b, NotesArea) for b in blocks)
        + sum(s.bold for b in blocks for text in _inlines(b) for s in text),
    )
    return +count


def markdown_structure(markdown: str) -> Counter:
    count: Counter = Counter()
    for token in GFM.parse(markdown):
        count[token.type] += 1
        for child in token.children or ():
            count[child.type] += 1
    return count


@pytest.mark.parametrize("item", DOCUMENTS, ids=IDS)
def test_markdown_has_no_link_image_html_or_structure_from_user_text(item: HostileDocument):
    markdown = render_markdown(item.document)
    found = markdown_structure(markdown)
    assert not {t for t in NEVER if found[t]}, {t: found[t] for t in NEVER if found[t]}
    expected = expected_structure(item.document)
    assert {k: found[k] for k in expected} == dict(expected)
    rendered = markdown_html(markdown).lower()
    for tag in ("<a", "<img", "<script", "<input", "<code", "<em>", "<del", "<hr", "<pre"):
        assert tag not in rendered, tag


@pytest.mark.parametrize("item", DOCUMENTS, ids=IDS)
def test_markdown_still_reads_as_typed(item: HostileDocument):
    seen = markdown_text(render_markdown(item.document))
    assert LINE in seen
    if item.multi_line:
        assert seen.count(LINE) >= 2  # the one-line fields and the multi-line notes


@pytest.mark.parametrize("item", DOCUMENTS, ids=IDS)
def test_printable_html_has_only_our_tags_and_reads_as_typed(item: HostileDocument):
    page = render_html(item.document)
    for tag, attributes in start_tags(page):
        assert tag in OUR_TAGS, tag
        assert set(attributes) <= OUR_TAGS[tag], (tag, attributes)
    assert page.count("<script") == 0 and page.count("<img") == 0 and page.count("<a ") == 0
    assert LINE in html_text(page)


@pytest.mark.parametrize("text", HOSTILE)
def test_escape_markdown_gives_back_the_text_and_nothing_else(text: str):
    for markdown in (escape_markdown(text), "**Nom :** " + escape_markdown(text)):
        found = markdown_structure(markdown)
        assert not {t for t in NEVER if found[t]}
        for block in ("heading_open", "bullet_list_open", "ordered_list_open", "table_open"):
            assert not found[block], block
        assert not found["blockquote_open"]
        assert markdown_text(markdown).endswith(text.strip())


def test_escape_markdown_keeps_each_line_a_line():
    markdown = escape_markdown("www.evil.fr\n# titre\n\n- liste")
    assert markdown_html(markdown).replace("\u2060", "") == (
        "<p>www.evil.fr<br />\n# titre</p>\n<p>- liste</p>\n"
    )


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("https://evil.example/x", "https:/\u2060/evil.\u2060example/x"),
        ("www.evil.fr", "www\u2060.\u2060evil.\u2060fr"),
        ("a@b.fr", "a@\u2060b.\u2060fr"),
        ("MAILTO:a@b.fr", "MAILTO\u2060:\u2060a@\u2060b.\u2060fr"),
        (":red[rouge] :material/home:", ":\u2060red\\[rouge\\] :\u2060material/home:"),
        ("Réunion : 10:30", "Réunion : 10:30"),
        ("Alice Martin", "Alice Martin"),
        ("2,5 jours · 650 €", "2,5 jours · 650 €"),
    ],
)
def test_autolinks_are_broken_by_invisible_word_joiners_only(text: str, shown: str):
    assert escape_markdown(text) == shown
