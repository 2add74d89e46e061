"""What a user sees in a real Chromium: first load, deep link, every page, the lead's journey
from a preset to the exported CSV, and the blind rule between two interviewers (the
reference-call guide journey is in test_reference_guide.py).

Expected figures come from the domain (demo file, preset, the guide's formula), never from a
previous run of the app.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from selection.analysis.overview import recruitment_overview
from selection.documents.exports import criterion_column
from selection.domain.labels import RATING_ANCHORS
from selection.domain.presets import list_presets, load_preset
from selection.domain.stages import STAGE_BY_CODE
from selection.services.demo import DEMO_PATH, demo_snapshot
from tests.e2e.conftest import (
    DEMO_TITLE,
    BrowserPage,
    StreamlitServer,
    assert_chart_drawn,
    assert_no_exception,
    choose,
    choose_recruitment,
    form_with_button,
    go_to,
    go_to_page,
    grid_cell,
    grid_rows,
    open_app,
    open_expander,
    rerun,
    sign_in,
)
from ui.bootstrap import PAGES

pytestmark = pytest.mark.e2e

NAV_TITLES = [title for _file, title, _icon in PAGES]
HOME_TITLE = "Sélection d'un nouveau membre d'équipe"
COMPARISON_TITLE = "Comparaison des candidatures"
PREQUALIFICATION = STAGE_BY_CODE["prequalification"].label
INTRA = STAGE_BY_CODE["intra"].label
HIDDEN_PANEL = "Masquées jusqu'à ce que vous ayez soumis"


def test_newcomer_first_load_shows_demo_dashboard(
    fresh_server: StreamlitServer, browser_page: BrowserPage
) -> None:
    """The first visitor of a new installation lands on the home page with the demo loaded."""
    page = browser_page.page
    open_app(page, fresh_server.url)
    expect(page.get_by_role("heading", name=HOME_TITLE, exact=True)).to_be_visible()
    heading = page.get_by_role("heading", name=DEMO_TITLE, exact=True)
    expect(heading).to_be_visible()
    card = page.get_by_test_id("stVerticalBlock").filter(has=heading).last
    expected = recruitment_overview(demo_snapshot())
    figures = {
        "Candidatures": expected.candidates,
        "En cours": expected.active,
        "Critères": expected.criteria,
        "Notes soumises": expected.ratings,
    }
    for label, value in figures.items():
        metric = card.get_by_test_id("stMetric").filter(
            has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
        )
        expect(metric.get_by_test_id("stMetricValue")).to_have_text(str(value))
    assert_no_exception(page)
    browser_page.console.assert_clean()


def test_deep_link_first_visit_renders_full_app(
    fresh_server: StreamlitServer, browser_page: BrowserPage
) -> None:
    """The very first request of a new server process is a deep link to the comparison."""
    page = browser_page.page
    open_app(page, f"{fresh_server.url}/comparaison")
    expect(page.get_by_role("heading", name=COMPARISON_TITLE, exact=True)).to_be_visible()
    nav = page.get_by_test_id("stSidebarNav")
    for title in ("Accueil", "Cadrage", "Candidatures", "Évaluations", "Comparaison"):
        expect(nav.get_by_role("link", name=title, exact=True)).to_be_visible()
    expect(nav.get_by_role("link")).to_have_count(len(NAV_TITLES))
    for file_name in (file.removesuffix(".py") for file, _title, _icon in PAGES):
        expect(nav.get_by_role("link", name=file_name, exact=True)).to_have_count(0)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("textbox", name="Votre nom")).to_be_visible()
    expect(sidebar.get_by_role("combobox", name="Recrutement")).to_have_value(DEMO_TITLE)
    assert_chart_drawn(page)
    assert_no_exception(page)
    browser_page.console.assert_clean()


def test_every_page_in_the_sidebar_renders_cleanly(
    app_server: StreamlitServer, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    open_app(page, app_server.url)
    choose_recruitment(page, DEMO_TITLE)
    sign_in(page, "Visite Complète")
    for title in NAV_TITLES:
        go_to_page(page, title)
        assert_no_exception(page)
        browser_page.console.assert_clean()


# --- the lead's journey --------------------------------------------------------------------

PRESET_KEY = "developpeur"
# Designed data on two intra criteria of the preset: Dev is stronger on code, PM on product.
# With the preset's weights (code 3, product 2) PM leads; with product at 0 only code counts
# and Dev leads.
CODE = "Qualité et maintenabilité du code"
PRODUCT = "Produit en construction"
DESIGNED = {"Dev": {CODE: 3, PRODUCT: 1}, "PM": {CODE: 2, PRODUCT: 3}}


def weighted_percent(ratings: dict[str, int], weights: dict[str, float]) -> float:
    """The guide's weighted mean of 1–3 ratings rescaled to 0–100 %, over rated criteria."""
    known = sum(weights[c] for c in ratings)
    return round(100 * sum(weights[c] * (r - 1) / 2 for c, r in ratings.items()) / known, 1)


def preset_option(key: str) -> str:
    info = next(p for p in list_presets() if p.key == key)
    return f"{info.label} ({info.count} critères)"


def create_recruitment(page: Page, title: str, preset: str) -> None:
    open_expander(page, "Créer un recrutement")
    create = form_with_button(page, "Créer le recrutement")
    create.get_by_role("textbox", name="Intitulé du poste").fill(title)
    choose(page, create, "Partir d'un profil type", preset)
    with rerun(page):
        create.get_by_role("button", name="Créer le recrutement").click()
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    assert_no_exception(page)


def add_candidates(page: Page, names: list[str]) -> None:
    for name in names:
        add = form_with_button(page, "Ajouter la candidature")
        add.get_by_role("textbox", name="Nom affiché").fill(name)
        with rerun(page):
            add.get_by_role("button", name="Ajouter la candidature").click()
        expect(grid_cell(page.get_by_test_id("stDataFrame").first, name)).to_have_count(1)


def continue_after_prequalification(page: Page, names: list[str]) -> None:
    page.get_by_role("tab", name="Décision d'étape").click()
    panel = page.get_by_role("tabpanel", name="Décision d'étape")
    for i, name in enumerate(names):
        if i:  # the first person is already chosen
            with rerun(page):
                choose(page, panel, "Personne", name)
        expect(panel.get_by_role("combobox", name="Personne")).to_have_value(name)
        expect(panel.get_by_role("combobox", name="Étape")).to_have_value(PREQUALIFICATION)
        decide = form_with_button(page, "Enregistrer la décision")
        decide.get_by_text("Continuer", exact=True).click()
        decide.get_by_role("textbox", name="Raison").fill("Les points essentiels sont couverts.")
        with rerun(page):
            decide.get_by_role("button", name="Enregistrer la décision").click()
        expect(panel.get_by_text(f"Étape atteinte : {INTRA}")).to_be_visible()


def rate(
    page: Page, name: str, stage_label: str, ratings: dict[str, int], evidence: str = ""
) -> None:
    """Fill and submit one evaluation form, with written evidence for every rating."""
    main = page.get_by_test_id("stMain")
    choose(page, main, "Personne évaluée", name)
    expect(main.get_by_role("combobox", name="Étape")).to_have_value(stage_label)
    form = form_with_button(page, "Soumettre mon évaluation")
    # One block per criterion, in order: bold label, « Note » radios, « Preuve observée ».
    shown = [t.strip() for t in form.locator("strong").all_inner_texts()]
    for label, value in ratings.items():
        i = shown.index(label)
        form.get_by_role("radiogroup", name="Note").nth(i).get_by_text(
            RATING_ANCHORS[value], exact=True
        ).click()
        form.get_by_role("textbox", name="Preuve observée").nth(i).fill(
            evidence or f"{name} : exemple concret pour {label}."
        )
    with rerun(page):
        form.get_by_role("button", name="Soumettre mon évaluation").click()
    expect(page.get_by_text("Vous avez déjà soumis cette évaluation.")).to_be_visible()
    assert_no_exception(page)


def expect_ranking(page: Page, names: list[str]) -> None:
    """The ranking table of the weight board lists the names in this order."""
    expect(page.locator(".sel-board .sel-table tbody th")).to_have_text(names)


def download(page: Page, button: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("button", name=button, exact=True).click()
    return info.value.path().read_bytes()


CSV_READERS: dict[str, Callable[[bytes], pd.DataFrame]] = {
    "Excel (FR)": lambda raw: pd.read_csv(
        io.BytesIO(raw), sep=";", decimal=",", encoding="utf-8-sig"
    ),
    "Standard (RFC 4180)": lambda raw: pd.read_csv(io.BytesIO(raw), encoding="utf-8"),
}


def test_lead_journey_from_preset_to_exported_csv(
    app_server: StreamlitServer, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    preset = {c.label: c.weight for c in load_preset(PRESET_KEY, "journey")}
    saved = {c: preset[c] for c in (CODE, PRODUCT)}
    what_if = {CODE: preset[CODE], PRODUCT: 0.0}
    before = {name: weighted_percent(r, saved) for name, r in DESIGNED.items()}
    after = {name: weighted_percent(r, what_if) for name, r in DESIGNED.items()}
    assert before["PM"] > before["Dev"] and after["Dev"] > after["PM"], "designed data"

    open_app(page, app_server.url)
    sign_in(page, "Léa Responsable")
    go_to(page, "Cadrage", "Cadrage du besoin")
    create_recruitment(page, "Recrutement conçu", preset_option(PRESET_KEY))

    go_to(page, "Candidatures", "Candidatures")
    add_candidates(page, list(DESIGNED))
    continue_after_prequalification(page, list(DESIGNED))
    # The grid's accessible table follows the drawing a moment later: wait for the last change.
    overview_grid = page.get_by_test_id("stDataFrame").first
    last = list(DESIGNED)[-1]
    expect(overview_grid.locator("tbody tr").filter(has_text=last)).to_contain_text(INTRA)
    overview = {r["Candidat·e"]: r for r in grid_rows(overview_grid)}
    assert {name: overview[name]["Étape"] for name in DESIGNED} == dict.fromkeys(DESIGNED, INTRA)

    sign_in(page, "Karim Évaluateur")
    go_to(page, "Évaluations", "Évaluations")
    for name, ratings in DESIGNED.items():
        rate(page, name, INTRA, ratings)

    go_to(page, "Comparaison", COMPARISON_TITLE)
    assert_chart_drawn(page)
    expect_ranking(page, ["PM", "Dev"])

    page.locator(".sel-board details.sel-weights > summary").click()
    slider = page.locator(".sel-board .sel-slider").filter(has_text=PRODUCT).locator("input")
    slider.focus()
    page.keyboard.press("Home")
    expect(slider).to_have_value("0")
    expect(page.get_by_text("Simulation : ces pondérations")).to_be_visible()
    expect_ranking(page, ["Dev", "PM"])  # redrawn in the browser, before the server hears
    with rerun(page):  # the focus leaves the board: the server gets the weights
        page.get_by_role("heading", name="Classement", exact=True).click()
    assert_no_exception(page)

    # Both CSV dialects hold the what-if figures; coverage is the rated weight over all weight.
    coverage = round(100 * preset[CODE] / (sum(preset.values()) - preset[PRODUCT]), 1)
    for label, read in CSV_READERS.items():
        frame = read(download(page, f"Télécharger le CSV — {label}")).set_index("Candidat·e")
        assert list(frame.index) == ["Dev", "PM"], label
        assert list(frame["Rang"]) == [1, 2], label
        for name, ratings in DESIGNED.items():
            assert frame.loc[name, "Score (moyenne pondérée, %)"] == after[name], (label, name)
            assert frame.loc[name, "Couverture des preuves (%)"] == coverage, (label, name)
            for criterion, value in ratings.items():
                header = criterion_column(criterion, what_if[criterion])  # carries the weight
                assert frame.loc[name, header] == value, label
    browser_page.console.assert_clean()


# --- the blind rule ------------------------------------------------------------------------


def test_blind_rule_between_two_interviewers(
    app_server: StreamlitServer, new_page: Callable[[], BrowserPage]
) -> None:
    """Interviewer B cannot see A's rating before submitting their own (« pas de débrief à
    chaud »), then sees it. Two browser contexts are two independent Streamlit sessions."""
    demo = json.loads(DEMO_PATH.read_text(encoding="utf-8"))
    touched = {e["candidate"] for e in demo["evaluations"]}
    touched |= {d["candidate"] for d in demo["decisions"]}
    person = next(c["name"] for c in demo["candidates"] if c["key"] not in touched)
    criterion = next(c["label"] for c in demo["criteria"] if "prequalification" in c["stages"])
    evidence_a = "A : a décrit une revue de sécurité menée seule, avec le correctif livré."

    a = new_page()
    open_app(a.page, app_server.url)
    choose_recruitment(a.page, DEMO_TITLE)
    sign_in(a.page, "Inès Panel")
    go_to(a.page, "Évaluations", "Évaluations")
    rate(a.page, person, PREQUALIFICATION, {criterion: 2}, evidence_a)

    b = new_page()
    open_app(b.page, app_server.url)
    choose_recruitment(b.page, DEMO_TITLE)
    sign_in(b.page, "Omar Panel")
    go_to(b.page, "Évaluations", "Évaluations")
    choose(b.page, b.page.get_by_test_id("stMain"), "Personne évaluée", person)
    expect(b.page.get_by_role("heading", name="Évaluations du panel")).to_be_visible()
    expect(b.page.get_by_text(HIDDEN_PANEL)).to_be_visible()
    expect(b.page.get_by_text("Inès Panel")).to_have_count(0)
    expect(b.page.get_by_text(evidence_a)).to_have_count(0)

    rate(b.page, person, PREQUALIFICATION, {criterion: 3}, "B : démarche de sécurité décrite.")
    expect(b.page.get_by_text(HIDDEN_PANEL)).to_have_count(0)
    panel = b.page.get_by_test_id("stDataFrame").last
    expect(grid_cell(panel, "Inès Panel")).to_have_count(1)
    rows = {r["Évaluateur·rice"]: r for r in grid_rows(panel)}
    assert rows["Inès Panel"]["Note"] == RATING_ANCHORS[2]
    assert rows["Inès Panel"]["Preuve"] == evidence_a
    assert rows["Omar Panel"]["Note"] == RATING_ANCHORS[3]
    for view in (a, b):
        assert_no_exception(view.page)
        view.console.assert_clean()
