"""The home page: where each recruitment the person can open stands, and what comes next."""

from __future__ import annotations

from dataclasses import dataclass, field

from selection.analysis.overview import recruitment_overview
from selection.domain.model import Recruitment
from selection.services import reading
from selection.services.access import Actor
from selection.services.app import App


@dataclass(frozen=True)
class Summary:
    recruitment: Recruitment
    candidates: int
    active: int
    criteria: int
    ratings: int
    next_actions: list[str] = field(default_factory=list)
    retained: list[str] = field(default_factory=list)


def summaries(app: App, actor: Actor) -> list[Summary]:
    """Newest first, each computed from what this person may see."""
    out = []
    for rec in reversed(reading.recruitments_for(app, actor)):
        view = reading.view(app, actor, rec.id)
        status = view.status
        retained = [
            view.candidate_by_id[cid].name
            for cid in status.loc[status["statut"] == "retenu", "candidate_id"]
            if cid in view.candidate_by_id
        ]
        overview = recruitment_overview(view.snapshot)
        actions = list(overview.next_actions)
        if retained:
            actions = [
                f"Choix final enregistré : {', '.join(retained)}. Prévenez les autres personnes "
                "encore en lice, puis clôturez le recrutement (Cadrage) pour lancer le délai de "
                "conservation de leurs données.",
                *[a for a in actions if "Répondre" in a],
            ]
        out.append(
            Summary(
                recruitment=view.recruitment,
                candidates=overview.candidates,
                active=overview.active,
                criteria=overview.criteria,
                ratings=overview.ratings,
                next_actions=actions,
                retained=retained,
            )
        )
    return out
