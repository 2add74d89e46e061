"""What every write service does first, and the French messages they share."""

from __future__ import annotations

from datetime import datetime

from selection.domain.model import Recruitment, ValidationError
from selection.domain.permissions import Action, Role
from selection.services.access import Actor, Conflict, require
from selection.services.app import App
from selection.storage.store import Tx

NOTHING_CHANGED = "Rien n'a été modifié."


def begin(
    tx: Tx, app: App, actor: Actor, action: Action, recruitment_id: str
) -> tuple[Recruitment, frozenset[Role]]:
    """Lock the recruitment (bumping its revision), re-read it, then check the right: from here to
    the commit nobody else can change what the caller's rule reads."""
    tx.touch(recruitment_id)
    recruitment = tx.require_recruitment(recruitment_id)
    held = require(tx, app.config, actor, action, recruitment)
    return recruitment, held


def begin_for_candidate(
    tx: Tx, app: App, actor: Actor, action: Action, candidate_id: str
) -> tuple[str, Recruitment]:
    """``begin`` for an action about one candidate: returns their recruitment's id and record."""
    rid = tx.recruitment_of_candidate(candidate_id)
    if rid is None:
        raise ValidationError(f"Personne candidate introuvable. {NOTHING_CHANGED}")
    recruitment, _ = begin(tx, app, actor, action, rid)
    return rid, recruitment


def when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return f" le {moment:%d/%m/%Y} à {moment:%H:%M} (UTC)"


def conflict(what: str, by: str, at: datetime | None) -> Conflict:
    """« What » changed since the person opened the page: say by whom, change nothing."""
    who = f" par {by}" if by else ""
    return Conflict(
        f"{what} a été modifié{who}{when(at)} depuis que vous avez ouvert la page. Votre saisie "
        f"n'a pas été enregistrée et reste affichée : rechargez pour voir la nouvelle version, "
        f"puis refaites votre modification. {NOTHING_CHANGED}"
    )


def audit(tx: Tx, actor: Actor, action: str, recruitment_id: str | None, subject="", details=""):
    tx.audit(actor.label, action, recruitment_id, subject, details, actor_key=actor.key)
