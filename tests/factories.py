"""Small builders for designed test cases (no database needed)."""

from __future__ import annotations

from selection.domain.model import (
    Candidate,
    Criterion,
    Evaluation,
    Recruitment,
    RecruitmentSnapshot,
    StageDecision,
)
from selection.storage.store import new_id


def snapshot(
    criteria: dict[str, float],
    ratings: dict[str, dict[str, list[int] | int]],
    *,
    stage: str = "intra",
    levels: dict[str, int] | None = None,
    must_have: tuple[str, ...] = (),
) -> RecruitmentSnapshot:
    """criteria: label → weight; ratings: candidate → criterion label → rating(s) (one per
    interviewer). A criterion absent from a candidate's dict is « non évalué »."""
    rec = Recruitment(id=new_id(), title="Test")
    levels = levels or {}
    crits = [
        Criterion(
            id=new_id(),
            recruitment_id=rec.id,
            label=label,
            statement=f"La personne est capable de {label.lower()}",
            weight_level=levels.get(label, 2),
            weight=weight,
            must_have=label in must_have,
            stages=("prequalification", "intra", "mise_en_situation", "references"),
            position=i,
        )
        for i, (label, weight) in enumerate(criteria.items())
    ]
    by_label = {c.label: c for c in crits}
    cands, evals, decisions = [], [], []
    for name, per_crit in ratings.items():
        cand = Candidate(id=new_id(), recruitment_id=rec.id, name=name)
        cands.append(cand)
        decisions.append(
            StageDecision(new_id(), cand.id, "prequalification", "continuer", "Lead", "ok")
        )
        for label, values in per_crit.items():
            values = values if isinstance(values, list) else [values]
            for k, value in enumerate(values):
                evals.append(
                    Evaluation(
                        id=new_id(),
                        candidate_id=cand.id,
                        stage=stage,
                        criterion_id=by_label[label].id,
                        interviewer=f"Évaluateur {k + 1}",
                        rating=value,
                        evidence=f"Preuve {label} {value}",
                    )
                )
    return RecruitmentSnapshot(rec, crits, cands, evals, decisions)
