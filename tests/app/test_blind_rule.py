"""The blind rule, tested by every way around it: every page, every chooser position, every chart
and every download, for an interviewer assigned to a candidate who has not submitted yet (with
nothing entered, and with a draft), and drafts seen by their author only.

What others wrote about Alice in the demo (ratings' evidence, culture notes) must reach nobody on
her intra panel before they submitted; the comparison must not score her from others' ratings.
"""

from __future__ import annotations

import json

import pytest
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

import ui.widgets
from selection.services import catalogue, ratings
from selection.services.access import Config
from selection.services.app import App
from selection.services.evaluation import RatingInput
from selection.storage.store import Store
from tests.app.conftest import no_exception
from ui.bootstrap import PAGES

PAGE_FILES = [f"pages/{file}" for file, _title, _icon in PAGES]
CANDIDATE_CHOOSERS = (
    "edit_candidate",
    "decide_candidate",
    "panel_candidate",
    "report_candidate",
    "eval_candidate",
    "ref_candidate",
    "rights_person",
)
STAGE_BY_LABEL = {catalogue.stage_label(code): code for code in catalogue.STAGE_CODES}
DRAFT_TEXT = "BROUILLON-DE-ZOE : exemple encore à vérifier"


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Everything charts and downloads carry, as text."""
    seen: list[str] = []
    original_download = DeltaGenerator.download_button
    original_chart = ui.widgets.show_chart

    def download(self, label, data, file_name=None, **kwargs):
        payload = data() if callable(data) else data
        seen.append(payload.decode("utf-8-sig") if isinstance(payload, bytes) else str(payload))
        return original_download(self, label, data, file_name=file_name, **kwargs)

    def chart(spec, container=None):
        as_dict = spec if isinstance(spec, dict) else spec.to_dict(validate=False)
        seen.append(json.dumps(as_dict, ensure_ascii=False))
        return original_chart(spec, container)

    monkeypatch.setattr(DeltaGenerator, "download_button", download)
    monkeypatch.setattr(ui.widgets, "show_chart", chart)
    return seen


def screen_text(app: AppTest) -> str:
    parts: list[str] = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "header", "title"):
        parts += [str(e.value) for e in getattr(app, kind)]
    parts += [d.value.to_csv() for d in app.dataframe]
    parts += [str(t.value) for t in app.table]
    parts += [str(m.value) for m in app.metric]
    parts += [str(t.value) for t in app.text_area] + [str(t.value) for t in app.text_input]
    return "\n".join(parts)


def walk(app: AppTest, recorded: list[str], candidate_ids: dict[str, str]) -> str:
    """Every page, every position of every candidate chooser; returns all text shown."""
    shown: list[str] = []
    for page in PAGE_FILES:
        app.switch_page(page).run()
        no_exception(app)
        shown.append(screen_text(app))
        for key in CANDIDATE_CHOOSERS:
            try:
                chooser = app.selectbox(key=key)
            except KeyError:
                continue
            offered = [name for name in candidate_ids if name in chooser.options]
            for name in offered:  # not every chooser offers everyone (e.g. someone stopped)
                cid = candidate_ids[name]
                app.selectbox(key=key).set_value(cid).run()
                no_exception(app)
                shown.append(screen_text(app))
                for stage_key in (f"eval_stage_{cid}", f"decide_stage_{cid}", f"panel_stage_{cid}"):
                    try:
                        stages = app.selectbox(key=stage_key).options
                    except KeyError:
                        continue
                    for label in stages:
                        app.selectbox(key=stage_key).set_value(STAGE_BY_LABEL[label]).run()
                        no_exception(app)
                        shown.append(screen_text(app))
        if page.endswith("comparaison.py"):
            for view in ("moyenne", "matrice", "valides"):
                app.radio(key="cmp_view").set_value(view).run()
                shown.append(screen_text(app))
    return "\n".join(shown + recorded)


def setup(app: AppTest, app_db: str, *, draft: bool) -> tuple[dict, list[str]]:
    app.run()
    store = Store.open(app_db)
    rid = app.session_state["recruitment_id"]
    snap = store.snapshot(rid)
    ids = {c.name: c.id for c in snap.candidates}
    alice = ids["Alice Moreau"]
    service_app = App(store, Config())
    owner = service_app.actor("Camille Martin")
    ratings.assign(
        service_app, owner, alice, "intra", member_key="Zoé Test", member_name="Zoé Test"
    )
    if draft:
        crit = next(c for c in snap.criteria if "intra" in c.stages)
        ratings.save_ratings(
            service_app,
            service_app.actor("Zoé Test"),
            alice,
            "intra",
            [RatingInput(crit.id, 2, DRAFT_TEXT)],
            submit=False,
        )
    secrets = [e.evidence for e in snap.evaluations if e.candidate_id == alice and e.evidence] + [
        n.note for n in snap.culture_notes if n.candidate_id == alice
    ]
    # a text that another candidate's file also holds is not Alice's secret
    elsewhere = {e.evidence for e in snap.evaluations if e.candidate_id != alice}
    return ids, [s for s in secrets if s not in elsewhere]


@pytest.mark.slow  # walks every page and chooser position: about 30 s each
@pytest.mark.parametrize("draft", [False, True], ids=["assigned", "with a draft"])
def test_nothing_others_wrote_reaches_an_interviewer_before_they_submit(
    app: AppTest, app_db: str, recorded: list[str], draft: bool
) -> None:
    ids, secrets = setup(app, app_db, draft=draft)
    assert len(secrets) >= 10
    app.text_input(key="user").input("Zoé Test").run()
    app.session_state["cmp_scope"] = "Toutes"
    everything = walk(app, recorded, ids)
    leaked = [s for s in secrets if s[:40] in everything]
    assert not leaked, leaked
    if draft:
        assert DRAFT_TEXT in everything, "the author sees their own draft"


@pytest.mark.slow
def test_others_see_neither_the_draft_nor_less_than_before(
    app: AppTest, app_db: str, recorded: list[str]
) -> None:
    ids, secrets = setup(app, app_db, draft=True)
    app.text_input(key="user").input("Karim Benali").run()
    everything = walk(app, recorded, ids)
    assert DRAFT_TEXT[:20] not in everything
    # Karim submitted at intra for Alice: he sees the panel, so the rule does not over-hide
    assert any(s[:40] in everything for s in secrets)


def test_the_comparison_does_not_score_a_blinded_candidate_from_others_ratings(
    app: AppTest, app_db: str
) -> None:
    ids, _ = setup(app, app_db, draft=False)
    app.text_input(key="user").input("Zoé Test").run()
    app.session_state["cmp_scope"] = "Toutes"
    app.switch_page("pages/comparaison.py").run()
    no_exception(app)
    table = app.dataframe[0].value.set_index("Candidat·e")
    assert table.loc["Alice Moreau", "Couverture"].startswith("0")
    assert any("Alice Moreau" in w.value for w in app.warning)
