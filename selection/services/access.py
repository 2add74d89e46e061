"""Who is acting, and whether the permission table lets them: checked inside every transaction.

``Actor`` is the person behind a call: their display name, their login e-mail (None when the app
runs open) and whether configuration names them administrator. Their role on a recruitment is
read from the members table inside the transaction that needs it, never from a page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from selection.domain import limits
from selection.domain.model import Recruitment, ValidationError
from selection.domain.permissions import Action, Role, allowed, refusal
from selection.storage.store import Tx


class Refused(ValidationError):
    """The permission table or a process rule refuses the action; nothing was changed."""


class Conflict(ValidationError):
    """A save made from a version that someone else has changed since; nothing was changed.

    The message names what changed and by whom; the page keeps the person's input on screen and
    offers to reload."""


@dataclass(frozen=True)
class Actor:
    name: str
    email: str | None = None
    admin: bool = False

    @property
    def key(self) -> str:
        """Identity of the person: the login e-mail, or the signed name when the app runs open."""
        if self.email:
            return self.email.strip().lower()
        return " ".join((self.name or "").split())

    @property
    def label(self) -> str:
        """How the person is shown and signs: their name (or their e-mail if they have none)."""
        return " ".join((self.name or "").split()) or (self.email or "")

    @property
    def signed(self) -> bool:
        return bool(self.key)


@dataclass(frozen=True)
class Config:
    """How the app runs: with login (OIDC) or open; administrators named in configuration."""

    login: bool = False
    admins: frozenset[str] = field(default_factory=frozenset)

    def actor(self, name: str, email: str | None = None) -> Actor:
        mail = (email or "").strip().lower() or None
        return Actor(name=name, email=mail, admin=bool(mail) and mail in self.admins)


UNSIGNED = (
    "Indiquez votre nom dans la barre latérale : chaque saisie est signée. Rien n'a été modifié."
)


def roles(tx: Tx, config: Config, actor: Actor, recruitment_id: str | None) -> frozenset[Role]:
    """The person's roles on a recruitment, read in the caller's transaction."""
    if not config.login:
        return frozenset({Role.RESPONSIBLE, Role.MEMBER, Role.ADMIN})
    found: set[Role] = set()
    if actor.admin:
        found.add(Role.ADMIN)
    if recruitment_id is not None and actor.email:
        role = tx.member_role(recruitment_id, actor.email)
        if role:
            found.add(Role(role))
    return frozenset(found or {Role.OUTSIDER})


def require(
    tx: Tx,
    config: Config,
    actor: Actor,
    action: Action,
    recruitment: Recruitment | None = None,
    *,
    write: bool = True,
) -> frozenset[Role]:
    """Refuse, in French, an action the table does not allow; returns the person's roles.

    A write needs a signed actor. Without login, everything is allowed except the final choice,
    which stays with the person named responsible in the brief.
    """
    if write and not actor.signed:
        raise Refused(UNSIGNED)
    if write and len(actor.label) > limits.NAME:
        raise Refused(
            f"Votre nom est trop long pour signer : {limits.NAME} caractères au plus. "
            "Rien n'a été modifié."
        )
    held = roles(tx, config, actor, recruitment.id if recruitment else None)
    check(config, actor, held, action, recruitment)
    return held


def check(
    config: Config,
    actor: Actor,
    held: frozenset[Role],
    action: Action,
    recruitment: Recruitment | None,
) -> None:
    """The permission table applied to roles already read (see ``require``)."""
    if not config.login:
        if action is Action.FINAL_CHOICE:
            _open_mode_final_choice(actor, recruitment)
        return
    if not allowed(action, held):
        raise Refused(refusal(action))


def permits(
    config: Config,
    actor: Actor,
    held: frozenset[Role],
    action: Action,
    recruitment: Recruitment | None,
) -> bool:
    try:
        check(config, actor, held, action, recruitment)
    except Refused:
        return False
    return True


def _open_mode_final_choice(actor: Actor, recruitment: Recruitment | None) -> None:
    owner = " ".join(((recruitment.owner if recruitment else "") or "").split())
    if not owner:
        raise Refused(
            "Désignez d'abord la personne responsable du recrutement (Cadrage) : elle seule "
            "enregistre le choix final. Rien n'a été modifié."
        )
    if actor.label.casefold() != owner.casefold():
        raise Refused(
            f"Seule la personne responsable du recrutement ({owner}) enregistre le choix final. "
            "Rien n'a été modifié."
        )
