"""In the real renderer: Streamlit's ``st.markdown`` (react-markdown + remark-gfm) in Chromium
shows hostile user text as text — no link, image, script, formatting or Streamlit directive —
and every character of it stays visible. Documents of every type (tests/unit/hostile.py) are
rendered by a tiny page (markdown_probe.py), as are ``st.info`` / ``st.warning`` / inline
``st.markdown`` calls given ``escape_markdown`` text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from selection.documents.document import WORD_JOINER
from tests.e2e.conftest import BrowserPage, StreamlitServer, launch_streamlit, open_app
from tests.unit.hostile import LINE, NAME, hostile_documents
from tests.unit.test_document_safety import expected_structure

pytestmark = pytest.mark.e2e

PROBE = Path(__file__).with_name("markdown_probe.py")
DOCUMENTS = hostile_documents()

# What react-markdown may draw for our documents; anything else came from user text.
ALLOWED_TAGS = [
    "div",
    "span",
    "p",
    "br",
    "strong",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "blockquote",
]
FORBIDDEN_CLASS_PARTS = ["ColoredText", "katex", "Badge", "Icon", "emoji"]

INSPECT = """
([allowed, forbiddenClasses]) => (root) => {
  const bad = [];
  const anchors = [];
  for (const el of root.querySelectorAll('*')) {
    if (el.closest('[data-testid="stHeaderActionElements"]')) {
      if (el.tagName === 'A') anchors.push(el.getAttribute('href') || '');
      continue;
    }
    const tag = el.tagName.toLowerCase();
    if (!allowed.includes(tag)) bad.push('tag ' + el.outerHTML.slice(0, 160));
    for (const name of el.getAttributeNames()) {
      if (/^on|^(href|src|srcset|action|formaction|xlink:href)$/i.test(name)) {
        bad.push('attribute ' + name + ' on ' + tag);
      }
    }
    const cls = String(el.className || '');
    for (const part of forbiddenClasses) {
      if (cls.includes(part)) bad.push('class ' + cls);
    }
  }
  const count = (sel) => root.querySelectorAll(sel).length;
  return {
    bad,
    anchors,
    headings: count('h1, h2, h3, h4, h5, h6'),
    tables: count('table'),
    quotes: count('blockquote'),
    lists: count('ul') + count('ol'),
    strong: count('strong'),
    text: root.innerText,
  };
}
"""


def inspect(page, selector: str) -> dict:
    container = page.locator(f"{selector} [data-testid='stMarkdownContainer']")
    assert container.count() >= 1, selector
    script = f"(root) => ({INSPECT})([{ALLOWED_TAGS!r}, {FORBIDDEN_CLASS_PARTS!r}])(root)"
    return container.first.evaluate(script)


def seen(text: str) -> str:
    return " ".join(text.replace(WORD_JOINER, "").split())


@pytest.fixture(scope="module")
def probe_server(tmp_path_factory: pytest.TempPathFactory, browser) -> Iterator[StreamlitServer]:
    server = launch_streamlit(PROBE, tmp_path_factory.mktemp("markdown-probe"))
    yield server
    server.stop()


@pytest.fixture
def probe_page(probe_server: StreamlitServer, browser_page: BrowserPage) -> Iterator:
    page = browser_page.page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_app(page, probe_server.url)
    page.get_by_text("Fin de la sonde.").wait_for()
    yield page
    assert not dialogs, f"user text ran a script: {dialogs}"
    browser_page.console.assert_clean()


@pytest.mark.parametrize("item", DOCUMENTS, ids=[d.name for d in DOCUMENTS])
def test_st_markdown_shows_hostile_documents_as_text(probe_page, item) -> None:
    found = inspect(probe_page, f".st-key-doc-{item.name}")
    assert not found["bad"], found["bad"][:5]
    assert all(href.startswith("#") for href in found["anchors"]), found["anchors"]
    expected = expected_structure(item.document)
    assert found["headings"] == expected["heading_open"]
    assert found["tables"] == expected["table_open"]
    assert found["quotes"] == expected["blockquote_open"]
    assert found["lists"] == expected["bullet_list_open"] + expected["ordered_list_open"]
    assert found["strong"] == expected["strong_open"]
    assert LINE in seen(found["text"])  # every character the person typed, in order


@pytest.mark.parametrize(
    ("key", "text"),
    [("info", LINE), ("warning", LINE), ("inline", f"Nom : {NAME}")],
)
def test_escaped_text_in_alerts_and_inline_markdown_stays_text(probe_page, key, text) -> None:
    found = inspect(probe_page, f".st-key-{key}")
    assert not found["bad"], found["bad"][:5]
    assert found["anchors"] == [] and found["headings"] == 0 and found["lists"] == 0
    assert seen(found["text"]) == text
