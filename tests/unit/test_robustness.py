"""Robustness of the ranking: chance of ranking first, weight flip thresholds, missing evidence."""

from __future__ import annotations

from dataclasses import replace

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


def test_two_identical_names_are_told_apart_by_the_evidence_of_the_comparison():
    snapshot = make_snapshot({"X": 1.0}, {"Alice Moreau": {"X": [3]}})
    snapshot.candidates.append(Candidate(id="c9", recruitment_id="r", name="Alice Moreau"))
    snapshot.evaluations.append(
        Evaluation("e9", "c9", "intra", "k0", "Personne 0", 2, evidence="Exemple.")
    )
    via = analyse(compare(snapshot))
    assert via.candidate_ids == analyse(snapshot).candidate_ids == ["c0", "c9"]
    # A comparison built by hand (no evidence) is read by name: two equal names are refused.
    bare = replace(compare(snapshot), evidence=None)
    with pytest.raises(ValidationError, match="même nom"):
        analyse(bare)


# --- the one tie rule ------------------------------------------------------------------------


def test_a_float_noise_difference_is_a_tie_for_the_leader_and_the_draws():
    score = np.array([0.7, 0.7 + 1e-15, 0.2])
    from selection.analysis.robustness import _leader

    assert _leader(score) == 0  # tied: the first listed leads, not the one 1e-15 above
    # Candidates whose means differ only by float noise share the first place in every draw.
    means = np.array([[np.nextafter(2.3, 3.0), 3.0], [2.3, 3.0], [1.0, 1.0]])
    assert means[0, 0] != means[1, 0]
    p = rank_first_probabilities(means, np.array([1.0, 2.0]))
    assert p.tolist() == [0.5, 0.5, 0.0]


def test_with_every_rating_in_a_tie_is_not_blamed_on_missing_evidence():
    snapshot = make_snapshot(
        {"X": 1.0, "Y": 1.0},
        {"Bastien Roux": {"X": [3], "Y": [2]}, "Alice Moreau": {"X": [2], "Y": [3]}},
    )
    result = analyse(snapshot)
    assert result.names == ["Alice Moreau", "Bastien Roux"]
    assert not result.missing.could_change
    assert "preuves manquantes peuvent" not in result.summary
    assert "à égalité de score avec Bastien Roux (même rang)" in result.summary
    assert "ne tient pas à des preuves manquantes" in result.summary
    table = compare(snapshot).table
    assert list(table["rang"]) == [1, 1]


# --- probability of leading with the missing evidence drawn too -----------------------------


def _straightforward_monte_carlo(means, weights, prior, draws, rng):
    """Draw by draw, candidate by candidate: the textbook version of the second figure."""
    n, k = means.shape
    wins = np.zeros(n)
    for _ in range(draws):
        w = weights * rng.uniform(0.7, 1.3, size=k)
        scores = []
        for i in range(n):
            row = means[i]
            if np.isnan(row).all():
                scores.append(-np.inf)
                continue
            filled = [
                row[c] if not np.isnan(row[c]) else rng.choice([1.0, 2.0, 3.0], p=prior[c])
                for c in range(k)
            ]
            scores.append(sum(wc * (v - 1) / 2 for wc, v in zip(w, filled, strict=True)) / w.sum())
        scores = np.array(scores)
        top = np.flatnonzero(np.isclose(scores, scores.max(), rtol=0, atol=1e-12))
        wins[top] += 1.0 / top.size
    return wins / draws


def test_a_leader_with_many_missing_ratings_is_not_sure_to_lead_and_matches_a_plain_monte_carlo():
    from selection.analysis.robustness import (
        missing_prior,
        rank_first_probabilities_with_missing,
    )

    # Alice: two 3s, six criteria never rated. Bastien and Chloé: rated everywhere, 2s and 3s.
    means = np.array(
        [
            [3.0, 3.0, NAN, NAN, NAN, NAN, NAN, NAN],
            [3.0, 2.0, 3.0, 2.0, 3.0, 3.0, 2.0, 3.0],
            [2.0, 3.0, 2.0, 3.0, 2.0, 3.0, 3.0, 2.0],
            [NAN] * 8,
        ]
    )
    weights = np.array([3.0, 3.0, 2.0, 2.0, 2.0, 1.0, 1.0, 1.0])
    # The panel's ratings per criterion (counts of 1, 2, 3); the last criterion: nobody yet.
    counts = np.array(
        [[1, 2, 5], [0, 3, 4], [2, 2, 2], [1, 4, 1], [3, 1, 1], [0, 2, 6], [1, 1, 1], [0, 0, 0]]
    )
    weights_only = rank_first_probabilities(means, weights)
    assert weights_only[0] == 1.0  # on the evidence available, Alice always leads
    with_missing = rank_first_probabilities_with_missing(means, weights, counts)
    assert with_missing[0] < 1.0
    assert with_missing[3] == 0.0  # nothing known: never drawn into the ranking
    assert with_missing.sum() == pytest.approx(1.0)
    again = rank_first_probabilities_with_missing(means, weights, counts)
    np.testing.assert_array_equal(with_missing, again)  # seeded
    prior = missing_prior(counts)
    np.testing.assert_allclose(prior[-1], [1 / 3] * 3)
    expected = _straightforward_monte_carlo(means, weights, prior, 4000, np.random.default_rng(99))
    # 2,000 + 4,000 draws: the standard error of the difference is below 0.014.
    np.testing.assert_allclose(with_missing, expected, atol=0.045)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_with_every_rating_in_both_figures_are_equal(seed):
    from selection.analysis.robustness import rank_first_probabilities_with_missing

    rng = np.random.default_rng(seed)
    means = rng.choice([1.0, 1.5, 2.0, 2.5, 3.0], size=(12, 5))
    means[4] = NAN  # a candidate without any rating stays out of both
    weights = rng.uniform(0.5, 3, 5)
    counts = rng.integers(0, 5, size=(5, 3))
    np.testing.assert_array_equal(
        rank_first_probabilities(means, weights, seed=seed),
        rank_first_probabilities_with_missing(means, weights, counts, seed=seed),
    )


def test_the_summary_tells_solid_on_available_evidence_from_could_change_with_missing():
    snapshot = make_snapshot(
        {"A": 3.0, "B": 3.0, "C": 2.0, "D": 2.0},
        {
            "Alice Moreau": {"A": [3, 3]},
            "Bastien Roux": {"A": [2, 3], "B": [3, 3], "C": [3, 2], "D": [3, 3]},
            "Chloé Petit": {"A": [1, 1], "B": [1, 2], "C": [1], "D": [2]},
        },
    )
    result = analyse(snapshot)
    assert result.names[0] == "Alice Moreau"
    stability = result.stability
    assert stability.weights_only == 1.0
    assert stability.with_missing < 0.9
    assert stability.code == "solide_sur_preuves_disponibles"
    assert "solide sur les preuves disponibles, mais qui pourrait changer avec les preuves " in (
        result.summary
    )
    assert result.to_frame()["probabilite_premier_avec_manquantes"].iloc[0] < 1.0
    full = analyse(
        make_snapshot(
            {"A": 1.0, "B": 1.0},
            {"Alice Moreau": {"A": [3], "B": [3]}, "Bastien Roux": {"A": [2], "B": [2]}},
        )
    )
    np.testing.assert_array_equal(full.probabilities, full.probabilities_with_missing)
    assert full.stability.code == "solide"
    assert "En tirant aussi au hasard" not in full.summary


@pytest.mark.parametrize("seed", range(4))
def test_leaving_out_people_who_can_never_lead_changes_no_figure(seed, monkeypatch):
    """The draws skip candidates whose best case over the weight box (and the missing ratings)
    stays below somebody's worst case: the figures must be exactly those of all the draws."""
    from selection.analysis import robustness
    from selection.analysis.robustness import rank_first_probabilities_with_missing

    rng = np.random.default_rng(seed)
    means = rng.choice(
        [1.0, 1.5, 2.0, 2.5, 3.0, NAN], size=(40, 6), p=[0.1, 0.2, 0.2, 0.2, 0.2, 0.1]
    )
    means[:3] = np.clip(means[:3] + 1.0, 1, 3)  # a few strong people, the rest far behind
    weights = rng.uniform(0.5, 3, 6)
    counts = rng.integers(0, 6, size=(6, 3))
    pruned = rank_first_probabilities(means, weights, samples=400)
    pruned_missing = rank_first_probabilities_with_missing(means, weights, counts, samples=400)
    kept = robustness._contenders(
        *robustness._normalised(means), weights, np.arange(40), 0.3, imputed=False
    )
    assert kept.size < 40  # the case does leave people out
    monkeypatch.setattr(robustness, "_contenders", lambda norm, known, w, cols, s, imputed: cols)
    np.testing.assert_array_equal(pruned, rank_first_probabilities(means, weights, samples=400))
    everyone = rank_first_probabilities_with_missing(means, weights, counts, samples=400)
    # The imputations are drawn for the people kept only, so the random stream differs: the
    # second figure agrees within noise (400 draws).
    np.testing.assert_allclose(pruned_missing, everyone, atol=0.08)
