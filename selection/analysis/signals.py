"""Warning signs shown beside a candidate's name on every screen, in words (never colour
alone): must-have status, blocking logistics, culture-fit warning signals."""

from __future__ import annotations

from selection.analysis.culture import culture_badge
from selection.analysis.evidence import Evidence, build_evidence
from selection.analysis.logistics import logistics_badge
from selection.analysis.scoring import Comparison
from selection.domain.model import RecruitmentSnapshot

MUST_HAVE_BADGES = {
    "bloquant": "⛔ obligatoire non validé",
    "a_confirmer": "❓ obligatoire à confirmer",
}


def candidate_signals(
    snapshot: RecruitmentSnapshot | Evidence, comparison: Comparison | None = None
) -> dict[str, list[str]]:
    """candidate id → list of badges (possibly empty). The must-have badge does not depend on
    the weights: it is read from the comparison when given, else from the evidence."""
    ev = snapshot if isinstance(snapshot, Evidence) else None
    snapshot = ev.snapshot if ev is not None else snapshot
    must_have: dict[str, str] = {}
    if comparison is not None:
        table = comparison.table
        for cid, rated, state in zip(
            table["candidate_id"], table["nb_notes"], table["obligatoires"], strict=True
        ):
            if rated > 0 and state in MUST_HAVE_BADGES:
                must_have[cid] = MUST_HAVE_BADGES[state]
    elif snapshot.criteria:
        ev = ev or build_evidence(snapshot)
        for cid, rated, state in zip(
            ev.candidate_ids, ev.n_ratings.tolist(), ev.must_have_states, strict=True
        ):
            if rated > 0 and state in MUST_HAVE_BADGES:
                must_have[cid] = MUST_HAVE_BADGES[state]
    out: dict[str, list[str]] = {}
    for cand in snapshot.candidates:
        badges = [
            must_have.get(cand.id, ""),
            logistics_badge(snapshot.recruitment, cand),
            culture_badge(snapshot, cand.id),
        ]
        out[cand.id] = [b for b in badges if b]
    return out
