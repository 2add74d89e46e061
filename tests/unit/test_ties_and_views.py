"""One tie rule everywhere, and sentences that follow the view on screen."""

from __future__ import annotations

import numpy as np
import pytest

from selection.analysis.gaps import find_gaps
from selection.analysis.meeting import (
    WEIGHTS_DO_NOT_APPLY,
    display_table,
    leaders_by_view,
    view_summary,
    views_disagreement,
)
from selection.analysis.progress import candidate_status
from selection.analysis.robustness import analyse
from selection.analysis.scoring import VIEW_COLUMNS, compare, tie_key
from selection.documents.reports import _leaders_sentence, _rank_strings
from tests.factories import snapshot


def _ranks(comparison, view):
    ranked = comparison.ranked(view)
    return dict(zip(ranked["candidat"], ranked["rang"], strict=True))


def exact_tie():
    # Zoé and Ana: the same ratings, so the same score in every view; Bob behind.
    return snapshot(
        {"A": 2.0, "B": 1.0},
        {"Zoé": {"A": 3, "B": 2}, "Ana": {"A": 3, "B": 2}, "Bob": {"A": 2, "B": 1}},
        levels={"A": 3, "B": 1},
    )


def noise_tie():
    # Weights 0.1, 0.2, 0.3: Ana scores (0.1 + 0.2) / 0.6, Bob 0.3 / 0.6 — equal on paper,
    # 0.30000000000000004 against 0.3 in floating point. Levels 1, 2, 3: 3 points each.
    return snapshot(
        {"A": 0.1, "B": 0.2, "C": 0.3},
        {
            "Bob": {"A": 1, "B": 1, "C": 3},
            "Ana": {"A": 3, "B": 3, "C": 1},
            "Cé": {"A": 1, "B": 1, "C": 1},
        },
        levels={"A": 1, "B": 2, "C": 3},
    )


@pytest.mark.parametrize("make", [exact_tie, noise_tie])
def test_equal_scores_share_a_rank_in_all_three_views_and_are_listed_by_name(make):
    snap = make()
    comp = compare(snap)
    if make is noise_tie:
        ana, bob = (comp.table.set_index("candidat").loc[n, "score"] for n in ("Ana", "Bob"))
        assert ana != bob, "the case must carry float noise"
    tied = {"exact_tie": ("Ana", "Zoé"), "noise_tie": ("Ana", "Bob")}[make.__name__]
    for view in VIEW_COLUMNS:
        ranked = comp.ranked(view)
        assert list(ranked["candidat"][:2]) == list(tied), view
        assert [_ranks(comp, view)[n] for n in tied] == [1, 1], view
        assert list(ranked["rang"])[2] == 3, view
    # The table on screen and the decision record say the same.
    status = candidate_status(snap)
    for view in VIEW_COLUMNS:
        shown = display_table(comp, status, view, {})
        assert list(shown["Rang"][:2]) == ["1", "1"]
    table = comp.table
    for column in ("score", "matrice", "points_valides"):
        ranks = dict(zip(table["candidat"], _rank_strings(table[column]), strict=True))
        assert [ranks[n] for n in tied] == ["1", "1"], column
    assert _leaders_sentence(table) == (
        f"Les trois vues placent à égalité en tête : {tied[0]}, {tied[1]}.",
        False,
    )
    assert leaders_by_view(comp) == {view: list(tied) for view in VIEW_COLUMNS}
    assert views_disagreement(comp) is None


@pytest.mark.parametrize("make", [exact_tie, noise_tie])
def test_the_robustness_and_gap_sentences_agree_with_the_shared_rank(make):
    snap = make()
    comp = compare(snap)
    result = analyse(comp)
    first, second = comp.ranked_names[:2]
    assert result.names[:2] == [first, second]
    assert f"{first} est à égalité de score avec {second} (même rang)" in result.summary
    assert result.probabilities[0] == pytest.approx(result.probabilities[1], abs=0.2)
    assert "Les preuves manquantes peuvent encore changer" not in result.summary
    positions = {g.candidate_name: g.position for g in find_gaps(snap)}
    for name in (first, second):
        if name in positions:
            assert positions[name] == 1


def test_tie_key_ignores_float_noise_but_not_a_real_difference():
    assert tie_key(0.1 + 0.2) == tie_key(0.3)
    assert tie_key(0.5) != tie_key(0.5 + 1e-6)
    assert np.isnan(tie_key(float("nan")))


def test_the_guide_view_names_its_own_leader_and_says_the_weights_do_nothing():
    # Ana validates the level-1 criterion only but has the best weighted mean; Ben validates the
    # level-3 one: the guide's view puts Ben first, the two others Ana.
    snap = snapshot(
        {"Rouge": 1.0, "Jaune": 3.0},
        {"Ana": {"Rouge": 2, "Jaune": 3}, "Ben": {"Rouge": 3, "Jaune": 1}},
        levels={"Rouge": 3, "Jaune": 1},
    )
    comp = compare(snap)
    leaders = leaders_by_view(comp)
    assert leaders == {"moyenne": ["Ana"], "matrice": ["Ana"], "valides": ["Ben"]}
    warning = views_disagreement(comp)
    assert warning is not None
    assert "Moyenne pondérée (0–100 %) : Ana" in warning
    assert "Somme des critères validés (guide) : Ben" in warning
    robustness = analyse(comp)
    text = view_summary(comp, "valides", robustness)
    assert text.startswith("Dans la vue « Somme des critères validés », Ben est en tête")
    assert WEIGHTS_DO_NOT_APPLY in text
    assert "Ana" not in text.split(".")[0]
    # Moving a weight changes the weighted views, never the guide's.
    rouge = next(c.id for c in snap.criteria if c.label == "Rouge")
    moved = compare(snap, {rouge: 3.0})
    assert view_summary(moved, "valides", analyse(moved)) == text
    assert view_summary(comp, "moyenne", robustness) == robustness.summary
    assert robustness.summary.startswith("Ana")
