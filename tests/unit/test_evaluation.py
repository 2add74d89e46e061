"""Rating rules: evidence required, stage reached, blind until submitted, culture advisory."""

from __future__ import annotations

from dataclasses import replace

import pytest

from selection.analysis.scoring import compare
from selection.domain.model import CultureNote, StageDecision, ValidationError
from selection.services.candidates import check_final_choice
from selection.services.evaluation import (
    RatingInput,
    build_evaluations,
    culture_notes_visible,
    inputs_from_grid,
    panel_view,
    rating_grid,
)
from selection.storage.store import new_id
from tests.factories import snapshot


def two_raters():
    snap = snapshot({"Code": 1.0, "Produit": 1.0}, {"Ana": {"Code": [3, 1]}})
    return snap, snap.candidates[0].id, {c.label: c.id for c in snap.criteria}


def test_b_cannot_see_a_until_b_submits() -> None:
    snap, ana, crit = two_raters()
    assert panel_view(snap, ana, "intra", "Quelqu'un d'autre") is None
    seen = panel_view(snap, ana, "intra", "Évaluateur 1")
    assert seen is not None
    assert set(seen["Évaluateur·rice"]) == {"Évaluateur 1", "Évaluateur 2"}
    assert set(seen["Désaccord"]) == {"⚠️ désaccord fort"}


def test_a_draft_does_not_open_the_panel() -> None:
    snap, ana, crit = two_raters()
    drafts = build_evaluations(
        snap, ana, "intra", "Camille", [RatingInput(crit["Code"], 2, "Preuve")], submit=False
    )
    assert {e.status for e in drafts} == {"brouillon"}
    snap.evaluations.extend(drafts)
    assert panel_view(snap, ana, "intra", "Camille") is None


def test_rating_without_evidence_is_refused_with_the_criterion_named() -> None:
    snap, ana, crit = two_raters()
    with pytest.raises(ValidationError, match="« Code » est noté sans preuve"):
        build_evaluations(
            snap, ana, "intra", "Camille", [RatingInput(crit["Code"], 3, "  ")], submit=True
        )


def test_rating_a_stage_not_reached_is_refused() -> None:
    snap, ana, crit = two_raters()
    with pytest.raises(ValidationError, match="n'a pas atteint"):
        build_evaluations(
            snap,
            ana,
            "mise_en_situation",
            "Camille",
            [RatingInput(crit["Code"], 3, "x")],
            submit=True,
        )


def test_culture_stage_takes_no_rating() -> None:
    snap, ana, crit = two_raters()
    with pytest.raises(ValidationError, match="consultatif"):
        build_evaluations(
            snap, ana, "adequation", "Camille", [RatingInput(crit["Code"], 3, "x")], submit=True
        )


def test_culture_notes_never_change_any_score() -> None:
    snap, ana, _ = two_raters()
    before = compare(snap).table.drop(columns="candidate_id")
    snap.culture_notes.append(
        CultureNote(new_id(), ana, "Karim", "Réticent au travail en équipe", True, "fort")
    )
    after = compare(snap).table.drop(columns="candidate_id")
    assert before.equals(after)


def test_culture_notes_are_hidden_until_the_viewer_wrote_one() -> None:
    snap, ana, _ = two_raters()
    snap.culture_notes.append(CultureNote(new_id(), ana, "Karim", "Observation", False))
    assert culture_notes_visible(snap, ana, "Sophie") is None
    snap.culture_notes.append(CultureNote(new_id(), ana, "Sophie", "Mon avis", False))
    assert len(culture_notes_visible(snap, ana, "Sophie")) == 2


def test_submitting_again_is_a_correction_of_the_same_rows() -> None:
    snap, ana, crit = two_raters()
    first = build_evaluations(
        snap, ana, "intra", "Camille", [RatingInput(crit["Code"], 2, "Partiel")], submit=True
    )
    snap.evaluations.extend(first)
    again = build_evaluations(
        snap, ana, "intra", "Camille", [RatingInput(crit["Code"], 3, "Complet")], submit=True
    )
    assert [e.id for e in again] == [e.id for e in first]


def test_fast_grid_round_trip() -> None:
    snap, ana, crit = two_raters()
    existing = {e.criterion_id: e for e in snap.evaluations if e.interviewer == "Évaluateur 1"}
    grid = rating_grid(snap, [crit["Code"], crit["Produit"]], existing)
    inputs = inputs_from_grid(grid)
    assert [(i.criterion_id, i.rating) for i in inputs] == [
        (crit["Code"], 3),
        (crit["Produit"], None),
    ]
    grid.loc[crit["Produit"], "Note"] = "n'importe quoi"
    with pytest.raises(ValidationError, match="Note inconnue"):
        inputs_from_grid(grid)


def test_a_candidate_whose_must_have_failed_cannot_be_retained() -> None:
    snap = snapshot({"Sécurité": 3.0}, {"Ana": {"Sécurité": 1}}, must_have=("Sécurité",))
    # Probed only at the intra interview, rated there: no later stage can validate it.
    snap.criteria = [replace(c, stages=("intra",)) for c in snap.criteria]
    snap.recruitment = replace(snap.recruitment, owner="Camille")
    choice = StageDecision(new_id(), snap.candidates[0].id, "intra", "retenu", "Camille", "x")
    with pytest.raises(ValidationError, match="ne peut pas être retenu"):
        check_final_choice(snap, choice.candidate_id)


def test_final_choice_can_move_once_the_first_person_withdrew() -> None:
    snap = snapshot({"Code": 1.0}, {"Ana": {"Code": 3}, "Ben": {"Code": 3}})
    snap.recruitment = replace(snap.recruitment, owner="Camille")
    ana, ben = snap.candidates
    snap.decisions.append(StageDecision(new_id(), ana.id, "intra", "retenu", "Camille", "x"))
    second = StageDecision(new_id(), ben.id, "intra", "retenu", "Camille", "y")
    with pytest.raises(ValidationError, match="déjà enregistré pour Ana"):
        check_final_choice(snap, second.candidate_id)
    snap.decisions.append(
        StageDecision(new_id(), ana.id, "references", "arreter", "Camille", "Désiste")
    )
    check_final_choice(snap, second.candidate_id)
