"""What is still unknown or doubtful about each candidate, and the reference call that probes it.

The reference call lasts under 15 minutes (PRODUCT.md §2), so it must go straight to the points
that could change the decision. A **gap** is a (candidate, criterion) pair, over the scored stages
only (the culture stage is advisory and never counts), of one or more kinds:

- ``sans_preuve``: no submitted rating at any scored stage;
- ``partiel``: the mean rating is in [1.5, 2.5) — partly demonstrated, not validated
  (``PARTIAL_MIN`` and :data:`selection.analysis.scoring.VALIDATION_THRESHOLD`);
- ``desaccord``: the interviewers' own means differ by at least ``DISAGREEMENT_SPREAD`` (2 points
  on the 1–3 scale: one saw no evidence where another saw concrete proof);
- ``doute``: an interviewer ticked « doute » on a submitted evaluation (with its note).

Criteria weighted 0 are left out: by the team's own choice they cannot change the ranking.
Candidates without any rating yet are left out too: everything is unknown about them, which the
progress view already says.

**Decision relevance.** For each gap the candidate's mean on that criterion is replaced by 1 (worst)
and by 3 (best), every other rating unchanged, and the candidate is re-ranked with the same score as
:func:`selection.analysis.scoring.weighted_scores`. The gap is decisive when one of these cases would change
who leads, or move the candidate into or out of the first ``shortlist_size`` places; a gap on a
must-have criterion is decisive too for a candidate who is, or could be, in those places (not
validated, it would make the candidate impossible to retain). Gaps are ranked decisive first, then
by the size of the effect, then by weight.

By default the ranking is among candidates still in the process (not stopped), as in the
decision meeting's « candidatures actives » view; pass ``candidate_ids`` to choose the set.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from selection.analysis.progress import candidate_status
from selection.analysis.scoring import (
    DISAGREEMENT_SPREAD,
    RATING_MAX,
    RATING_MIN,
    VALIDATION_THRESHOLD,
    mean_matrix,
    ratings_frame,
    spread_matrix,
    weighted_scores,
)
from selection.domain.formatting import fr_number
from selection.domain.model import RecruitmentSnapshot, ValidationError
from selection.domain.stages import SCORED_STAGE_CODES

PARTIAL_MIN = 1.5
DEFAULT_SHORTLIST = 3
# Questions that fit the 6–8 minutes of the competency part of the call.
GUIDE_COMFORTABLE_QUESTIONS = 3
# Scores (0–1) equal to this many decimals are a tie: float noise must not break one.
_DECIMALS = 11

GAP_KINDS: dict[str, str] = {
    "sans_preuve": "Aucune preuve",
    "partiel": "Preuve partielle",
    "desaccord": "Désaccord entre les personnes",
    "doute": "Doute noté",
}

# Effects of a gap on the decision, strongest first.
EFFECTS: dict[str, str] = {
    "prend_la_tete": "Peut passer en tête",
    "perd_la_tete": "Peut perdre la tête",
    "entre": "Peut entrer dans la sélection",
    "sort": "Peut sortir de la sélection",
    "obligatoire": "Critère obligatoire",
}
_EFFECT_ORDER = {code: i for i, code in enumerate(EFFECTS)}


@dataclass(frozen=True)
class Doubt:
    interviewer: str
    stage: str
    note: str


@dataclass(frozen=True)
class Gap:
    """One criterion still uncertain for one candidate, and why it matters (or not)."""

    candidate_id: str
    candidate_name: str
    criterion_id: str
    criterion_label: str
    statement: str
    kinds: tuple[str, ...]
    weight: float
    must_have: bool
    mean: float | None
    spread: float | None
    doubts: tuple[Doubt, ...]
    position: int | None  # current place, 1 = leads; None when the candidate has no score
    score_if_worst: float
    score_if_best: float
    effects: tuple[str, ...]
    reason: str  # names the other candidates involved: for the team's screen
    guide_reason: str = ""  # same point naming nobody else: for the candidate's own file
    priority: int = 0  # 1 = first gap to probe for this candidate

    @property
    def relevant(self) -> bool:
        return bool(self.effects)


# --- detection and relevance ----------------------------------------------------------------


def _comparison_set(snapshot: RecruitmentSnapshot, candidate_ids: Sequence[str] | None) -> list:
    if candidate_ids is not None:
        wanted = set(candidate_ids)
        return [c for c in snapshot.candidates if c.id in wanted]
    # The status follows from the decisions alone; leaving the evaluations out keeps this cheap.
    decided = RecruitmentSnapshot(
        snapshot.recruitment, [], snapshot.candidates, [], snapshot.decisions
    )
    status = candidate_status(decided)
    stopped = set(status.loc[status["statut"] == "arrete", "candidate_id"])
    return [c for c in snapshot.candidates if c.id not in stopped]


def _doubts(snapshot: RecruitmentSnapshot) -> dict[tuple[str, str], list[Doubt]]:
    found: dict[tuple[str, str], list[Doubt]] = {}
    for e in snapshot.evaluations:
        if e.doubt and e.status == "soumis" and e.stage in SCORED_STAGE_CODES:
            found.setdefault((e.candidate_id, e.criterion_id), []).append(
                Doubt(e.interviewer, e.stage, (e.doubt_note or "").strip())
            )
    return found


def _places_ahead(trial: np.ndarray, score: np.ndarray, order_key: np.ndarray) -> np.ndarray:
    """For each candidate i and criterion k: how many *other* scored candidates would rank ahead of
    i if i's score were trial[i, k]; a tie goes to the candidate listed first (by name, as in
    compare). Vectorised: scores are rounded so that float noise is a tie, then ties are counted
    on a combined (score, order) integer key."""
    n = score.shape[0]
    scored = ~np.isnan(score)
    rounded = np.round(score[scored], _DECIMALS)
    values, value_rank = np.unique(rounded, return_inverse=True)
    keys = np.sort(value_rank * (n + 1) + order_key[scored])
    probe = np.round(trial, _DECIMALS)
    above = rounded.size - np.searchsorted(np.sort(rounded), probe, side="right")
    own = np.round(np.nan_to_num(score, nan=-np.inf), _DECIMALS)[:, None]
    above -= own > probe
    if values.size:
        at = np.minimum(np.searchsorted(values, probe), values.size - 1)
        base = at * (n + 1)
        tied_first = np.searchsorted(keys, base + order_key[:, None]) - np.searchsorted(keys, base)
        above += np.where(values[at] == probe, tied_first, 0)
    return np.where(np.isnan(trial), np.iinfo(int).max, above)


def _trim(value: float) -> str:
    return fr_number(value, 1).removesuffix(",0")


def _places(n: int) -> str:
    return "la première place" if n == 1 else f"les {n} premières places"


def _kinds_phrase(
    kinds: Sequence[str], mean: float | None, spread: float | None, doubts: Sequence[Doubt]
) -> str:
    parts = []
    for kind in kinds:
        if kind == "sans_preuve":
            parts.append("aucune preuve")
        elif kind == "partiel":
            parts.append(f"preuve partielle (moyenne {_trim(mean)} sur 3)")
        elif kind == "desaccord":
            parts.append(f"désaccord entre les personnes (écart de {_trim(spread)} points)")
        elif kind == "doute":
            notes = [d.note for d in doubts if d.note]
            parts.append(f"doute noté (« {notes[0]} »)" if len(notes) == 1 else "doute noté")
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]
    return text[:1].upper() + text[1:]


def find_gaps(
    snapshot: RecruitmentSnapshot,
    weights: Mapping[str, float] | None = None,
    shortlist_size: int = DEFAULT_SHORTLIST,
    candidate_ids: Sequence[str] | None = None,
) -> list[Gap]:
    """Every gap of every compared candidate: candidates in ranking order, each one's gaps ranked
    decisive first, then by effect and weight. ``weights`` maps criterion id → what-if weight."""
    return _find_gaps(snapshot, weights, shortlist_size, candidate_ids)


def _find_gaps(
    snapshot: RecruitmentSnapshot,
    weights: Mapping[str, float] | None,
    shortlist_size: int,
    candidate_ids: Sequence[str] | None,
    *,
    only_id: str | None = None,
    only_top: bool = False,
) -> list[Gap]:
    """find_gaps, describing only one candidate or only the shortlist (the ranking still uses
    every compared candidate)."""
    if shortlist_size < 1:
        raise ValidationError("La sélection finale compte au moins une personne.")
    crits = list(snapshot.criteria)
    cands = _comparison_set(snapshot, candidate_ids)
    if not crits or not cands:
        return []
    weights = weights or {}
    w = np.array([float(weights.get(c.id, c.weight)) for c in crits])
    cand_ids = [c.id for c in cands]
    crit_ids = [c.id for c in crits]
    ratings = ratings_frame(snapshot)
    means = mean_matrix(ratings, cand_ids, crit_ids)
    spread = spread_matrix(ratings, cand_ids, crit_ids)
    score = weighted_scores(means, w).score
    doubts = _doubts(snapshot)

    names = [c.name for c in cands]
    by_name = sorted(range(len(cands)), key=lambda i: (names[i], i))
    order_key = np.empty(len(cands), dtype=int)
    order_key[by_name] = np.arange(len(cands))
    # Same rounding as _places_ahead, so a float-noise difference is a tie in both.
    rounded = np.round(np.nan_to_num(score, nan=-1.0), _DECIMALS).tolist()
    ranking = sorted(range(len(cands)), key=lambda i: (-rounded[i], order_key[i]))
    scored_ranking = [i for i in ranking if not np.isnan(score[i])]
    position = np.full(len(cands), -1)
    position[scored_ranking] = np.arange(len(scored_ranking))

    known = ~np.isnan(means)
    norm = np.where(known, (means - RATING_MIN) / (RATING_MAX - RATING_MIN), 0.0)
    num = (norm @ w)[:, None] - norm * w
    den = (known @ w)[:, None] - known * w
    with np.errstate(invalid="ignore", divide="ignore"):
        worst = np.where(den + w > 0, num / (den + w), np.nan)
        best = np.where(den + w > 0, (num + w) / (den + w), np.nan)
    worst_place = _places_ahead(worst, score, order_key)
    best_place = _places_ahead(best, score, order_key)

    missing = ~known
    partial = known & (np.nan_to_num(means) >= PARTIAL_MIN) & (means < VALIDATION_THRESHOLD)
    disagree = np.nan_to_num(spread) >= DISAGREEMENT_SPREAD
    doubted = np.zeros_like(known)
    row = {cid: i for i, cid in enumerate(cand_ids)}
    col = {cid: k for k, cid in enumerate(crit_ids)}
    for cand_id, crit_id in doubts:
        if cand_id in row and crit_id in col:
            doubted[row[cand_id], col[crit_id]] = True
    is_gap = (missing | partial | disagree | doubted) & (w > 0) & known.any(axis=1)[:, None]

    n = shortlist_size
    crit_rank = {c.id: (c.position, k) for k, c in enumerate(crits)}
    means_l, spread_l = means.tolist(), spread.tolist()
    worst_l, best_l = worst.tolist(), best.tolist()
    worst_pl, best_pl = worst_place.tolist(), best_place.tolist()
    gaps: list[Gap] = []
    for i in ranking:
        if only_id is not None and cand_ids[i] != only_id:
            continue
        if only_top and not 0 <= position[i] < n:
            continue
        ks = np.flatnonzero(is_gap[i]).tolist()
        if not ks:
            continue
        pos = int(position[i]) if position[i] >= 0 else None
        found_rows = []
        for k in ks:
            crit = crits[k]
            mean = None if missing[i, k] else means_l[i][k]
            sp = None if math.isnan(spread_l[i][k]) else spread_l[i][k]
            found = doubts.get((cand_ids[i], crit.id), [])
            kinds = [
                kind
                for kind, flag in (
                    ("sans_preuve", missing[i, k]),
                    ("partiel", partial[i, k]),
                    ("desaccord", disagree[i, k]),
                    ("doute", doubted[i, k]),
                )
                if flag
            ]
            effects, phrases = _effects(
                i, pos, worst_pl[i][k], best_pl[i][k], crit.must_have, n, names, scored_ranking
            )
            head = _kinds_phrase(kinds, mean, sp, found)
            found_rows.append(
                dict(
                    candidate_id=cand_ids[i],
                    candidate_name=names[i],
                    criterion_id=crit.id,
                    criterion_label=crit.label,
                    statement=crit.statement,
                    kinds=tuple(kinds),
                    weight=float(w[k]),
                    must_have=crit.must_have,
                    mean=mean,
                    spread=sp,
                    doubts=tuple(found),
                    position=None if pos is None else pos + 1,
                    score_if_worst=worst_l[i][k],
                    score_if_best=best_l[i][k],
                    effects=effects,
                    reason=f"{head} sur « {crit.label} » : {' ; '.join(phrases)}.",
                    guide_reason=f"{head} : {_own_effect(effects, n)}.",
                )
            )
        found_rows.sort(key=lambda g: _priority_key(g, crit_rank))
        gaps.extend(Gap(**g, priority=p) for p, g in enumerate(found_rows, start=1))
    return gaps


def _effects(
    i: int,
    pos: int | None,
    worst_pos: int,
    best_pos: int,
    must_have: bool,
    n: int,
    names: Sequence[str],
    scored_ranking: Sequence[int],
) -> tuple[tuple[str, ...], list[str]]:
    """What a rating of 1 or 3 on this criterion would do to candidate i's place, in words."""
    who = names[i]
    in_top = pos is not None and pos < n
    leads = pos == 0
    effects: list[str] = []
    phrases: list[str] = []
    if not leads and best_pos == 0:
        effects.append("prend_la_tete")
        phrases.append(
            f"une note de 3 ferait passer {who} devant {names[scored_ranking[0]]}, "
            "aujourd'hui en tête"
            if scored_ranking
            else f"une note de 3 placerait {who} en tête"
        )
    elif not in_top and best_pos < n:
        effects.append("entre")
        phrases.append(f"une note de 3 ferait entrer {who} dans {_places(n)}")
    if in_top and worst_pos >= n and n > 1:
        effects.append("sort")
        phrases.append(f"une note de 1 ferait sortir {who} {_places(n).replace('les', 'des', 1)}")
    elif leads and worst_pos > 0:
        effects.append("perd_la_tete")
        phrases.append(f"une note de 1 ferait passer {names[scored_ranking[1]]} devant {who}")
    if must_have and (in_top or best_pos < n):
        effects.append("obligatoire")
        phrases.append(
            f"critère obligatoire : sans validation, {who} ne pourrait pas être retenu·e"
        )
    if not effects:
        if leads:
            where = "en tête"
        elif in_top:
            where = f"dans {_places(n)}"
        elif n == 1:
            where = "derrière la personne en tête"
        else:
            where = f"hors {_places(n).replace('les', 'des', 1)}"
        phrases.append(f"quelle que soit la note (de 1 à 3), {who} resterait {where}")
    return tuple(effects), phrases


def _own_effect(effects: Sequence[str], n: int) -> str:
    """The decision stake of a gap without naming anyone (the guide joins the candidate's file,
    which the candidate may ask to read)."""
    phrases = {
        "prend_la_tete": "une note de 3 placerait la candidature en tête",
        "perd_la_tete": "une note de 1 lui ferait perdre la première place",
        "entre": f"une note de 3 la ferait entrer dans {_places(n)}",
        "sort": f"une note de 1 la ferait sortir {_places(n).replace('les', 'des', 1)}",
        "obligatoire": "critère obligatoire, à valider pour pouvoir retenir la candidature",
    }
    said = [phrases[e] for e in effects]
    return " ; ".join(said) if said else "point à vérifier, sans effet attendu sur le classement"


def _priority_key(gap: dict, crit_rank: Mapping[str, tuple[int, int]]) -> tuple:
    """Decisive first, then the strongest effect, the heaviest weight, must-haves, brief order."""
    return (
        not gap["effects"],
        min((_EFFECT_ORDER[e] for e in gap["effects"]), default=len(EFFECTS)),
        -gap["weight"],
        not gap["must_have"],
        crit_rank[gap["criterion_id"]],
    )


def gaps_for_candidate(
    snapshot: RecruitmentSnapshot,
    candidate_id: str,
    weights: Mapping[str, float] | None = None,
    shortlist_size: int = DEFAULT_SHORTLIST,
    candidate_ids: Sequence[str] | None = None,
) -> list[Gap]:
    """One candidate's gaps, ranked; the candidate is compared even if stopped."""
    if not any(c.id == candidate_id for c in snapshot.candidates):
        raise ValidationError("Cette candidature est introuvable dans le recrutement.")
    if candidate_ids is None:
        candidate_ids = [c.id for c in _comparison_set(snapshot, None)]
    ids = list(candidate_ids) + ([candidate_id] if candidate_id not in candidate_ids else [])
    return _find_gaps(snapshot, weights, shortlist_size, ids, only_id=candidate_id)


def shortlist_gaps(
    snapshot: RecruitmentSnapshot,
    weights: Mapping[str, float] | None = None,
    shortlist_size: int = DEFAULT_SHORTLIST,
    candidate_ids: Sequence[str] | None = None,
) -> list[Gap]:
    """Gaps of the candidates currently in the first ``shortlist_size`` places."""
    return _find_gaps(snapshot, weights, shortlist_size, candidate_ids, only_top=True)


GAP_COLUMNS = [
    "candidate_id",
    "candidat",
    "rang",
    "priorite",
    "criterion_id",
    "critere",
    "types",
    "poids",
    "obligatoire",
    "moyenne",
    "ecart",
    "doutes",
    "decisif",
    "effets",
    "raison",
]


def gaps_frame(gaps: Sequence[Gap]) -> pd.DataFrame:
    """The gaps as a table in French, for the screen and the exports."""
    rows = [
        {
            "candidate_id": g.candidate_id,
            "candidat": g.candidate_name,
            "rang": g.position,
            "priorite": g.priority,
            "criterion_id": g.criterion_id,
            "critere": g.criterion_label,
            "types": ", ".join(GAP_KINDS[k] for k in g.kinds),
            "poids": g.weight,
            "obligatoire": g.must_have,
            "moyenne": g.mean,
            "ecart": g.spread,
            "doutes": " ; ".join(
                f"{d.interviewer} : {d.note}" if d.note else d.interviewer for d in g.doubts
            ),
            "decisif": g.relevant,
            "effets": ", ".join(EFFECTS[e] for e in g.effects),
            "raison": g.reason,
        }
        for g in gaps
    ]
    return pd.DataFrame(rows, columns=GAP_COLUMNS).astype({"rang": "Int64"})
