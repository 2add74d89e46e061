"""The decision-meeting page: sliders change the ranking, the CSV has one row per candidate."""

from __future__ import annotations

import io

import pandas as pd
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from selection.domain.model import Candidate, Criterion, Evaluation, Recruitment, StageDecision
from selection.storage.store import Store, new_id
from tests.app.conftest import no_exception

PAGE = "pages/comparaison.py"


def designed_recruitment(store: Store) -> tuple[str, dict[str, str]]:
    """Dev is better at code, PM at product; with equal weights PM leads (2+3 > 3+1)."""
    rec = store.save_recruitment(Recruitment(id=new_id(), title="Cas conçu"))
    crits = store.save_criteria(
        rec.id,
        [
            Criterion(
                id=new_id(), recruitment_id=rec.id, label="Code", weight=1.0, stages=("intra",)
            ),
            Criterion(
                id=new_id(),
                recruitment_id=rec.id,
                label="Produit",
                weight=1.0,
                stages=("intra",),
                position=1,
            ),
        ],
    )
    by_label = {c.label: c.id for c in crits}
    for name, ratings in (("Dev", {"Code": 3, "Produit": 1}), ("PM", {"Code": 2, "Produit": 3})):
        cand = store.save_candidate(Candidate(id=new_id(), recruitment_id=rec.id, name=name))
        store.record_decision(
            StageDecision(new_id(), cand.id, "prequalification", "continuer", "Lead", "ok")
        )
        store.save_evaluations(
            [
                Evaluation(
                    new_id(), cand.id, "intra", by_label[label], "Karim", value, f"Preuve {value}"
                )
                for label, value in ratings.items()
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


def ranking(app: AppTest) -> list[str]:
    table = app.dataframe[0].value
    return list(table["Candidat·e"])


def test_moving_a_weight_slider_changes_the_ranking(app: AppTest, app_store: Store) -> None:
    rid, crit_ids = designed_recruitment(app_store)
    open_comparison(app, app_store, rid)
    assert ranking(app) == ["PM", "Dev"]
    app.slider(key=f"w_{crit_ids['Produit']}_0").set_value(0.2).run()
    no_exception(app)
    assert ranking(app) == ["Dev", "PM"]
    assert any("Simulation" in w.value for w in app.warning)
    # nothing saved until the lead asks for it
    assert {c.weight for c in app_store.list_criteria(rid)} == {1.0}


def test_saving_what_if_weights_writes_them_to_the_brief(app: AppTest, app_store: Store) -> None:
    rid, crit_ids = designed_recruitment(app_store)
    open_comparison(app, app_store, rid)
    app.slider(key=f"w_{crit_ids['Produit']}_0").set_value(0.5).run()
    next(b for b in app.button if b.label.startswith("Enregistrer ces pondérations")).click().run()
    no_exception(app)
    weights = {c.label: c.weight for c in app_store.list_criteria(rid)}
    assert weights == {"Code": 1.0, "Produit": 0.5}


def test_csv_download_has_one_row_per_candidate_with_score_and_coverage(
    app: AppTest, app_store: Store, monkeypatch
) -> None:
    downloads: dict[str, tuple[str, bytes]] = {}
    original = DeltaGenerator.download_button

    def recording_download_button(self, label, data, file_name=None, **kwargs):
        downloads[label] = (file_name, data() if callable(data) else data)
        return original(self, label, data, file_name=file_name, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", recording_download_button)
    rid, _ = designed_recruitment(app_store)
    open_comparison(app, app_store, rid)
    csv_buttons = [b for b in app.download_button if "CSV" in b.label]
    assert len(csv_buttons) == 2
    assert any("relevé de décision" in b.label for b in app.download_button)
    ((excel_name, excel),) = [v for k, v in downloads.items() if "Excel" in k]
    ((std_name, standard),) = [v for k, v in downloads.items() if "RFC" in k]
    assert excel_name.startswith("comparaison-cas-concu") and excel_name.endswith(".csv")
    assert excel_name != std_name
    fr = pd.read_csv(io.BytesIO(excel), sep=";", decimal=",", encoding="utf-8-sig")
    std = pd.read_csv(io.BytesIO(standard))
    assert "Probabilité d'être en tête (%)" in fr.columns
    for frame in (fr, std):
        assert len(frame) == 2
        score = next(c for c in frame.columns if c.lower().startswith("score"))
        cover = next(c for c in frame.columns if "couverture" in c.lower())
        name = next(c for c in frame.columns if c.lower().startswith("candidat"))
        by_name = frame.set_index(name)
        assert by_name.loc["PM", score] == 75.0
        assert by_name.loc["Dev", score] == 50.0
        assert set(frame[cover]) == {100.0}
