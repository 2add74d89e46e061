"""Screenshots of the main screens at 1400 × 1000, and of every page but the decision meeting at
1280 px (a laptop, sidebar open) and 390 px (a phone), on the shipped demo.

By default they go to the test's temporary folder (a look at them explains a failure);
with ``UPDATE_SCREENSHOTS=1`` they replace the ones under docs/screenshots/ shown in the README:

    UPDATE_SCREENSHOTS=1 .venv/bin/python -m pytest tests/e2e/test_screenshots.py
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    DEMO_TITLE,
    ROOT,
    VIEWPORT,
    BrowserPage,
    StreamlitServer,
    assert_chart_drawn,
    assert_no_exception,
    choose,
    choose_recruitment,
    go_to_page,
    open_app,
    rerun,
    sign_in,
    track_runs,
    wait_for_app,
)
from ui.bootstrap import PAGES

pytestmark = pytest.mark.e2e

DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
MAX_BYTES = 400 * 1024
# An interviewer of the demo in front of a blank form: a person they have not rated yet.
INTERVIEWER = "Karim Benali"
RATED_PERSON = "Chloé Nguyen"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG header (IHDR chunk)."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


def shoot(page: Page, folder: Path, name: str) -> Path:
    """Screenshot once the run is over and every grid on screen is drawn, with no focus ring
    and no hover state (the pointer rests in an empty corner)."""
    wait_for_app(page)
    assert_no_exception(page)
    # Lazy components (data grid, charts) show a skeleton until their code is loaded.
    expect(page.locator("[data-testid^='stSkeleton']")).to_have_count(0)
    for grid in page.get_by_test_id("stDataFrame").all():
        if grid.is_visible():
            expect(grid.locator("tbody tr").first).to_be_attached()
            expect(grid.get_by_test_id("data-grid-canvas")).to_be_visible()
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.mouse.move(VIEWPORT["width"] - 5, VIEWPORT["height"] - 5)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), animations="disabled", caret="hide")
    return path


def test_main_screens(
    app_server: StreamlitServer, browser_page: BrowserPage, tmp_path: Path
) -> None:
    updating = os.environ.get("UPDATE_SCREENSHOTS") == "1"
    folder = DOCS_SCREENSHOTS if updating else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page = browser_page.page
    open_app(page, app_server.url)
    choose_recruitment(page, DEMO_TITLE)
    sign_in(page, INTERVIEWER)

    shots = [shoot(page, folder, "accueil")]
    go_to_page(page, "Cadrage")
    shots.append(shoot(page, folder, "cadrage"))
    go_to_page(page, "Évaluations")
    choose(page, page.get_by_test_id("stMain"), "Personne évaluée", RATED_PERSON)
    shots.append(shoot(page, folder, "evaluations"))
    go_to_page(page, "Comparaison")
    assert_chart_drawn(page)
    shots.append(shoot(page, folder, "comparaison"))

    for path in shots:
        assert png_size(path) == (VIEWPORT["width"], VIEWPORT["height"]), path
        if updating:
            assert path.stat().st_size < MAX_BYTES, f"{path} is over 400 KB"
    browser_page.console.assert_clean()


# --- every page of the team's day, at a laptop's and a phone's width --------------------------

WIDTHS = {1280: 900, 390: 844}  # width → height of the first screen
MAX_HEIGHT = {1280: 2600, 390: 3600}  # a long page is shot down to this height
SHOT_PAGES = [(file, title) for file, title, _icon in PAGES if title != "Comparaison"]


def shoot_whole(page: Page, folder: Path, name: str, width: int) -> Path:
    """The page down to its end (or MAX_HEIGHT): the window is made as tall as the content."""
    wait_for_app(page)
    assert_no_exception(page)
    expect(page.locator("[data-testid^='stSkeleton']")).to_have_count(0)
    tall = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size(
        {"width": width, "height": min(max(tall, WIDTHS[width]), MAX_HEIGHT[width])}
    )
    for chart in page.get_by_test_id("stVegaLiteChart").all():
        expect(chart.locator("svg").first).to_be_visible()
    for grid in page.get_by_test_id("stDataFrame").all():
        if grid.is_visible():
            expect(grid.get_by_test_id("data-grid-canvas")).to_be_visible()
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.mouse.move(width - 2, 2)
    path = folder / f"{name}-{width}.png"
    page.screenshot(path=str(path), animations="disabled", caret="hide")
    page.set_viewport_size({"width": width, "height": WIDTHS[width]})
    return path


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_at_laptop_and_phone_width(
    app_server: StreamlitServer, browser, tmp_path: Path, width: int
) -> None:
    updating = os.environ.get("UPDATE_SCREENSHOTS") == "1"
    folder = DOCS_SCREENSHOTS if updating else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        viewport={"width": width, "height": WIDTHS[width]},
        locale="fr-FR",
        timezone_id="Europe/Paris",
    )
    context.set_default_timeout(60_000)
    page = context.new_page()
    track_runs(page)
    phone = width < 600
    open_app(page, app_server.url)
    if phone:
        page.get_by_test_id("stExpandSidebarButton").click()
    choose_recruitment(page, DEMO_TITLE)
    sign_in(page, INTERVIEWER)
    shots = []
    for file, title in SHOT_PAGES:
        if phone and page.get_by_test_id("stExpandSidebarButton").is_visible():
            page.get_by_test_id("stExpandSidebarButton").click()
        go_to_page(page, title)
        if phone and page.get_by_test_id("stSidebarCollapseButton").is_visible():
            page.get_by_test_id("stSidebarCollapseButton").locator("button").click()
        if title == "Évaluations":  # a person Karim rated, in the compact grid: the panel shows
            main = page.get_by_test_id("stMain")
            choose(page, main, "Personne évaluée", "Alice Moreau")
            choose(page, main, "Étape", "Entretien intra / métier")
            mode = main.get_by_test_id("stButtonGroup").filter(has_text="Grille rapide")
            with rerun(page):
                mode.get_by_text("Grille rapide", exact=True).click()
        shots.append(shoot_whole(page, folder, Path(file).stem, width))
    context.close()
    for path in shots:
        assert png_size(path)[0] == width, path
        if updating:
            assert path.stat().st_size < MAX_BYTES, f"{path} is over 400 KB"
