"""Shared UI helpers that hold logic of their own (no Streamlit run needed)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from selection.services import brief
from selection.services.errors import UserError
from tests.unit.markdown_view import markdown_html
from ui import widgets
from ui.widgets import (
    TypedDate,
    date_text,
    decimal_fr,
    list_to_ticks,
    parse_date,
    steps,
    ticks_to_list,
)

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


def test_an_empty_brief_still_has_a_list_column() -> None:
    """No criterion yet: the stage column must stay a list column, or the grid cannot edit it."""
    shown = ticks_to_list(brief.criteria_grid([]).reset_index(), STAGES, "Étapes")
    assert shown.empty and shown["Étapes"].dtype == object


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("15/01/2027", date(2027, 1, 15)),
        (" 5/1/2027 ", date(2027, 1, 5)),
        ("05.01.2027", date(2027, 1, 5)),
        ("05-01-2027", date(2027, 1, 5)),
        ("2027-01-05", date(2027, 1, 5)),
        ("", None),
        ("   ", None),
    ],
)
def test_a_date_is_typed_the_french_way(typed: str, expected: date | None) -> None:
    assert parse_date(typed, "Date de l'appel") == expected
    if expected:
        assert parse_date(date_text(expected), "x") == expected, "what the field shows reads back"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("01/15/2027", "n'existe pas"),  # an American date: month 15
        ("31/02/2027", "n'existe pas"),
        ("demain", "JJ/MM/AAAA"),
        ("15/01/27", "JJ/MM/AAAA"),
        ("[lien](https://exemple.org)", "JJ/MM/AAAA"),
    ],
)
def test_a_wrong_date_is_refused_in_french_naming_the_field(typed: str, says: str) -> None:
    with pytest.raises(UserError) as refused:
        parse_date(typed, "Date de l'appel")
    message = str(refused.value)
    assert "« Date de l'appel »" in message and says in message
    assert "Rien n'a été modifié" in message
    assert "<a " not in markdown_html(message), "what was typed never becomes a link"


def test_a_typed_date_is_read_inside_attempt(monkeypatch: pytest.MonkeyPatch) -> None:
    """A wrong date becomes the French message on screen and the service is not called."""
    shown: list[str] = []
    monkeypatch.setattr(widgets.st, "error", lambda message, **_: shown.append(message))
    called: list[object] = []

    def service(*, on: object) -> str:
        called.append(on)
        return "fait"

    assert widgets.attempt(service, on=TypedDate("30/11/2026", "Date")) == (True, "fait")
    assert called == [date(2026, 11, 30)]
    assert widgets.attempt(service, on=TypedDate("31/11/2026", "Date")) == (False, None)
    assert called == [date(2026, 11, 30)] and "n'existe pas" in shown[0]


def test_numbers_are_written_with_a_decimal_comma() -> None:
    assert [decimal_fr(v) for v in (0.0, 1.0, 2.5, 0.3, 1.25)] == ["0", "1", "2,5", "0,3", "1,25"]
    assert decimal_fr(4.5, "j") == "4,5 j"


def test_slider_steps_are_exact_and_keep_a_stored_value_between_two() -> None:
    assert steps(0.0, 3.0, 0.1)[:4] == [0.0, 0.1, 0.2, 0.3]
    assert len(steps(0.0, 3.0, 0.1)) == 31 and steps(0.0, 3.0, 0.1)[-1] == 3.0
    assert steps(0.0, 5.0, 0.5, keep=2.25) == [0, 0.5, 1, 1.5, 2, 2.25, 2.5, 3, 3.5, 4, 4.5, 5]
    assert steps(0.0, 5.0, 0.5, keep=None) == steps(0.0, 5.0, 0.5, keep=2.5)
