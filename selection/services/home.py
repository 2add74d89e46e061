"""The home page: where each recruitment the person can open stands, and what comes next."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from selection.analysis.overview import recruitment_overview
from selection.analysis.progress import UNASSIGNED
from selection.domain.model import Recruitment
from selection.services import reading
from selection.services.access import Actor
from selection.services.app import App
from selection.services.evaluation import owed_to_me


@dataclass(frozen=True)
class Owed:
    """What one person owes in a recruitment: evaluations whose interview took place (``due``)
    and those of stages the candidate has not reached yet (``upcoming``)."""

    name: str
    due: int
    upcoming: int

    def sentence(self) -> str:
        if self.name == UNASSIGNED:
            plural = "s" if self.due > 1 else ""
            return (
                f"à attribuer : {self.due} étape{plural} passée{plural} sans personne pour "
                "l'évaluer"
            )
        parts = []
        if self.due:
            parts.append(f"{self.due} évaluation{'s' if self.due > 1 else ''} à rendre")
        if self.upcoming:
            parts.append(f"{self.upcoming} à venir")
        return f"{self.name} : {', '.join(parts)}"


@dataclass(frozen=True)
class Summary:
    recruitment: Recruitment
    candidates: int
    active: int
    criteria: int
    ratings: int
    next_actions: list[str] = field(default_factory=list)
    retained: list[str] = field(default_factory=list)
    # What the person looking at the page owes here: « Name (stage) », due ones first.
    owed_by_me: list[str] = field(default_factory=list)
    # Evaluations owed by everyone (names and counts only, never content), the stages nobody
    # was assigned to last, as « à attribuer ».
    owed_by_person: list[Owed] = field(default_factory=list)


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
                owed_by_me=owed_to_me(view),
                owed_by_person=owed_counts(view.owed),
            )
        )
    return out


def owed_counts(owed) -> list[Owed]:
    """Evaluations owed, person by person (by identity key, shown by name), people in name
    order and the stages nobody was assigned to (« à attribuer ») last."""
    names: dict[str, str] = {}
    due: Counter = Counter()
    upcoming: Counter = Counter()
    for o in owed:
        names.setdefault(o.member_key, o.member_name)
        (due if o.due else upcoming)[o.member_key] += 1
    order = sorted(names, key=lambda k: (k == UNASSIGNED, names[k].casefold()))
    return [Owed(names[k], due[k], upcoming[k]) for k in order]
