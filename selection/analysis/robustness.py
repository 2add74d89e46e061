"""How sure the ranking is: probability of ranking first, weight flip thresholds, missing evidence.

Three questions the decision meeting asks once the ranking is on screen (PRODUCT.md §5):

1. **Would the same person lead with slightly different weights?** SMAA-2 style sampling
   (Lahdelma & Salminen, Operations Research 49(3), 2001). Method, precisely:
   each of ``samples`` draws multiplies every chosen weight by its own factor drawn uniformly in
   ``[1 − spread, 1 + spread]`` (independently per criterion, ``numpy.random.default_rng(seed)``).
   Why this rather than a Dirichlet: it reads exactly as the « ±30 % » shown to the team, a weight
   set to 0 stays at 0 (a criterion removed from the brief is never brought back), weights stay
   ≥ 0 as long as ``spread ≤ 1``, and no concentration parameter needs explaining. The score only
   depends on weight ratios, so sampled weights are not clipped to the slider range [0, 3].
   Every candidate is scored with the same rule as :func:`selection.analysis.scoring.weighted_scores`
   (normalised weighted mean over the criteria with evidence; a missing rating is left out,
   never counted as zero). In each draw the first place goes to the highest score; a tie shares it
   equally, so the probabilities of the candidates with a score sum to 1 and a candidate without
   any evidence gets 0. Defaults: spread 0.3, 2,000 draws, seed 20261128 — the same inputs always
   give the same figures. Candidates who cannot lead in any draw (their best score over the whole
   box of weights stays below somebody's worst one; exact bound, see ``_contenders``) are left
   out of the draws: no figure changes, most of the work is saved when many people are behind.

   **With the missing evidence too.** A second figure repeats the same draws (the same weights,
   so with every rating in both figures are exactly equal) and, in each draw, ALSO fills every
   missing candidate × criterion mean by sampling a rating from a stated prior: the panel's
   observed distribution of ratings (1, 2, 3) on that criterion, across every candidate of the
   recruitment (uniform on {1, 2, 3} when nobody rated the criterion yet). Why this prior: the
   missing rating is unknown, and the most honest guess is what this panel actually gives on this
   criterion — it carries both how demanding the criterion is and how severe the panel is, it is
   the same for every candidate (it favours nobody), and it needs no parameter to explain. A
   single rating (not a mean of several) is drawn, which spreads the outcomes more than a mean
   would: the figure errs on the side of showing that the lead could change. Candidates without
   any rating stay out of the ranking, as everywhere else. The imputations use their own random
   stream (seeded from the same seed), drawn block by block: the same inputs always give the
   same figure. The first figure says whether the lead is solid on the evidence available
   (« solide sur les preuves disponibles »), the second whether it could change with the missing
   evidence (« pourrait changer avec les preuves manquantes »), see :class:`LeadStability`.

2. **How far must one weight move to change the leader?** (Triantaphyllou & Sánchez, Decision
   Sciences 28(1), 1997). With every other weight fixed, each candidate's score is a ratio of two
   affine functions of the weight ``t`` under study, so « candidate j ties the leader » is a
   quadratic equation in ``t``. Its roots are solved exactly inside the slider range [0, 3]; the
   nearest crossing on each side of the current weight after which j is strictly ahead is the
   threshold, and the new leader is read just beyond it (``t ± 1e-7``). Setting the weight to
   exactly 0 is checked on its own, because a candidate whose only evidence is that criterion has
   no score there.

3. **Could the missing evidence change the leader?** Each candidate's interval [worst, best]
   (every missing rating filled with 1, then with 3) is compared with the leader's: if another
   scored candidate's best case reaches the leader's worst case, the missing ratings could change
   who leads. Candidates with no rating at all are not in the ranking and are left out. « Reach »
   means strictly ahead under the one tie rule: with every rating in, two people tied stay tied,
   and the missing evidence is never blamed for it.

Scores are compared with the one tie rule, :func:`selection.analysis.scoring.tie_key` (equal to
9 decimals on the 0–1 scale), in the ranking, in each draw (a tie shares the first place equally)
and in the sentences. The leader is the first candidate of the ranking given to these functions
(highest score, ties to the lowest index); :func:`analyse` orders candidates as
:func:`selection.analysis.scoring.compare` ranks them (score, then name), so both agree.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from selection.analysis.evidence import Evidence, as_evidence
from selection.analysis.scoring import (
    RATING_MAX,
    RATING_MIN,
    TIE_DECIMALS,
    Comparison,
    compare,
    tie_key,
    weighted_scores,
)
from selection.domain.formatting import NNBSP, fr_number, que
from selection.domain.labels import LEAD_STABILITY
from selection.domain.model import WEIGHT_MAX, WEIGHT_MIN, RecruitmentSnapshot, ValidationError

DEFAULT_SPREAD = 0.3
DEFAULT_SAMPLES = 2000
DEFAULT_SEED = 20261128
# Scores closer than this may round to the same tie key (see scoring.tie_key): the candidates a
# draw must look at more closely.
_NEAR_TIE = 2.0 / 10.0**TIE_DECIMALS
# A lead is solid when the leader is first in at least this share of the draws (below, at least
# one draw in ten names somebody else).
SOLID_SHARE = 0.9
# Step used to read who leads just beyond a flip threshold.
FLIP_PROBE = 1e-7
_ROOT_NOISE = 1e-9
# Draws × candidates scored at once: bounds memory and stays cache friendly.
_BLOCK_CELLS = 50_000


def _check_inputs(means: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    means = np.asarray(means, dtype=float)
    weights = np.asarray(weights, dtype=float)
    if means.ndim != 2 or weights.shape != (means.shape[1],):
        raise ValueError("means must be candidates × criteria and weights one per criterion")
    if np.isnan(weights).any() or (weights < 0).any():
        raise ValidationError("Les pondérations doivent être des nombres positifs ou nuls.")
    if weights.sum() <= 0:
        raise ValidationError(
            "Toutes les pondérations sont nulles : donnez un poids à au moins un critère."
        )
    return means, weights


def _normalised(means: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(normalised rating with 0 where missing, known mask as float) — weighted_scores' terms."""
    known = ~np.isnan(means)
    norm = np.where(known, (means - RATING_MIN) / (RATING_MAX - RATING_MIN), 0.0)
    return norm, known.astype(float)


def _leader(score: np.ndarray) -> int | None:
    """Index of the first-ranked candidate (highest tie key, ties to the lowest index)."""
    key = tie_key(score)
    if key.size == 0 or np.isnan(key).all():
        return None
    return int(np.flatnonzero(key == np.nanmax(key))[0])


def _tied_with(score: np.ndarray, i: int) -> np.ndarray:
    """Indices whose score ties candidate i's under the one tie rule (i included)."""
    key = tie_key(score)
    return np.flatnonzero(key == key[i])


# --- 1. probability of ranking first -------------------------------------------------------


def sample_weights(weights: np.ndarray, *, spread: float, samples: int, seed: int) -> np.ndarray:
    """``samples`` × criteria weight vectors: each weight times a factor uniform in [1 ± spread]."""
    if not 0 <= spread <= 1:
        raise ValidationError("La variation des pondérations doit être comprise entre 0 et 100 %.")
    if samples < 1:
        raise ValidationError("Il faut au moins un tirage de pondérations.")
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1.0 - spread, 1.0 + spread, size=(samples, weights.shape[0]))
    return factors * weights


def rank_first_probabilities(
    means: np.ndarray,
    weights: np.ndarray,
    *,
    spread: float = DEFAULT_SPREAD,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
) -> np.ndarray:
    """Share of weight draws in which each candidate ranks first (see the module docstring).

    ``means`` is candidates × criteria (NaN = no evidence). Returns one probability per candidate;
    they sum to 1 over the candidates that have a score, and are all 0 when nobody has one.
    """
    return _first_place_shares(means, weights, None, spread, samples, seed)


def missing_prior(distribution: np.ndarray) -> np.ndarray:
    """criteria × 3 probabilities of a rating of 1, 2, 3 from the panel's counts (uniform for a
    criterion nobody rated): the prior the missing means are drawn from."""
    counts = np.asarray(distribution, dtype=float)
    totals = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        prior = np.where(totals > 0, counts / totals, 1.0 / 3.0)
    return prior


def rank_first_probabilities_with_missing(
    means: np.ndarray,
    weights: np.ndarray,
    distribution: np.ndarray,
    *,
    spread: float = DEFAULT_SPREAD,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
) -> np.ndarray:
    """Like :func:`rank_first_probabilities`, the same weight draws, and in each draw every
    missing mean of a candidate who has at least one rating is drawn from the prior (criteria × 3
    counts or probabilities of the ratings 1, 2, 3; see :func:`missing_prior`). With no missing
    mean the result equals rank_first_probabilities exactly."""
    prior = missing_prior(distribution)
    if prior.shape != (np.asarray(means).shape[1], 3):
        raise ValueError("distribution must be criteria × 3 (ratings 1, 2, 3)")
    return _first_place_shares(means, weights, prior, spread, samples, seed)


def _box_bounds(values: np.ndarray, mask: np.ndarray, lo: np.ndarray, hi: np.ndarray):
    """Lowest and highest weighted mean of each row's ``values`` over the criteria in ``mask``,
    for every weight vector between ``lo`` and ``hi`` (criterion by criterion). A ratio of two
    linear functions over a box is extreme at a vertex where the largest values get the high
    weights (for the maximum) or the low ones (for the minimum): sorting each row and trying
    every split is exact."""
    n = values.shape[0]
    out = []
    for sign in (1.0, -1.0):  # maximum: largest values first; minimum: smallest first
        order = np.argsort(np.where(mask, -sign * values, np.inf), axis=1, kind="stable")
        v = np.take_along_axis(values, order, axis=1)
        m = np.take_along_axis(mask, order, axis=1)
        h = np.where(m, hi[order], 0.0)
        low = np.where(m, lo[order], 0.0)
        zeros = np.zeros((n, 1))
        # split t: the first t criteria get the high weights, the others the low ones
        num_h = np.hstack([zeros, np.cumsum(h * v, axis=1)])
        den_h = np.hstack([zeros, np.cumsum(h, axis=1)])
        num_l = (low * v).sum(axis=1, keepdims=True) - np.hstack(
            [zeros, np.cumsum(low * v, axis=1)]
        )
        den_l = low.sum(axis=1, keepdims=True) - np.hstack([zeros, np.cumsum(low, axis=1)])
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = (num_h + num_l) / (den_h + den_l)
        ratio = np.where(np.isfinite(ratio), ratio, np.nan)
        out.append(np.nanmax(ratio, axis=1) if sign > 0 else np.nanmin(ratio, axis=1))
    return out[1], out[0]


def _contenders(
    norm: np.ndarray,
    known: np.ndarray,
    weights: np.ndarray,
    cols: np.ndarray,
    spread: float,
    *,
    imputed: bool,
) -> np.ndarray:
    """The candidates among ``cols`` who can rank first (or tie for first) in at least one draw:
    their best possible score over the whole box of weights (and of missing ratings, when those
    are drawn) reaches the best guaranteed score of anybody. The others are left out of the
    draws, which changes no figure (they would score 0 anyway) and saves most of the work when
    many people are far behind."""
    if cols.size <= 2:
        return cols
    lo, hi = weights * (1.0 - spread), weights * (1.0 + spread)
    values, mask = norm[cols], known[cols] > 0
    if imputed:  # a missing rating may be drawn as 1 (worst) or 3 (best)
        low_bound, _ = _box_bounds(np.where(mask, values, 0.0), np.ones_like(mask), lo, hi)
        _, high_bound = _box_bounds(np.where(mask, values, 1.0), np.ones_like(mask), lo, hi)
    else:
        low_bound, high_bound = _box_bounds(values, mask, lo, hi)
    floor = np.nanmax(low_bound)
    keep = high_bound >= floor - 2 * _NEAR_TIE - 1e-12
    return cols[keep]


def _first_place_shares(
    means: np.ndarray,
    weights: np.ndarray,
    prior: np.ndarray | None,
    spread: float,
    samples: int,
    seed: int,
) -> np.ndarray:
    means, weights = _check_inputs(means, weights)
    n_cand = means.shape[0]
    wins = np.zeros(n_cand)
    if n_cand == 0:
        return wins
    norm, known = _normalised(means)
    drawn = sample_weights(weights, spread=spread, samples=samples, seed=seed)
    # Who can have a score in a draw: weighted evidence (a weight at 0 stays at 0 in every draw),
    # or, when the missing means are drawn too, any rating at all. The others never lead.
    rated = known.any(axis=1)
    scored = rated if prior is not None else (known @ weights) > 0
    cols = np.flatnonzero(scored)
    if cols.size == 0:
        return wins
    cols = _contenders(norm, known, weights, cols, spread, imputed=prior is not None)
    norm_t, known_t = norm[cols].T.copy(), known[cols].T.copy()
    # Missing cells to draw (candidates with a rating only), sorted by candidate.
    if prior is not None:
        fill_rows, fill_cols = np.nonzero(known[cols] == 0)
        if fill_rows.size:
            owners, starts = np.unique(fill_rows, return_index=True)
            cdf = np.cumsum(prior, axis=1)[fill_cols, :2]  # cells × 2
            imputation_rng = np.random.default_rng([seed, 1])
        else:
            prior = None
    cells = cols.size if prior is None else max(cols.size, 2 * fill_rows.size)
    block = max(16, _BLOCK_CELLS // cells)
    local = np.zeros(cols.size)
    for start in range(0, samples, block):
        w = drawn[start : start + block]
        num = w @ norm_t
        den = w @ known_t
        if prior is not None:
            u = imputation_rng.random((w.shape[0], fill_rows.size))
            # rating index 0, 1, 2 (ratings 1, 2, 3) → normalised value 0, 0.5, 1
            value = ((u[:, :, None] >= cdf[None, :, :]).sum(axis=2)) * 0.5
            wk = w[:, fill_cols]
            num[:, owners] += np.add.reduceat(wk * value, starts, axis=1)
            den[:, owners] += np.add.reduceat(wk, starts, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            score = num / den
        if spread >= 1:  # a factor of exactly 0 could leave a candidate without weight
            score[~np.isfinite(score)] = -np.inf
        rows = np.arange(w.shape[0])
        best = score.argmax(axis=1)
        top = score[rows, best]
        near = score >= (top - _NEAR_TIE)[:, None]
        single = np.count_nonzero(near, axis=1) == 1
        local += np.bincount(best[single], minlength=cols.size)
        if not single.all():
            # Close calls: the one tie rule decides who shares the first place.
            keys = tie_key(np.where(near[~single], score[~single], np.nan))
            firsts = keys == np.nanmax(keys, axis=1)[:, None]
            local += (1.0 / firsts.sum(axis=1)) @ firsts
    wins[cols] = local / samples
    return wins


# --- 2. single-weight flip thresholds ------------------------------------------------------


@dataclass(frozen=True)
class FlipThreshold:
    """For one criterion: the nearest weights, below and above the current one, at which another
    candidate takes the lead (None when no weight in [0, 3] on that side changes the leader)."""

    criterion: int  # column index in the means matrix
    current_weight: float
    leader: int
    lower_weight: float | None = None
    lower_winner: int | None = None
    upper_weight: float | None = None
    upper_winner: int | None = None
    criterion_id: str | None = None
    label: str = ""

    @property
    def new_weight(self) -> float | None:
        """The threshold needing the smallest change (lower side on a tie)."""
        side = self._nearest_side()
        return (
            None if side is None else (self.lower_weight if side == "down" else self.upper_weight)
        )

    @property
    def new_winner(self) -> int | None:
        side = self._nearest_side()
        return (
            None if side is None else (self.lower_winner if side == "down" else self.upper_winner)
        )

    @property
    def change(self) -> float | None:
        """Absolute weight change needed (same unit as the sliders); None if nothing flips."""
        new = self.new_weight
        return None if new is None else abs(new - self.current_weight)

    def _nearest_side(self) -> str | None:
        down = None if self.lower_weight is None else self.current_weight - self.lower_weight
        up = None if self.upper_weight is None else self.upper_weight - self.current_weight
        if down is None and up is None:
            return None
        if up is None or (down is not None and down <= up):
            return "down"
        return "up"


def _crossings(A: np.ndarray, B: np.ndarray, Q: np.ndarray) -> np.ndarray:
    """Real roots of Q t² + B t + A per row (NaN where absent), as a rows × 2 array."""
    roots = np.full((A.shape[0], 2), np.nan)
    quad = np.abs(Q) > 1e-14
    lin = ~quad & (np.abs(B) > 1e-14)
    with np.errstate(invalid="ignore", divide="ignore"):
        roots[lin, 0] = -A[lin] / B[lin]
        disc = B * B - 4.0 * Q * A
        ok = quad & (disc >= 0)
        sq = np.sqrt(np.where(ok, disc, 0.0))
        # Numerically stable form: q = −(B + sign(B)·√disc)/2, roots q/Q and A/q.
        q = -0.5 * (B + np.where(B >= 0, 1.0, -1.0) * sq)
        r1 = np.where(ok, q / Q, np.nan)
        r2 = np.where(ok & (np.abs(q) > 1e-300), A / q, np.nan)
    roots[quad, 0] = r1[quad]
    roots[quad, 1] = r2[quad]
    return roots


def _leader_at(means: np.ndarray, weights: np.ndarray, k: int, t: float) -> int | None:
    w = weights.copy()
    w[k] = t
    if w.sum() <= 0:
        return None
    return _leader(weighted_scores(means, w).score)


def _winner_beyond(
    means: np.ndarray, weights: np.ndarray, k: int, t: float | None, side: int, leader: int
) -> int | None:
    """Who leads just beyond a crossing (or at it, when a tie goes to the challenger)."""
    if t is None:
        return None
    for probe in (t + side * FLIP_PROBE, t):
        if WEIGHT_MIN <= probe <= WEIGHT_MAX:
            winner = _leader_at(means, weights, k, probe)
            if winner is not None and winner != leader:
                return winner
    return None


def weight_flip_thresholds(
    means: np.ndarray,
    weights: np.ndarray,
    labels: Sequence[str] | None = None,
    criterion_ids: Sequence[str] | None = None,
) -> list[FlipThreshold]:
    """For each criterion, the nearest single-weight values in [0, 3] that change the leader.

    Exact: the tie condition between the leader and each challenger is solved as a quadratic in
    the weight (see the module docstring); the result is then checked by re-scoring just beyond it.
    Returns an empty list when fewer than two candidates have a score.
    """
    means, weights = _check_inputs(means, weights)
    base = weighted_scores(means, weights).score
    leader = _leader(base)
    if leader is None or np.count_nonzero(~np.isnan(base)) < 2:
        return []
    norm, known = _normalised(means)
    out = []
    for k in range(means.shape[1]):
        others = weights.copy()
        others[k] = 0.0
        a, b = norm @ others, known @ others
        n, m = norm[:, k], known[:, k]
        lw = leader
        # f_j(t) = (a_j + n_j t)(b_w + m_w t) − (a_w + n_w t)(b_j + m_j t): > 0 ⇔ j ahead of w.
        A = a * b[lw] - a[lw] * b
        B = a * m[lw] + n * b[lw] - a[lw] * m - n[lw] * b
        Q = n * m[lw] - n[lw] * m
        scorable = (b > 0) | (m > 0)
        scorable[lw] = False
        roots = _crossings(A[scorable], B[scorable], Q[scorable])
        current = float(weights[k])
        A_s, B_s, Q_s = A[scorable, None], B[scorable, None], Q[scorable, None]

        def ahead(t: np.ndarray, A_s=A_s, B_s=B_s, Q_s=Q_s) -> np.ndarray:
            return Q_s * t * t + B_s * t + A_s > 0

        # A root within float noise of the current weight is a tie now: any move flips it.
        roots = np.where(np.abs(roots - current) <= _ROOT_NOISE, current, roots)
        # At a tie the candidate listed first leads, so a challenger listed before the leader
        # takes the lead at the crossing itself; one listed after must be strictly ahead.
        listed_first = (np.flatnonzero(scorable) < lw)[:, None]
        in_range = (roots >= WEIGHT_MIN) & (roots <= WEIGHT_MAX)
        up_ok = (roots >= current) & in_range
        up_ok &= (listed_first & (roots > current)) | (
            (roots + FLIP_PROBE <= WEIGHT_MAX) & ahead(roots + FLIP_PROBE)
        )
        # Tied for every weight (a challenger scored only through this criterion, unscored at
        # weight 0): it leads as soon as the weight leaves 0.
        always_tied = listed_first[:, 0] & (np.abs(np.hstack([A_s, B_s, Q_s])) < 1e-14).all(axis=1)
        if current == WEIGHT_MIN and always_tied.any():
            roots[always_tied, 0] = current
            up_ok[always_tied, 0] = True
        down_ok = (roots <= current) & in_range
        down_ok &= (listed_first & (roots < current)) | (
            (roots - FLIP_PROBE > WEIGHT_MIN) & ahead(roots - FLIP_PROBE)
        )
        upper = float(roots[up_ok].min()) if up_ok.any() else None
        lower = float(roots[down_ok].max()) if down_ok.any() else None
        upper_winner = _winner_beyond(means, weights, k, upper, +1, leader)
        lower_winner = _winner_beyond(means, weights, k, lower, -1, leader)
        upper = None if upper_winner is None else upper
        lower = None if lower_winner is None else lower
        if lower is None and current > WEIGHT_MIN:
            at_zero = _leader_at(means, weights, k, WEIGHT_MIN)
            if at_zero is not None and at_zero != leader:
                lower, lower_winner = WEIGHT_MIN, at_zero
        out.append(
            FlipThreshold(
                criterion=k,
                current_weight=current,
                leader=leader,
                lower_weight=lower,
                lower_winner=lower_winner,
                upper_weight=upper,
                upper_winner=upper_winner,
                criterion_id=None if criterion_ids is None else criterion_ids[k],
                label="" if labels is None else labels[k],
            )
        )
    return out


def smallest_flip(flips: Sequence[FlipThreshold]) -> FlipThreshold | None:
    """The criterion whose weight needs the smallest change to change the leader."""
    found = [f for f in flips if f.change is not None]
    return min(found, key=lambda f: (f.change, f.criterion)) if found else None


# --- 3. missing evidence --------------------------------------------------------------------


@dataclass(frozen=True)
class MissingEvidenceRisk:
    """Whether filling the missing ratings could change who leads, and who could overtake."""

    could_change: bool
    leader: int | None
    challengers: tuple[int, ...] = ()
    any_missing: bool = False


def missing_could_change_winner(
    worst: np.ndarray, best: np.ndarray, score: np.ndarray
) -> MissingEvidenceRisk:
    """True when another scored candidate's best case is strictly ahead of the leader's worst
    case (one tie rule): with every rating in, nothing can change, even between tied people."""
    worst, best, score = (np.asarray(x, dtype=float) for x in (worst, best, score))
    leader = _leader(score)
    scored = ~np.isnan(score)
    worst_key, best_key = tie_key(worst), tie_key(best)
    any_missing = bool(np.any(best_key[scored] != worst_key[scored]))
    if leader is None:
        return MissingEvidenceRisk(False, None, (), any_missing)
    reach = scored & (best_key > worst_key[leader])
    reach[leader] = False
    challengers = tuple(int(i) for i in np.flatnonzero(reach))
    return MissingEvidenceRisk(bool(challengers), leader, challengers, any_missing)


@dataclass(frozen=True)
class LeadStability:
    """How sure the lead is, under the two uncertainties (see the module docstring).

    ``weights_only``: the leader's probability of ranking first when only the weights vary;
    ``with_missing``: the same when the missing means are drawn too (equal when nothing is
    missing). ``code`` is a key of selection.domain.labels.LEAD_STABILITY:
    ``solide`` (both ≥ SOLID_SHARE), ``solide_sur_preuves_disponibles`` (solid on the evidence
    available, but could change with the missing evidence), ``fragile`` (the weights alone can
    change the lead)."""

    leader: int | None
    weights_only: float
    with_missing: float
    any_missing: bool

    @property
    def solid_on_available_evidence(self) -> bool:
        return self.leader is not None and self.weights_only >= SOLID_SHARE

    @property
    def could_change_with_missing(self) -> bool:
        return self.any_missing and self.with_missing < SOLID_SHARE

    @property
    def code(self) -> str | None:
        if self.leader is None:
            return None
        if not self.solid_on_available_evidence:
            return "fragile"
        return "solide_sur_preuves_disponibles" if self.could_change_with_missing else "solide"

    @property
    def label(self) -> str:
        return "" if self.code is None else LEAD_STABILITY[self.code]


# --- summary in plain French ----------------------------------------------------------------


def _share(p: float) -> str:
    """A probability as the team reads it: never « 100 % » unless it is every draw."""
    if p >= 1.0 - 1e-12:
        return f"100{NNBSP}%"
    if p > 0.995:
        return f"plus de 99{NNBSP}%"
    if 0 < p < 0.005:
        return f"moins de 1{NNBSP}%"
    return f"{fr_number(p * 100, 0)}{NNBSP}%"


def _weight(value: float) -> str:
    """A slider weight: up to two decimals, trailing zeros dropped (3 → « 3 », 1.5 → « 1,5 »)."""
    text = fr_number(round(value, 2), 2).rstrip("0").rstrip(",")
    return text or "0"


def displayed_threshold(flip: FlipThreshold) -> float | None:
    """The threshold rounded to 0.1 *beyond* the exact value, so the weight shown does change the
    leader (1.43 going down is shown as 1.4, going up as 1.5)."""
    new = flip.new_weight
    if new is None:
        return None
    if new < flip.current_weight:
        shown = math.floor(round(new * 10, 6)) / 10
        return shown if shown < new or new == WEIGHT_MIN else max(WEIGHT_MIN, shown - 0.1)
    shown = math.ceil(round(new * 10, 6)) / 10
    return shown if shown > new else min(WEIGHT_MAX, shown + 0.1)


def _names_list(names: Sequence[str], limit: int = 2) -> str:
    shown = list(names[:limit])
    rest = len(names) - len(shown)
    if rest > 0:
        return (
            ", ".join(shown)
            + f" et {rest} autre{'s' if rest > 1 else ''} personne{'s' if rest > 1 else ''}"
        )
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " et " + shown[-1]


def robustness_summary(
    names: Sequence[str],
    score: np.ndarray,
    probabilities: np.ndarray,
    flips: Sequence[FlipThreshold],
    missing: MissingEvidenceRisk,
    *,
    spread: float = DEFAULT_SPREAD,
    samples: int = DEFAULT_SAMPLES,
    stability: LeadStability | None = None,
) -> str:
    """Plain-French sentences: how stable the leader is when weights vary, whether the missing
    evidence could change it, and (given ``stability``) the second figure with the missing
    evidence drawn too. ``names`` follow the same order as the arrays."""
    score = np.asarray(score, dtype=float)
    scored = int(np.count_nonzero(~np.isnan(score)))
    if scored == 0:
        return (
            "Aucune candidature n'a encore de note : "
            "la solidité du classement ne peut pas être évaluée."
        )
    leader = _leader(score)
    lead = names[leader]
    if scored == 1:
        return (
            f"Une seule candidature a des notes ({lead}) : "
            "il n'y a pas encore de classement à éprouver."
        )
    variation = f"±{fr_number(spread * 100, 0)}{NNBSP}%"
    draws = fr_number(samples, 0)
    tied = [names[i] for i in _tied_with(score, leader) if i != leader]
    head = (
        f"{lead} est à égalité de score avec {_names_list(tied)} (même rang) et arrive en tête"
        if tied
        else f"{lead} reste en tête"
    )
    first = (
        f"{head} dans {_share(float(probabilities[leader]))} des tirages de pondérations "
        f"(chaque poids varié de {variation}, {draws} tirages)"
    )
    flip = smallest_flip(flips)
    if flip is None:
        first += (
            " ; aucun changement d'un seul poids entre 0 et 3 "
            "ne ferait passer une autre personne devant."
        )
    else:
        other = names[flip.new_winner]
        label = flip.label or f"critère {flip.criterion + 1}"
        if flip.change is not None and flip.change < 0.05:
            first += (
                f" ; le moindre changement du poids de « {label} » ferait passer {other} devant."
            )
        else:
            target = _weight(displayed_threshold(flip))
            first += (
                f" ; il faudrait faire passer le poids de « {label} » de "
                f"{_weight(flip.current_weight)} à {target} pour {que(other)} passe devant."
            )
    if missing.could_change:
        who = [names[i] for i in missing.challengers]
        verb = "pourrait" if len(who) == 1 else "pourraient"
        second = (
            "Les preuves manquantes peuvent encore changer la tête du classement : "
            f"selon les notes qui restent à obtenir, {_names_list(who)} {verb} "
            f"passer devant {lead}."
        )
    elif not missing.any_missing and tied:
        second = (
            "Toutes les notes sont saisies : l'égalité en tête ne tient pas à des preuves "
            "manquantes ; c'est à l'équipe de départager."
        )
    elif not missing.any_missing:
        second = (
            "Toutes les notes sont saisies : "
            "aucune preuve manquante ne peut changer la tête du classement."
        )
    else:
        second = (
            "Les preuves manquantes ne peuvent pas changer la tête du classement : même avec les "
            f"pires notes pour {lead} et les meilleures pour les autres, {lead} reste devant."
        )
    third = "" if stability is None else _stability_sentence(lead, stability)
    return " ".join(part for part in (first, second, third) if part)


def _stability_sentence(lead: str, stability: LeadStability) -> str:
    """The second SMAA figure (missing evidence drawn too), and the verdict on both."""
    if stability.leader is None or not stability.any_missing:
        return ""
    figure = (
        "En tirant aussi au hasard les notes manquantes (selon les notes que le panel a déjà "
        f"données à chaque critère), {lead} reste en tête dans "
        f"{_share(stability.with_missing)} des tirages"
    )
    if stability.code == "solide":
        return f"{figure} : classement solide, y compris avec les preuves manquantes."
    if stability.code == "solide_sur_preuves_disponibles":
        return (
            f"{figure} : classement solide sur les preuves disponibles, mais qui pourrait "
            "changer avec les preuves manquantes."
        )
    verdict = (
        "il pourrait aussi changer avec les preuves manquantes"
        if stability.could_change_with_missing
        else "les preuves manquantes ne le fragilisent pas davantage"
    )
    return f"{figure} : le classement dépend déjà des pondérations, et {verdict}."


# --- one call for the pages -----------------------------------------------------------------


@dataclass
class RobustnessResult:
    """Robustness of one ranking, candidates in ranked order (leader first)."""

    candidate_ids: list[str]
    names: list[str]
    score: np.ndarray
    worst: np.ndarray
    best: np.ndarray
    probabilities: np.ndarray
    flips: list[FlipThreshold]
    missing: MissingEvidenceRisk
    spread: float
    samples: int
    seed: int
    summary: str = field(default="")
    # the second SMAA figure: missing means drawn from the panel's prior too (None when not
    # computed); equal to ``probabilities`` when every rating is in
    probabilities_with_missing: np.ndarray | None = None
    stability: LeadStability | None = None

    @property
    def leader_id(self) -> str | None:
        return None if self.missing.leader is None else self.candidate_ids[self.missing.leader]

    def probability_by_id(self) -> dict[str, float]:
        return dict(zip(self.candidate_ids, self.probabilities.tolist(), strict=True))

    def probability_with_missing_by_id(self) -> dict[str, float]:
        shares = (
            self.probabilities
            if self.probabilities_with_missing is None
            else (self.probabilities_with_missing)
        )
        return dict(zip(self.candidate_ids, shares.tolist(), strict=True))

    def to_frame(self) -> pd.DataFrame:
        """One row per candidate with the probability of ranking first (charts, exports): with the
        weights varied only, and with the missing evidence drawn too."""
        return pd.DataFrame(
            {
                "candidate_id": self.candidate_ids,
                "candidat": self.names,
                "score": self.score,
                "probabilite_premier": self.probabilities,
                "probabilite_premier_avec_manquantes": (
                    self.probabilities
                    if self.probabilities_with_missing is None
                    else self.probabilities_with_missing
                ),
            }
        )

    def flips_frame(self) -> pd.DataFrame:
        """One row per criterion: weight now, nearest weight that changes the leader, new leader."""
        rows = []
        for f in self.flips:
            winner = f.new_winner
            rows.append(
                {
                    "criterion_id": f.criterion_id,
                    "critere": f.label,
                    "poids_actuel": f.current_weight,
                    "poids_bascule": f.new_weight,
                    "ecart": f.change,
                    "nouvelle_tete": None if winner is None else self.names[winner],
                }
            )
        return pd.DataFrame(
            rows,
            columns=[
                "criterion_id",
                "critere",
                "poids_actuel",
                "poids_bascule",
                "ecart",
                "nouvelle_tete",
            ],
        )


def analyse(
    source: Comparison | RecruitmentSnapshot | Evidence,
    weights: Mapping[str, float] | None = None,
    *,
    candidate_ids: Sequence[str] | None = None,
    spread: float = DEFAULT_SPREAD,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
) -> RobustnessResult:
    """Everything above for one ranking, so a page calls one function.

    ``source`` is a snapshot or an :class:`Evidence` (then ``weights`` maps criterion id →
    what-if weight and ``candidate_ids`` restricts the comparison, as in
    :func:`selection.analysis.scoring.compare`) or a :class:`Comparison` already computed for the
    screen (its own weights are used). A Comparison made by compare() carries its evidence; one
    built by hand is read by candidate name, which must then be unique.
    """
    prior_counts = None
    if isinstance(source, (RecruitmentSnapshot, Evidence)):
        comparison = compare(as_evidence(source), weights, candidate_ids)
    else:
        if weights is not None or candidate_ids is not None:
            raise ValueError(
                "with a Comparison, weights and candidates are those of the comparison"
            )
        comparison = source
    table = comparison.table
    ids = list(table["candidate_id"])
    ev = comparison.evidence
    if ev is not None:
        crit_ids: list[str] | None = list(ev.criterion_ids)
        means = ev.means[[ev.row_of[cid] for cid in ids]]
        prior_counts = ev.rating_distribution
    else:
        crit_ids = None
        names = list(comparison.means.index)
        if len(set(names)) != len(names):
            raise ValidationError(
                "Deux candidatures portent le même nom : "
                "calculez la robustesse à partir du recrutement complet."
            )
        by_name = {name: i for i, name in enumerate(names)}
        order = [by_name[name] for name in table["candidat"]]
        means = comparison.means.to_numpy(dtype=float)[order]
    w = comparison.weights.to_numpy(dtype=float)
    labels = list(comparison.weights.index)
    scores = weighted_scores(means, w)
    probabilities = rank_first_probabilities(means, w, spread=spread, samples=samples, seed=seed)
    if prior_counts is None:
        prior_counts = _observed_distribution(means)
    rated = ~np.isnan(means).all(axis=1)
    if np.isnan(means[rated]).any():
        with_missing = rank_first_probabilities_with_missing(
            means, w, prior_counts, spread=spread, samples=samples, seed=seed
        )
    else:  # nothing to draw: the same draws give the same figure
        with_missing = probabilities.copy()
    flips = weight_flip_thresholds(means, w, labels=labels, criterion_ids=crit_ids)
    missing = missing_could_change_winner(scores.worst, scores.best, scores.score)
    leader = missing.leader
    stability = LeadStability(
        leader=leader,
        weights_only=0.0 if leader is None else float(probabilities[leader]),
        with_missing=0.0 if leader is None else float(with_missing[leader]),
        any_missing=missing.any_missing,
    )
    names_ranked = list(table["candidat"])
    result = RobustnessResult(
        candidate_ids=ids,
        names=names_ranked,
        score=scores.score,
        worst=scores.worst,
        best=scores.best,
        probabilities=probabilities,
        flips=flips,
        missing=missing,
        spread=spread,
        samples=samples,
        seed=seed,
        probabilities_with_missing=with_missing,
        stability=stability,
    )
    result.summary = robustness_summary(
        names_ranked,
        scores.score,
        probabilities,
        flips,
        missing,
        spread=spread,
        samples=samples,
        stability=stability,
    )
    return result


def _observed_distribution(means: np.ndarray) -> np.ndarray:
    """Fallback prior for a Comparison without its evidence: the rounded means per criterion."""
    rounded = np.rint(means)
    return np.stack([(rounded == r).sum(axis=0) for r in (1, 2, 3)], axis=1).astype(float)


MISSING_PRIOR_HELP = (
    "Deuxième chiffre : en plus des pondérations, chaque note manquante est tirée au hasard "
    "selon les notes que le panel a déjà données à ce critère, toutes candidatures confondues "
    "(une chance sur trois pour 1, 2 ou 3 si personne ne l'a encore noté). C'est l'hypothèse la "
    "plus neutre : la même pour tout le monde, fidèle à l'exigence du critère et à la sévérité "
    "du panel. Si ce chiffre est nettement plus bas que le premier, le classement est solide sur "
    "les preuves disponibles mais pourrait changer avec les preuves manquantes."
)
