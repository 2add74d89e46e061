"""The one scoring engine: every page, chart and export reads its numbers from here.

Rules (PRODUCT.md §4): a criterion's score is the mean of the submitted ratings of every
interviewer at every scored stage (the culture stage never counts); a missing rating is left
out of every mean, never counted as zero; coverage is the share of weight that has evidence;
the interval [worst, best] fills every missing rating with 1 and with 3.

Three views are computed side by side:
- ``moyenne``: weighted mean of the ratings, rescaled so 1 → 0 % and 3 → 100 %;
- ``matrice``: the Grist "matrice de pondération", Σ weight × rating. Missing criteria are filled
  with the candidate's own weighted mean, so the sum is comparable across candidates and lies
  inside its interval;
- ``valides``: the guide's "somme des critères validés": a criterion whose mean is ≥ 2.5 earns its
  weight level (3/2/1), anything less earns 0, and an unvalidated must-have blocks the candidate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from selection.analysis.evidence import (
    DISAGREEMENT_SPREAD as DISAGREEMENT_SPREAD,
)
from selection.analysis.evidence import (
    RATING_MAX,
    RATING_MIN,
    VALIDATION_THRESHOLD,
    Evidence,
    as_evidence,
    name_sort_key,
    require_criteria,
)
from selection.analysis.evidence import (
    must_have_status as must_have_status,
)
from selection.domain.model import RecruitmentSnapshot, ValidationError
from selection.domain.stages import SCORED_STAGE_CODES

# --- the one tie rule ----------------------------------------------------------------------
# Two scores are equal when they agree to TIE_DECIMALS decimals on the 0–1 scale: float noise
# (1e-16) is a tie, a real difference (a weight of 0.1 moves scores by 1e-3 or more) is not.
# Every view, table, chart and sentence compares scores through tie_key(); tied candidates share
# a rank and are listed by name (name_sort_key: accents and case ignored).
TIE_DECIMALS = 9
_TIE_FACTOR = 10.0**TIE_DECIMALS


def tie_key(values: np.ndarray | pd.Series | Sequence[float], scale: float = 1.0) -> np.ndarray:
    """The comparison key of scores: ``values / scale`` rounded to TIE_DECIMALS (kept as an
    integer-valued float, NaN stays NaN). ``scale`` brings a view to the 0–1 scale (the largest
    value it can take)."""
    v = np.asarray(values, dtype=float)
    if scale != 1.0:
        v = v / scale
    return np.rint(v * _TIE_FACTOR)


def ranking_order(
    key: np.ndarray, names: Sequence[str], name_pos: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(order, ranks) from tie keys: ``order`` lists row indices best first (NaN last), equal keys
    by name; ``ranks`` gives each row its rank (1 = first; equal keys share the smallest rank,
    « 1, 1, 3 »), 0 where the key is NaN. ``name_pos`` (each row's place when listed by name,
    e.g. Evidence.name_order) saves sorting the names again."""
    key = np.asarray(key, dtype=float)
    n = key.shape[0]
    if name_pos is None:
        name_pos = np.empty(n, dtype=int)
        by_name = sorted(range(n), key=lambda i: (name_sort_key(names[i]), i))
        name_pos[by_name] = np.arange(n)
    missing = np.isnan(key)
    order = np.lexsort((name_pos, -np.nan_to_num(key, nan=0.0), missing))
    ranks = np.zeros(n, dtype=int)
    sorted_key = key[order]
    valid = ~missing[order]
    first_of_run = np.ones(n, dtype=bool)
    first_of_run[1:] = sorted_key[1:] != sorted_key[:-1]
    run_start = np.maximum.accumulate(np.where(first_of_run, np.arange(n), 0))
    ranks[order] = np.where(valid, run_start + 1, 0)
    return order, ranks


@dataclass(frozen=True)
class WeightedScores:
    """Per-candidate arrays for one weight vector; NaN where a candidate has no evidence."""

    score: np.ndarray
    worst: np.ndarray
    best: np.ndarray
    coverage: np.ndarray
    matrix: np.ndarray
    matrix_worst: np.ndarray
    matrix_best: np.ndarray


def weighted_scores(means: np.ndarray, weights: np.ndarray) -> WeightedScores:
    """Score a candidates × criteria matrix of mean ratings (NaN = no evidence).

    Pure numpy so the robustness analysis can call it thousands of times.
    """
    weights = np.asarray(weights, dtype=float)
    total = weights.sum()
    if total <= 0:
        raise ValidationError(
            "Toutes les pondérations sont nulles : donnez un poids à au moins un critère."
        )
    known = ~np.isnan(means)
    normalised = np.where(known, (means - RATING_MIN) / (RATING_MAX - RATING_MIN), 0.0)
    raw = np.where(known, means, 0.0)
    known_weight = known @ weights
    missing_weight = total - known_weight
    weighted_norm = normalised @ weights
    weighted_raw = raw @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(known_weight > 0, weighted_norm / known_weight, np.nan)
        mean_rating = np.where(known_weight > 0, weighted_raw / known_weight, np.nan)
    return WeightedScores(
        score=score,
        worst=weighted_norm / total,
        best=(weighted_norm + missing_weight) / total,
        coverage=known_weight / total,
        matrix=mean_rating * total,
        matrix_worst=weighted_raw + missing_weight * RATING_MIN,
        matrix_best=weighted_raw + missing_weight * RATING_MAX,
    )


def validated_points(means: np.ndarray, levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The guide's method: (points earned, points still reachable if missing ones validate)."""
    levels = np.asarray(levels, dtype=float)
    validated = np.nan_to_num(means, nan=0.0) >= VALIDATION_THRESHOLD
    missing = np.isnan(means)
    points = validated.astype(float) @ levels
    return points, points + missing.astype(float) @ levels


def ratings_frame(snapshot: RecruitmentSnapshot) -> pd.DataFrame:
    """Submitted, rated evaluations as a long table (drafts and « non évalué » are not ratings)."""
    rows = [
        (e.candidate_id, e.criterion_id, e.stage, e.interviewer, float(e.rating))
        for e in snapshot.evaluations
        if e.status == "soumis" and e.rating is not None
    ]
    return pd.DataFrame(
        rows, columns=["candidate_id", "criterion_id", "stage", "interviewer", "rating"]
    )


def mean_matrix(
    ratings: pd.DataFrame,
    candidate_ids: Sequence[str],
    criterion_ids: Sequence[str],
    stages: Sequence[str] = SCORED_STAGE_CODES,
) -> np.ndarray:
    """Mean rating per candidate × criterion over the given stages; NaN where nothing was rated."""
    subset = ratings[ratings["stage"].isin(stages)]
    table = subset.pivot_table(
        index="candidate_id", columns="criterion_id", values="rating", aggfunc="mean"
    )
    table = table.reindex(index=list(candidate_ids), columns=list(criterion_ids))
    return table.to_numpy(dtype=float)


def spread_matrix(
    ratings: pd.DataFrame, candidate_ids: Sequence[str], criterion_ids: Sequence[str]
) -> np.ndarray:
    """Largest within-stage spread (max − min between the ratings of one stage) per candidate ×
    criterion, over the scored stages; NaN where no stage has two ratings (see evidence.py)."""
    subset = ratings[ratings["stage"].isin(SCORED_STAGE_CODES)]
    grouped = subset.groupby(["candidate_id", "criterion_id", "stage"])["rating"]
    per_stage = (grouped.max() - grouped.min())[grouped.size() >= 2]
    spread = per_stage.groupby(level=["candidate_id", "criterion_id"]).max().unstack("criterion_id")
    return spread.reindex(index=list(candidate_ids), columns=list(criterion_ids)).to_numpy(
        dtype=float
    )


@dataclass
class Comparison:
    """Everything the decision meeting needs, for one set of weights."""

    table: pd.DataFrame  # one row per candidate, ranked by the default view
    means: pd.DataFrame  # candidate name × criterion label, mean rating or NaN
    spread: pd.DataFrame  # same shape, largest within-stage max − min between interviewers
    weights: pd.Series  # criterion label → weight used
    levels: pd.Series  # criterion label → weight level 1-3 (for the guide's method)
    # same shape as spread: the stage where that spread occurs (stage code, or None)
    spread_stage: pd.DataFrame | None = None
    # the evidence it was computed from (rows in snapshot order), to re-use it
    evidence: Evidence | None = field(default=None, repr=False)

    @property
    def ranked_names(self) -> list[str]:
        return list(self.table["candidat"])

    def ranked(self, view: str) -> pd.DataFrame:
        """The table ranked by one of the three views (see VIEW_COLUMNS). In the guide's view a
        candidate whose must-have failed « ne peut pas être retenu·e »: ranked after the others.

        The « moyenne » and « matrice » views always rank alike: the matrice is
        ``total weight × (1 + 2 × score)`` (a missing criterion is filled with the candidate's own
        weighted mean), an increasing function of the score with the same total weight for every
        candidate; their tie keys are both taken on the 0–1 scale."""
        table = self.table.drop(columns="rang")
        if view != "valides":
            return rank(table, by=VIEW_COLUMNS[view][0])
        blocked = table["obligatoires"] == "bloquant"
        return pd.concat(
            [rank(table[~blocked], by="points_valides"), _unranked(table[blocked])],
            ignore_index=True,
        )

    def contributions(self, view: str) -> pd.DataFrame:
        """Long table (candidat, critere, contribution): what each criterion adds to the score of
        a view. Contributions of a candidate sum exactly to their score in that view."""
        means = self.means.to_numpy(dtype=float)
        known = ~np.isnan(means)
        w = self.weights.to_numpy(dtype=float)
        known_weight = known @ w
        with np.errstate(invalid="ignore", divide="ignore"):
            if view == "moyenne":
                part = np.where(known, (means - RATING_MIN) / (RATING_MAX - RATING_MIN), 0.0) * w
                part = part / known_weight[:, None]
            elif view == "matrice":
                part = np.where(known, means, 0.0) * w * (w.sum() / known_weight)[:, None]
            elif view == "valides":
                validated = np.nan_to_num(means, nan=0.0) >= VALIDATION_THRESHOLD
                part = validated * self.levels.to_numpy(dtype=float)
            else:
                raise ValidationError(f"Vue inconnue : « {view} ».")
        part = np.where(np.isfinite(part), part, 0.0)
        frame = pd.DataFrame(part, index=self.means.index, columns=self.means.columns)
        frame.index.name = "candidat"
        long = frame.reset_index().melt(
            id_vars="candidat", var_name="critere", value_name="contribution"
        )
        return long


# view → (score column, interval low, interval high)
VIEW_COLUMNS: dict[str, tuple[str, str, str]] = {
    "moyenne": ("score", "score_min", "score_max"),
    "matrice": ("matrice", "matrice_min", "matrice_max"),
    "valides": ("points_valides", "points_valides", "points_valides_max"),
}


def compare(
    snapshot: RecruitmentSnapshot | Evidence,
    weights: Mapping[str, float] | None = None,
    candidate_ids: Sequence[str] | None = None,
) -> Comparison:
    """Rank the candidates of a recruitment. ``weights`` maps criterion id → what-if weight.

    ``snapshot`` may be an :class:`Evidence` already built (the meeting screen builds it once and
    re-weights it on every slider move)."""
    ev = as_evidence(snapshot)
    require_criteria(ev)
    if candidate_ids is not None:
        ev = ev.subset(candidate_ids)
    w = ev.weight_vector(weights)
    means = ev.means
    scores = weighted_scores(means, w)
    points, points_best = validated_points(means, ev.levels)
    n_ratings = ev.n_ratings
    table = pd.DataFrame(
        {
            "candidate_id": ev.candidate_ids,
            "candidat": ev.names,
            "score": scores.score,
            "score_min": scores.worst,
            "score_max": scores.best,
            "couverture": scores.coverage,
            "matrice": scores.matrix,
            "matrice_min": scores.matrix_worst,
            "matrice_max": scores.matrix_best,
            "points_valides": points,
            "points_valides_max": points_best,
            "points_total": float(ev.levels.sum()),
            "poids_total": float(w.sum()),
            "obligatoires": ev.must_have_states,
            "nb_notes": n_ratings,
            "ordre_nom": ev.name_order,  # place when listed by name: how ties are listed
        }
    )
    table = rank(table)
    labels = ev.labels
    names = ev.names
    stage_codes = np.array([*SCORED_STAGE_CODES, None], dtype=object)
    return Comparison(
        table=table,
        means=pd.DataFrame(means, index=names, columns=labels),
        spread=pd.DataFrame(ev.spread, index=names, columns=labels),
        weights=pd.Series(w, index=labels),
        levels=pd.Series(ev.levels, index=labels),
        spread_stage=pd.DataFrame(stage_codes[ev.spread_stage], index=names, columns=labels),
        evidence=ev,
    )


def _unranked(table: pd.DataFrame) -> pd.DataFrame:
    key = tie_key(table["points_valides"], _scale(table, "points_valides"))
    name_pos = table["ordre_nom"].to_numpy() if "ordre_nom" in table else None
    order, _ = ranking_order(key, list(table["candidat"]), name_pos)
    ordered = table.iloc[order].reset_index(drop=True)
    return ordered.assign(rang=pd.array([pd.NA] * len(ordered), dtype="Int64"))


def _scale(table: pd.DataFrame, by: str) -> float:
    """The largest value a view's column can take, so its tie key is on the 0–1 scale."""
    if by.startswith("matrice") and "poids_total" in table and len(table):
        total = float(table["poids_total"].iloc[0]) * RATING_MAX
    elif by.startswith("points_valides") and "points_total" in table and len(table):
        total = float(table["points_total"].iloc[0])
    else:
        return 1.0
    return total if total > 0 else 1.0


def score_key(table: pd.DataFrame, by: str = "score") -> np.ndarray:
    """The tie key of one column of a comparison table (NaN where the candidate has no rating)."""
    values = table[by].astype(float)
    if "nb_notes" in table and by != "score":
        # Without any rating a candidate has no score in any view, not a score of zero.
        values = values.where(table["nb_notes"] > 0)
    return tie_key(values.to_numpy(), _scale(table, by))


def rank(table: pd.DataFrame, by: str = "score") -> pd.DataFrame:
    """Order by score (no evidence last); equal scores — equal tie keys, see tie_key — share a
    rank and are listed by name."""
    key = score_key(table, by)
    name_pos = table["ordre_nom"].to_numpy() if "ordre_nom" in table else None
    order, ranks = ranking_order(key, list(table["candidat"]), name_pos)
    ordered = table.iloc[order].reset_index(drop=True)
    if by != "score" and "nb_notes" in table:
        ordered[by] = ordered[by].where(ordered["nb_notes"] > 0)
    ordered["rang"] = pd.array([None if r == 0 else int(r) for r in ranks[order]], dtype="Int64")
    return ordered


def view_leaders(table: pd.DataFrame, view: str) -> list[str]:
    """Names first in one view (sharing rank 1 on a tie, listed by name), as Comparison.ranked
    ranks them: in the guide's view a blocked candidate cannot lead. Empty when nobody has a
    rating."""
    score_col = VIEW_COLUMNS[view][0]
    if view == "valides" and "obligatoires" in table:
        table = table[table["obligatoires"] != "bloquant"]
    ranked = rank(table.drop(columns="rang", errors="ignore"), by=score_col)
    return list(ranked.loc[ranked["rang"] == 1, "candidat"])


@dataclass(frozen=True)
class StageMeans:
    """Mean rating per candidate × criterion for each scored stage taken alone. Weights do not
    change it, so the meeting screen computes it once and re-weights it on every slider move."""

    names: list[str]
    criterion_ids: list[str]
    by_stage: dict[str, np.ndarray]


def stage_means(snapshot: RecruitmentSnapshot | Evidence) -> StageMeans:
    ev = as_evidence(snapshot)
    return StageMeans(
        names=list(ev.names),
        criterion_ids=list(ev.criterion_ids),
        by_stage={code: ev.stage_means[s] for s, code in enumerate(SCORED_STAGE_CODES)},
    )


def stage_scores_from(
    means: StageMeans, weights: Mapping[str, float], default_weights: Mapping[str, float]
) -> pd.DataFrame:
    """Normalised weighted score per candidate after each scored stage, using only that stage's
    ratings: shows how the picture evolved through the process."""
    if not means.criterion_ids:
        return pd.DataFrame(columns=["candidat", "etape", "score", "couverture"])
    w = np.array([float(weights.get(cid, default_weights[cid])) for cid in means.criterion_ids])
    frames = []
    for code, matrix in means.by_stage.items():
        s = weighted_scores(matrix, w)
        frames.append(
            pd.DataFrame(
                {"candidat": means.names, "etape": code, "score": s.score, "couverture": s.coverage}
            )
        )
    out = pd.concat(frames, ignore_index=True)
    return out.dropna(subset=["score"]).reset_index(drop=True)


def stage_scores(
    snapshot: RecruitmentSnapshot | Evidence, weights: Mapping[str, float] | None = None
) -> pd.DataFrame:
    ev = as_evidence(snapshot)
    return stage_scores_from(stage_means(ev), weights or {}, {c.id: c.weight for c in ev.criteria})
