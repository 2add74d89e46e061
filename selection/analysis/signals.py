"""Warning signs shown beside a candidate's name on every screen, in words (never colour
alone): must-have status, blocking logistics, culture-fit warning signals."""

from __future__ import annotations

from selection.analysis.culture import culture_badge
from selection.analysis.logistics import logistics_badge
from selection.analysis.scoring import Comparison, compare
from selection.domain.model import RecruitmentSnapshot, ValidationError

MUST_HAVE_BADGES = {
    "bloquant": "⛔ obligatoire non validé",
    "a_verifier": "❓ obligatoire à vérifier",
}


def candidate_signals(
    snapshot: RecruitmentSnapshot, comparison: Comparison | None = None
) -> dict[str, list[str]]:
    """candidate id → list of badges (possibly empty)."""
    must_have: dict[str, str] = {}
    if comparison is None and snapshot.criteria:
        try:
            comparison = compare(snapshot)
        except ValidationError:
            comparison = None
    if comparison is not None:
        for _, row in comparison.table.iterrows():
            if row["nb_notes"] > 0 and row["obligatoires"] in MUST_HAVE_BADGES:
                must_have[row["candidate_id"]] = MUST_HAVE_BADGES[row["obligatoires"]]
    out: dict[str, list[str]] = {}
    for cand in snapshot.candidates:
        badges = [
            must_have.get(cand.id, ""),
            logistics_badge(snapshot.recruitment, cand),
            culture_badge(snapshot, cand.id),
        ]
        out[cand.id] = [b for b in badges if b]
    return out
