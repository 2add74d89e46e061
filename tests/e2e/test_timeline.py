"""The Progression timeline as drawn in Chromium: each date once on its axis, nothing written
over anything else — on the demo (a month of interviews) and on a recruitment where everything
happened today (the case that once wrote « 30/11 » fourteen times)."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    DEMO_TITLE,
    BrowserPage,
    StreamlitServer,
    assert_chart_drawn,
    chart_texts,
    choose_recruitment,
    form_with_button,
    go_to_page,
    open_app,
    open_expander,
    overlapping,
    rerun,
    sign_in,
    wait_for_app,
)

pytestmark = pytest.mark.e2e

DATE = re.compile(r"^\d\d/\d\d$")


def timeline_texts(page: Page) -> list[dict]:
    go_to_page(page, "Progression")
    assert_chart_drawn(page)
    chart = page.get_by_test_id("stVegaLiteChart").nth(1)  # the funnel comes first
    chart.scroll_into_view_if_needed()
    expect(chart.locator("svg").first).to_be_visible()
    wait_for_app(page)
    texts = chart_texts(chart)
    assert texts, "the timeline writes its labels"
    return texts


def check(texts: list[dict], stages_shown: set[str]) -> None:
    dates = [t["text"] for t in texts if DATE.match(t["text"])]
    assert dates, "the axis is labelled with dates"
    repeated = {d: n for d, n in Counter(dates).items() if n > 1}
    assert not repeated, f"dates written more than once on the axis: {repeated}"
    assert not overlapping(texts), f"texts drawn over each other: {overlapping(texts)}"
    cut = [t["text"] for t in texts if not t["inside"]]
    assert not cut, f"texts cut off at the chart's edge: {cut}"
    legend = {t["text"] for t in texts if " · " in t["text"]}
    assert stages_shown <= legend, "the legend says which number is which stage"


@pytest.fixture
def page_in_french(browser_page: BrowserPage) -> Page:
    return browser_page.page


@pytest.mark.parametrize("width", [1280, 390])
def test_demo_timeline_reads_cleanly(
    app_server: StreamlitServer, page_in_french: Page, width: int
) -> None:
    page = page_in_french
    page.set_viewport_size({"width": width, "height": 900})
    open_app(page, app_server.url)
    if width < 600:  # on a phone the sidebar starts closed
        page.get_by_test_id("stExpandSidebarButton").click()
    choose_recruitment(page, DEMO_TITLE)
    every_stage = {"1 · Préqual.", "2 · Intra", "3 · Mise en sit.", "4 · Adéquation"}
    check(timeline_texts(page), every_stage | {"5 · Références"})


def test_a_process_that_started_today_shows_each_day_once(
    app_server: StreamlitServer, page_in_french: Page
) -> None:
    page = page_in_french
    open_app(page, app_server.url)
    sign_in(page, "Léa Aujourd'hui")
    go_to_page(page, "Cadrage")
    open_expander(page, "Créer un recrutement")
    create = form_with_button(page, "Créer le recrutement")
    create.get_by_role("textbox", name="Intitulé du poste").fill("Recrutement du jour")
    with rerun(page):
        create.get_by_role("button", name="Créer le recrutement").click()
    choose_recruitment(page, "Recrutement du jour")
    go_to_page(page, "Candidatures")
    for name in ("Ana Jour", "Bao Jour", "Cléo Jour"):
        add = form_with_button(page, "Ajouter la candidature")
        add.get_by_role("textbox", name="Nom affiché").fill(name)
        with rerun(page):
            add.get_by_role("button", name="Ajouter la candidature").click()
    page.get_by_role("tab", name="Décision d'étape").click()
    decide = form_with_button(page, "Enregistrer la décision")
    decide.get_by_text("Continuer", exact=True).click()
    decide.get_by_role("textbox", name="Raison").fill("Les points essentiels sont couverts.")
    with rerun(page):
        decide.get_by_role("button", name="Enregistrer la décision").click()
    texts = timeline_texts(page)
    check(texts, {"1 · Préqual.", "2 · Intra"})
    dates = [t["text"] for t in texts if DATE.match(t["text"])]
    assert len(dates) <= 3, f"a two-day axis: {dates}"
