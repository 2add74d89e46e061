"""The decision-meeting page (AppTest): what the server computes from the weights the board sends,
the sentence that follows the view, the files, closed debriefs and an honest scope.

The board itself (sliders, ranking chart and table redrawn in the browser) is JavaScript: here
the weights it sends are set as its state, as the browser does once the sliders are let go.
Its arithmetic is checked against the server in tests/unit/test_meeting_board.py, and in a
real browser in tests/e2e/test_meeting.py.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from selection.domain.model import (
    Candidate,
    Criterion,
    Evaluation,
    Recruitment,
    StageDecision,
)
from selection.services import meeting, ratings
from selection.services.access import Config
from selection.services.app import App
from selection.storage.store import Store, new_id
from tests.app.conftest import no_exception

PAGE = "pages/comparaison.py"


def designed_recruitment(store: Store, *, must_have: bool = False) -> tuple[str, dict[str, str]]:
    """Dev is better at code, PM at product; with equal weights PM leads (2+3 > 3+1)."""
    rec = store.save_recruitment(Recruitment(id=new_id(), title="Cas conçu"))
    crits = store.save_criteria(
        rec.id,
        [
            Criterion(
                id=new_id(),
                recruitment_id=rec.id,
                label="Code",
                weight=1.0,
                weight_level=3,
                must_have=must_have,
                stages=("intra",),
            ),
            Criterion(
                id=new_id(),
                recruitment_id=rec.id,
                label="Produit",
                weight=1.0,
                weight_level=1,
                stages=("intra",),
                position=1,
            ),
        ],
    )
    by_label = {c.label: c.id for c in crits}
    for name, given in (("Dev", {"Code": 3, "Produit": 1}), ("PM", {"Code": 2, "Produit": 3})):
        cand = store.save_candidate(Candidate(id=new_id(), recruitment_id=rec.id, name=name))
        store.record_decision(
            StageDecision(new_id(), cand.id, "prequalification", "continuer", "Lead", "ok")
        )
        store.save_evaluations(
            [
                Evaluation(
                    new_id(), cand.id, "intra", by_label[label], "Karim", value, f"Preuve {value}"
                )
                for label, value in given.items()
            ]
        )
    return rec.id, by_label


def open_comparison(
    app: AppTest, store: Store, recruitment_id: str, user: str = "Camille Martin"
) -> AppTest:
    app.run()
    if user:
        app.text_input(key="user").input(user).run()
    app.session_state["_pending_recruitment_id"] = recruitment_id
    app.switch_page(PAGE).run()
    no_exception(app)
    return app


def board_sends(app: AppTest, recruitment_id: str, weights: dict[str, float]) -> None:
    """What the browser does once the sliders are let go: the board's state holds the weights."""
    app.session_state[f"cmp_board_{recruitment_id}_0"] = {"weights": weights}
    app.run()
    no_exception(app)


def contribution_order(app: AppTest) -> list[str]:
    """Names in the order of the contributions table (the ranking, figure by figure)."""
    return list(app.dataframe[0].value["Candidat·e"])


def sentence(app: AppTest) -> str:
    """The sentence above the ranking (the page's only « info » box)."""
    (box,) = app.info
    return box.value


def test_the_weights_the_board_sends_rank_the_server_side_of_the_meeting(
    app: AppTest, app_store: Store
) -> None:
    rid, crit = designed_recruitment(app_store)
    open_comparison(app, app_store, rid)
    assert contribution_order(app) == ["PM", "Dev"]
    assert sentence(app).startswith("PM")
    board_sends(app, rid, {crit["Code"]: 1.0, crit["Produit"]: 0.2})
    assert contribution_order(app) == ["Dev", "PM"]
    assert sentence(app).startswith("Dev")
    # nothing saved until the lead asks for it
    assert {c.weight for c in app_store.list_criteria(rid)} == {1.0}


def test_weights_from_the_browser_are_checked(app: AppTest, app_store: Store) -> None:
    """Out of range, not a number, an unknown criterion: the server keeps to 0–3 and the brief."""
    rid, crit = designed_recruitment(app_store)
    open_comparison(app, app_store, rid)
    board_sends(app, rid, {crit["Code"]: 9.0, crit["Produit"]: "rien", "autre": 2.0})
    assert contribution_order(app) == ["Dev", "PM"]  # Code at 3, Produit back to the brief's 1
    checked = meeting.weights_from_board(
        {crit["Code"]: 9.0, crit["Produit"]: "rien", "autre": 2.0}, app_store.list_criteria(rid)
    )
    assert checked == {crit["Code"]: 3.0, crit["Produit"]: 1.0}


@pytest.fixture
def downloads(monkeypatch) -> dict[str, tuple[str, bytes]]:
    """Each download button's file, built as the click would build it (data may be a callable)."""
    seen: dict[str, tuple[str, bytes]] = {}
    original = DeltaGenerator.download_button

    def recording(self, label, data, file_name=None, **kwargs):
        payload = data() if callable(data) else data
        seen[label] = (file_name, payload.encode() if isinstance(payload, str) else payload)
        return original(self, label, data, file_name=file_name, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", recording)
    return seen


def test_csv_download_has_the_weights_on_screen(
    app: AppTest, app_store: Store, downloads: dict
) -> None:
    rid, crit = designed_recruitment(app_store)
    open_comparison(app, app_store, rid)
    board_sends(app, rid, {crit["Code"]: 1.0, crit["Produit"]: 0.0})
    ((excel_name, excel),) = [v for k, v in downloads.items() if "Excel" in k]
    ((std_name, standard),) = [v for k, v in downloads.items() if "RFC" in k]
    assert excel_name.startswith("comparaison-cas-concu") and excel_name.endswith(".csv")
    assert excel_name != std_name
    fr = pd.read_csv(io.BytesIO(excel), sep=";", decimal=",", encoding="utf-8-sig")
    std = pd.read_csv(io.BytesIO(standard))
    assert "Probabilité d'être en tête (%)" in fr.columns
    assert "Probabilité d'être en tête, preuves manquantes tirées (%)" in fr.columns
    for frame in (fr, std):
        by_name = frame.set_index("Candidat·e")
        assert list(frame["Candidat·e"]) == ["Dev", "PM"]  # Produit at 0: only code counts
        assert by_name.loc["Dev", "Score (moyenne pondérée, %)"] == 100.0
        assert by_name.loc["PM", "Score (moyenne pondérée, %)"] == 50.0
        assert set(frame["Couverture des preuves (%)"]) == {100.0}


def test_the_decision_record_carries_both_probabilities_calibration_and_help(
    app: AppTest, app_store: Store, downloads: dict
) -> None:
    rid, _ = designed_recruitment(app_store)
    open_comparison(app, app_store, rid)
    ((_, record),) = [v for k, v in downloads.items() if "Markdown" in k]
    text = record.decode("utf-8")
    for heading in (
        "## Robustesse du classement",
        "## Calibration du panel",
        "## Comment lire ces chiffres",
    ):
        assert heading in text
    assert "Pondérations variées" in text
    assert "Pondérations et preuves manquantes tirées" in text
    assert "Solidité de la tête" in text
    assert "Vue retenue en réunion" in text
    for sentence_ in meeting.FIGURE_HELP.values():
        assert sentence_.split(" : ")[0] in text


def test_the_sentence_follows_the_view(app: AppTest, app_store: Store) -> None:
    rid, _ = designed_recruitment(app_store)
    open_comparison(app, app_store, rid)
    app.radio(key="cmp_view").set_value("valides").run()
    no_exception(app)
    text = sentence(app)
    assert "Somme des critères validés" in text
    assert meeting.WEIGHTS_DO_NOT_APPLY in text
    # The robustness and the gaps weigh criteria: they say so in this view (and only in it).
    captions = [c.value for c in app.caption]
    assert captions.count(meeting.WEIGHTED_SECTIONS_NOTE) == 2
    app.radio(key="cmp_view").set_value("moyenne").run()
    assert meeting.WEIGHTED_SECTIONS_NOTE not in [c.value for c in app.caption]


def test_a_warning_names_each_views_leader_when_they_differ(app: AppTest, app_store: Store) -> None:
    """PM leads the weighted views; in the guide's view only a mean of 2.5 earns points, and
    Dev's 3 on Code (level 3) beats PM's 3 on Produit (level 1)."""
    rid, _ = designed_recruitment(app_store)
    open_comparison(app, app_store, rid)
    warnings = [w.value for w in app.warning if "les vues ne placent pas" in w.value]
    assert len(warnings) == 1
    assert "Somme des critères validés (guide) : Dev" in warnings[0]
    assert "Moyenne pondérée (0–100 %) : PM" in warnings[0]


def test_after_the_final_choice_the_scope_is_said_honestly(app: AppTest, app_store: Store) -> None:
    rid, _ = designed_recruitment(app_store)
    people = {c.name: c.id for c in app_store.snapshot(rid).candidates}
    app_store.record_decision(
        StageDecision(new_id(), people["Dev"], "intra", "arreter", "Lead", "Choix fait")
    )
    app_store.record_decision(
        StageDecision(new_id(), people["PM"], "intra", "retenu", "Lead", "Choix fait")
    )
    open_comparison(app, app_store, rid)
    text = sentence(app)
    assert "Une seule candidature a des notes" not in text
    assert "1 autre personne a des notes" in text and "« Toutes »" in text
    assert any("1 candidature comparée sur 2" in c.value for c in app.caption)
    app.segmented_control(key="cmp_scope").set_value("Toutes").run()
    assert contribution_order(app) == ["PM", "Dev"]


def test_a_closed_stage_says_whom_it_waits_for_and_can_be_opened_with_a_reason(
    app: AppTest, app_store: Store
) -> None:
    rid, _ = designed_recruitment(app_store)
    people = {c.name: c.id for c in app_store.snapshot(rid).candidates}
    service_app = App(app_store, Config())
    ratings.assign(
        service_app,
        service_app.actor("Lead"),
        people["PM"],
        "intra",
        member_key="Zoé Test",
        member_name="Zoé Test",
    )
    open_comparison(app, app_store, rid)
    assert any("Pas de débrief à chaud" in w.value for w in app.warning)
    listed = " ".join(m.value for m in app.markdown)
    assert "PM — Entretien intra / métier : en attente de Zoé Test" in listed
    # PM's intra ratings stay out of the meeting: nobody scores her from them yet.
    assert contribution_order(app) == ["Dev", "PM"]
    app.text_input(key="open_debrief_reason").input("Zoé est absente deux semaines")
    app.button(key="open_debrief_submit").click().run()
    no_exception(app)
    assert not app.error, [e.value for e in app.error]
    assert not any("Pas de débrief à chaud" in w.value for w in app.warning)
    assert contribution_order(app) == ["PM", "Dev"]


def test_the_board_gets_what_the_weights_do_not_change(app_store: Store) -> None:
    """Must-have states in words, signals, names and the saved weights travel to the board."""
    from selection.services.reading import scoped_view

    rid, crit = designed_recruitment(app_store, must_have=True)
    config = Config()
    view = scoped_view(app_store.snapshot(rid), config.actor("Lecture"), config, frozenset())
    prepared = meeting.prepare(view, active_only=False, min_stage="prequalification")
    board = meeting.board_data(prepared, "moyenne", {}, key="k", can_save=False)
    by_name = {c["name"]: c for c in board["candidates"]}
    assert by_name["Dev"]["mustHaveLabel"] == meeting.MUST_HAVE_SHORT["ok"]
    assert by_name["PM"]["mustHave"] == "bloquant"  # 2 on Code, and no stage left to confirm it
    assert by_name["PM"]["mustHaveLabel"] == meeting.MUST_HAVE_SHORT["bloquant"]
    assert [c["saved"] for c in board["criteria"]] == [1.0, 1.0]
    assert board["weights"] == {crit["Code"]: 1.0, crit["Produit"]: 1.0}
    assert board["canSave"] is False
    again = meeting.board_data(prepared, "moyenne", {crit["Code"]: 2.0}, key="k", can_save=False)
    assert again["shape"] == board["shape"], "the weights on screen never reset the board"
    other = meeting.board_data(prepared, "matrice", {}, key="k", can_save=False)
    assert other["shape"] != board["shape"], "another view starts the board again"
