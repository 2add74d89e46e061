"""The evidence of a recruitment, computed once per snapshot: every number of the decision meeting
(scores, robustness, gaps, signals, stage evolution, calibration) is read from here.

:func:`build_evidence` walks the evaluations once and keeps, as numpy arrays:

- the submitted ratings at scored stages as flat arrays (candidate, criterion, stage, rater,
  rating) — drafts and « non évalué » are not ratings, the culture stage is never scored;
- per candidate × criterion: the mean over every submitted rating at every scored stage (NaN
  when there is none: missing evidence is never a zero) and the count;
- per scored stage × candidate × criterion: the mean and the count of that stage alone;
- the **within-stage spread**: for each candidate, criterion and stage, max − min between the
  raters of that stage; the spread of a candidate × criterion is the largest over the stages,
  with the stage where it occurs (NaN when no stage has two ratings). Disagreement is between
  people who saw the same interview: a 1 against a 3 at one stage is a 2-point disagreement even
  if other stages average it away;
- the doubts per candidate × criterion: submitted evaluations with « doute » ticked OR a doubt
  note typed (a note without the tick is still a doubt);
- the number of ratings per candidate, where each candidate stands in the process (the rule of
  :mod:`selection.analysis.progress`) and which scored stages probe each criterion.

:meth:`Evidence.subset` restricts it to some candidates without walking the evaluations again.
"""

from __future__ import annotations

import gc
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import repeat
from operator import attrgetter

import numpy as np

from selection.analysis.progress import stage_progress
from selection.domain.model import Candidate, Criterion, RecruitmentSnapshot, ValidationError
from selection.domain.stages import SCORED_STAGE_CODES, STAGE_CODES, stage_index

RATING_VALUES = (1, 2, 3)
RATING_MIN = 1.0
RATING_MAX = 3.0
# A criterion is validated (the guide's « critère validé ») when its mean rating reaches this.
VALIDATION_THRESHOLD = 2.5
# Interviewers disagree strongly when their ratings of one criterion at one stage are 2 points
# apart or more (one says « non démontré », another « démontré »): shown in the panel, the charts
# and the gaps.
DISAGREEMENT_SPREAD = 2.0
_SCORED_POS = {code: i for i, code in enumerate(SCORED_STAGE_CODES)}
# STAGES index → scored-stage index (−1 for the culture stage).
_STAGE_TO_SCORED = np.array([_SCORED_POS.get(code, -1) for code in STAGE_CODES])


@dataclass(frozen=True)
class Doubt:
    """A doubt noted by an interviewer on a submitted evaluation. ``interviewer`` is the identity
    key, ``rater`` the name shown."""

    interviewer: str
    stage: str
    note: str
    rater: str = ""

    @property
    def label(self) -> str:
        return self.rater or self.interviewer


@lru_cache(maxsize=65536)
def name_sort_key(name: str) -> tuple[str, str]:
    """How names are listed everywhere (ties, tables): accents and case ignored first."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).casefold()
    return folded, name


@dataclass(frozen=True, eq=False)
class Evidence:
    """See the module docstring. Rows follow ``candidates`` (snapshot order), columns follow
    ``criteria`` (brief order), stages follow SCORED_STAGE_CODES."""

    snapshot: RecruitmentSnapshot
    candidates: tuple[Candidate, ...]
    criteria: tuple[Criterion, ...]
    # flat submitted ratings at scored stages
    rating_candidate: np.ndarray  # row index
    rating_criterion: np.ndarray  # column index
    rating_stage: np.ndarray  # index in SCORED_STAGE_CODES
    rating_rater: np.ndarray  # index in rater_keys
    rating_value: np.ndarray  # float 1–3
    rater_keys: tuple[str, ...]
    rater_names: tuple[str, ...]
    # aggregates
    counts: np.ndarray  # candidates × criteria
    means: np.ndarray  # candidates × criteria, NaN = no evidence
    stage_counts: np.ndarray  # stages × candidates × criteria
    stage_means: np.ndarray  # stages × candidates × criteria
    spread: np.ndarray  # candidates × criteria, NaN = never two ratings at one stage
    spread_stage: np.ndarray  # candidates × criteria, scored-stage index or −1
    doubt_counts: np.ndarray  # candidates × criteria
    doubts: Mapping[tuple[str, str], tuple[Doubt, ...]]  # (candidate id, criterion id)
    n_ratings: np.ndarray  # per candidate
    # where each candidate stands
    reached: np.ndarray  # STAGES index reached
    status: tuple[str, ...]  # actif / arrete / retenu
    stage_settled: np.ndarray  # scored stages × candidates: passed, decided, or process over
    # of the whole recruitment, kept by subset(): the panel's ratings per criterion (1, 2, 3)
    rating_distribution: np.ndarray  # criteria × 3
    stages: tuple[str, ...] = field(default=SCORED_STAGE_CODES)

    # --- names and ids ---------------------------------------------------------------------

    @cached_property
    def candidate_ids(self) -> list[str]:
        return [c.id for c in self.candidates]

    @cached_property
    def names(self) -> list[str]:
        return [c.name for c in self.candidates]

    @cached_property
    def criterion_ids(self) -> list[str]:
        return [c.id for c in self.criteria]

    @cached_property
    def labels(self) -> list[str]:
        return [c.label for c in self.criteria]

    @cached_property
    def weights(self) -> np.ndarray:
        """The brief's weights."""
        return np.array([float(c.weight) for c in self.criteria])

    @cached_property
    def levels(self) -> np.ndarray:
        return np.array([c.weight_level for c in self.criteria], dtype=float)

    @cached_property
    def must_have(self) -> np.ndarray:
        return np.array([c.must_have for c in self.criteria], dtype=bool)

    @cached_property
    def probes(self) -> np.ndarray:
        """scored stages × criteria: the brief assigns the criterion to that stage."""
        out = np.zeros((len(self.stages), len(self.criteria)), dtype=bool)
        for k, crit in enumerate(self.criteria):
            for code in crit.stages:
                if code in _SCORED_POS:
                    out[_SCORED_POS[code], k] = True
        return out

    @cached_property
    def name_order(self) -> np.ndarray:
        """Position of each candidate when listed by name (ties are listed this way)."""
        keys = [name_sort_key(n) for n in self.names]
        order = sorted(range(len(keys)), key=lambda i: (keys[i], i))
        position = np.empty(len(keys), dtype=int)
        position[order] = np.arange(len(keys))
        return position

    @cached_property
    def row_of(self) -> dict[str, int]:
        return {cid: i for i, cid in enumerate(self.candidate_ids)}

    def weight_vector(self, weights: Mapping[str, float] | None = None) -> np.ndarray:
        """criterion id → what-if weight, defaulting to the brief, as an array in brief order."""
        if not weights:
            return self.weights.copy()
        return np.array([float(weights.get(c.id, c.weight)) for c in self.criteria])

    def doubted(self) -> np.ndarray:
        return self.doubt_counts > 0

    # --- subset ----------------------------------------------------------------------------

    def subset(self, candidate_ids: Sequence[str] | set[str]) -> Evidence:
        """The same evidence for some candidates only (kept in snapshot order, unknown ids
        ignored, as compare() does). Cheap: arrays are sliced, nothing is re-read."""
        wanted = set(candidate_ids)
        rows = np.array([i for i, cid in enumerate(self.candidate_ids) if cid in wanted], dtype=int)
        if rows.size == len(self.candidates):
            return self
        new_row = np.full(len(self.candidates), -1)
        new_row[rows] = np.arange(rows.size)
        keep = new_row[self.rating_candidate] >= 0
        kept_ids = {self.candidate_ids[i] for i in rows.tolist()}
        return Evidence(
            snapshot=self.snapshot,
            candidates=tuple(self.candidates[i] for i in rows.tolist()),
            criteria=self.criteria,
            rating_candidate=new_row[self.rating_candidate[keep]],
            rating_criterion=self.rating_criterion[keep],
            rating_stage=self.rating_stage[keep],
            rating_rater=self.rating_rater[keep],
            rating_value=self.rating_value[keep],
            rater_keys=self.rater_keys,
            rater_names=self.rater_names,
            counts=self.counts[rows],
            means=self.means[rows],
            stage_counts=self.stage_counts[:, rows],
            stage_means=self.stage_means[:, rows],
            spread=self.spread[rows],
            spread_stage=self.spread_stage[rows],
            doubt_counts=self.doubt_counts[rows],
            doubts={key: d for key, d in self.doubts.items() if key[0] in kept_ids},
            n_ratings=self.n_ratings[rows],
            reached=self.reached[rows],
            status=tuple(self.status[i] for i in rows.tolist()),
            stage_settled=self.stage_settled[:, rows],
            rating_distribution=self.rating_distribution,
        )

    # --- must-have criteria ----------------------------------------------------------------

    @cached_property
    def probing_ahead(self) -> np.ndarray:
        """candidates × criteria: a scored stage that probes the criterion is still ahead for the
        candidate — not passed (moved beyond, or decided there), not rated there for that
        criterion, and the candidate's process still open. A criterion the brief assigns to no
        scored stage may be probed at any of them (nothing says where it will be checked)."""
        probes = self.probes.copy()
        probes[:, ~probes.any(axis=0)] = True
        open_stage = ~self.stage_settled  # stages × candidates
        not_rated = self.stage_counts == 0  # stages × candidates × criteria
        ahead = probes[:, None, :] & open_stage[:, :, None] & not_rated
        return ahead.any(axis=0)

    @cached_property
    def must_have_states(self) -> list[str]:
        """Per candidate (see :func:`must_have_status`)."""
        return must_have_status(self.means, self.must_have, self.probing_ahead)


MUST_HAVE_OK = "ok"
MUST_HAVE_TO_CONFIRM = "a_confirmer"
MUST_HAVE_FAILED = "bloquant"
MUST_HAVE_NONE = "sans_objet"


def must_have_criterion_states(
    means: np.ndarray, must_have: np.ndarray, ahead: np.ndarray | None = None
) -> np.ndarray:
    """candidates × criteria of status codes ("" where the criterion is not a must-have):

    - ``ok``: validated, the mean rating reaches VALIDATION_THRESHOLD (2.5);
    - ``a_confirmer``: not validated yet and a scored stage that probes it is still ahead for the
      candidate (``ahead``, see :attr:`Evidence.probing_ahead`): more evidence will come;
    - ``bloquant`` (« non validé »): not validated and no probing stage remains ahead — every
      probing stage reached was passed or rated, or the candidate's process is over. Only this
      state blocks the final choice (the guide: « un critère obligatoire non validé » excludes).

    Without ``ahead`` (the means alone), a missing mean is ``a_confirmer`` and a known one below
    the threshold is ``bloquant``.
    """
    means = np.asarray(means, dtype=float)
    must = np.asarray(must_have, dtype=bool)
    if ahead is None:
        ahead = np.isnan(means)
    validated = np.nan_to_num(means, nan=0.0) >= VALIDATION_THRESHOLD
    states = np.where(
        validated, MUST_HAVE_OK, np.where(ahead, MUST_HAVE_TO_CONFIRM, MUST_HAVE_FAILED)
    )
    return np.where(must[None, :], states, "")


def must_have_status(
    means: np.ndarray, must_have: np.ndarray, ahead: np.ndarray | None = None
) -> list[str]:
    """One code per candidate: ``bloquant`` if a must-have failed, else ``a_confirmer`` if one is
    still to confirm, else ``ok``; ``sans_objet`` when the brief has no must-have."""
    must = np.asarray(must_have, dtype=bool)
    n = np.asarray(means).shape[0]
    if not must.any():
        return [MUST_HAVE_NONE] * n
    states = must_have_criterion_states(means, must, ahead)[:, must]
    failed = (states == MUST_HAVE_FAILED).any(axis=1)
    pending = (states == MUST_HAVE_TO_CONFIRM).any(axis=1)
    return [
        MUST_HAVE_FAILED if f else (MUST_HAVE_TO_CONFIRM if p else MUST_HAVE_OK)
        for f, p in zip(failed.tolist(), pending.tolist(), strict=True)
    ]


def as_evidence(source: RecruitmentSnapshot | Evidence) -> Evidence:
    """An Evidence from either a snapshot (built now) or an Evidence (returned as is)."""
    if isinstance(source, Evidence):
        return source
    if isinstance(source, RecruitmentSnapshot):
        return build_evidence(source)
    raise TypeError(f"expected a RecruitmentSnapshot or an Evidence, got {type(source).__name__}")


def build_evidence(snapshot: RecruitmentSnapshot) -> Evidence:
    """Read a snapshot once into an :class:`Evidence` (see the module docstring).

    The cyclic garbage collector is paused while the columns are read: they are large lists
    of references to objects that already exist, and each collection would walk all of them
    (about a fifth of the time at 150,000 evaluations). It is restored as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _build_evidence(snapshot)
    finally:
        if enabled:
            gc.enable()


def _build_evidence(snapshot: RecruitmentSnapshot) -> Evidence:
    candidates = tuple(snapshot.candidates)
    criteria = tuple(snapshot.criteria)
    n, n_crit, n_stage = len(candidates), len(criteria), len(SCORED_STAGE_CODES)
    row_of = {c.id: i for i, c in enumerate(candidates)}
    col_of = {c.id: k for k, c in enumerate(criteria)}
    stage_of = {code: stage_index(code) for code in STAGE_CODES}

    # One pass per attribute (C-level map, no tuple per evaluation), then numpy masks.
    evals = snapshot.evaluations
    total = len(evals)

    def column(name: str) -> list:
        return list(map(attrgetter(name), evals))

    submitted_all = np.fromiter(map("soumis".__eq__, column("status")), dtype=bool, count=total)
    value_all = np.array(column("rating"), dtype=float)  # None → NaN
    rated_all = submitted_all & ~np.isnan(value_all)
    cand_all = np.fromiter(map(row_of.get, column("candidate_id"), repeat(-1)), int, total)
    crit_all = np.fromiter(map(col_of.get, column("criterion_id"), repeat(-1)), int, total)
    stage_codes_all = column("stage")
    stage_all = np.fromiter(map(stage_of.get, stage_codes_all, repeat(-1)), int, total)
    keys_all = column("interviewer")
    key_codes = {k: i for i, k in enumerate(dict.fromkeys(keys_all))}
    key_all = np.fromiter(map(key_codes.__getitem__, keys_all), int, total)
    where = np.flatnonzero(rated_all & (stage_all >= 0))
    cand, crit = cand_all[where], crit_all[where]
    full_stage, value = stage_all[where], value_all[where]

    # Where each candidate stands: any submitted rating (scored stage or not) reaches its stage.
    known_cand = cand >= 0
    furthest = np.full(n, -1)
    np.maximum.at(furthest, cand[known_cand], full_stage[known_cand])
    rated_reached = {candidates[i].id: int(s) for i, s in enumerate(furthest.tolist()) if s >= 0}
    if snapshot.rated_reached is not None:  # scoped to a viewer: the stage reached stays everyone's
        rated_reached = snapshot.rated_reached
    progress = stage_progress(row_of, snapshot.decisions, rated_reached)
    reached = np.array([progress[c.id].reached for c in candidates], dtype=int)
    status = tuple(progress[c.id].status for c in candidates)
    scored_full = np.array([stage_of[code] for code in SCORED_STAGE_CODES])
    settled = (scored_full[:, None] < reached[None, :]) | (
        np.array([st != "actif" for st in status], dtype=bool)[None, :]
    )
    for i, c in enumerate(candidates):
        for code in progress[c.id].decided:
            if code in _SCORED_POS:
                settled[_SCORED_POS[code], i] = True

    # Ratings that count: a known candidate and criterion, at a scored stage.
    stage = _STAGE_TO_SCORED[full_stage]
    keep = known_cand & (crit >= 0) & (stage >= 0)
    cand, crit, stage, value = cand[keep], crit[keep], stage[keep], value[keep]
    # Raters in the order they first appear among the ratings that count (numpy, no Python
    # int per rating: at 150,000 ratings a list of positions alone weighs ~5 MB).
    kept = where[keep]
    kept_codes = key_all[kept]
    codes, first = np.unique(kept_codes, return_index=True)
    by_appearance = np.argsort(first, kind="stable")
    first_positions = kept[first[by_appearance]].tolist()
    code_of = np.full(len(key_codes), -1)
    code_of[codes[by_appearance]] = np.arange(len(codes))
    rater = code_of[kept_codes]
    rater_keys = tuple(keys_all[p] for p in first_positions)
    rater_names = tuple(evals[p].interviewer_name or evals[p].interviewer for p in first_positions)

    cells = n * n_crit
    flat = cand * n_crit + crit
    counts = np.bincount(flat, minlength=cells).reshape(n, n_crit)
    sums = np.bincount(flat, weights=value, minlength=cells).reshape(n, n_crit)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / counts, np.nan)

    sflat = stage * cells + flat
    stage_counts = np.bincount(sflat, minlength=n_stage * cells).reshape(n_stage, n, n_crit)
    stage_sums = np.bincount(sflat, weights=value, minlength=n_stage * cells)
    high = np.full(n_stage * cells, -np.inf)
    low = np.full(n_stage * cells, np.inf)
    np.maximum.at(high, sflat, value)
    np.minimum.at(low, sflat, value)
    stage_sums = stage_sums.reshape(n_stage, n, n_crit)
    with np.errstate(invalid="ignore", divide="ignore"):
        stage_means = np.where(stage_counts > 0, stage_sums / stage_counts, np.nan)
        stage_spread = np.where(stage_counts >= 2, (high - low).reshape(n_stage, n, n_crit), np.nan)
    any_pair = (stage_counts >= 2).any(axis=0)
    filled = np.where(np.isnan(stage_spread), -1.0, stage_spread)
    spread_stage = np.where(any_pair, filled.argmax(axis=0), -1)
    spread = np.where(any_pair, filled.max(axis=0), np.nan)

    doubts: dict[tuple[str, str], list[Doubt]] = {}
    doubt_counts = np.zeros((n, n_crit), dtype=int)
    flagged = np.fromiter(map(bool, column("doubt")), bool, total) | np.fromiter(
        map(bool, column("doubt_note")), bool, total
    )
    scored_stage = np.zeros(total, dtype=bool)
    scored_stage[stage_all >= 0] = _STAGE_TO_SCORED[stage_all[stage_all >= 0]] >= 0
    for pos in np.flatnonzero(flagged & submitted_all & scored_stage).tolist():
        e = evals[pos]
        note = (e.doubt_note or "").strip()
        if not (e.doubt or note):
            continue
        i, k = row_of.get(e.candidate_id), col_of.get(e.criterion_id)
        if i is None or k is None:
            continue
        doubt_counts[i, k] += 1
        doubts.setdefault((e.candidate_id, e.criterion_id), []).append(
            Doubt(e.interviewer, e.stage, note, e.interviewer_name or e.interviewer)
        )

    distribution = np.zeros((n_crit, len(RATING_VALUES)))
    as_int = np.rint(value).astype(int)
    ok = (as_int >= 1) & (as_int <= 3)
    np.add.at(distribution, (crit[ok], as_int[ok] - 1), 1.0)

    return Evidence(
        snapshot=snapshot,
        candidates=candidates,
        criteria=criteria,
        rating_candidate=cand,
        rating_criterion=crit,
        rating_stage=stage,
        rating_rater=rater,
        rating_value=value,
        rater_keys=rater_keys,
        rater_names=rater_names,
        counts=counts,
        means=means,
        stage_counts=stage_counts,
        stage_means=stage_means,
        spread=spread,
        spread_stage=spread_stage,
        doubt_counts=doubt_counts,
        doubts={key: tuple(found) for key, found in doubts.items()},
        n_ratings=counts.sum(axis=1),
        reached=reached,
        status=status,
        stage_settled=settled,
        rating_distribution=distribution,
    )


def require_criteria(evidence: Evidence) -> None:
    if not evidence.criteria:
        raise ValidationError(
            "Ajoutez au moins un critère au cadrage pour comparer les candidatures."
        )
