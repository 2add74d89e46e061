"""Recruitments: create (from a role preset, a duplicate or the demo), edit the details and the
mission constraints, close or reopen, and manage who is a member."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from selection.domain.ids import now
from selection.domain.model import Recruitment, RecruitmentSnapshot, ValidationError
from selection.domain.permissions import Action
from selection.domain.presets import PresetInfo, list_presets, preset_notes
from selection.services.access import Actor, Refused, require
from selection.services.app import App
from selection.services.brief import duplicate_brief, new_recruitment_from_preset, preset_key_for
from selection.services.common import NOTHING_CHANGED, audit, begin, conflict
from selection.services.demo import demo_snapshot


def presets() -> list[PresetInfo]:
    """The role presets drawn from the beta.gouv.fr guides, to start a brief from."""
    return list_presets()


def notes_for(recruitment: Recruitment) -> tuple[str, ...]:
    """The guide's advice on the brief for the preset this recruitment started from (if any)."""
    key = preset_key_for(recruitment.role)
    return tuple(preset_notes(key)) if key else ()


def _insert_new(
    app: App, actor: Actor, snap: RecruitmentSnapshot, what: str, *, signed: bool = True
) -> str:
    with app.store.transaction() as tx:
        require(tx, app.config, actor, Action.CREATE, write=signed)
        if app.config.login and not actor.email:
            raise Refused("Connectez-vous pour créer un recrutement. " + NOTHING_CHANGED)
        tx.insert_snapshot(snap, owner_email=actor.email, by=actor.label)
        audit(tx, actor, "creation", snap.recruitment.id, snap.recruitment.title, what)
    return snap.recruitment.id


def create(app: App, actor: Actor, *, title: str, team: str, owner: str, preset: str) -> str:
    """A new recruitment whose brief starts from a role preset; with login, the creator is its
    « responsable ». Returns its id."""
    snap = new_recruitment_from_preset(title, team, owner or actor.label, preset)
    return _insert_new(app, actor, snap, f"profil type « {preset} »")


def duplicate(app: App, actor: Actor, source_id: str, title: str) -> str:
    """A new recruitment with the brief of another one (criteria, weights, questions, mission
    constraints; no candidate). The source must be readable by the person."""
    with app.store.reading() as tx:
        source = tx.require_recruitment(source_id)
        require(tx, app.config, actor, Action.READ, source, write=False)
        snap = RecruitmentSnapshot(source, criteria=tx.criteria(source_id))
    copy = duplicate_brief(snap, title, actor.label)
    return _insert_new(app, actor, copy, f"copie du cadrage « {source.title} »")


def load_demo(app: App, actor: Actor) -> str:
    """The fictional demo recruitment, loaded again beside any earlier copy."""
    # Without login, anyone may load the fictional demo before typing their name.
    return _insert_new(app, actor, demo_snapshot(), "démonstration", signed=app.config.login)


def update_details(
    app: App,
    actor: Actor,
    recruitment_id: str,
    *,
    base_version: int,
    title: str,
    team: str,
    owner: str,
) -> Recruitment:
    """Title, team and the person responsible (the one who takes the final decision)."""
    with app.store.transaction() as tx:
        current, _ = begin(tx, app, actor, Action.EDIT_BRIEF, recruitment_id)
        changed = replace(current, title=title, team=team, owner=owner).validated()
        _save(tx, current, changed, base_version, actor, "la fiche du recrutement")
        audit(tx, actor, "recrutement_modifie", recruitment_id, changed.title)
    return changed


def update_constraints(
    app: App,
    actor: Actor,
    recruitment_id: str,
    *,
    base_version: int,
    start_date: date | None,
    days_per_week: float | None,
    remote_policy: str,
    max_daily_rate: int | None,
    references_required: bool,
) -> Recruitment:
    """The mission's constraints, checked with every person at pre-qualification."""
    with app.store.transaction() as tx:
        current, _ = begin(tx, app, actor, Action.EDIT_BRIEF, recruitment_id)
        changed = replace(
            current,
            start_date=start_date,
            days_per_week=days_per_week,
            remote_policy=remote_policy,
            max_daily_rate=max_daily_rate,
            references_required=references_required,
        ).validated()
        _save(tx, current, changed, base_version, actor, "Les contraintes de la mission")
        audit(tx, actor, "contraintes_modifiees", recruitment_id, current.title)
    return changed


def set_closed(app: App, actor: Actor, recruitment_id: str, *, base_version: int, closed: bool):
    """Close (starts the retention period of the people not retained) or reopen; audited in the
    same transaction."""
    with app.store.transaction() as tx:
        current, _ = begin(tx, app, actor, Action.CLOSE_REOPEN, recruitment_id)
        if (current.status == "clos") == closed:
            state = "déjà clos" if closed else "déjà ouvert"
            raise conflict(f"Le recrutement ({state})", current.updated_by, current.updated_at)
        changed = replace(
            current, status="clos" if closed else "ouvert", closed_at=now() if closed else None
        )
        _save(tx, current, changed, base_version, actor, "Le recrutement")
        audit(tx, actor, "cloture" if closed else "reouverture", recruitment_id, current.title)
    return changed


def _save(tx, current: Recruitment, changed: Recruitment, base_version, actor, what) -> None:
    if not tx.update_recruitment(changed, expected_version=base_version, by=actor.label):
        raise conflict(what[:1].upper() + what[1:], current.updated_by, current.updated_at)


# --------------------------------------------------------------------------- members


def add_member(app: App, actor: Actor, recruitment_id: str, email: str, role: str) -> None:
    """Give a person access to the recruitment (with login on), as « membre » or « responsable »."""
    with app.store.transaction() as tx:
        begin(tx, app, actor, Action.MANAGE_MEMBERS, recruitment_id)
        mail = (email or "").strip().lower()
        current = tx.member_role(recruitment_id, mail) if "@" in mail else None
        if current == role:
            raise ValidationError(f"{mail} est déjà {role} de ce recrutement. {NOTHING_CHANGED}")
        if current == "responsable" and role != "responsable":
            _keep_one_responsible(tx, recruitment_id, mail)
        tx.put_member(recruitment_id, mail, role, actor.label)
        audit(tx, actor, "ajout_membre", recruitment_id, mail, role)


def remove_member(app: App, actor: Actor, recruitment_id: str, email: str) -> None:
    with app.store.transaction() as tx:
        begin(tx, app, actor, Action.MANAGE_MEMBERS, recruitment_id)
        mail = (email or "").strip().lower()
        if tx.member_role(recruitment_id, mail) is None:
            raise ValidationError(f"{mail} n'est pas membre de ce recrutement. {NOTHING_CHANGED}")
        _keep_one_responsible(tx, recruitment_id, mail)
        tx.remove_member(recruitment_id, mail)
        audit(tx, actor, "retrait_membre", recruitment_id, mail)


def _keep_one_responsible(tx, recruitment_id: str, leaving: str) -> None:
    others = [
        m
        for m in tx.members(recruitment_id)
        if m["role"] == "responsable" and m["email"] != leaving
    ]
    if not others:
        raise ValidationError(
            "Un recrutement garde au moins une personne responsable : nommez-en une autre "
            f"d'abord. {NOTHING_CHANGED}"
        )
