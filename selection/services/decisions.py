"""Rules on stage decisions that need the whole recruitment to check."""

from __future__ import annotations

from selection.analysis.progress import candidate_status
from selection.analysis.scoring import compare
from selection.domain.model import RecruitmentSnapshot, StageDecision, ValidationError
from selection.domain.stages import STAGE_BY_CODE


def check_decision(
    snapshot: RecruitmentSnapshot, decision: StageDecision, *, responsible: bool | None = None
) -> None:
    """Refuse, in French, a decision that the process does not allow.

    The final choice belongs to the one person responsible for the recruitment (« à la fin
    c'est toujours l'agent public qui tranche »): with login on, ``responsible`` says whether the
    signed-in member has that role; without login, the signer's name must match the owner's.
    One person at a time can be retained, and never one whose must-have criterion failed.
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
    if responsible is None:
        if not owner:
            raise ValidationError(
                "Désignez d'abord la personne responsable du recrutement (Cadrage) : elle seule "
                "enregistre le choix final."
            )
        responsible = decision.decided_by.casefold() == owner.casefold()
    if not responsible:
        raise ValidationError(
            f"Seule la personne responsable du recrutement ({owner or 'à désigner'}) enregistre "
            "le choix final."
        )
    if snapshot.criteria:
        table = compare(snapshot).table.set_index("candidate_id")
        if table.loc[decision.candidate_id, "obligatoires"] == "bloquant":
            raise ValidationError(
                f"{names[decision.candidate_id]} ne peut pas être retenu·e : un critère "
                "obligatoire n'est pas validé."
            )
    status = candidate_status(snapshot).set_index("candidate_id")["statut"]
    already = {cid for cid, value in status.items() if value == "retenu"}
    others = already - {decision.candidate_id}
    if others:
        raise ValidationError(
            f"Le choix final est déjà enregistré pour {', '.join(names[i] for i in others)}."
        )
