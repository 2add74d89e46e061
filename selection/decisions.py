"""Rules on stage decisions that need the whole recruitment to check."""

from __future__ import annotations

from selection.model import RecruitmentSnapshot, StageDecision, ValidationError
from selection.stages import STAGE_BY_CODE


def check_decision(snapshot: RecruitmentSnapshot, decision: StageDecision) -> None:
    """Refuse, in French, a decision that the process does not allow.

    The final choice belongs to the one person responsible for the recruitment (« à la fin
    c'est toujours l'agent public qui tranche »), and is taken once per recruitment.
    """
    decision = decision.validated()
    names = {c.id: c.name for c in snapshot.candidates}
    if decision.candidate_id not in names:
        raise ValidationError("Personne candidate introuvable.")
    if decision.stage not in STAGE_BY_CODE:
        raise ValidationError(f"Étape inconnue : « {decision.stage} ».")
    if decision.decision != "retenu":
        return
    owner = snapshot.recruitment.owner.strip()
    if not owner:
        raise ValidationError(
            "Désignez d'abord la personne responsable du recrutement (Cadrage) : elle seule "
            "enregistre le choix final."
        )
    if decision.decided_by.casefold() != owner.casefold():
        raise ValidationError(
            f"Seule la personne responsable du recrutement ({owner}) enregistre le choix final."
        )
    already = {d.candidate_id for d in snapshot.decisions if d.decision == "retenu"}
    others = already - {decision.candidate_id}
    if others:
        raise ValidationError(
            f"Le choix final est déjà enregistré pour {', '.join(names[i] for i in others)}."
        )
