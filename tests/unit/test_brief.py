"""Brief grid round trip, creation from a preset, duplication."""

from __future__ import annotations

import pandas as pd
import pytest

from selection.domain.model import ValidationError
from selection.services.brief import (
    criteria_from_grid,
    criteria_grid,
    duplicate_brief,
    new_recruitment_from_preset,
    preset_key_for,
    stage_column,
)
from tests.factories import snapshot


def test_grid_round_trip_keeps_criteria_weights_and_questions() -> None:
    snap = snapshot({"Code": 2.5, "Produit": 1.0}, {})
    snap.criteria[0] = snap.criteria[0].__class__(
        **{**snap.criteria[0].__dict__, "questions": ("Raconte-moi…",)}
    )
    back = criteria_from_grid(criteria_grid(snap.criteria), snap.recruitment.id, snap.criteria)
    assert back == snap.criteria


def test_grid_edit_changes_stages_and_new_row_gets_an_id() -> None:
    snap = snapshot({"Code": 2.0}, {})
    grid = criteria_grid(snap.criteria)
    grid.loc[snap.criteria[0].id, stage_column("references")] = False
    new_row = pd.DataFrame(
        [
            {
                **dict.fromkeys(grid.columns, False),
                "Intitulé": "Nouveau",
                "Niveau": "🔴 maximale",
                "Poids": None,  # a new row of the editor: the fine weight follows the level
            }
        ],
        index=pd.Index([None], name="id"),
    )
    grid = pd.concat([grid, new_row])
    back = criteria_from_grid(grid, snap.recruitment.id, snap.criteria)
    assert "references" not in back[0].stages
    assert back[1].label == "Nouveau" and back[1].weight_level == 3 and back[1].weight == 3.0
    assert back[1].id not in {c.id for c in snap.criteria}


def test_unknown_level_is_refused() -> None:
    snap = snapshot({"Code": 2.0}, {})
    grid = criteria_grid(snap.criteria)
    grid["Niveau"] = "énorme"
    with pytest.raises(ValidationError, match="Niveau"):
        criteria_from_grid(grid, snap.recruitment.id, snap.criteria)


def test_new_recruitment_from_the_developer_preset() -> None:
    created = new_recruitment_from_preset("Dev", "Équipe", "Camille", "developpeur")
    assert created.recruitment.role == "Développeur·se"
    assert preset_key_for(created.recruitment.role) == "developpeur"
    assert len(created.criteria) == 10
    assert all(c.recruitment_id == created.recruitment.id for c in created.criteria)


def test_duplicate_copies_the_brief_but_no_candidate() -> None:
    snap = snapshot({"Code": 2.5}, {"Ana": {"Code": 3}})
    copy = duplicate_brief(snap, "Nouveau poste", "Camille")
    assert copy.recruitment.id != snap.recruitment.id
    assert [c.label for c in copy.criteria] == ["Code"]
    assert copy.criteria[0].weight == 2.5 and copy.criteria[0].id != snap.criteria[0].id
    assert copy.candidates == [] and copy.evaluations == []


def test_editor_grid_with_the_id_as_a_hidden_column_accepts_a_new_row() -> None:
    """The brief page gives the editor a plain index and the id as a (hidden) column, since a
    dynamic editor indexed by strings drops added rows."""
    snap = snapshot({"Code": 2.0}, {})
    grid = criteria_grid(snap.criteria).reset_index()
    added = {**dict.fromkeys(grid.columns, None), "Intitulé": "Nouveau", "Niveau": "🟡 basse"}
    grid = pd.concat([grid, pd.DataFrame([added])], ignore_index=True)
    back = criteria_from_grid(grid, snap.recruitment.id, snap.criteria)
    assert [c.label for c in back] == ["Code", "Nouveau"]
    assert back[0].id == snap.criteria[0].id
    assert back[1].weight_level == 1 and back[1].stages == ()


def test_a_weight_typed_in_the_grid_wins_over_the_level() -> None:
    snap = snapshot({"Code": 2.0, "Produit": 2.0}, {})
    grid = criteria_grid(snap.criteria)
    grid.loc[snap.criteria[0].id, "Poids"] = 2.7
    grid.loc[snap.criteria[1].id, "Niveau"] = "🟡 basse"
    back = criteria_from_grid(grid, snap.recruitment.id, snap.criteria)
    assert back[0].weight == 2.7 and back[0].weight_level == 2
    # level changed, weight left as it was: the weight follows the new level
    assert back[1].weight_level == 1 and back[1].weight == 1.0
