"""The home page's summary of one recruitment: counts and the next things to do."""

from __future__ import annotations

from dataclasses import dataclass, field

from selection.analysis.progress import candidate_status, waiting_for_answer
from selection.analysis.scoring import compare
from selection.domain.formatting import counted
from selection.domain.ids import now
from selection.domain.model import RecruitmentSnapshot


@dataclass(frozen=True)
class Overview:
    candidates: int
    active: int
    criteria: int
    ratings: int
    next_actions: list[str] = field(default_factory=list)


def recruitment_overview(snapshot: RecruitmentSnapshot) -> Overview:
    status = candidate_status(snapshot)
    active = int((status["statut"] == "actif").sum()) if len(status) else 0
    ratings = sum(1 for e in snapshot.evaluations if e.status == "soumis" and e.rating is not None)
    actions: list[str] = []
    if not snapshot.criteria:
        actions.append("Écrire le cadrage : trois ou quatre critères clés par étape.")
    if not snapshot.candidates:
        actions.append("Ajouter les premières candidatures.")
    waiting = list(waiting_for_answer(snapshot, now())["Candidat·e"])
    if waiting:
        actions.append(
            f"Décider de la suite pour {counted(len(waiting), 'personne')} sans décision à "
            f"l'étape où elle{'s' if len(waiting) > 1 else ''} en "
            f"{'sont' if len(waiting) > 1 else 'est'} : {', '.join(waiting)}."
        )
    if snapshot.criteria and snapshot.candidates and any(c.weight > 0 for c in snapshot.criteria):
        table = compare(snapshot).table
        to_check = table.loc[
            (table["obligatoires"] == "a_confirmer") & (table["nb_notes"] > 0), "candidat"
        ]
        if len(to_check):
            actions.append(
                "Confirmer un critère obligatoire aux prochaines étapes pour : "
                + ", ".join(to_check)
                + "."
            )
    return Overview(
        candidates=len(snapshot.candidates),
        active=active,
        criteria=len(snapshot.criteria),
        ratings=ratings,
        next_actions=actions,
    )
