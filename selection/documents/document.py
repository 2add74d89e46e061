"""One document model for every readable file the app produces, and its two renderers.

A document (candidate report, decision record, interview kit, reference-call guide, access
export) is built once as a ``Document`` — a title and a sequence of blocks — and rendered to
Markdown (``render_markdown``) or to a standalone printable HTML page (``render_html``), so both
formats always say the same thing.

**User text is never trusted.** Every string of a document goes through one escaping path per
format:

- HTML: ``html.escape``; the only tags in the page are the renderer's own.
- Markdown: ``escape_markdown``. It backslash-escapes what CommonMark and GFM read as syntax
  (emphasis, code, links and images, raw HTML, entities, tables, strikethrough, math) and any
  line start that would open a heading, list, quotation, rule or code block. Backslashes alone
  do not stop **autolink literals**: Streamlit's ``st.markdown`` (react-markdown + remark-gfm)
  finds ``https://…``, ``www.…`` and ``a@b.fr`` in the text *after* escapes are resolved, and
  markdown-it's linkify, used by many Markdown editors, also links bare domains such as
  ``exemple.fr``. So a WORD JOINER (U+2060, invisible, no line break) is put inside those
  patterns: between the two slashes of ``//``, between ``www`` and its dot, after every ``@``,
  before the colon of ``mailto:`` and ``xmpp:``, and after a dot between a word character and
  a letter. The same invisible break after a colon followed by a letter keeps Streamlit from
  reading ``:red[…]``, ``:material/…:`` or ``:emoji:`` in user text (it would eat characters).
  The text reads the same and copies with these invisible characters; no parser sees a link.
  Pages use ``escape_markdown`` for any user text they pass to ``st.markdown``, ``st.info``,
  ``st.warning``, …

Blocks: ``Heading``, ``Paragraph``, ``BulletList``, ``NumberedList``, ``Table``, ``Quote``,
``Checklist`` (☐ options, one per line or on one line), ``NotesArea`` (a blank area to write by
hand once printed) and ``Box`` (a callout, or a card that keeps its content together in print).
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal, NamedTuple

from selection.domain.colours import (
    BLEU_FRANCE,
    FONT,
    GREY_BACKGROUND,
    GREY_BORDER,
    GREY_MUTED,
    GREY_SECONDARY,
    GREY_TEXT,
    INFO,
)

CHECKBOX = "☐"
WORD_JOINER = "\u2060"

# --- Document structure -------------------------------------------------------------------


class Span(NamedTuple):
    text: str
    bold: bool = False


Inline = tuple[Span, ...]


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: Inline


@dataclass(frozen=True)
class BulletList:
    items: tuple[Inline, ...]


@dataclass(frozen=True)
class NumberedList:
    items: tuple[Inline, ...]
    start: int = 1


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Quote:
    """A quoted sentence: the question to read out, the statement of a criterion."""

    text: Inline


@dataclass(frozen=True)
class Checklist:
    """Options to tick by hand (☐). ``horizontal`` puts them on one line after ``label``
    (« Note : ☐ 1 ☐ 2 ☐ 3 »); otherwise one option per line, after ``label`` if any."""

    items: tuple[Inline, ...]
    label: Inline = ()
    horizontal: bool = False


@dataclass(frozen=True)
class NotesArea:
    """A labelled blank area to write in once printed (``lines`` sets its height)."""

    label: str = "Notes :"
    lines: int = 4


@dataclass(frozen=True)
class Box:
    """Blocks kept together. ``callout``: a framed note (a quotation in Markdown); ``card``:
    a bordered card that is not split across printed pages (plain blocks in Markdown)."""

    blocks: tuple[Block, ...]
    kind: Literal["callout", "card"] = "callout"


Block = (
    Heading | Paragraph | BulletList | NumberedList | Table | Quote | Checklist | NotesArea | Box
)


@dataclass(frozen=True)
class Document:
    title: str
    blocks: tuple[Block, ...]


def clean_text(text: object) -> str:
    """Trim every line and drop empty ones: blank lines would end a Markdown list item."""
    lines = (line.strip() for line in str(text or "").splitlines())
    return "\n".join(line for line in lines if line)


def one_line(text: object) -> str:
    return " ".join(str(text or "").split())


def inline(*parts: str | Span) -> Inline:
    """Normalised inline text: plain strings and bold spans, adjacent spans of one kind merged.

    Bold spans are short labels: kept on one line and trimmed, so Markdown reads them as bold.
    """
    spans: list[Span] = []
    for part in parts:
        span = Span(part) if isinstance(part, str) else part
        if span.bold:
            span = Span(one_line(span.text), True)
        if not span.text:
            continue
        if spans and spans[-1].bold == span.bold:
            spans[-1] = Span(spans[-1].text + span.text, span.bold)
        else:
            spans.append(span)
    return tuple(spans)


def bold(text: str) -> Span:
    return Span(text, True)


def table(headers: Sequence[object], rows: Iterable[Sequence[object]]) -> Table:
    width = len(headers)
    cells = []
    for row in rows:
        values = [one_line(v) for v in row][:width]
        cells.append(tuple(values + [""] * (width - len(values))))
    return Table(tuple(one_line(h) for h in headers), tuple(cells))


def plain_text(text: Inline) -> str:
    return "".join(s.text for s in text)


# --- Markdown ------------------------------------------------------------------------------

# Everything CommonMark + GFM (and Streamlit's math) reads as inline syntax. An escaped ASCII
# punctuation character is always shown as itself.
_MD_ESCAPE = re.compile(r"([\\`*_\[\]<>|~#&$!])")
_ORDERED_START = re.compile(r"^(\d+)([.)])")
# Autolink literals (GFM and linkify) and Streamlit's text directives: a WORD JOINER inside
# each trigger, see the module doc.
_INVISIBLE_BREAKS = re.compile(
    r"(?<=/)(?=/)"  # « // » of https://, ftp://, //host
    r"|(?<=www)(?=\.)"  # www.
    r"|(?<=@)"  # e-mail addresses
    r"|(?<=mailto)(?=:)|(?<=xmpp)(?=:)"  # schemes followed by an e-mail address
    r"|(?<=\w\.)(?=[^\W\d_])"  # bare domains: exemple.fr, beta.gouv.fr
    r"|(?<=:)(?=[^\W\d_])",  # Streamlit's :red[…], :material/icon:, :emoji: shortcodes
    re.IGNORECASE,
)


def _break_literals(text: str) -> str:
    return _INVISIBLE_BREAKS.sub(WORD_JOINER, text)


def _md_escape(text: str) -> str:
    return _MD_ESCAPE.sub(r"\\\1", _break_literals(text))


def _md_line_start(line: str) -> str:
    """Keep a line of text from being read as a list, heading, rule or code block."""
    line = line.lstrip(" \t")
    match = _ORDERED_START.match(line)
    if match:
        return match.group(1) + "\\" + line[len(match.group(1)) :]
    if line[:1] in ("-", "+", "="):
        return "\\" + line
    return line


def escape_markdown(text: object) -> str:
    """User text made inert and literal in Markdown: what it says is what is shown.

    No link, image, HTML, emphasis, heading, list, table or math can come out of it, and no
    autolink either (see the module doc): use it for every piece of user text passed to
    ``st.markdown``, ``st.info``, ``st.warning``, ``st.caption``, … Each line of the text stays a
    line (hard line breaks); surrounding spaces of a line are dropped, as Markdown would.
    """
    lines = str(text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "  \n".join(_md_line_start(_md_escape(line.strip())) for line in lines)


def _md_inline(text: Inline, indent: str = "") -> str:
    raw = "".join(f"**{_md_escape(s.text)}**" if s.bold else _md_escape(s.text) for s in text)
    return ("  \n" + indent).join(_md_line_start(line) for line in raw.split("\n"))


def _md_table(block: Table) -> list[str]:
    def row(cells: Sequence[str]) -> str:
        return "| " + " | ".join(_md_escape(one_line(c)) for c in cells) + " |"

    return [row(block.headers), "| " + " | ".join("---" for _ in block.headers) + " |"] + [
        row(r) for r in block.rows
    ]


def _md_list(items: Sequence[Inline], markers: Iterable[str]) -> str:
    return "\n".join(
        marker + _md_inline(item, " " * len(marker))
        for marker, item in zip(markers, items, strict=False)
    )


def _md_block(block: Block) -> str:
    if isinstance(block, Heading):
        level = min(max(block.level, 1), 6)
        return f"{'#' * level} {_md_escape(one_line(block.text))}"
    if isinstance(block, Paragraph):
        return _md_inline(block.text)
    if isinstance(block, BulletList):
        return _md_list(block.items, ("- " for _ in block.items))
    if isinstance(block, NumberedList):
        start = max(block.start, 0)
        return _md_list(block.items, (f"{start + i}. " for i in range(len(block.items))))
    if isinstance(block, Table):
        return "\n".join(_md_table(block))
    if isinstance(block, Quote):
        return "> " + _md_inline(block.text, "> ")
    if isinstance(block, Checklist):
        if block.horizontal:
            options = "\u2003".join(f"{CHECKBOX} " + _md_inline(item) for item in block.items)
            label = _md_inline(block.label) + " " if block.label else ""
            return label + options
        items = _md_list(block.items, (f"- {CHECKBOX} " for _ in block.items))
        return (_md_inline(block.label) + "\n\n" + items) if block.label else items
    if isinstance(block, NotesArea):
        return f"**{_md_escape(one_line(block.label))}**"
    if isinstance(block, Box):
        inner = "\n\n".join(_md_block(b) for b in block.blocks)
        if block.kind == "card":
            return inner
        return "\n".join(("> " + line) if line else ">" for line in inner.split("\n"))
    raise TypeError(f"unknown block {type(block).__name__}")


def render_markdown(doc: Document) -> str:
    chunks = [f"# {_md_escape(one_line(doc.title))}"] if doc.title else []
    chunks += [_md_block(block) for block in doc.blocks]
    return "\n\n".join(c for c in chunks if c) + "\n"


# --- Reading Markdown back -----------------------------------------------------------------


def _parse_inline(md: str) -> Inline:
    spans: list[Span] = []
    buffer: list[str] = []
    is_bold = False
    i = 0
    md = md.replace(WORD_JOINER, "")
    while i < len(md):
        if md[i] == "\\" and i + 1 < len(md) and md[i + 1] in string.punctuation:
            buffer.append(md[i + 1])
            i += 2
        elif md.startswith("**", i):
            spans.append(Span("".join(buffer), is_bold))
            buffer, is_bold = [], not is_bold
            i += 2
        else:
            buffer.append(md[i])
            i += 1
    spans.append(Span("".join(buffer), is_bold))
    return inline(*spans)


def _plain(md: str) -> str:
    return "".join(s.text for s in _parse_inline(md))


def _split_row(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    cells, current, i = [], [], 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            current.append(body[i : i + 2])
            i += 2
        elif body[i] == "|":
            cells.append("".join(current))
            current, i = [], i + 1
        else:
            current.append(body[i])
            i += 1
    if "".join(current).strip():
        cells.append("".join(current))
    return [_plain(c.strip()) for c in cells]


_HEADING = re.compile(r"^(#{1,6}) +(.*)$")
_SEPARATOR_CELL = re.compile(r"^:?-{3,}:?$")


def parse_markdown(md: str) -> Document:
    """Read back the Markdown subset that ``render_markdown`` writes for headings, paragraphs,
    ``-`` lists and pipe tables (bold, backslash escapes and word joiners undone); any other
    block is kept as paragraph or list text."""
    lines = md.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        heading = _HEADING.match(line)
        if heading:
            blocks.append(Heading(len(heading.group(1)), _plain(heading.group(2).strip())))
            i += 1
        elif line.startswith("- "):
            items: list[list[str]] = []
            while i < len(lines) and lines[i].strip():
                if lines[i].startswith("- "):
                    items.append([lines[i][2:].rstrip()])
                elif lines[i].startswith(" ") and items:
                    items[-1].append(lines[i].strip())
                else:
                    break
                i += 1
            blocks.append(BulletList(tuple(_parse_inline("\n".join(it)) for it in items)))
        elif line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(_split_row(lines[i]))
                i += 1
            headers = rows[0]
            body = rows[1:]
            if body and all(_SEPARATOR_CELL.match(c) for c in body[0]):
                body = body[1:]
            blocks.append(table(headers, body))
        else:
            text = []
            while (
                i < len(lines)
                and lines[i].strip()
                and not _HEADING.match(lines[i])
                and not lines[i].startswith(("- ", "|"))
            ):
                text.append(lines[i].strip())
                i += 1
            blocks.append(Paragraph(_parse_inline("\n".join(text))))
    title = ""
    if blocks and isinstance(blocks[0], Heading) and blocks[0].level == 1:
        title = blocks[0].text
        blocks = blocks[1:]
    return Document(title, tuple(blocks))


# --- HTML ----------------------------------------------------------------------------------

_CSS = f"""
:root {{ color-scheme: light; }}
body {{ font-family: {FONT}; color: {GREY_TEXT}; background: #fff; line-height: 1.5;
  max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }}
h1 {{ color: {BLEU_FRANCE}; font-size: 1.75rem; border-bottom: 3px solid {BLEU_FRANCE};
  padding-bottom: .25rem; }}
h2 {{ color: {BLEU_FRANCE}; font-size: 1.35rem; margin-top: 2rem; }}
h3, h4 {{ color: {GREY_SECONDARY}; font-size: 1.1rem; }}
table {{ border-collapse: collapse; width: 100%; margin: 1rem 0; font-size: .9rem; }}
th {{ background: {GREY_BACKGROUND}; text-align: left; }}
th, td {{ border: 1px solid {GREY_BORDER}; padding: .35rem .5rem; vertical-align: top; }}
ul, ol {{ padding-left: 1.25rem; }}
li {{ margin: .4rem 0; }}
ul.checklist {{ list-style: none; padding-left: 0; }}
blockquote {{ margin: .5rem 0; padding: .1rem 0 .1rem .75rem; border-left: 3px solid {GREY_BORDER};
  font-weight: 600; }}
.options span {{ margin-right: 1.5rem; white-space: nowrap; }}
.notes {{ border: 1px dashed {GREY_MUTED}; padding: .35rem .5rem; margin: .5rem 0;
  color: {GREY_MUTED}; font-size: .9rem; }}
.callout {{ background: {GREY_BACKGROUND}; border-left: 4px solid {INFO}; padding: .1rem 1rem;
  margin: 1rem 0; }}
.card {{ border: 1px solid {GREY_BORDER}; border-left: 4px solid {BLEU_FRANCE};
  padding: .1rem 1rem; margin: 1rem 0; break-inside: avoid; page-break-inside: avoid; }}
.card h3 {{ color: {GREY_TEXT}; margin: .6rem 0 .3rem; }}
@media print {{
  body {{ margin: 0; max-width: none; font-size: 10.5pt; }}
  h2, h3 {{ break-after: avoid; page-break-after: avoid; }}
  tr, li, blockquote {{ break-inside: avoid; }}
  .notes {{ min-height: 3cm; }}
  @page {{ size: A4; margin: 1.5cm; }}
}}
""".strip()


def _html_text(text: str) -> str:
    return html.escape(text, quote=True).replace("\n", "<br>\n")


def _html_inline(text: Inline) -> str:
    return "".join(
        f"<strong>{_html_text(s.text)}</strong>" if s.bold else _html_text(s.text) for s in text
    )


def _html_block(block: Block) -> str:
    if isinstance(block, Heading):
        level = min(max(block.level, 1), 6)
        return f"<h{level}>{html.escape(one_line(block.text))}</h{level}>"
    if isinstance(block, Paragraph):
        return f"<p>{_html_inline(block.text)}</p>"
    if isinstance(block, BulletList):
        items = "\n".join(f"  <li>{_html_inline(item)}</li>" for item in block.items)
        return f"<ul>\n{items}\n</ul>"
    if isinstance(block, NumberedList):
        items = "\n".join(f"  <li>{_html_inline(item)}</li>" for item in block.items)
        start = f' start="{max(block.start, 0)}"' if block.start != 1 else ""
        return f"<ol{start}>\n{items}\n</ol>"
    if isinstance(block, Table):
        head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in block.headers)
        body = "\n".join(
            "  <tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
            for row in block.rows
        )
        return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"
    if isinstance(block, Quote):
        return f"<blockquote><p>{_html_inline(block.text)}</p></blockquote>"
    if isinstance(block, Checklist):
        label = _html_inline(block.label)
        if block.horizontal:
            options = "".join(
                f"<span>{CHECKBOX} {_html_inline(item)}</span>" for item in block.items
            )
            return f'<p class="options">{label + " " if label else ""}{options}</p>'
        items = "\n".join(f"  <li>{CHECKBOX} {_html_inline(item)}</li>" for item in block.items)
        return (f"<p>{label}</p>\n" if label else "") + f'<ul class="checklist">\n{items}\n</ul>'
    if isinstance(block, NotesArea):
        height = max(block.lines, 1) * 1.5 + 1
        return (
            f'<div class="notes" style="min-height: {height:g}rem">'
            f"{html.escape(one_line(block.label))}</div>"
        )
    if isinstance(block, Box):
        inner = "\n".join(_html_block(b) for b in block.blocks)
        css = "card" if block.kind == "card" else "callout"
        return f'<section class="{css}">\n{inner}\n</section>'
    raise TypeError(f"unknown block {type(block).__name__}")


def render_html(doc: Document, page_title: str | None = None) -> str:
    """A standalone, printable HTML page (inline CSS, DSFR colours, system font, no external
    resource, ``lang="fr"``)."""
    title = html.escape(one_line(page_title or doc.title) or "Document")
    parts = [f"<h1>{html.escape(one_line(doc.title))}</h1>"] if doc.title else []
    parts += [_html_block(b) for b in doc.blocks]
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n<main>\n"
        f"{body}\n</main>\n</body>\n</html>\n"
    )


def markdown_to_html_document(title: str, markdown_text: str) -> str:
    """Printable HTML from Markdown written by ``render_markdown`` (see ``parse_markdown``)."""
    doc = parse_markdown(markdown_text)
    if not doc.title:
        doc = replace(doc, title=title)
    return render_html(doc, page_title=title)
