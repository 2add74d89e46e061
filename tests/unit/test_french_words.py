"""Small French rules the app writes by: elision before a name, agreement of a count."""

from __future__ import annotations

import pytest

from selection.domain.formatting import counted, de, fr_trimmed, que


@pytest.mark.parametrize(
    ("name", "of", "that"),
    [
        ("Alice Moreau", "d'Alice Moreau", "qu'Alice Moreau"),
        ("Émile", "d'Émile", "qu'Émile"),
        ("Hélène", "d'Hélène", "qu'Hélène"),
        ("Bastien Roux", "de Bastien Roux", "que Bastien Roux"),
        ("Yann", "de Yann", "que Yann"),
        ("\u2060Inès", "d'\u2060Inès", "qu'\u2060Inès"),  # escaped text starts with a joiner
    ],
)
def test_names_are_elided_before_a_vowel(name: str, of: str, that: str) -> None:
    assert de(name) == of
    assert que(name) == that


def test_counts_agree_in_number() -> None:
    assert counted(0, "note") == "0 note"
    assert counted(1, "note soumise", "notes soumises") == "1 note soumise"
    assert counted(2, "note soumise", "notes soumises") == "2 notes soumises"
    assert counted(2000, "tirage") == "2\u202f000 tirages"


def test_numbers_drop_a_useless_decimal() -> None:
    assert [fr_trimmed(v) for v in (3.0, 2.5, 4 / 3, 0.0)] == ["3", "2,5", "1,3", "0"]
