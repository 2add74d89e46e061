"""Robustness of the ranking: chance of ranking first, weight flip thresholds, missing evidence."""

from __future__ import annotations

import numpy as np
import pytest

from selection.analysis.robustness import (
    analyse,
    missing_could_change_winner,
    rank_first_probabilities,
    robustness_summary,
    sample_weights,
    smallest_flip,
    weight_flip_thresholds,
)
from selection.analysis.scoring import compare, weighted_scores
from selection.domain.formatting import NNBSP
from selection.domain.model import (
    Candidate,
    Criterion,
    Evaluation,
    Recruitment,
    RecruitmentSnapshot,
    ValidationError,
)

NAN = np.nan


def make_snapshot(
    criteria: dict[str, float], ratings: dict[str, dict[str, list[int]]]
) -> RecruitmentSnapshot:
    """criteria: label → weight; ratings: candidate name → criterion label → one rating per
    interviewer (all at the intra stage, submitted)."""
    crits = [
        Criterion(id=f"k{i}", recruitment_id="r", label=label, weight=w, position=i)
        for i, (label, w) in enumerate(criteria.items())
    ]
    crit_id = {c.label: c.id for c in crits}
    cands = [Candidate(id=f"c{i}", recruitment_id="r", name=n) for i, n in enumerate(ratings)]
    evaluations = [
        Evaluation(
            id=f"e-{cand.id}-{crit_id[label]}-{r}",
            candidate_id=cand.id,
            stage="intra",
            criterion_id=crit_id[label],
            interviewer=f"Personne {r}",
            rating=value,
            evidence="Exemple concret.",
        )
        for cand in cands
        for label, values in ratings[cand.name].items()
        for r, value in enumerate(values)
    ]
    return RecruitmentSnapshot(Recruitment(id="r", title="Designer"), crits, cands, evaluations)


# --- probability of ranking first ----------------------------------------------------------


def test_same_seed_gives_the_same_probabilities():
    rng = np.random.default_rng(3)
    means = rng.choice([1.0, 2.0, 3.0, NAN], size=(30, 6))
    weights = rng.uniform(0.5, 3, 6)
    first = rank_first_probabilities(means, weights, seed=11)
    again = rank_first_probabilities(means, weights, seed=11)
    np.testing.assert_array_equal(first, again)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_probabilities_sum_to_one_and_unrated_candidates_get_zero(seed):
    rng = np.random.default_rng(seed)
    means = rng.choice([1.0, 1.5, 2.0, 2.5, 3.0, NAN], size=(25, 5))
    means[7] = NAN  # nothing known about this candidate
    weights = rng.uniform(0, 3, 5)
    p = rank_first_probabilities(means, weights, samples=500, seed=seed)
    assert p.sum() == pytest.approx(1.0, abs=1e-12)
    assert p[7] == 0.0
    assert (p >= 0).all()


def test_a_candidate_better_on_every_criterion_always_ranks_first():
    means = np.array([[3.0, 3.0, 2.5], [2.0, 2.5, 2.0], [1.0, 2.0, 2.0]])
    p = rank_first_probabilities(means, np.array([3.0, 2.0, 1.0]))
    assert p.tolist() == [1.0, 0.0, 0.0]


def test_a_dominant_leader_cannot_be_overtaken_by_any_single_weight():
    means = np.array([[3.0, 3.0, 2.5], [2.0, 2.5, 2.0]])
    weights = np.array([3.0, 2.0, 1.0])
    flips = weight_flip_thresholds(means, weights, labels=["X", "Y", "Z"])
    assert smallest_flip(flips) is None
    s = weighted_scores(means, weights)
    risk = missing_could_change_winner(s.worst, s.best, s.score)
    text = robustness_summary(
        ["Alice", "Bastien"], s.score, rank_first_probabilities(means, weights), flips, risk
    )
    assert f"Alice reste en tête dans 100{NNBSP}%" in text
    assert "aucun changement d'un seul poids entre 0 et 3" in text


def test_two_identical_candidates_share_the_first_place():
    means = np.array([[3.0, 2.0], [3.0, 2.0], [1.0, 1.0]])
    p = rank_first_probabilities(means, np.array([2.0, 1.0]))
    assert p.tolist() == [0.5, 0.5, 0.0]


def test_mirror_candidates_with_equal_weights_each_lead_about_half_the_time():
    means = np.array([[3.0, 1.0], [1.0, 3.0]])
    p = rank_first_probabilities(means, np.array([2.0, 2.0]), samples=4000)
    assert p[0] == pytest.approx(0.5, abs=0.05)
    assert p[1] == pytest.approx(0.5, abs=0.05)


def test_sampled_weights_stay_within_the_announced_spread_and_zero_stays_zero():
    weights = np.array([3.0, 0.0, 1.0])
    drawn = sample_weights(weights, spread=0.3, samples=1000, seed=5)
    assert (drawn[:, 1] == 0).all()
    assert (drawn[:, 0] >= 2.1).all() and (drawn[:, 0] <= 3.9).all()
    assert (drawn >= 0).all()


def test_missing_ratings_never_pull_a_candidate_down():
    # Alice: one criterion, demonstrated. Bastien: everything rated, partly demonstrated.
    means = np.array([[3.0, NAN, NAN], [2.0, 2.0, 2.0]])
    weights = np.array([1.0, 3.0, 3.0])
    assert rank_first_probabilities(means, weights).tolist() == [1.0, 0.0]
    # No weight between 0 and 3 changes that, except removing her only evidence (X at 0).
    flips = [f for f in weight_flip_thresholds(means, weights) if f.change is not None]
    assert [(f.criterion, f.new_weight, f.new_winner) for f in flips] == [(0, 0.0, 1)]


def test_all_weights_at_zero_is_refused_in_french():
    with pytest.raises(ValidationError, match="pondérations sont nulles"):
        rank_first_probabilities(np.array([[3.0], [2.0]]), np.array([0.0]))


# --- single-weight flip thresholds ---------------------------------------------------------
# Designed by hand. Weights X = 3, Y = 1.
#   Alice:   X = 3, Y = 1 → (3·1 + 1·0) / 4 = 0.75
#   Bastien: X = 2, Y = 3 → (3·0.5 + 1·1) / 4 = 0.625
# Y at t: Alice 3/(3+t), Bastien (1.5+t)/(3+t) → tie at t = 1.5 (Bastien ahead above it).
# X at t: Alice t/(t+1), Bastien (0.5t+1)/(t+1) → tie at t = 2 (Bastien ahead below it).

HAND_MEANS = np.array([[3.0, 1.0], [2.0, 3.0]])
HAND_WEIGHTS = np.array([3.0, 1.0])


def test_flip_thresholds_match_the_hand_computed_case():
    x, y = weight_flip_thresholds(HAND_MEANS, HAND_WEIGHTS, labels=["X", "Y"])
    assert x.lower_weight == pytest.approx(2.0, abs=1e-9)
    assert x.lower_winner == 1
    assert x.upper_weight is None
    assert y.upper_weight == pytest.approx(1.5, abs=1e-9)
    assert y.upper_winner == 1
    assert y.lower_weight is None
    best = smallest_flip([x, y])
    assert best.label == "Y"
    assert best.change == pytest.approx(0.5, abs=1e-9)


def test_just_beyond_the_threshold_the_scoring_engine_changes_the_leader():
    _, y = weight_flip_thresholds(HAND_MEANS, HAND_WEIGHTS)
    before = weighted_scores(HAND_MEANS, np.array([3.0, y.upper_weight - 0.01])).score
    after = weighted_scores(HAND_MEANS, np.array([3.0, y.upper_weight + 0.01])).score
    assert before[0] > before[1]
    assert after[1] > after[0]


@pytest.mark.parametrize("seed", range(6))
def test_flip_thresholds_agree_with_a_fine_scan_of_each_weight(seed):
    rng = np.random.default_rng(seed)
    means = rng.choice([1.0, 1.5, 2.0, 2.5, 3.0, NAN], size=(5, 4))
    weights = rng.choice([0.5, 1.0, 2.0, 3.0], size=4)
    flips = weight_flip_thresholds(means, weights)
    grid = np.round(np.arange(0, 3.0001, 0.005), 4)
    for f in flips:
        leaders = []
        for t in grid:
            w = weights.copy()
            w[f.criterion] = t
            s = weighted_scores(means, w).score
            top = np.nanmax(s)
            leaders.append(int(np.flatnonzero(s >= top - 1e-12)[0]))
        changed = [t for t, lead in zip(grid, leaders, strict=True) if lead != f.leader]
        above = [t for t in changed if t > f.current_weight]
        below = [t for t in changed if t < f.current_weight]
        if f.upper_weight is None:
            assert not above
        else:
            assert min(above) == pytest.approx(f.upper_weight, abs=0.0051)
        if f.lower_weight is None:
            assert not below
        else:
            assert max(below) == pytest.approx(f.lower_weight, abs=0.0051)


# --- missing evidence ----------------------------------------------------------------------


def test_missing_evidence_can_change_the_leader_when_intervals_overlap():
    means = np.array([[3.0, NAN, NAN], [2.0, 2.0, 2.0]])
    s = weighted_scores(means, np.array([1.0, 1.0, 1.0]))
    risk = missing_could_change_winner(s.worst, s.best, s.score)
    assert risk.leader == 0
    assert risk.could_change
    assert risk.challengers == (1,)


def test_complete_evidence_cannot_change_the_leader():
    s = weighted_scores(HAND_MEANS, HAND_WEIGHTS)
    risk = missing_could_change_winner(s.worst, s.best, s.score)
    assert not risk.could_change
    assert not risk.any_missing


# --- plain-French summary and one-call analysis --------------------------------------------


def test_summary_names_the_leader_the_share_and_the_hand_computed_threshold():
    snapshot = make_snapshot(
        {"X": 3.0, "Y": 1.0},
        {"Alice Moreau": {"X": [3], "Y": [1]}, "Bastien Roux": {"X": [2], "Y": [3]}},
    )
    result = analyse(snapshot)
    share = round(result.probabilities[0] * 100)
    assert result.summary.startswith(f"Alice Moreau reste en tête dans {share}{NNBSP}%")
    assert f"2{NNBSP}000 tirages" in result.summary
    # Exact tie at 1.5: the weight shown is the next tenth, where Bastien is strictly ahead.
    assert "« Y » de 1 à 1,6 pour que Bastien Roux passe devant" in result.summary
    assert "Toutes les notes sont saisies" in result.summary
    assert "[" not in result.summary and "{" not in result.summary


def test_summary_warns_when_missing_evidence_could_change_the_leader():
    snapshot = make_snapshot(
        {"X": 1.0, "Y": 3.0, "Z": 3.0},
        {"Alice Moreau": {"X": [3]}, "Bastien Roux": {"X": [2], "Y": [2], "Z": [2]}},
    )
    result = analyse(snapshot)
    assert result.names[0] == "Alice Moreau"
    assert result.probabilities.tolist() == [1.0, 0.0]
    assert "Bastien Roux pourrait passer devant Alice Moreau" in result.summary
    assert "le poids de « X » de 1 à 0 pour que Bastien Roux passe devant" in result.summary


def test_analysis_uses_what_if_weights_and_agrees_with_a_precomputed_comparison():
    snapshot = make_snapshot(
        {"X": 3.0, "Y": 1.0},
        {
            "Alice Moreau": {"X": [3, 3], "Y": [1]},
            "Bastien Roux": {"X": [2], "Y": [3, 3]},
            "Chloé Petit": {"X": [2], "Y": [2]},
        },
    )
    what_if = {"k0": 1.0, "k1": 3.0}
    direct = analyse(snapshot, what_if)
    via = analyse(compare(snapshot, what_if))
    assert direct.leader_id == "c1"  # Y now weighs most: Bastien leads
    assert direct.candidate_ids == via.candidate_ids
    np.testing.assert_allclose(direct.probabilities, via.probabilities)
    assert direct.summary == via.summary
    assert set(direct.to_frame()["candidate_id"]) == {"c0", "c1", "c2"}
    assert direct.flips_frame()["criterion_id"].tolist() == ["k0", "k1"]


def test_summary_without_enough_scored_candidates_says_so():
    none = robustness_summary(["A", "B"], np.array([NAN, NAN]), np.zeros(2), [], None)
    assert "Aucune candidature n'a encore de note" in none
    s = weighted_scores(np.array([[3.0], [NAN]]), np.array([1.0]))
    risk = missing_could_change_winner(s.worst, s.best, s.score)
    one = robustness_summary(["Alice", "Bastien"], s.score, np.array([1.0, 0.0]), [], risk)
    assert "Une seule candidature a des notes (Alice)" in one


def test_a_comparison_with_two_identical_names_is_refused():
    snapshot = make_snapshot({"X": 1.0}, {"Alice Moreau": {"X": [3]}})
    snapshot.candidates.append(Candidate(id="c9", recruitment_id="r", name="Alice Moreau"))
    snapshot.evaluations.append(
        Evaluation("e9", "c9", "intra", "k0", "Personne 0", 2, evidence="Exemple.")
    )
    with pytest.raises(ValidationError, match="même nom"):
        analyse(compare(snapshot))
    assert analyse(snapshot).candidate_ids == ["c0", "c9"]
