"""The scoring engine on hand-computed cases (PRODUCT.md §4)."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from selection.analysis.scoring import compare, weighted_scores
from selection.domain.model import StageDecision, ValidationError
from tests.factories import snapshot


def row(comparison, name):
    return comparison.table.set_index("candidat").loc[name]


def test_weighted_mean_rescales_1_to_0_and_3_to_100_percent() -> None:
    snap = snapshot({"A": 2.0, "B": 1.0}, {"Ana": {"A": 3, "B": 1}})
    r = row(compare(snap), "Ana")
    # (2 × 1.0 + 1 × 0.0) / 3
    assert r["score"] == pytest.approx(2 / 3)
    assert r["couverture"] == pytest.approx(1.0)
    assert r["matrice"] == pytest.approx(2 * 3 + 1 * 1)


def test_missing_rating_is_excluded_not_zero() -> None:
    snap = snapshot({"A": 1.0, "B": 1.0}, {"Ana": {"A": 3}, "Ben": {"A": 3, "B": 1}})
    comp = compare(snap)
    assert row(comp, "Ana")["score"] == pytest.approx(1.0)
    assert row(comp, "Ben")["score"] == pytest.approx(0.5)
    assert row(comp, "Ana")["couverture"] == pytest.approx(0.5)


def test_few_strong_ratings_are_not_pulled_down_by_missing_ones() -> None:
    snap = snapshot(
        {"A": 3.0, "B": 2.0, "C": 1.0},
        {"Few": {"A": 3}, "Many": {"A": 3, "B": 2, "C": 2}},
    )
    comp = compare(snap)
    assert comp.ranked_names[0] == "Few"
    assert row(comp, "Few")["score"] == pytest.approx(1.0)


def test_interval_fills_missing_with_1_and_3_and_contains_the_score() -> None:
    snap = snapshot({"A": 2.0, "B": 1.0}, {"Ana": {"A": 2}})
    r = row(compare(snap), "Ana")
    # worst: A=0.5 (rating 2), B=0 → (2×0.5)/3 ; best: B=1 → (1 + 1)/3
    assert r["score_min"] == pytest.approx(1 / 3)
    assert r["score_max"] == pytest.approx(2 / 3)
    assert r["score_min"] <= r["score"] <= r["score_max"]
    assert r["matrice_min"] <= r["matrice"] <= r["matrice_max"]


def test_interviewers_are_averaged_mechanically() -> None:
    snap = snapshot({"A": 1.0}, {"Ana": {"A": [1, 3]}})
    comp = compare(snap)
    assert comp.means.loc["Ana", "A"] == pytest.approx(2.0)
    assert comp.spread.loc["Ana", "A"] == pytest.approx(2.0)


def test_zero_total_weight_is_refused_in_french() -> None:
    snap = snapshot({"A": 0.0, "B": 0.0}, {"Ana": {"A": 3}})
    with pytest.raises(ValidationError, match="pondérations sont nulles"):
        compare(snap)


def test_candidate_without_evidence_has_no_score_and_no_rank() -> None:
    snap = snapshot({"A": 1.0}, {"Ana": {"A": 2}, "Nul": {}})
    r = row(compare(snap), "Nul")
    assert math.isnan(r["score"])
    assert r["score_min"] == 0 and r["score_max"] == 1
    assert pd.isna(r["rang"])


def test_ties_share_a_rank_and_are_listed_by_name() -> None:
    snap = snapshot({"A": 1.0}, {"Zoé": {"A": 3}, "Ana": {"A": 3}, "Bob": {"A": 1}})
    table = compare(snap).table
    assert list(table["candidat"]) == ["Ana", "Zoé", "Bob"]
    assert list(table["rang"]) == [1, 1, 3]


def test_what_if_weights_change_the_ranking() -> None:
    snap = snapshot(
        {"Code": 1.0, "Produit": 1.0},
        {"Dev": {"Code": 3, "Produit": 1}, "PM": {"Code": 2, "Produit": 3}},
    )
    code = next(c.id for c in snap.criteria if c.label == "Code")
    produit = next(c.id for c in snap.criteria if c.label == "Produit")
    assert compare(snap).ranked_names[0] == "PM"
    assert compare(snap, {code: 3.0, produit: 0.5}).ranked_names[0] == "Dev"


def test_guide_method_counts_validated_levels_only() -> None:
    snap = snapshot(
        {"Rouge": 3.0, "Orange": 2.0, "Jaune": 1.0, "Partiel": 3.0},
        {"Ana": {"Rouge": 3, "Orange": 3, "Jaune": 3, "Partiel": 2}},
        levels={"Rouge": 3, "Orange": 2, "Jaune": 1, "Partiel": 3},
    )
    r = row(compare(snap), "Ana")
    assert r["points_valides"] == 6  # 3 + 2 + 1, partial earns 0
    assert r["points_total"] == 9


def _probed_at(snap, *stages):
    snap.criteria = [replace(c, stages=stages) for c in snap.criteria]
    return snap


def test_a_must_have_is_validated_to_confirm_or_failed() -> None:
    # Everyone passed préqualification (factory) and was rated at the intra interview.
    ratings = {"Ana": {"Sécurité": 2, "Code": 3}, "Ben": {"Code": 3}, "Cé": {"Sécurité": 3}}
    crits = {"Sécurité": 3.0, "Code": 1.0}
    # Probed at intra and at the work sample, still ahead for everyone: only « à confirmer ».
    comp = compare(
        _probed_at(snapshot(crits, ratings, must_have=("Sécurité",)), "intra", "mise_en_situation")
    )
    assert row(comp, "Ana")["obligatoires"] == "a_confirmer"
    assert row(comp, "Ben")["obligatoires"] == "a_confirmer"
    assert row(comp, "Cé")["obligatoires"] == "ok"
    # Probed at intra only: Ana was rated there (2 < 2,5) → failed. Ben was not rated at intra
    # yet and is there now (no decision yet): the stage is still open → « à confirmer ».
    comp = compare(_probed_at(snapshot(crits, ratings, must_have=("Sécurité",)), "intra"))
    assert row(comp, "Ana")["obligatoires"] == "bloquant"
    assert row(comp, "Ben")["obligatoires"] == "a_confirmer"
    # Once Ben passed intra without any rating on it, nothing can validate it any more.
    snap = _probed_at(snapshot(crits, ratings, must_have=("Sécurité",)), "intra")
    ben = next(c for c in snap.candidates if c.name == "Ben")
    snap.decisions.append(StageDecision("d-ben", ben.id, "intra", "continuer", "Lead", "ok"))
    assert row(compare(snap), "Ben")["obligatoires"] == "bloquant"
    # Probed only at préqualification, which everyone passed: a missing rating has failed too.
    comp = compare(
        _probed_at(snapshot(crits, ratings, must_have=("Sécurité",)), "prequalification")
    )
    assert row(comp, "Cé")["obligatoires"] == "ok", "a rating at another stage still counts"
    assert row(comp, "Ben")["obligatoires"] == "bloquant"


def test_a_stopped_candidate_has_nothing_ahead() -> None:
    snap = snapshot({"Sécurité": 3.0}, {"Ana": {"Sécurité": 2}}, must_have=("Sécurité",))
    assert row(compare(snap), "Ana")["obligatoires"] == "a_confirmer"
    ana = snap.candidates[0]
    snap.decisions.append(StageDecision("d-ana", ana.id, "intra", "arreter", "Lead", "non"))
    assert row(compare(snap), "Ana")["obligatoires"] == "bloquant"


def test_culture_stage_ratings_never_count() -> None:
    snap = snapshot({"A": 1.0}, {"Ana": {"A": 1}}, stage="adequation")
    r = row(compare(snap), "Ana")
    assert math.isnan(r["score"]) and r["nb_notes"] == 0


def test_contributions_sum_to_the_score_in_every_view() -> None:
    snap = snapshot(
        {"A": 2.0, "B": 1.0, "C": 0.5},
        {"Ana": {"A": 3, "B": 2}, "Ben": {"A": 1, "B": 3, "C": 3}},
        levels={"A": 3, "B": 1, "C": 2},
    )
    comp = compare(snap)
    for view, column in (
        ("moyenne", "score"),
        ("matrice", "matrice"),
        ("valides", "points_valides"),
    ):
        sums = comp.contributions(view).groupby("candidat")["contribution"].sum()
        for name in ("Ana", "Ben"):
            assert sums[name] == pytest.approx(row(comp, name)[column]), view


def test_weighted_scores_is_pure_numpy() -> None:
    means = np.array([[3.0, np.nan], [1.0, 2.0]])
    s = weighted_scores(means, np.array([1.0, 1.0]))
    assert s.score[0] == pytest.approx(1.0)
    assert s.coverage.tolist() == [0.5, 1.0]


def test_guide_view_ranks_a_blocked_candidate_after_the_others() -> None:
    snap = snapshot(
        {"Sécurité": 3.0, "Code": 1.0},
        {"Bloqué": {"Sécurité": 2, "Code": 3}, "Moyen": {"Sécurité": 3, "Code": 1}},
        levels={"Sécurité": 1, "Code": 3},
        must_have=("Sécurité",),
    )
    ranked = compare(_probed_at(snap, "intra")).ranked("valides")
    assert list(ranked["candidat"]) == ["Moyen", "Bloqué"]
    assert pd.isna(ranked.iloc[1]["rang"])
