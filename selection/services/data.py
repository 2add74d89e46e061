"""Data duties as use cases: backup and restore, spreadsheet imports, retention and purge, the
right of access, and the journal. Each one checks the permission table like any other write."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date

from selection.documents.access import access_markdown
from selection.domain import labels
from selection.domain.formatting import counted
from selection.domain.model import ValidationError
from selection.domain.permissions import Action
from selection.domain.stages import STAGE_BY_CODE
from selection.services import blind, candidates, retention
from selection.services.access import Actor, Refused, require
from selection.services.app import App
from selection.services.common import NOTHING_CHANGED, audit, begin
from selection.services.reading import RecruitmentView
from selection.storage import backup as backup_io
from selection.storage import csv_import

# --------------------------------------------------------------------------- backup, restore


def _backup_part(tx, actor: Actor, recruitment_id: str) -> backup_io.BackupPart:
    """One recruitment as the person may see it (no one else's draft, nothing the blind rule
    withholds from them), with the history of its visible ratings and its journal."""
    full = tx.snapshot(recruitment_id)
    scoped, _ = blind.scope(full, actor.key)
    visible = {e.id for e in scoped.evaluations if e.status == "soumis"}
    return backup_io.BackupPart(
        snapshot=scoped,
        history=[h for h in tx.history(sorted(visible)) if h["evaluation_id"] in visible],
        journal=tx.audit_entries(recruitment_ids=[recruitment_id], limit=100_000),
    )


def backup(app: App, actor: Actor, recruitment_id: str) -> bytes:
    """One recruitment as a JSON file (audited)."""
    with app.store.reading() as tx:
        rec = tx.require_recruitment(recruitment_id)
        require(tx, app.config, actor, Action.BACKUP, rec)
        part = _backup_part(tx, actor, recruitment_id)
    data = backup_io.export_parts([part], scope="recrutement")
    with app.store.transaction() as tx:
        audit(tx, actor, "sauvegarde", recruitment_id, rec.title, f"{len(data)} octets")
    return data


def backup_scope_note(view: RecruitmentView) -> str:
    """What a backup made by this person leaves out, said before they download it: the file
    holds what they may see (``reading.view``), so the blind rule holds in it too."""
    note = "La sauvegarde contient ce que vous voyez : les brouillons des autres n'y sont pas."
    if view.blinded:
        count = len(view.blinded)
        people = f"{count} personne{'s' if count > 1 else ''}"
        note += (
            f" Tant que vous n'avez pas soumis vos évaluations, ce que les autres ont écrit sur "
            f"{people} n'y est pas non plus : restaurée, elle ne rendrait pas ces évaluations. "
            "Soumettez d'abord les vôtres, ou demandez la sauvegarde à une personne qui les voit."
        )
    return note


def backup_all(app: App, actor: Actor) -> bytes:
    """Every recruitment the person may back up, in one file (audited)."""
    with app.store.reading() as tx:
        require(tx, app.config, actor, Action.READ, None, write=False)
        parts = []
        for rec in tx.recruitments():
            try:
                require(tx, app.config, actor, Action.BACKUP, rec, write=False)
            except Refused:
                continue
            parts.append(_backup_part(tx, actor, rec.id))
    data = backup_io.export_parts(parts, scope="tout")
    with app.store.transaction() as tx:
        audit(tx, actor, "sauvegarde", None, "tout", counted(len(parts), "recrutement"))
    return data


def restore(
    app: App,
    actor: Actor,
    data: bytes,
    *,
    as_copy: bool = False,
    progress: Callable[[float, str], None] | None = None,
) -> backup_io.ImportSummary:
    """Restore a backup as new recruitment(s): members listed in the file are never added; with
    login, the person restoring becomes the only member, responsable. ``as_copy`` gives every row
    a new id, so a backup can be imported beside the recruitment it was taken from."""
    with app.store.reading() as tx:
        require(tx, app.config, actor, Action.RESTORE)
    if app.config.login and not actor.email:
        raise Refused("Connectez-vous pour restaurer une sauvegarde. " + NOTHING_CHANGED)
    return backup_io.restore(
        app.store,
        data,
        actor_name=actor.label,
        actor_key=actor.key,
        owner_email=actor.email if app.config.login else None,
        as_copy=as_copy,
        progress=progress,
    )


def backup_filename(title: str | None, on: date) -> str:
    return backup_io.backup_filename(title, on)


# --------------------------------------------------------------------------- spreadsheet import

KINDS = {"criteria": "critères", "candidates": "personnes candidates"}
IMPORT_LIMITS = csv_import.LIMITS_SENTENCE
CSV_MAX_MB = max(1, csv_import.MAX_CSV_BYTES // (1024 * 1024))
RESTORE_MAX_MB = max(1, backup_io.MAX_IMPORT_BYTES // (1024 * 1024))


def import_csv(
    app: App,
    actor: Actor,
    recruitment_id: str,
    kind: str,
    data: bytes,
    *,
    progress: Callable[[float, str], None] | None = None,
) -> csv_import.CsvImport:
    """Check a criteria or candidate CSV whole, then add all of it (or nothing)."""
    if kind not in KINDS:
        raise ValidationError(f"Contenu inconnu : « {kind} ». {NOTHING_CHANGED}")
    action = Action.EDIT_BRIEF if kind == "criteria" else Action.EDIT_CANDIDATES
    with app.store.reading() as tx:
        rec = tx.require_recruitment(recruitment_id)
        require(tx, app.config, actor, action, rec)
        existing = (
            tx.criteria(recruitment_id) if kind == "criteria" else tx.candidates(recruitment_id)
        )
    parse = (
        csv_import.import_criteria_csv if kind == "criteria" else csv_import.import_candidates_csv
    )
    result = parse(data, recruitment_id, existing)
    if kind == "candidates":
        known, seen, namesakes = {c.name for c in existing}, set(), []
        for person in result.items:
            if (person.name in known or person.name in seen) and person.name not in namesakes:
                namesakes.append(person.name)
            seen.add(person.name)
        result = replace(result, namesakes=tuple(namesakes))
    csv_import.write_import(
        app.store,
        recruitment_id,
        result,
        kind=kind,
        lock=lambda tx: begin(tx, app, actor, action, recruitment_id),
        audit=lambda tx, details: audit(
            tx, actor, "import_csv", recruitment_id, KINDS[kind], details
        ),
        by=actor.label,
        progress=progress,
    )
    return result


def template_csv(kind: str) -> bytes:
    from selection.services.imports import template_csv as template

    return template(kind)


# --------------------------------------------------------------------------- retention


def retention_settings(app: App) -> retention.RetentionSettings:
    return retention.load_settings(app.store)


def save_retention_settings(
    app: App, actor: Actor, settings: retention.RetentionSettings
) -> retention.RetentionSettings:
    """Global retention periods: administrators only (everyone when the app runs open)."""
    with app.store.reading() as tx:
        require(tx, app.config, actor, Action.SETTINGS)
    return retention.save_settings(app.store, settings, actor_name=actor.label, actor_key=actor.key)


def purgeable_recruitments(app: App, actor: Actor) -> list[str]:
    """Ids of the recruitments whose due data this person may purge."""
    with app.store.reading() as tx:
        ids = []
        for rec in tx.recruitments():
            try:
                require(tx, app.config, actor, Action.PURGE, rec, write=False)
            except Refused:
                continue
            ids.append(rec.id)
    return ids


def due_for_purge(app: App, actor: Actor, today: date) -> list[retention.PurgeItem]:
    """People whose retention period is over, in the recruitments this person may purge."""
    ids = purgeable_recruitments(app, actor)
    if not ids:
        return []
    return retention.to_purge(app.store, today, recruitment_ids=ids)


def purge(app: App, actor: Actor, items: Iterable[retention.PurgeItem], today: date) -> int:
    """Delete the listed people, recruitment by recruitment, each still due when re-checked
    inside the write transaction; one journal entry per person, by id only."""
    by_recruitment: dict[str, list[retention.PurgeItem]] = {}
    for item in items:
        by_recruitment.setdefault(item.recruitment_id, []).append(item)
    deleted = 0
    for rid, wanted in by_recruitment.items():
        with app.store.transaction() as tx:
            begin(tx, app, actor, Action.PURGE, rid)
            still = {i.candidate_id for i in retention.due_in(tx, rid, today, app.store)}
            gone = [i for i in wanted if i.candidate_id in still]
            tx.delete_candidates([i.candidate_id for i in gone])
            for item in gone:
                audit(tx, actor, "purge", rid, f"personne {item.candidate_id}", item.reason)
            deleted += len(gone)
    if deleted:
        app.store.after_erasure()
    return deleted


# --------------------------------------------------------------------------- rights, journal

erase = candidates.erase


def access_export(app: App, actor: Actor, candidate_id: str, on: date | None = None) -> str:
    """Everything kept about one person that this person may see, as Markdown (right of
    access): no one else's draft, nothing the blind rule withholds from the person exporting
    (who is told so in the file). Audited."""
    with app.store.reading() as tx:
        rid = tx.recruitment_of_candidate(candidate_id)
        if rid is None:
            raise ValidationError("Personne candidate introuvable.")
        rec = tx.require_recruitment(rid)
        require(tx, app.config, actor, Action.ACCESS_EXPORT, rec)
        full = tx.snapshot(rid)
        scoped, blinded = blind.scope(full, actor.key)
        mine = [e for e in scoped.evaluations if e.candidate_id == candidate_id]
        by_id = {e.id: e for e in mine}
        history = [
            {
                **h,
                "stage": by_id[h["evaluation_id"]].stage,
                "criterion_id": by_id[h["evaluation_id"]].criterion_id,
            }
            for h in tx.history(sorted(by_id))
        ]
    settings = retention.load_settings(app.store)
    text = access_markdown(
        scoped,
        candidate_id,
        history=history,
        deletion_due=retention.retention_due(scoped, candidate_id, settings),
        on=on,
    )
    if candidate_id in blinded:
        text += (
            "\n> Document incomplet : la personne qui l'a établi n'avait pas encore soumis sa "
            "propre évaluation ; ce que les autres ont écrit n'y figure pas.\n"
        )
    with app.store.transaction() as tx:
        audit(tx, actor, "export_acces", rid, f"personne {candidate_id}")
    return text


@dataclass(frozen=True)
class JournalEntry:
    at: object
    actor: str
    action: str
    subject: str
    details: str
    recruitment: str


_PERSON = re.compile(r"\bpersonne ([0-9a-f]{32})\b")


def journal(app: App, actor: Actor, limit: int = 500) -> list[JournalEntry]:
    """The journal entries this person may read: every entry about the recruitments where they
    may read the journal, and their own actions (matched on their identity, not their name).
    « personne <id> » becomes the person's name where this person may see them."""
    with app.store.reading() as tx:
        recs = {r.id: r for r in tx.recruitments()}
        readable = []
        for rec in recs.values():
            try:
                require(tx, app.config, actor, Action.READ_AUDIT, rec, write=False)
            except Refused:
                continue
            readable.append(rec.id)
        if not app.config.login:
            rows = tx.audit_entries(limit=limit)
        else:
            rows = tx.audit_entries(recruitment_ids=readable, actor_key=actor.key, limit=limit)
        names = {c.id: c.name for rid in readable for c in tx.candidates(rid)}
    out = []
    for row in rows:
        subject = _PERSON.sub(lambda m: names.get(m.group(1), m.group(0)), row["subject"] or "")
        rec = recs.get(row["recruitment_id"] or "")
        out.append(
            JournalEntry(
                at=row["at"],
                actor=row["actor"],
                action=labels.AUDIT_ACTIONS.get(row["action"], row["action"]),
                subject=subject,
                details=_stage_in_words(row["details"] or ""),
                recruitment=rec.title if rec else "",
            )
        )
    return out


def _stage_in_words(details: str) -> str:
    """« mise_en_situation : … » (how panel entries are written) → « Mise en situation : … »."""
    code, sep, rest = details.partition(" : ")
    stage = STAGE_BY_CODE.get(code) if sep else None
    return f"{stage.label} : {rest}" if stage else details


def journal_scope(app: App) -> str:
    """Which entries ``journal`` shows, said as the page says it (it depends on login)."""
    if not app.config.login:
        return (
            "Sans connexion, l'application est ouverte : le journal montre les actions de "
            "tous les recrutements, signées du nom tapé dans la barre latérale."
        )
    return "Vous voyez le journal des recrutements dont vous avez la charge et vos propres actions."


def record_download(app: App, actor: Actor, recruitment_id: str, what: str, file_name: str) -> None:
    """Write a download (CSV, decision record) to the journal."""
    with app.store.transaction() as tx:
        rec = tx.require_recruitment(recruitment_id)
        require(tx, app.config, actor, Action.READ, rec, write=False)
        audit(tx, actor, "export", recruitment_id, what, file_name)
