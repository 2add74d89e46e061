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
from dataclasses import dataclass

import numpy as np
import pandas as pd

from selection.domain.model import RecruitmentSnapshot, ValidationError
from selection.domain.stages import SCORED_STAGE_CODES

VALIDATION_THRESHOLD = 2.5
# Interviewers disagree strongly when their ratings of one criterion are 2 points apart or more
# (one says « non démontré », another « démontré »): shown in the panel, the charts and the gaps.
DISAGREEMENT_SPREAD = 2.0
RATING_MIN = 1.0
RATING_MAX = 3.0


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


def must_have_status(means: np.ndarray, must_have: np.ndarray) -> list[str]:
    must = np.asarray(must_have, dtype=bool)
    if not must.any():
        return ["sans_objet"] * means.shape[0]
    sub = means[:, must]
    failed = (~np.isnan(sub)) & (np.nan_to_num(sub, nan=0.0) < VALIDATION_THRESHOLD)
    missing = np.isnan(sub)
    return [
        "bloquant" if f else ("a_verifier" if m else "ok")
        for f, m in zip(failed.any(axis=1), missing.any(axis=1), strict=True)
    ]


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
    """Max − min of the interviewers' ratings per candidate × criterion (scored stages only)."""
    subset = ratings[ratings["stage"].isin(SCORED_STAGE_CODES)]
    per_rater = subset.groupby(["candidate_id", "criterion_id", "interviewer"])["rating"].mean()
    grouped = per_rater.groupby(level=["candidate_id", "criterion_id"])
    spread = (grouped.max() - grouped.min()).unstack("criterion_id")
    return spread.reindex(index=list(candidate_ids), columns=list(criterion_ids)).to_numpy(
        dtype=float
    )


@dataclass
class Comparison:
    """Everything the decision meeting needs, for one set of weights."""

    table: pd.DataFrame  # one row per candidate, ranked by the default view
    means: pd.DataFrame  # candidate name × criterion label, mean rating or NaN
    spread: pd.DataFrame  # same shape, max − min between interviewers
    weights: pd.Series  # criterion label → weight used
    levels: pd.Series  # criterion label → weight level 1-3 (for the guide's method)

    @property
    def ranked_names(self) -> list[str]:
        return list(self.table["candidat"])

    def ranked(self, view: str) -> pd.DataFrame:
        """The table ranked by one of the three views (see VIEW_COLUMNS). In the guide's view a
        candidate whose must-have failed « ne peut pas être retenu·e »: ranked after the others."""
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
    snapshot: RecruitmentSnapshot,
    weights: Mapping[str, float] | None = None,
    candidate_ids: Sequence[str] | None = None,
) -> Comparison:
    """Rank the candidates of a recruitment. ``weights`` maps criterion id → what-if weight."""
    crits = snapshot.criteria
    if not crits:
        raise ValidationError(
            "Ajoutez au moins un critère au cadrage pour comparer les candidatures."
        )
    wanted = set(candidate_ids) if candidate_ids is not None else None
    cands = [c for c in snapshot.candidates if wanted is None or c.id in wanted]
    weights = weights or {}
    w = np.array([float(weights.get(c.id, c.weight)) for c in crits])
    levels = np.array([c.weight_level for c in crits], dtype=float)
    must = np.array([c.must_have for c in crits], dtype=bool)
    cand_ids = [c.id for c in cands]
    crit_ids = [c.id for c in crits]
    ratings = ratings_frame(snapshot)
    means = mean_matrix(ratings, cand_ids, crit_ids)
    spread = spread_matrix(ratings, cand_ids, crit_ids)
    scores = weighted_scores(means, w)
    points, points_best = validated_points(means, levels)
    table = pd.DataFrame(
        {
            "candidate_id": cand_ids,
            "candidat": [c.name for c in cands],
            "score": scores.score,
            "score_min": scores.worst,
            "score_max": scores.best,
            "couverture": scores.coverage,
            "matrice": scores.matrix,
            "matrice_min": scores.matrix_worst,
            "matrice_max": scores.matrix_best,
            "points_valides": points,
            "points_valides_max": points_best,
            "points_total": float(levels.sum()),
            "obligatoires": must_have_status(means, must),
            "nb_notes": _count_scored_ratings(ratings, cand_ids),
        }
    )
    table = rank(table)
    labels = [c.label for c in crits]
    names = [c.name for c in cands]
    return Comparison(
        table=table,
        means=pd.DataFrame(means, index=names, columns=labels),
        spread=pd.DataFrame(spread, index=names, columns=labels),
        weights=pd.Series(w, index=labels),
        levels=pd.Series(levels, index=labels),
    )


def _unranked(table: pd.DataFrame) -> pd.DataFrame:
    ordered = table.sort_values(["points_valides", "candidat"], ascending=[False, True])
    return ordered.assign(rang=pd.array([pd.NA] * len(ordered), dtype="Int64"))


def _count_scored_ratings(ratings: pd.DataFrame, candidate_ids: Sequence[str]) -> list[int]:
    scored = ratings[ratings["stage"].isin(SCORED_STAGE_CODES)]
    counts = scored.groupby("candidate_id").size()
    return [int(counts.get(cid, 0)) for cid in candidate_ids]


def rank(table: pd.DataFrame, by: str = "score") -> pd.DataFrame:
    """Order by score (no evidence last), ties share a rank and are listed by name."""
    if "nb_notes" in table and by != "score":
        # Without any rating a candidate has no score in any view, not a score of zero.
        table = table.assign(**{by: table[by].where(table["nb_notes"] > 0)})
    ordered = table.sort_values([by, "candidat"], ascending=[False, True], na_position="last")
    ordered = ordered.reset_index(drop=True)
    ordered["rang"] = ordered[by].rank(method="min", ascending=False).astype("Int64")
    return ordered


@dataclass(frozen=True)
class StageMeans:
    """Mean rating per candidate × criterion for each scored stage taken alone. Weights do not
    change it, so the meeting screen computes it once and re-weights it on every slider move."""

    names: list[str]
    criterion_ids: list[str]
    by_stage: dict[str, np.ndarray]


def stage_means(snapshot: RecruitmentSnapshot) -> StageMeans:
    ratings = ratings_frame(snapshot)
    cand_ids = [c.id for c in snapshot.candidates]
    crit_ids = [c.id for c in snapshot.criteria]
    return StageMeans(
        names=[c.name for c in snapshot.candidates],
        criterion_ids=crit_ids,
        by_stage={
            code: mean_matrix(ratings, cand_ids, crit_ids, stages=(code,))
            for code in SCORED_STAGE_CODES
        },
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
    snapshot: RecruitmentSnapshot, weights: Mapping[str, float] | None = None
) -> pd.DataFrame:
    return stage_scores_from(
        stage_means(snapshot), weights or {}, {c.id: c.weight for c in snapshot.criteria}
    )
