"""Where every candidate stands in the five-stage process, derived from decisions and ratings.

Nothing here is stored: the stage reached and the status follow from the recorded decisions
(and from evaluations at a later stage, since a team may skip or merge stages).
"""

from __future__ import annotations

import pandas as pd

from selection.model import RecruitmentSnapshot
from selection.stages import STAGES, stage_index


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
