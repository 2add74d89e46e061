"""Where every candidate stands in the five-stage process, derived from decisions and ratings.

Nothing here is stored: the stage reached and the status follow from the recorded decisions
(and from evaluations at a later stage, since a team may skip or merge stages).
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from selection.domain.model import RecruitmentSnapshot
from selection.domain.stages import STAGES, stage_index


def candidate_status(snapshot: RecruitmentSnapshot) -> pd.DataFrame:
    """One row per candidate: stage reached, status (actif / arrete / retenu), last decision."""
    latest: dict[tuple[str, str], object] = {}
    for d in sorted(snapshot.decisions, key=lambda d: (d.decided_at is None, d.decided_at)):
        latest[(d.candidate_id, d.stage)] = d
    seen_stage: dict[str, int] = {}
    for e in snapshot.evaluations:
        seen_stage[e.candidate_id] = max(seen_stage.get(e.candidate_id, 0), stage_index(e.stage))
    rows = []
    for cand in snapshot.candidates:
        reached = seen_stage.get(cand.id, 0)
        status = "actif"
        last = None
        for idx, st in enumerate(STAGES):
            dec = latest.get((cand.id, st.code))
            if dec is None:
                continue
            reached = max(reached, idx)
            last = dec
            if dec.decision == "continuer":
                reached = max(reached, min(idx + 1, len(STAGES) - 1))
            elif dec.decision == "arreter":
                status = "arrete"
            elif dec.decision == "retenu":
                status = "retenu"
        rows.append(
            {
                "candidate_id": cand.id,
                "candidat": cand.name,
                "etape": STAGES[reached].code,
                "etape_index": reached,
                "statut": status,
                "derniere_decision": last.decision if last else None,
                "derniere_decision_le": last.decided_at if last else None,
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
    for cand in snapshot.candidates:
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
                "Délai médian (jours)": float(pd.Series(days).median()) if days else None,
                "Délai maximum (jours)": max(days) if days else None,
            }
        )
    return pd.DataFrame(rows)


def owed_evaluations(snapshot: RecruitmentSnapshot) -> pd.DataFrame:
    """Evaluations still owed, per interviewer: drafts never submitted, and stages a candidate
    went through (a « continuer » was recorded there) that probe criteria but that nobody rated
    yet (« à attribuer »). A stage skipped or merged into another one owes nothing."""
    names = {c.id: c.name for c in snapshot.candidates}
    submitted = {
        (e.candidate_id, e.stage, e.interviewer)
        for e in snapshot.evaluations
        if e.status == "soumis"
    }
    rows = {}
    for e in snapshot.evaluations:
        key = (e.candidate_id, e.stage, e.interviewer)
        if e.status == "brouillon" and key not in submitted:
            rows[key] = "brouillon non soumis"
    rated_stages = {(e.candidate_id, e.stage) for e in snapshot.evaluations}
    noted = {(n.candidate_id, "adequation") for n in snapshot.culture_notes}
    probed = {code for c in snapshot.criteria if c.weight > 0 for code in c.stages}
    passed = {(d.candidate_id, d.stage) for d in snapshot.decisions if d.decision == "continuer"}
    stopped = set(candidate_status(snapshot).query("statut == 'arrete'")["candidate_id"])
    for cid, code in passed:
        if cid in stopped or code not in probed:
            continue
        if (cid, code) not in rated_stages and (cid, code) not in noted:
            rows[(cid, code, "à attribuer")] = "étape passée sans évaluation"
    frame = pd.DataFrame(
        [
            {
                "Évaluateur·rice": who,
                "Candidat·e": names.get(cid, "?"),
                "Étape": STAGES[stage_index(stage)].label,
                "Motif": why,
            }
            for (cid, stage, who), why in rows.items()
        ],
        columns=["Évaluateur·rice", "Candidat·e", "Étape", "Motif"],
    )
    return frame.sort_values(["Évaluateur·rice", "Candidat·e"]).reset_index(drop=True)


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
