"""The culture-fit meeting is advisory: its notes are shown beside the scores, never inside."""

from __future__ import annotations

from selection.domain.model import CultureNote, RecruitmentSnapshot

SEVERITY_LABELS = {"faible": "faible", "moyen": "modéré", "fort": "fort"}


def warnings_for(snapshot: RecruitmentSnapshot, candidate_id: str) -> list[CultureNote]:
    return [n for n in snapshot.culture_notes if n.candidate_id == candidate_id and n.warning]


def culture_badge(snapshot: RecruitmentSnapshot, candidate_id: str) -> str:
    signals = warnings_for(snapshot, candidate_id)
    if not signals:
        return ""
    worst = max(signals, key=lambda n: ("faible", "moyen", "fort").index(n.severity))
    plural = "s" if len(signals) > 1 else ""
    return (
        f"⚠️ {len(signals)} signal{plural} d'alerte culture "
        f"(le plus sérieux : {SEVERITY_LABELS[worst.severity]})"
    ).replace("signals", "signaux")
