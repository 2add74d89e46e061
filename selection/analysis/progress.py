"""Where every candidate stands in the five-stage process, derived from decisions and ratings.

Nothing here is stored: the stage reached and the status follow from the recorded decisions
(and from evaluations at a later stage, since a team may skip or merge stages).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from selection.analysis.people import distinct_names
from selection.domain.formatting import fr_trimmed
from selection.domain.model import Evaluation, RecruitmentSnapshot, StageDecision
from selection.domain.stages import CULTURE, STAGE_BY_CODE, STAGES, stage_index


@dataclass(frozen=True)
class StageProgress:
    """Where one candidate stands: the one definition of « stage reached » (Progression,
    Évaluations, the comparison filters and the must-have rule all read it).

    ``reached`` is the index (in STAGES) of the furthest stage the candidate reached: the latest
    decision recorded at each stage wins (a « continuer » later replaced by « arrêter » at the
    same stage does not open the next stage), a « continuer » opens the next stage, and a stage
    where a submitted rating exists counts as reached, since teams skip or merge stages.
    ``decided`` holds the stages whose latest decision is final (anything but « en attente »).
    """

    reached: int
    status: str
    last: StageDecision | None
    decided: frozenset[str] = frozenset()


def latest_decisions(
    decisions: Iterable[StageDecision],
) -> dict[tuple[str, str], StageDecision]:
    """(candidate id, stage) → the decision recorded last there (undated ones count as latest,
    in the order given)."""
    latest: dict[tuple[str, str], StageDecision] = {}
    for d in sorted(decisions, key=lambda d: (d.decided_at is None, d.decided_at)):
        latest[(d.candidate_id, d.stage)] = d
    return latest


def rated_reached_of(snapshot: RecruitmentSnapshot) -> dict[str, int]:
    """The snapshot's own record of the stages reached through ratings, if it carries one (a
    viewer-scoped snapshot does), else what its evaluations say."""
    if snapshot.rated_reached is not None:
        return snapshot.rated_reached
    return rated_stage_reached(snapshot.evaluations)


def rated_stage_reached(evaluations: Iterable[Evaluation]) -> dict[str, int]:
    """candidate id → index of the furthest stage holding a submitted rating."""
    seen: dict[str, int] = {}
    for e in evaluations:
        if e.status == "soumis" and e.rating is not None:
            idx = stage_index(e.stage)
            if idx > seen.get(e.candidate_id, -1):
                seen[e.candidate_id] = idx
    return seen


def stage_progress(
    candidate_ids: Iterable[str],
    decisions: Iterable[StageDecision],
    rated_reached: Mapping[str, int],
) -> dict[str, StageProgress]:
    """The rule of :class:`StageProgress` for many candidates (``rated_reached`` as returned by
    :func:`rated_stage_reached`, so a caller holding the ratings as arrays can pass its own)."""
    latest = latest_decisions(decisions)
    by_candidate: dict[str, list[tuple[int, StageDecision]]] = {}
    for (cid, code), dec in latest.items():
        by_candidate.setdefault(cid, []).append((stage_index(code), dec))
    last_stage = len(STAGES) - 1
    out: dict[str, StageProgress] = {}
    for cid in candidate_ids:
        reached = max(rated_reached.get(cid, 0), 0)
        status = "actif"
        last = None
        decided = []
        for idx, dec in sorted(by_candidate.get(cid, ()), key=lambda item: item[0]):
            reached = max(reached, idx)
            last = dec
            if dec.decision != "en_attente":
                decided.append(dec.stage)
            if dec.decision == "continuer":
                reached = max(reached, min(idx + 1, last_stage))
            elif dec.decision == "arreter":
                status = "arrete"
            elif dec.decision == "retenu":
                status = "retenu"
        out[cid] = StageProgress(reached, status, last, frozenset(decided))
    return out


def progress_by_candidate(snapshot: RecruitmentSnapshot) -> dict[str, StageProgress]:
    """candidate id → :class:`StageProgress`, for every candidate of the snapshot."""
    return stage_progress(
        (c.id for c in snapshot.candidates),
        snapshot.decisions,
        rated_reached_of(snapshot),
    )


def stage_reached(snapshot: RecruitmentSnapshot, candidate_id: str) -> int:
    """Index of the furthest stage one candidate reached (see :class:`StageProgress`)."""
    if snapshot.rated_reached is not None:
        rated = {k: v for k, v in snapshot.rated_reached.items() if k == candidate_id}
    else:
        rated = rated_stage_reached(
            e for e in snapshot.evaluations if e.candidate_id == candidate_id
        )
    mine = [d for d in snapshot.decisions if d.candidate_id == candidate_id]
    return stage_progress([candidate_id], mine, rated)[candidate_id].reached


def rateable_stages(snapshot: RecruitmentSnapshot, candidate_id: str) -> list[str]:
    """Stages an interviewer may rate for a candidate: every stage up to the one reached, as
    Progression shows it (the culture stage is in the list; it takes notes, not ratings)."""
    return [s.code for s in STAGES[: stage_reached(snapshot, candidate_id) + 1]]


def candidate_status(snapshot: RecruitmentSnapshot) -> pd.DataFrame:
    """One row per candidate: stage reached, status (actif / arrete / retenu), last decision."""
    progress = progress_by_candidate(snapshot)
    rows = []
    for cand in snapshot.candidates:
        p = progress[cand.id]
        rows.append(
            {
                "candidate_id": cand.id,
                "candidat": cand.name,
                "etape": STAGES[p.reached].code,
                "etape_index": p.reached,
                "statut": p.status,
                "derniere_decision": p.last.decision if p.last else None,
                "derniere_decision_le": p.last.decided_at if p.last else None,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "candidate_id",
            "candidat",
            "etape",
            "etape_index",
            "statut",
            "derniere_decision",
            "derniere_decision_le",
        ],
    )


def _last_contact(snapshot: RecruitmentSnapshot) -> dict[str, datetime]:
    """Latest dated trace of each candidate: application, rating, decision, note, reference."""
    last: dict[str, datetime] = {}

    def bump(cid: str, when: datetime | None) -> None:
        if when is not None and (cid not in last or when > last[cid]):
            last[cid] = when

    for c in snapshot.candidates:
        bump(c.id, c.created_at)
    for e in snapshot.evaluations:
        bump(e.candidate_id, e.updated_at or e.created_at)
    for d in snapshot.decisions:
        bump(d.candidate_id, d.decided_at)
    for n in snapshot.culture_notes:
        bump(n.candidate_id, n.created_at)
    for r in snapshot.reference_calls:
        bump(r.candidate_id, r.created_at)
    return last


def funnel(snapshot: RecruitmentSnapshot) -> pd.DataFrame:
    """Per stage: how many candidates reached it, were stopped there, are there now."""
    status = candidate_status(snapshot)
    rows = []
    for idx, st in enumerate(STAGES):
        here = status[status["etape_index"] == idx]
        rows.append(
            {
                "etape": st.code,
                "Étape": st.label,
                "Atteinte": int((status["etape_index"] >= idx).sum()),
                "Arrêtées à cette étape": int((here["statut"] == "arrete").sum()),
                "En cours à cette étape": int((here["statut"] == "actif").sum()),
                "Retenues": int((here["statut"] == "retenu").sum()),
            }
        )
    return pd.DataFrame(rows)


def timeline(snapshot: RecruitmentSnapshot) -> pd.DataFrame:
    """One row per candidate and stage they went through: when it started, when it was
    decided (or is still open), and the decision."""
    starts: dict[tuple[str, str], datetime] = {}
    ends: dict[tuple[str, str], tuple[datetime, str]] = {}
    for e in snapshot.evaluations:
        key = (e.candidate_id, e.stage)
        when = e.created_at
        if when is not None and (key not in starts or when < starts[key]):
            starts[key] = when
    for n in snapshot.culture_notes:
        key = (n.candidate_id, "adequation")
        if n.created_at is not None and (key not in starts or n.created_at < starts[key]):
            starts[key] = n.created_at
    for d in snapshot.decisions:
        key = (d.candidate_id, d.stage)
        if d.decided_at is not None and (key not in ends or d.decided_at >= ends[key][0]):
            ends[key] = (d.decided_at, d.decision)
    status = candidate_status(snapshot).set_index("candidate_id")
    rows = []
    # The chart draws one row per name: namesakes are told apart (« Kévin Martin (2) »).
    for cand in distinct_names(snapshot.candidates):
        previous_end = cand.created_at
        current = int(status.loc[cand.id, "etape_index"])
        for idx, st in enumerate(STAGES[: current + 1]):
            key = (cand.id, st.code)
            start = starts.get(key) or previous_end
            end, decision = ends.get(key, (None, None))
            if start is None:
                continue
            if end is not None and end < start:
                start = end
            rows.append(
                {
                    "candidate_id": cand.id,
                    "candidat": cand.name,
                    "etape": st.code,
                    "etape_label": st.label,
                    "debut": start,
                    "fin": end,
                    "decision": decision,
                    "en_cours": end is None and idx == current,
                }
            )
            previous_end = end or previous_end
    return pd.DataFrame(
        rows,
        columns=[
            "candidate_id",
            "candidat",
            "etape",
            "etape_label",
            "debut",
            "fin",
            "decision",
            "en_cours",
        ],
    )


def waiting_for_answer(snapshot: RecruitmentSnapshot, today: datetime) -> pd.DataFrame:
    """Candidates still in the process with no decision at their current stage: each of them
    is waiting for an answer. Sorted by days since the last contact, longest first."""
    status = candidate_status(snapshot)
    decided = {(d.candidate_id, d.stage) for d in snapshot.decisions if d.decision != "en_attente"}
    last = _last_contact(snapshot)
    rows = []
    for _, row in status.iterrows():
        if row["statut"] != "actif" or (row["candidate_id"], row["etape"]) in decided:
            continue
        contact = last.get(row["candidate_id"])
        rows.append(
            {
                "candidate_id": row["candidate_id"],
                "Candidat·e": row["candidat"],
                "Étape": STAGES[int(row["etape_index"])].label,
                "Dernier contact": contact,
                "Jours sans nouvelles": (today - contact).days if contact else None,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=["candidate_id", "Candidat·e", "Étape", "Dernier contact", "Jours sans nouvelles"],
    )
    return frame.sort_values("Jours sans nouvelles", ascending=False).reset_index(drop=True)


def stage_lengths(snapshot: RecruitmentSnapshot) -> pd.DataFrame:
    """Calendar days spent in each stage (start to decision), beside the interview length the
    guide plans for that stage."""
    frame = timeline(snapshot)
    done = frame.dropna(subset=["fin"])
    rows = []
    for st in STAGES:
        days = [(r.fin - r.debut).days for r in done[done["etape"] == st.code].itertuples()]
        rows.append(
            {
                "Étape": st.label,
                "Entretien prévu par le guide": f"{st.max_minutes} min au plus",
                "Étapes terminées": len(days),
                "Délai médian (jours)": fr_trimmed(pd.Series(days).median()) if days else NOT_YET,
                "Délai maximum (jours)": fr_trimmed(max(days)) if days else NOT_YET,
            }
        )
    return pd.DataFrame(rows)


NOT_YET = "pas encore"  # a stage nobody has finished: said in words, never « None » or 0


OWED_REASONS: dict[str, str] = {
    "brouillon": "brouillon non soumis",
    "a_rendre": "évaluation à rendre",
    "a_venir": "étape pas encore atteinte",
    "a_attribuer": "étape passée sans évaluation",
}
UNASSIGNED = "à attribuer"


@dataclass(frozen=True)
class OwedEvaluation:
    """One evaluation someone owes: ``member_key`` is the identity key (``UNASSIGNED`` when the
    stage has nobody), ``reason`` a key of OWED_REASONS. ``due`` is False while the candidate
    has not reached the stage yet (the interview has not taken place)."""

    member_key: str
    member_name: str
    candidate_id: str
    candidate_name: str
    stage: str
    reason: str
    due: bool = True

    @property
    def reason_label(self) -> str:
        return OWED_REASONS[self.reason]


def _submitted_at(snapshot: RecruitmentSnapshot) -> set[tuple[str, str, str]]:
    """(candidate, stage, identity key) where that person has submitted: a submitted evaluation,
    or, at the culture stage (notes, no ratings), a culture note written."""
    done = {
        (e.candidate_id, e.stage, e.interviewer)
        for e in snapshot.evaluations
        if e.status == "soumis"
    }
    done |= {(n.candidate_id, CULTURE, n.author) for n in snapshot.culture_notes}
    return done


def _closed_before(progress: StageProgress | None, code: str) -> bool:
    """The candidate's process ended (stopped, or the final choice made) before this stage."""
    return (
        progress is not None
        and progress.status in ("arrete", "retenu")
        and stage_index(code) > progress.reached
    )


def owed_list(snapshot: RecruitmentSnapshot) -> list[OwedEvaluation]:
    """Every evaluation still owed, person by person (PRODUCT.md §10 panel rule):

    - each person on the panel of a candidate at a stage — assigned to it, or having started a
      draft there — who has not SUBMITTED there (a draft is still owed; at the culture stage,
      writing a note is submitting), unless the candidate's process ended before that stage
      (stopped or final choice made). A stage the candidate has not reached yet is listed with
      ``due=False`` (« étape pas encore atteinte »);
    - « à attribuer »: a scored stage the candidate passed (the latest decision there is
      « continuer »), that probes at least one weighted criterion, with nobody assigned and
      nobody rating there, for a candidate still in the process. A stage skipped or merged into
      another one (no « continuer » recorded there) owes nothing.

    Sorted by person, candidate and stage order.
    """
    names = {c.id: c.name for c in snapshot.candidates}
    progress = progress_by_candidate(snapshot)
    done = _submitted_at(snapshot)
    panel: dict[tuple[str, str, str], str] = {}
    for a in snapshot.panel:
        panel.setdefault((a.candidate_id, a.stage, a.member_key), a.member_label)
    drafts = set()
    for e in snapshot.evaluations:
        if e.status == "brouillon":
            key = (e.candidate_id, e.stage, e.interviewer)
            drafts.add(key)
            panel.setdefault(key, e.rater)
    out: list[OwedEvaluation] = []
    for (cid, code, who), name in panel.items():
        if cid not in names or (cid, code, who) in done:
            continue
        p = progress.get(cid)
        if _closed_before(p, code):
            continue
        due = p is None or stage_index(code) <= p.reached
        reason = "brouillon" if (cid, code, who) in drafts else ("a_rendre" if due else "a_venir")
        out.append(OwedEvaluation(who, name, cid, names[cid], code, reason, due))
    staffed = {(cid, code) for cid, code, _ in panel} | {
        (e.candidate_id, e.stage) for e in snapshot.evaluations
    }
    probed = {code for c in snapshot.criteria if c.weight > 0 for code in c.stages}
    for (cid, code), dec in latest_decisions(snapshot.decisions).items():
        if (
            dec.decision != "continuer"
            or cid not in names
            or not STAGE_BY_CODE[code].scored
            or code not in probed
            or (cid, code) in staffed
            or progress[cid].status == "arrete"
        ):
            continue
        out.append(OwedEvaluation(UNASSIGNED, UNASSIGNED, cid, names[cid], code, "a_attribuer"))
    out.sort(
        key=lambda o: (
            o.member_key == UNASSIGNED,
            o.member_name.casefold(),
            o.candidate_name.casefold(),
            stage_index(o.stage),
        )
    )
    return out


def owed_by(snapshot: RecruitmentSnapshot, member_key: str) -> list[OwedEvaluation]:
    """What one person owes (« ce que je dois »), by identity key, due ones first."""
    mine = [o for o in owed_list(snapshot) if o.member_key == member_key]
    return sorted(mine, key=lambda o: not o.due)


def owed_evaluations(snapshot: RecruitmentSnapshot) -> pd.DataFrame:
    """The owed evaluations of :func:`owed_list` as a French table, one row per person,
    candidate and stage (the person is shown by name)."""
    return owed_frame(owed_list(snapshot))


def owed_frame(items: Iterable[OwedEvaluation]) -> pd.DataFrame:
    """Owed evaluations as the French table of the Progression page."""
    return pd.DataFrame(
        [
            {
                "Évaluateur·rice": o.member_name,
                "Candidat·e": o.candidate_name,
                "Étape": STAGE_BY_CODE[o.stage].label,
                "Motif": o.reason_label,
            }
            for o in items
        ],
        columns=["Évaluateur·rice", "Candidat·e", "Étape", "Motif"],
    )


def sealed_debriefs(snapshot: RecruitmentSnapshot) -> set[tuple[str, str]]:
    """« Pas de débrief à chaud » (PRODUCT.md §2 and §10): the (candidate id, stage) pairs whose
    meeting view must stay closed.

    A pair is sealed when at least one interviewer ASSIGNED to that candidate at that stage has
    not submitted there yet (a draft is not a submission; at the culture stage, submitting means
    having written a culture note) and the owner has not opened the discussion early for that
    pair (a :class:`DebriefOpening`). Stages the candidate's process ended before (stopped or
    final choice made) are never sealed: that interview will not take place. Pure function, no
    storage: the services apply it.
    """
    progress = progress_by_candidate(snapshot)
    done = _submitted_at(snapshot)
    opened = {(o.candidate_id, o.stage) for o in snapshot.openings}
    sealed = set()
    for a in snapshot.panel:
        pair = (a.candidate_id, a.stage)
        if pair in sealed or pair in opened or (a.candidate_id, a.stage, a.member_key) in done:
            continue
        if _closed_before(progress.get(a.candidate_id), a.stage):
            continue
        sealed.add(pair)
    return sealed


def is_debrief_sealed(snapshot: RecruitmentSnapshot, candidate_id: str, stage: str) -> bool:
    """True while the meeting view of one candidate's stage stays closed (see sealed_debriefs)."""
    return (candidate_id, stage) in sealed_debriefs(snapshot)


def timeline_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The timeline chart's data in words, for the table beside it."""
    from selection.domain.labels import DECISIONS

    return pd.DataFrame(
        {
            "Candidat·e": frame["candidat"],
            "Étape": frame["etape_label"],
            "Début": [d.strftime("%d/%m/%Y") for d in frame["debut"]],
            "Décision le": [
                "en cours" if pd.isna(d) else d.strftime("%d/%m/%Y") for d in frame["fin"]
            ],
            "Décision": [
                DECISIONS.get(d, "—") if isinstance(d, str) else "—" for d in frame["decision"]
            ],
        }
    )
