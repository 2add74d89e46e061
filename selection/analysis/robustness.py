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
   give the same figures.

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
   who leads. Candidates with no rating at all are not in the ranking and are left out.

The leader is the first candidate of the ranking given to these functions (highest score, ties to
the lowest index); :func:`analyse` orders candidates as :func:`selection.analysis.scoring.compare` ranks
them (score, then name), so both agree.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from selection.analysis.scoring import RATING_MAX, RATING_MIN, Comparison, compare, weighted_scores
from selection.domain.formatting import NNBSP, fr_number
from selection.domain.model import WEIGHT_MAX, WEIGHT_MIN, RecruitmentSnapshot, ValidationError

DEFAULT_SPREAD = 0.3
DEFAULT_SAMPLES = 2000
DEFAULT_SEED = 20261128
# Scores live on a 0–1 scale: two scores closer than this are a tie (float noise, not a lead).
TIE_TOLERANCE = 1e-12
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
    """Index of the first-ranked candidate (highest score, ties to the lowest index)."""
    if score.size == 0 or np.isnan(score).all():
        return None
    best = np.nanmax(score)
    return int(np.flatnonzero(score >= best - TIE_TOLERANCE)[0])


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
    means, weights = _check_inputs(means, weights)
    n_cand = means.shape[0]
    wins = np.zeros(n_cand)
    if n_cand == 0:
        return wins
    norm, known = _normalised(means)
    norm_t, known_t = norm.T.copy(), known.T.copy()
    drawn = sample_weights(weights, spread=spread, samples=samples, seed=seed)
    block = max(16, _BLOCK_CELLS // n_cand)
    counted = 0
    for start in range(0, samples, block):
        w = drawn[start : start + block]
        den = w @ known_t
        score = np.full(den.shape, -np.inf)
        np.divide(w @ norm_t, den, out=score, where=den > 0)
        top = score.max(axis=1)
        valid = np.isfinite(top)
        if not valid.any():
            continue
        score, top = score[valid], top[valid]
        firsts = score >= (top - TIE_TOLERANCE)[:, None]
        ties = firsts.sum(axis=1)
        single = ties == 1
        wins += np.bincount(score[single].argmax(axis=1), minlength=n_cand)
        if not single.all():
            wins += (1.0 / ties[~single]) @ firsts[~single]
        counted += int(valid.sum())
    if counted == 0:
        return wins
    return wins / counted


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
    """True when another scored candidate's best case reaches the leader's worst case."""
    worst, best, score = (np.asarray(x, dtype=float) for x in (worst, best, score))
    leader = _leader(score)
    scored = ~np.isnan(score)
    any_missing = bool(np.any(best[scored] - worst[scored] > TIE_TOLERANCE))
    if leader is None:
        return MissingEvidenceRisk(False, None, (), any_missing)
    reach = scored & (best >= worst[leader] - TIE_TOLERANCE)
    reach[leader] = False
    challengers = tuple(int(i) for i in np.flatnonzero(reach))
    return MissingEvidenceRisk(bool(challengers), leader, challengers, any_missing)


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
) -> str:
    """Two plain-French sentences: how stable the leader is when weights vary, then whether the
    missing evidence could change it. ``names`` follow the same order as the arrays."""
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
    tied = [
        names[i]
        for i in np.flatnonzero(np.abs(score - score[leader]) <= TIE_TOLERANCE)
        if i != leader
    ]
    head = (
        f"{lead} est à égalité de score avec {_names_list(tied)} et reste en tête"
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
                f"{_weight(flip.current_weight)} à {target} pour que {other} passe devant."
            )
    if missing.could_change:
        who = [names[i] for i in missing.challengers]
        verb = "pourrait" if len(who) == 1 else "pourraient"
        second = (
            "Les preuves manquantes peuvent encore changer la tête du classement : "
            f"selon les notes qui restent à obtenir, {_names_list(who)} {verb} "
            f"passer devant {lead}."
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
    return f"{first} {second}"


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

    @property
    def leader_id(self) -> str | None:
        return None if self.missing.leader is None else self.candidate_ids[self.missing.leader]

    def probability_by_id(self) -> dict[str, float]:
        return dict(zip(self.candidate_ids, self.probabilities.tolist(), strict=True))

    def to_frame(self) -> pd.DataFrame:
        """One row per candidate with the probability of ranking first (charts, exports)."""
        return pd.DataFrame(
            {
                "candidate_id": self.candidate_ids,
                "candidat": self.names,
                "score": self.score,
                "probabilite_premier": self.probabilities,
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
    source: Comparison | RecruitmentSnapshot,
    weights: Mapping[str, float] | None = None,
    *,
    candidate_ids: Sequence[str] | None = None,
    spread: float = DEFAULT_SPREAD,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
) -> RobustnessResult:
    """Everything above for one ranking, so a page calls one function.

    ``source`` is a snapshot (then ``weights`` maps criterion id → what-if weight and
    ``candidate_ids`` restricts the comparison, as in :func:`selection.analysis.scoring.compare`) or a
    :class:`Comparison` already computed for the screen (its own weights are used; candidate
    names must then be unique, since a Comparison's means are indexed by name).
    """
    if isinstance(source, RecruitmentSnapshot):
        comparison = compare(source, weights, candidate_ids)
        crit_ids: list[str] | None = [c.id for c in source.criteria]
        wanted = set(candidate_ids) if candidate_ids is not None else None
        snapshot_order = [c.id for c in source.candidates if wanted is None or c.id in wanted]
        row_of = {cid: i for i, cid in enumerate(snapshot_order)}
    else:
        if weights is not None or candidate_ids is not None:
            raise ValueError(
                "with a Comparison, weights and candidates are those of the comparison"
            )
        comparison = source
        crit_ids = None
        names = list(comparison.means.index)
        if len(set(names)) != len(names):
            raise ValidationError(
                "Deux candidatures portent le même nom : "
                "calculez la robustesse à partir du recrutement complet."
            )
        by_name = {name: i for i, name in enumerate(names)}
        row_of = {
            cid: by_name[name]
            for cid, name in zip(
                comparison.table["candidate_id"], comparison.table["candidat"], strict=True
            )
        }
    table = comparison.table
    ids = list(table["candidate_id"])
    order = [row_of[cid] for cid in ids]
    means = comparison.means.to_numpy(dtype=float)[order]
    w = comparison.weights.to_numpy(dtype=float)
    labels = list(comparison.weights.index)
    scores = weighted_scores(means, w)
    probabilities = rank_first_probabilities(means, w, spread=spread, samples=samples, seed=seed)
    flips = weight_flip_thresholds(means, w, labels=labels, criterion_ids=crit_ids)
    missing = missing_could_change_winner(scores.worst, scores.best, scores.score)
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
    )
    result.summary = robustness_summary(
        names_ranked, scores.score, probabilities, flips, missing, spread=spread, samples=samples
    )
    return result
