"""Widths, measured in Chromium on the demo (PRODUCT.md §9: readable at 1280 px without sideways
scrolling, usable at 390 px).

- 1280 × 900 with the sidebar open: no table and no chart of these pages is wider than its
  place (a data grid's scroller, a chart's drawing), on every tab, with every expander open.
- 390 × 844 (a phone): the page itself never scrolls sideways, and every field and button
  lies inside the screen; a table may scroll inside its own frame.

The decision-meeting page (Comparaison) is checked by its own tests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    APP_TIMEOUT_MS,
    DEMO_TITLE,
    StreamlitServer,
    assert_no_exception,
    choose,
    choose_recruitment,
    open_app,
    rerun,
    sign_in,
    track_runs,
    wait_for_app,
)
from ui.bootstrap import PAGES

pytestmark = pytest.mark.e2e

RATER = "Karim Benali"  # rated Alice Moreau at the intra interview in the demo: sees the panel
MY_PAGES = [title for _file, title, _icon in PAGES if title != "Comparaison"]

# Every grid and chart of the main area that is on screen: how wide its content is and how much
# room it has. A grid scrolls inside « .dvn-scroller »; a chart draws one SVG.
MEASURE = """() => {
  const out = [];
  const main = document.querySelector('[data-testid=stMain]');
  for (const grid of main.querySelectorAll('[data-testid=stDataFrame]')) {
    if (!grid.offsetParent) continue;
    const s = grid.querySelector('.dvn-scroller');
    const heads = [...grid.querySelectorAll('thead th')].map(th => th.innerText.trim());
    if (s) out.push({what: 'tableau ' + heads.slice(0, 3).join(' | '),
                     content: s.scrollWidth, room: s.clientWidth});
  }
  for (const chart of main.querySelectorAll('[data-testid=stVegaLiteChart]')) {
    if (!chart.offsetParent) continue;
    const svg = chart.querySelector('svg');
    if (svg) out.push({what: 'graphique ' + (svg.getAttribute('aria-label') || '').slice(0, 40),
                       content: svg.getBoundingClientRect().width, room: chart.clientWidth});
  }
  return out;
}"""

# On a phone: how far the page and each control reach to the right.
PHONE = """() => {
  const width = document.documentElement.clientWidth;
  const main = document.querySelector('[data-testid=stMain]');
  const page = [
    ['document', document.documentElement.scrollWidth],
    ['zone principale', main.scrollWidth],
  ];
  // How far an element is seen to the right: its box, cut by every ancestor that clips it
  // (a visually hidden input lies in a 1 px clipped box: it is not seen beyond it).
  const seenRight = (e) => {
    let right = e.getBoundingClientRect().right;
    for (let a = e.parentElement; a && a !== main; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.overflowX !== 'visible' || cs.clip !== 'auto' || cs.clipPath !== 'none')
        right = Math.min(right, a.getBoundingClientRect().right);
    }
    return right;
  };
  const controls = [...main.querySelectorAll('input, textarea, button, [role=slider], '
                                             + '[role=combobox], [data-testid=stDataFrame]')]
    .filter(e => e.offsetParent && e.getBoundingClientRect().width > 0)
    .filter(e => !e.closest('.dvn-scroller, [data-testid=stElementToolbar]'))
    .map(e => [e.getAttribute('aria-label') || e.innerText.trim().slice(0, 40) || e.tagName,
               seenRight(e)]);
  return {width, page, controls};
}"""


def open_expanders(page: Page) -> None:
    for expander in page.get_by_test_id("stMain").get_by_test_id("stExpander").all():
        if expander.is_visible() and expander.locator("details").get_attribute("open") is None:
            expander.locator("summary").first.click()


def go(page: Page, title: str) -> None:
    """Follow the sidebar link (opening the sidebar first on a phone, closing it after)."""
    phone = page.viewport_size["width"] < 600
    if phone and page.get_by_test_id("stExpandSidebarButton").is_visible():
        page.get_by_test_id("stExpandSidebarButton").click()
    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)
    if link.get_attribute("aria-current") != "page":
        with rerun(page):
            link.click()
    expect(link).to_have_attribute("aria-current", "page")
    if phone and page.get_by_test_id("stSidebarCollapseButton").is_visible():
        page.get_by_test_id("stSidebarCollapseButton").locator("button").click()
    expect(page.get_by_test_id("stMain").locator("h1").first).to_be_visible()
    assert_no_exception(page)


def views(page: Page, title: str) -> Iterator[str]:
    """Each state of a page worth measuring: as loaded, each tab, and on Évaluations the panel
    of a submitted evaluation in both entry modes. Yields the state's name once it is shown."""
    main = page.get_by_test_id("stMain")
    if title == "Évaluations":
        choose(page, main, "Personne évaluée", "Alice Moreau")
        choose(page, main, "Étape", "Entretien intra / métier")
        expect(page.get_by_role("heading", name="Évaluations du panel")).to_be_visible()
        yield "formulaire et panel"
        mode = main.get_by_test_id("stButtonGroup").filter(has_text="Grille rapide")
        with rerun(page):
            mode.get_by_text("Grille rapide", exact=True).click()
        expect(main.get_by_test_id("stDataFrame")).to_have_count(2)  # the grid and the panel
        yield "grille rapide"
        with rerun(page):
            mode.get_by_text("Formulaire", exact=True).click()
        return
    tabs = main.get_by_role("tab").all()
    for i, tab in enumerate(tabs or [None]):
        if tab is not None and i:
            tab.click()
        open_expanders(page)
        wait_for_app(page)
        yield tab.inner_text().strip() if tab is not None else "page"


def settle(page: Page) -> None:
    """Grids and charts are drawn once their code is loaded, and tabs and expanders have
    finished sliding open (their animations' own promises, not a delay)."""
    page.evaluate(
        "() => Promise.all(document.getAnimations().map(a => a.finished.catch(() => null)))"
        ".then(() => 0)"
    )
    expect(page.locator("[data-testid^='stSkeleton']")).to_have_count(0)
    for grid in page.get_by_test_id("stMain").get_by_test_id("stDataFrame").all():
        if grid.is_visible():
            expect(grid.locator(".dvn-scroller")).to_be_attached()
    for chart in page.get_by_test_id("stMain").get_by_test_id("stVegaLiteChart").all():
        if chart.is_visible():
            chart.scroll_into_view_if_needed()
            expect(chart.locator("svg").first).to_be_visible()


def demo_session(browser, url: str, width: int, height: int) -> Iterator[Page]:
    """A signed-in session on the demo, opened at this size (widgets measure themselves when
    they first appear: a phone is a session opened on a phone, not a window made smaller)."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
    context.set_default_timeout(APP_TIMEOUT_MS)
    page = context.new_page()
    track_runs(page)
    open_app(page, url)
    if width < 600:  # a phone starts with the sidebar closed
        page.get_by_test_id("stExpandSidebarButton").click()
    choose_recruitment(page, DEMO_TITLE)
    sign_in(page, RATER)
    yield page
    context.close()


@pytest.fixture(scope="module")
def laptop(browser, app_server: StreamlitServer) -> Iterator[Page]:
    yield from demo_session(browser, app_server.url, 1280, 900)


@pytest.fixture(scope="module")
def phone(browser, app_server: StreamlitServer) -> Iterator[Page]:
    yield from demo_session(browser, app_server.url, 390, 844)


@pytest.mark.parametrize("title", MY_PAGES)
def test_nothing_is_cut_on_the_right_at_1280_px(laptop: Page, title: str) -> None:
    page = laptop
    go(page, title)
    too_wide = []
    for view in views(page, title):
        settle(page)
        too_wide += [
            f"{view} : {m['what']} — {m['content']:.0f} px pour {m['room']:.0f} px"
            for m in page.evaluate(MEASURE)
            if m["content"] > m["room"] + 1
        ]
    assert not too_wide, f"{title} : coupé à droite à 1280 px\n" + "\n".join(too_wide)


@pytest.mark.parametrize("title", MY_PAGES)
def test_a_phone_never_scrolls_the_page_sideways(phone: Page, title: str) -> None:
    page = phone
    go(page, title)
    problems = []
    for view in views(page, title):
        settle(page)
        found = page.evaluate(PHONE)
        width = found["width"]
        problems += [
            f"{view} : {what} défile sur le côté ({reach} px pour {width} px)"
            for what, reach in found["page"]
            if reach > width
        ]
        problems += [
            f"{view} : « {what} » dépasse de l'écran (jusqu'à {right:.0f} px)"
            for what, right in found["controls"]
            if right > width + 1
        ]
    assert not problems, f"{title} à 390 px :\n" + "\n".join(problems)
