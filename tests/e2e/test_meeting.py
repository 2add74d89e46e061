"""The decision meeting in a real Chromium: the weight board redraws the ranking in the browser
and the server follows once the sliders are let go (same order, same figures in the files); the
files arrive every time, also after slider moves; saving from the board writes the brief; the
page fits a 1280 px screen without any chart or table overflowing, and a 390 px phone without
scrolling sideways.

Expected rankings come from the scoring engine for the same weights, never from a previous run.
Set WRITE_SCREENSHOTS=1 to also write docs/screenshots/comparaison-1280.png and -390.png.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from selection.analysis.scoring import compare
from selection.documents.exports import criterion_column
from selection.services import meeting
from selection.services.access import Config
from selection.services.demo import demo_snapshot
from selection.services.reading import scoped_view
from tests.e2e.conftest import (
    DEMO_TITLE,
    BrowserPage,
    StreamlitServer,
    assert_no_exception,
    choose_recruitment,
    go_to_page,
    launch_streamlit,
    open_app,
    rerun,
    sign_in,
    wait_for_app,
)

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
BOARD_ROWS = ".sel-board .sel-table tbody tr"
CHART_OR_TABLE = (
    "[data-testid=stMain] [data-testid=stVegaLiteChart], "
    "[data-testid=stMain] [data-testid=stDataFrame], "
    "[data-testid=stMain] [data-testid=stTable], "
    ".sel-board .sel-rank, .sel-board .sel-table-wrap, .sel-board .sel-legend"
)


def open_meeting(page: Page, url: str, who: str = "Léa Réunion", title: str = DEMO_TITLE) -> None:
    open_app(page, url)
    choose_recruitment(page, title)
    sign_in(page, who)
    go_to_page(page, "Comparaison")
    meeting_drawn(page)


def meeting_drawn(page: Page) -> None:
    """The board first, then the rest of the page, which the server sends once the browser has
    drawn the board (first view of the session)."""
    expect(page.locator(BOARD_ROWS).first).to_be_visible()
    expect(page.get_by_role("heading", name="Calibration du panel")).to_be_visible()
    wait_for_app(page)


def open_weights(page: Page) -> None:
    summary = page.locator(".sel-board details.sel-weights > summary")
    if page.locator(".sel-board details.sel-weights[open]").count() == 0:
        summary.click()
    expect(page.locator(".sel-board input[type=range]").first).to_be_visible()


def board_names(page: Page) -> list[str]:
    return page.locator(f"{BOARD_ROWS} th").all_inner_texts()


def slider(page: Page, number: int):
    return page.locator(".sel-board input[type=range]").nth(number - 1)


def move_and_let_go(page: Page, number: int, key: str) -> None:
    """A key on one slider, then the focus leaves the board: the board sends the weights and the
    server runs once."""
    handle = slider(page, number)
    handle.focus()
    handle.press(key)
    with rerun(page):
        page.get_by_role("heading", name="Classement", exact=True).click()


@pytest.fixture(scope="module")
def designed_server(tmp_path_factory: pytest.TempPathFactory, browser) -> Iterator[tuple]:
    """The app on a database holding one designed recruitment (tests/app: Dev is better at
    code, PM at product; PM leads with equal weights, Dev once Produit weighs nothing)."""
    from selection.storage.store import Store
    from tests.app.test_comparison_page import designed_recruitment

    workdir = tmp_path_factory.mktemp("e2e-meeting")
    url = f"sqlite:///{workdir / 'meeting.db'}"
    store = Store.open(url)
    rid, criteria = designed_recruitment(store)
    store.engine.dispose()
    server = launch_streamlit(ROOT / "app.py", workdir, database_url=url)
    yield server, url, rid, criteria
    server.stop()


def engine_order(url: str, rid: str, weights: dict[str, float]) -> list[str]:
    """The people as the meeting's default filters show them, ranked by the scoring engine."""
    from selection.storage.store import Store

    store = Store.open(url)
    snapshot = store.snapshot(rid)
    store.engine.dispose()
    config = Config()
    view = scoped_view(snapshot, config.actor("Lecture Test"), config, frozenset())
    prepared = meeting.prepare(view, active_only=True, min_stage="prequalification")
    ranked = compare(prepared.evidence, weights, prepared.shown_ids).ranked("moyenne")
    return list(ranked["candidat"])


def download(page: Page, label: str) -> bytes:
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name=label, exact=True).click()
    return info.value.path().read_bytes()


def read_excel_csv(raw: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(raw), sep=";", decimal=",", encoding="utf-8-sig")


def test_the_board_redraws_in_the_browser_and_the_server_follows(
    designed_server: tuple, browser_page: BrowserPage
) -> None:
    server, url, rid, crit = designed_server
    page = browser_page.page
    saved = {crit["Code"]: 1.0, crit["Produit"]: 1.0}
    moved = {crit["Code"]: 1.0, crit["Produit"]: 0.0}
    open_meeting(page, server.url, title="Cas conçu")
    assert board_names(page) == engine_order(url, rid, saved) == ["PM", "Dev"]
    open_weights(page)
    handle = page.get_by_role("slider", name="2 · Produit")
    handle.focus()
    handle.press("Home")
    # Redrawn at once, in the browser: no key starts a script run, the server has not heard yet.
    assert board_names(page) == engine_order(url, rid, moved) == ["Dev", "PM"]
    expect(page.locator(".sel-board .sel-simulation")).to_be_visible()
    with rerun(page):  # the focus leaves the board: it sends the weights
        page.get_by_role("heading", name="Classement", exact=True).click()
    # The server computed the same order and the same figures from the weights it received.
    sentence = page.get_by_test_id("stAlertContentInfo").first.inner_text()
    assert "Dev reste en tête" in sentence
    frame = read_excel_csv(download(page, "Télécharger le CSV — Excel (FR)"))
    assert list(frame["Candidat·e"]) == ["Dev", "PM"]
    shown = {
        row.locator("th").inner_text(): row.locator("td").nth(1).inner_text()
        for row in page.locator(BOARD_ROWS).all()
    }
    for name, score in zip(frame["Candidat·e"], frame["Score (moyenne pondérée, %)"], strict=True):
        assert shown[name].replace("\u202f%", "") == f"{score:.0f}", name
    assert_no_exception(page)
    browser_page.console.assert_clean()


def test_files_arrive_every_time_after_slider_moves(
    app_server: StreamlitServer, browser_page: BrowserPage
) -> None:
    """Built on click from the weights on screen: four rounds of a move and both kinds of file,
    each download arrives and carries the weights of its round."""
    page = browser_page.page
    snapshot = demo_snapshot()
    open_meeting(page, app_server.url, who="Omar Export")
    open_weights(page)
    first = snapshot.criteria[0]
    for round_, key in enumerate(("ArrowLeft", "ArrowLeft", "ArrowRight", "ArrowLeft")):
        move_and_let_go(page, 1, key)
        expected = float(slider(page, 1).input_value())
        frame = read_excel_csv(download(page, "Télécharger le CSV — Excel (FR)"))
        assert criterion_column(first.label, expected) in frame.columns, (round_, expected)
        record = download(page, "Télécharger le relevé de décision (Markdown)").decode("utf-8")
        assert "## Robustesse du classement" in record, round_
        assert "Pondérations modifiées en réunion" in record or expected == first.weight
    # Straight from a move to the button, without waiting: the press on the button sends the
    # weights first, and the file carries them.
    handle = slider(page, 1)
    handle.focus()
    handle.press("Home")
    frame = read_excel_csv(download(page, "Télécharger le CSV — Excel (FR)"))
    assert criterion_column(first.label, 0.0) in frame.columns
    assert_no_exception(page)
    browser_page.console.assert_clean()


def test_saving_from_the_board_writes_the_brief(
    fresh_server: StreamlitServer, browser_page: BrowserPage
) -> None:
    from selection.storage.store import Store

    page = browser_page.page
    open_meeting(page, fresh_server.url, who="Léa Responsable")
    open_weights(page)
    first = demo_snapshot().criteria[0]
    handle = slider(page, 1)
    handle.focus()
    handle.press("Home")
    save = page.get_by_role("button", name="Enregistrer ces pondérations dans le cadrage")
    expect(save).to_be_enabled()
    with rerun(page):
        save.click()
    wait_for_app(page)
    expect(page.locator(".sel-board .sel-simulation")).to_be_hidden()
    store = Store.open(f"sqlite:///{fresh_server.log_path.parent / 'e2e.db'}")
    rid = next(r.id for r in store.list_recruitments() if r.title == DEMO_TITLE)
    weights = {c.label: c.weight for c in store.list_criteria(rid)}
    store.engine.dispose()
    assert weights[first.label] == 0.0
    assert_no_exception(page)
    browser_page.console.assert_clean()


# --- layout --------------------------------------------------------------------------------

OVERFLOW_JS = """
(selector) => {
  const bad = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!el.offsetParent) continue;  // not shown (closed expander)
    const box = el.getBoundingClientRect();
    const room = el.parentElement.getBoundingClientRect();
    if (box.right > room.right + 1 || box.left < room.left - 1)
      bad.push(`${el.dataset.testid || el.className}: ${box.left}–${box.right} in ${room.left}–${room.right}`);
    for (const s of [el, ...el.querySelectorAll("*")]) {
      const x = getComputedStyle(s).overflowX;
      if ((x === "auto" || x === "scroll") && s.scrollWidth > s.clientWidth + 1)
        bad.push(`${el.dataset.testid || el.className} scrolls sideways: ${s.scrollWidth} > ${s.clientWidth}`);
    }
  }
  return bad;
}
"""


def open_everything(page: Page) -> None:
    """The weights, and every expander of the main area (their tables are checked too)."""
    open_weights(page)
    for summary in (
        page.get_by_test_id("stMain").get_by_test_id("stExpander").locator("summary").all()
    ):
        summary.click()
    page.get_by_test_id("stMain").evaluate(
        "e => Promise.all(e.getAnimations({subtree: true})"
        ".map(a => a.finished.catch(() => null))).then(() => 0)"
    )
    expect(
        page.locator("[data-testid=stMain] [data-testid=stVegaLiteChart] canvas").first
    ).to_be_visible()


def screenshot(page: Page, path: Path) -> None:
    """The whole page, as tall as its content (Streamlit scrolls inside its main area)."""
    width = page.viewport_size["width"]
    height = page.get_by_test_id("stMain").evaluate("e => e.scrollHeight")
    page.set_viewport_size({"width": width, "height": min(height + 40, 16_000)})
    wait_for_app(page)
    page.screenshot(path=str(path), full_page=True)


def keep(page: Page, tmp_path: Path, name: str) -> None:
    screenshot(page, tmp_path / name)
    if os.environ.get("WRITE_SCREENSHOTS"):
        (ROOT / "docs" / "screenshots" / name).write_bytes((tmp_path / name).read_bytes())


def test_at_1280_px_no_chart_or_table_overflows_its_container(
    app_server: StreamlitServer, new_page, tmp_path: Path
) -> None:
    view = new_page()
    page = view.page
    page.set_viewport_size({"width": 1280, "height": 900})
    open_meeting(page, app_server.url, who="Écran Salle")
    open_everything(page)
    assert page.locator(CHART_OR_TABLE).count() >= 8
    assert page.evaluate(OVERFLOW_JS, CHART_OR_TABLE) == []
    keep(page, tmp_path, "comparaison-1280.png")
    view.console.assert_clean()


def test_at_390_px_the_page_never_scrolls_sideways(
    app_server: StreamlitServer, new_page, tmp_path: Path
) -> None:
    view = new_page()
    page = view.page
    page.set_viewport_size({"width": 390, "height": 844})
    # On a phone the sidebar is folded away: the meeting is opened by its address (the demo is
    # the only recruitment of this server).
    open_app(page, f"{app_server.url}/comparaison")
    meeting_drawn(page)
    open_everything(page)
    widths = page.evaluate(
        """() => [document.scrollingElement, document.querySelector('[data-testid=stMain]')]
                 .map(e => [e.scrollWidth, e.clientWidth])"""
    )
    for scroll, client in widths:
        assert scroll <= client + 1, widths
    # The board's table reads as cards on a phone: nothing of it hides on the right.
    assert page.evaluate(OVERFLOW_JS, ".sel-board .sel-table-wrap, .sel-board .sel-rank") == []
    keep(page, tmp_path, "comparaison-390.png")
    view.console.assert_clean()
