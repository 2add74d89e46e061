"""Screenshots of the main screens at 1400 × 1000, on the shipped demo.

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
    sign_in,
    wait_for_app,
)

pytestmark = pytest.mark.e2e

DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
MAX_BYTES = 400 * 1024
DEMO_TITLE = "Développeur·se fullstack"
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
