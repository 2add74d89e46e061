"""Shared UI helpers that hold logic of their own (no Streamlit run needed)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from selection.services import brief
from ui.widgets import list_to_ticks, ticks_to_list

STAGES = [column for column, _label in brief.stage_columns()]


def test_the_brief_grid_round_trips_through_one_stage_list_column() -> None:
    grid = brief.criteria_grid([]).reset_index()
    grid.loc[0] = [
        "a",
        "Sécurité",
        "",
        "",
        "🟠 moyenne",
        2.0,
        True,
        True,
        False,
        False,
        False,
        True,
    ]
    grid.loc[1] = ["b", "Produit", "", "", "🟡 basse", 1.0, False, False, True, True, False, False]
    shown = ticks_to_list(grid, STAGES, "Étapes")
    assert not set(STAGES) & set(shown.columns), "one list column replaces the tick columns"
    assert shown["Étapes"].tolist() == [
        [STAGES[0], STAGES[4]],
        [STAGES[1], STAGES[2]],
    ]
    back = list_to_ticks(shown, STAGES, "Étapes")
    pd.testing.assert_frame_equal(back[grid.columns], grid, check_dtype=False)


def test_a_new_row_left_without_stages_has_every_tick_empty() -> None:
    """A row added in the grid comes back with None, NaN or an array in the list column."""
    edited = pd.DataFrame(
        {
            "Intitulé": ["x", "y", "z", "w"],
            "Étapes": [None, float("nan"), np.array([STAGES[3]]), []],
        }
    )
    back = list_to_ticks(edited, STAGES, "Étapes")
    assert back[STAGES].values.tolist() == [
        [False] * 5,
        [False] * 5,
        [c == STAGES[3] for c in STAGES],
        [False] * 5,
    ]
    assert back[STAGES].dtypes.eq(bool).all()
