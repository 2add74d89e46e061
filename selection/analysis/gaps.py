"""What is still unknown or doubtful about each candidate, and the reference call that probes it.

The reference call lasts under 15 minutes (PRODUCT.md §2), so it must go straight to the points
that could change the decision. A **gap** is a (candidate, criterion) pair, over the scored stages
only (the culture stage is advisory and never counts), of one or more kinds:

- ``sans_preuve``: no submitted rating at any scored stage;
- ``partiel``: the mean rating is in [1.5, 2.5) — partly demonstrated, not validated
  (``PARTIAL_MIN`` and :data:`selection.analysis.scoring.VALIDATION_THRESHOLD`);
- ``desaccord``: two interviewers of the SAME stage rated it ``DISAGREEMENT_SPREAD`` (2 points on
  the 1–3 scale) apart or more: one saw no evidence where another saw concrete proof in the same
  interview (the within-stage spread of :mod:`selection.analysis.evidence`);
- ``doute``: a submitted evaluation with « doute » ticked or a doubt note typed.

Criteria weighted 0 are left out: by the team's own choice they cannot change the ranking.
Candidates without any rating yet are left out too: everything is unknown about them, which the
progress view already says.

**Decision relevance.** For each gap the candidate's mean on that criterion is replaced by 1 (worst)
and by 3 (best), every other rating unchanged, and the candidate's place is read again with the
same score as :func:`selection.analysis.scoring.weighted_scores` and the one tie rule of
:func:`selection.analysis.scoring.tie_key` (a candidate's place is 1 + the number of others
strictly ahead; equal scores share a place). The gap is decisive when one of these cases would
change who leads (or let the candidate share the lead), or move the candidate into or out of the
first ``shortlist_size`` places; a gap on a must-have criterion is decisive too for a candidate who
is, or could be, in those places (not validated, it would make the candidate impossible to
retain). Gaps are ranked decisive first, then by the size of the effect, then by weight.

By default the ranking is among candidates still in the process (not stopped), as in the
decision meeting's « candidatures actives » view; pass ``candidate_ids`` to choose the set.
Everything is computed from one :class:`selection.analysis.evidence.Evidence` (pass it instead of
the snapshot to reuse it); the detection and the places are vectorised, and only the gaps asked
for are written out in words.
"""

from __future__ import annotations

import gc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from functools import cached_property

import numpy as np
import pandas as pd

from selection.analysis.evidence import Doubt as Doubt
from selection.analysis.evidence import Evidence, as_evidence
from selection.analysis.scoring import (
    DISAGREEMENT_SPREAD,
    RATING_MAX,
    RATING_MIN,
    VALIDATION_THRESHOLD,
    ranking_order,
    tie_key,
    weighted_scores,
)
from selection.domain.formatting import fr_trimmed
from selection.domain.model import RecruitmentSnapshot, ValidationError
from selection.domain.stages import SCORED_STAGE_CODES, STAGE_BY_CODE

PARTIAL_MIN = 1.5
DEFAULT_SHORTLIST = 3
# Questions that fit the 6–8 minutes of the competency part of the call.
GUIDE_COMFORTABLE_QUESTIONS = 3

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
class Gap:
    """One criterion still uncertain for one candidate, and why it matters (or not).

    ``reason`` (names the other candidates involved: for the team's screen) and ``guide_reason``
    (the same point naming nobody else: for the candidate's own file) are written in French when
    first read, so listing thousands of gaps stays cheap."""

    candidate_id: str
    candidate_name: str
    criterion_id: str
    criterion_label: str
    statement: str
    kinds: tuple[str, ...]
    weight: float
    must_have: bool
    mean: float | None
    spread: float | None  # largest within-stage spread between interviewers
    doubts: tuple[Doubt, ...]
    position: int | None  # current place, 1 = leads (shared on a tie); None without a score
    score_if_worst: float
    score_if_best: float
    effects: tuple[str, ...]
    priority: int = 0  # 1 = first gap to probe for this candidate
    spread_stage: str | None = None  # stage code where that spread was seen
    _source: tuple | None = field(default=None, compare=False, repr=False)

    @property
    def relevant(self) -> bool:
        return bool(self.effects)

    @cached_property
    def _head(self) -> str:
        return _kinds_phrase(self.kinds, self.mean, self.spread, self.doubts, self.spread_stage)

    @cached_property
    def reason(self) -> str:
        analysis, i, k = self._source
        phrases = _effect_phrases(analysis, i, k, self.effects, self.position)
        return f"{self._head} sur « {self.criterion_label} » : {' ; '.join(phrases)}."

    @cached_property
    def guide_reason(self) -> str:
        n = self._source[0].shortlist_size
        return f"{self._head} : {_own_effect(self.effects, n)}."


# --- detection and relevance ----------------------------------------------------------------


def _active_ids(ev: Evidence) -> list[str]:
    return [cid for cid, st in zip(ev.candidate_ids, ev.status, strict=True) if st != "arrete"]


def _places(key_trial: np.ndarray, key: np.ndarray) -> np.ndarray:
    """For each candidate i and criterion k: the place (1 = first) candidate i would hold if its
    tie key were key_trial[i, k] — 1 + the number of OTHER scored candidates strictly ahead
    (equal keys share a place). Vectorised with one sort of the current keys."""
    scored = np.sort(key[~np.isnan(key)])
    above = scored.size - np.searchsorted(scored, key_trial, side="right")
    own = np.nan_to_num(key, nan=-np.inf)[:, None]
    above = above - (own > key_trial)
    return np.where(np.isnan(key_trial), np.iinfo(np.int64).max, above + 1)


@dataclass
class GapAnalysis:
    """The gap detection of one comparison set as arrays (candidates × criteria, rows in the
    evidence's order): what :func:`find_gaps` writes out in words. Cheap to compute for every
    candidate; :meth:`gaps` builds the :class:`Gap` objects only for the rows asked for."""

    evidence: Evidence
    weights: np.ndarray
    shortlist_size: int
    score: np.ndarray
    key: np.ndarray
    order: np.ndarray  # rows best first (scored by rank then name, unscored last)
    place: np.ndarray  # shared rank, 0 without a score
    is_gap: np.ndarray
    missing: np.ndarray
    partial: np.ndarray
    disagree: np.ndarray
    doubted: np.ndarray
    worst: np.ndarray
    best: np.ndarray
    worst_place: np.ndarray
    best_place: np.ndarray
    best_key: np.ndarray
    effects: np.ndarray  # candidates × criteria × len(EFFECTS), bool

    @property
    def decisive(self) -> np.ndarray:
        return self.is_gap & self.effects.any(axis=2)

    def gaps(self, rows: Sequence[int] | None = None) -> list[Gap]:
        return _write_gaps(self, self.order if rows is None else rows)


def analyse_gaps(
    source: RecruitmentSnapshot | Evidence,
    weights: Mapping[str, float] | None = None,
    shortlist_size: int = DEFAULT_SHORTLIST,
    candidate_ids: Sequence[str] | None = None,
) -> GapAnalysis:
    """Detect every gap and its effect on the decision, for every compared candidate, in arrays
    (see the module docstring)."""
    if shortlist_size < 1:
        raise ValidationError("La sélection finale compte au moins une personne.")
    ev = as_evidence(source)
    ev = ev.subset(_active_ids(ev) if candidate_ids is None else candidate_ids)
    w = ev.weight_vector(weights)
    n = shortlist_size
    means = ev.means
    known = ~np.isnan(means)
    score = (
        weighted_scores(means, w).score
        if len(ev.criteria) and w.sum() > 0
        else np.full(len(ev.candidates), np.nan)
    )
    key = tie_key(score)
    order, place = ranking_order(key, ev.names, ev.name_order)

    norm = np.where(known, (means - RATING_MIN) / (RATING_MAX - RATING_MIN), 0.0)
    num = (norm @ w)[:, None] - norm * w
    den = (known @ w)[:, None] - known * w
    with np.errstate(invalid="ignore", divide="ignore"):
        worst = np.where(den + w > 0, num / (den + w), np.nan)
        best = np.where(den + w > 0, (num + w) / (den + w), np.nan)
    worst_key, best_key = tie_key(worst), tie_key(best)
    worst_place = _places(worst_key, key)
    best_place = _places(best_key, key)

    missing = ~known
    partial = known & (np.nan_to_num(means) >= PARTIAL_MIN) & (means < VALIDATION_THRESHOLD)
    disagree = np.nan_to_num(ev.spread) >= DISAGREEMENT_SPREAD
    doubted = ev.doubted()
    is_gap = (missing | partial | disagree | doubted) & (w > 0) & known.any(axis=1)[:, None]

    now = np.where(place > 0, place, np.iinfo(np.int64).max)[:, None]
    leads = now == 1
    in_top = now <= n
    take = ~leads & (best_place == 1)
    enter = ~in_top & (best_place <= n) & ~take
    leave = in_top & (worst_place > n) & (n > 1)
    lose = leads & (worst_place > 1) & ~leave
    must = ev.must_have[None, :] & (in_top | (best_place <= n))
    effects = np.stack([take, lose, enter, leave, must], axis=2) & is_gap[:, :, None]
    return GapAnalysis(
        evidence=ev,
        weights=w,
        shortlist_size=n,
        score=score,
        key=key,
        order=order,
        place=place,
        is_gap=is_gap,
        missing=missing,
        partial=partial,
        disagree=disagree,
        doubted=doubted,
        worst=worst,
        best=best,
        worst_place=worst_place,
        best_place=best_place,
        best_key=best_key,
        effects=effects,
    )


def _places_phrase(n: int) -> str:
    return "la première place" if n == 1 else f"les {n} premières places"


def _kinds_phrase(
    kinds: Sequence[str],
    mean: float | None,
    spread: float | None,
    doubts: Sequence[Doubt],
    spread_stage: str | None = None,
) -> str:
    parts = []
    for kind in kinds:
        if kind == "sans_preuve":
            parts.append("aucune preuve")
        elif kind == "partiel":
            parts.append(f"preuve partielle (moyenne {fr_trimmed(mean)} sur 3)")
        elif kind == "desaccord":
            where = (
                f" à l'étape « {STAGE_BY_CODE[spread_stage].label} »"
                if spread_stage in STAGE_BY_CODE
                else ""
            )
            parts.append(
                f"désaccord entre les personnes (écart de {fr_trimmed(spread)} points{where})"
            )
        elif kind == "doute":
            notes = [d.note for d in doubts if d.note]
            parts.append(f"doute noté (« {notes[0]} »)" if len(notes) == 1 else "doute noté")
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]
    return text[:1].upper() + text[1:]


def find_gaps(
    snapshot: RecruitmentSnapshot | Evidence,
    weights: Mapping[str, float] | None = None,
    shortlist_size: int = DEFAULT_SHORTLIST,
    candidate_ids: Sequence[str] | None = None,
) -> list[Gap]:
    """Every gap of every compared candidate: candidates in ranking order, each one's gaps ranked
    decisive first, then by effect and weight. ``weights`` maps criterion id → what-if weight."""
    return _find_gaps(snapshot, weights, shortlist_size, candidate_ids)


def _find_gaps(
    source: RecruitmentSnapshot | Evidence,
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
    ev = as_evidence(source)
    if not ev.criteria or not ev.candidates:
        return []
    analysis = analyse_gaps(ev, weights, shortlist_size, candidate_ids)
    rows = analysis.order.tolist()
    if only_id is not None:
        rows = [i for i in rows if analysis.evidence.candidate_ids[i] == only_id]
    if only_top:
        rows = [i for i in rows if 0 < analysis.place[i] <= shortlist_size]
    return analysis.gaps(rows)


_EFFECT_CODES = tuple(EFFECTS)
# bit masks → the tuples they stand for, in the order of GAP_KINDS and EFFECTS
_KIND_TUPLES = [
    tuple(kind for bit, kind in enumerate(GAP_KINDS) if mask >> bit & 1)
    for mask in range(1 << len(GAP_KINDS))
]
_EFFECT_TUPLES = [
    tuple(code for bit, code in enumerate(_EFFECT_CODES) if mask >> bit & 1)
    for mask in range(1 << len(_EFFECT_CODES))
]


def _write_gaps(a: GapAnalysis, rows: Sequence[int]) -> list[Gap]:
    """The Gap objects of the given rows (in that order), each row's gaps by priority: decisive
    first, then the strongest effect, the heaviest weight, must-haves, brief order. Sorted and
    coded with numpy; the French sentences wait until they are read."""
    ev = a.evidence
    rows = np.asarray(rows, dtype=int)
    if rows.size == 0 or not a.is_gap.any():
        return []
    gap_rows, gap_cols = np.nonzero(a.is_gap[rows])
    if gap_rows.size == 0:
        return []
    cand_rows = rows[gap_rows]
    kind_bits = (
        a.missing.astype(int)
        | a.partial.astype(int) << 1
        | a.disagree.astype(int) << 2
        | a.doubted.astype(int) << 3
    )[cand_rows, gap_cols]
    effects = a.effects[cand_rows, gap_cols]
    effect_bits = (effects * (1 << np.arange(len(_EFFECT_CODES)))).sum(axis=1)
    first_effect = np.where(effects.any(axis=1), effects.argmax(axis=1), len(_EFFECT_CODES))
    crit_position = np.array([c.position for c in ev.criteria])
    order = np.lexsort(
        (
            gap_cols,
            crit_position[gap_cols],
            ~ev.must_have[gap_cols],
            -a.weights[gap_cols],
            first_effect,
            ~effects.any(axis=1),
            gap_rows,
        )
    )
    gap_rows, gap_cols = gap_rows[order], gap_cols[order]
    cand_rows = cand_rows[order]
    starts = np.r_[0, np.flatnonzero(np.diff(gap_rows)) + 1]
    priority = np.arange(gap_rows.size) - np.repeat(starts, np.diff(np.r_[starts, gap_rows.size]))
    crits = ev.criteria
    ii, kk = cand_rows.tolist(), gap_cols.tolist()
    kinds = kind_bits[order].tolist()
    cand_ids, names = ev.candidate_ids, ev.names
    place = [int(p) if p > 0 else None for p in a.place.tolist()]
    crit_ids = [c.id for c in crits]
    crit_labels = [c.label for c in crits]
    statements = [c.statement for c in crits]
    musts = [c.must_have for c in crits]
    weights = a.weights.tolist()
    mean = ev.means[cand_rows, gap_cols].tolist()
    spread = ev.spread[cand_rows, gap_cols].tolist()
    stage = ev.spread_stage[cand_rows, gap_cols].tolist()
    stage_codes = (*SCORED_STAGE_CODES, None)  # index −1 → None
    doubts = ev.doubts
    gap_cids = [cand_ids[i] for i in ii]
    gap_crit_ids = [crit_ids[k] for k in kk]
    columns = (
        gap_cids,
        [names[i] for i in ii],
        gap_crit_ids,
        [crit_labels[k] for k in kk],
        [statements[k] for k in kk],
        [_KIND_TUPLES[b] for b in kinds],
        [weights[k] for k in kk],
        [musts[k] for k in kk],
        [None if b & 1 else m for b, m in zip(kinds, mean, strict=True)],
        [None if v != v else v for v in spread],
        [doubts.get(key, ()) for key in zip(gap_cids, gap_crit_ids, strict=True)],
        [place[i] for i in ii],
        a.worst[cand_rows, gap_cols].tolist(),
        a.best[cand_rows, gap_cols].tolist(),
        [_EFFECT_TUPLES[b] for b in effect_bits[order].tolist()],
        (priority + 1).tolist(),
        [stage_codes[st] for st in stage],
        [(a, i, k) for i, k in zip(ii, kk, strict=True)],
    )
    # Gap is frozen: its generated __init__ sets each field through object.__setattr__, which
    # doubles the cost of listing thousands of gaps. Filling __dict__ gives the same object.
    # The cyclic collector is paused meanwhile: tens of thousands of new objects would trigger
    # full collections that walk every object of the snapshot (the median time doubled at
    # 10,000 candidates). It is restored as it was.
    new, fields = object.__new__, _GAP_FIELDS
    out = []
    enabled = gc.isenabled()
    gc.disable()
    try:
        for values in zip(*columns, strict=True):
            gap = new(Gap)
            gap.__dict__.update(zip(fields, values, strict=True))
            out.append(gap)
    finally:
        if enabled:
            gc.enable()
    return out


_GAP_FIELDS = tuple(f.name for f in dataclass_fields(Gap))


def _effect_phrases(
    a: GapAnalysis,
    i: int,
    k: int,
    effects: Sequence[str],
    pos: int | None,
) -> list[str]:
    """What a rating of 1 or 3 on this criterion would do to candidate i's place, in words."""
    names = a.evidence.names
    n = a.shortlist_size
    who = names[i]
    scored_rows = [j for j in a.order.tolist() if a.place[j] > 0]
    next_best = next((j for j in scored_rows if j != i), None)
    phrases: list[str] = []
    for effect in effects:
        if effect == "prend_la_tete":
            leaders = [j for j in scored_rows if a.place[j] == 1]
            top_key = a.key[leaders[0]] if leaders else np.nan
            if not leaders:
                phrases.append(f"une note de 3 placerait {who} en tête")
            elif a.best_key[i, k] > top_key:
                phrases.append(
                    f"une note de 3 ferait passer {who} devant {_names(names, leaders)}, "
                    "aujourd'hui en tête"
                )
            else:
                phrases.append(
                    f"une note de 3 mettrait {who} à égalité en tête avec {_names(names, leaders)}"
                )
        elif effect == "entre":
            phrases.append(f"une note de 3 ferait entrer {who} dans {_places_phrase(n)}")
        elif effect == "sort":
            phrases.append(
                f"une note de 1 ferait sortir {who} {_places_phrase(n).replace('les', 'des', 1)}"
            )
        elif effect == "perd_la_tete":
            other = names[next_best] if next_best is not None else "une autre personne"
            phrases.append(f"une note de 1 ferait passer {other} devant {who}")
        elif effect == "obligatoire":
            phrases.append(
                f"critère obligatoire : sans validation, {who} ne pourrait pas être retenu·e"
            )
    if not phrases:
        if pos == 1:
            where = "en tête"
        elif pos is not None and pos <= n:
            where = f"dans {_places_phrase(n)}"
        elif n == 1:
            where = "derrière la personne en tête"
        else:
            where = f"hors {_places_phrase(n).replace('les', 'des', 1)}"
        phrases.append(f"quelle que soit la note (de 1 à 3), {who} resterait {where}")
    return phrases


def _names(names: Sequence[str], rows: Sequence[int]) -> str:
    shown = [names[j] for j in rows]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " et " + shown[-1]


def _own_effect(effects: Sequence[str], n: int) -> str:
    """The decision stake of a gap without naming anyone (the guide joins the candidate's file,
    which the candidate may ask to read)."""
    phrases = {
        "prend_la_tete": "une note de 3 placerait la candidature en tête",
        "perd_la_tete": "une note de 1 lui ferait perdre la première place",
        "entre": f"une note de 3 la ferait entrer dans {_places_phrase(n)}",
        "sort": f"une note de 1 la ferait sortir {_places_phrase(n).replace('les', 'des', 1)}",
        "obligatoire": "critère obligatoire, à valider pour pouvoir retenir la candidature",
    }
    said = [phrases[e] for e in effects]
    return " ; ".join(said) if said else "point à vérifier, sans effet attendu sur le classement"


def gaps_for_candidate(
    snapshot: RecruitmentSnapshot | Evidence,
    candidate_id: str,
    weights: Mapping[str, float] | None = None,
    shortlist_size: int = DEFAULT_SHORTLIST,
    candidate_ids: Sequence[str] | None = None,
) -> list[Gap]:
    """One candidate's gaps, ranked; the candidate is compared even if stopped."""
    ev = as_evidence(snapshot)
    if candidate_id not in ev.row_of:
        raise ValidationError("Cette candidature est introuvable dans le recrutement.")
    if candidate_ids is None:
        candidate_ids = _active_ids(ev)
    ids = list(candidate_ids) + ([candidate_id] if candidate_id not in candidate_ids else [])
    return _find_gaps(ev, weights, shortlist_size, ids, only_id=candidate_id)


def shortlist_gaps(
    snapshot: RecruitmentSnapshot | Evidence,
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
    """The gaps as a table in French, for the screen and the exports (people shown by name)."""
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
            "doutes": " ; ".join(f"{d.label} : {d.note}" if d.note else d.label for d in g.doubts),
            "decisif": g.relevant,
            "effets": ", ".join(EFFECTS[e] for e in g.effects),
            "raison": g.reason,
        }
        for g in gaps
    ]
    return pd.DataFrame(rows, columns=GAP_COLUMNS).astype({"rang": "Int64"})
