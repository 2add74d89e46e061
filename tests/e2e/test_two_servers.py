"""Scale-out as in production: two stateless `streamlit run` servers on one PostgreSQL, two people
in two Chromium sessions, one on each server, editing the same brief and rating the same candidate
at the same time. No edit is lost; a save from a stale screen is refused with a French message
naming who changed what, and nothing of it is written."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from selection.domain.ids import new_id
from selection.domain.model import (
    Candidate,
    Criterion,
    Recruitment,
    RecruitmentSnapshot,
    StageDecision,
)
from selection.storage.store import Store
from tests.conftest import POSTGRES_URL_ENV, reset_postgres
from tests.e2e.conftest import (
    ROOT,
    StreamlitServer,
    go_to,
    launch_streamlit,
    open_app,
    rerun,
    sign_in,
)

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

TITLE = "Recrutement partagé"
CRITERIA = ("Recherche usager", "Ateliers", "Accessibilité")


@pytest.fixture
def shared_database() -> str:
    url = os.environ.get(POSTGRES_URL_ENV, "")
    if not url:
        pytest.skip(f"{POSTGRES_URL_ENV} is not set: no PostgreSQL server for this run")
    reset_postgres(url)
    store = Store.open(url)
    rec = Recruitment(id=new_id(), title=TITLE, owner="Léa Responsable")
    crits = [
        Criterion(
            id=new_id(),
            recruitment_id=rec.id,
            label=label,
            weight=2.0,
            stages=("prequalification", "intra"),
            position=i,
        )
        for i, label in enumerate(CRITERIA)
    ]
    ana = Candidate(id=new_id(), recruitment_id=rec.id, name="Ana Lopez")
    go = StageDecision(new_id(), ana.id, "prequalification", "continuer", "Léa Responsable", "ok")
    store.save_snapshot(RecruitmentSnapshot(rec, crits, [ana], decisions=[go]))
    store.engine.dispose()
    return url


@pytest.fixture
def two_servers(shared_database: str, tmp_path: Path, browser) -> Iterator[list[StreamlitServer]]:
    servers = []
    for i in range(2):
        workdir = tmp_path / f"server-{i}"
        workdir.mkdir()
        servers.append(launch_streamlit(ROOT / "app.py", workdir, database_url=shared_database))
    yield servers
    for server in servers:
        server.stop()


def weights_now(url: str) -> dict[str, float]:
    store = Store.open(url)
    try:
        (rec,) = [r for r in store.list_recruitments() if r.title == TITLE]
        return {c.label: c.weight for c in store.list_criteria(rec.id)}
    finally:
        store.engine.dispose()


def open_weights(page, server: StreamlitServer, who: str) -> None:
    open_app(page, server.url)
    sign_in(page, who)
    go_to(page, "Cadrage", "Cadrage du besoin")
    page.get_by_role("tab", name="Pondérations").click()


def weight_slider(page, label: str):
    panel = page.get_by_role("tabpanel", name="Pondérations")
    return panel.get_by_test_id("stSlider").filter(has_text=label).get_by_role("slider")


def shown_weight(slider) -> float:
    """The weight a slider shows (its options are French-written values: « 2,5 »)."""
    return float(slider.get_attribute("aria-valuetext").replace(",", "."))


def set_slider(page, label: str, value: float) -> None:
    """Move a weight slider with the keyboard: focus it, then step (0,1 a step) to the value."""
    slider = weight_slider(page, label)
    slider.focus()
    steps = round((value - shown_weight(slider)) / 0.1)
    for _ in range(abs(steps)):
        slider.press("ArrowRight" if steps > 0 else "ArrowLeft")
    expect(slider).to_have_attribute("aria-valuetext", f"{value:g}".replace(".", ","))


def save_weights(page) -> None:
    with rerun(page):
        page.get_by_role("button", name="Enregistrer les pondérations").click()


def test_two_servers_two_people_one_brief_nothing_lost(two_servers, new_page, shared_database):
    lea, karim = new_page(), new_page()
    open_weights(lea.page, two_servers[0], "Léa Responsable")
    open_weights(karim.page, two_servers[1], "Karim Benali")

    # Both moved a different weight on screens opened at the same time; both save at once
    # (the second click is sent before the first save is answered).
    set_slider(lea.page, "Recherche usager", 2.5)
    set_slider(karim.page, "Ateliers", 1.0)
    with rerun(lea.page), rerun(karim.page):
        lea.page.get_by_role("button", name="Enregistrer les pondérations").click(
            no_wait_after=True
        )
        karim.page.get_by_role("button", name="Enregistrer les pondérations").click(
            no_wait_after=True
        )
    assert weights_now(shared_database) == {
        "Recherche usager": 2.5,
        "Ateliers": 1.0,
        "Accessibilité": 2.0,
    }, "no edit lost"

    # Léa changes « Recherche usager » again; Karim's screen still shows the weights he saved
    # from: his move of that weight is refused, naming Léa, and writes nothing.
    set_slider(lea.page, "Recherche usager", 2.8)
    save_weights(lea.page)
    assert weights_now(shared_database)["Recherche usager"] == 2.8
    set_slider(karim.page, "Recherche usager", 0.5)
    save_weights(karim.page)
    conflict = karim.page.get_by_test_id("stAlert").filter(has_text="Léa Responsable")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Recherche usager")
    assert weights_now(shared_database) == {
        "Recherche usager": 2.8,
        "Ateliers": 1.0,
        "Accessibilité": 2.0,
    }, "the stale save wrote nothing"
    # Reloading starts from the saved weights.
    with rerun(karim.page):
        karim.page.get_by_role("button", name="Recharger le cadrage").click()
    karim.page.get_by_role("tab", name="Pondérations").click()
    expect(weight_slider(karim.page, "Recherche usager")).to_have_attribute("aria-valuetext", "2,8")


def rate_everything(page, server: StreamlitServer, who: str, rating: str) -> None:
    open_app(page, server.url)
    sign_in(page, who)
    go_to(page, "Évaluations", "Évaluations")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("combobox", name="Étape")).to_have_value("Entretien intra / métier")
    form = page.get_by_test_id("stForm").filter(
        has=page.get_by_role("button", name="Soumettre mon évaluation")
    )
    for i in range(len(CRITERIA)):
        form.get_by_role("radiogroup", name="Note").nth(i).get_by_text(
            rating, exact=False
        ).first.click()
        form.get_by_role("textbox", name="Preuve observée").nth(i).fill(f"{who} : exemple {i}.")


def test_two_people_rate_the_same_candidate_at_once_on_two_servers(
    two_servers, new_page, shared_database
):
    lea, karim = new_page(), new_page()
    rate_everything(lea.page, two_servers[0], "Léa Responsable", "3 — ")
    rate_everything(karim.page, two_servers[1], "Karim Benali", "2 — ")
    with rerun(lea.page), rerun(karim.page):
        for page in (lea.page, karim.page):
            page.get_by_role("button", name="Soumettre mon évaluation").click(no_wait_after=True)
    store = Store.open(shared_database)
    try:
        (rec,) = [r for r in store.list_recruitments() if r.title == TITLE]
        ratings = {(e.rater, e.status) for e in store.list_evaluations(rec.id)}
    finally:
        store.engine.dispose()
    assert ratings == {("Léa Responsable", "soumis"), ("Karim Benali", "soumis")}
    for page in (lea.page, karim.page):
        expect(page.get_by_text("Vous avez déjà soumis cette évaluation.")).to_be_visible()
