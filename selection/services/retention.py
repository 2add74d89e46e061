"""Data protection: how long candidates' data is kept, what is due for deletion, the right of
access (PRODUCT.md §8, CNIL recruitment guidance).

Rules, in months, stored as settings:
- ``retention.unsuccessful_months`` (default 3, at most 3): a person not chosen (status other
  than « retenu ») is deleted that long after their recruitment closed (``closed_at``);
- ``retention.talent_pool_months`` (default 24, at most 24): a person who agreed to stay in the
  talent pool is kept that long from the last contact, and never less than the rule above.

The last contact is the latest of: the candidacy's creation, its evaluations' last update, the
decisions about the person, the culture-fit notes and the reference calls. The person finally
chosen (« retenu ») is never listed: their file goes to the hiring process.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from selection.analysis.progress import candidate_status
from selection.documents.reports import french_date
from selection.domain.model import (
    Candidate,
    Recruitment,
    RecruitmentSnapshot,
    ValidationError,
)
from selection.storage.store import (
    Store,
    Tx,
)

UNSUCCESSFUL_MONTHS_KEY = "retention.unsuccessful_months"
TALENT_POOL_MONTHS_KEY = "retention.talent_pool_months"
DEFAULT_UNSUCCESSFUL_MONTHS = 3
DEFAULT_TALENT_POOL_MONTHS = 24
MAX_UNSUCCESSFUL_MONTHS = 3
MAX_TALENT_POOL_MONTHS = 24


@dataclass(frozen=True)
class RetentionSettings:
    unsuccessful_months: int = DEFAULT_UNSUCCESSFUL_MONTHS
    talent_pool_months: int = DEFAULT_TALENT_POOL_MONTHS

    def validated(self) -> RetentionSettings:
        if not 0 <= self.unsuccessful_months <= MAX_UNSUCCESSFUL_MONTHS:
            raise ValidationError(
                "Sans consentement, les données d'une personne non retenue se gardent au plus "
                f"{MAX_UNSUCCESSFUL_MONTHS} mois après la fin du recrutement (CNIL) : choisissez "
                f"entre 0 et {MAX_UNSUCCESSFUL_MONTHS}."
            )
        if not 0 <= self.talent_pool_months <= MAX_TALENT_POOL_MONTHS:
            raise ValidationError(
                "Avec le consentement de la personne (vivier), la durée de conservation va "
                f"jusqu'à {MAX_TALENT_POOL_MONTHS} mois après le dernier contact : choisissez "
                f"entre 0 et {MAX_TALENT_POOL_MONTHS}."
            )
        return self


def _months(tx: Tx, key: str, default: int) -> int:
    found = tx.setting(key)
    try:
        return default if found is None else int(found["value"])
    except ValueError:
        return default


def settings_in(tx: Tx) -> RetentionSettings:
    """The stored rules, read in the caller's transaction; a setting that is missing or
    unreadable falls back to the default."""
    return RetentionSettings(
        unsuccessful_months=_months(tx, UNSUCCESSFUL_MONTHS_KEY, DEFAULT_UNSUCCESSFUL_MONTHS),
        talent_pool_months=_months(tx, TALENT_POOL_MONTHS_KEY, DEFAULT_TALENT_POOL_MONTHS),
    )


def load_settings(store: Store) -> RetentionSettings:
    """The stored rules; a setting that is missing or unreadable falls back to the default."""
    with store.reading() as tx:
        return settings_in(tx)


def save_settings(
    store: Store, settings: RetentionSettings, *, actor_name: str, actor_key: str
) -> RetentionSettings:
    """Store the rules (within the legal maxima): both settings rows (each one's version goes
    up) and the journal entry saying who changed them, in one transaction."""
    checked = settings.validated()
    with store.transaction() as tx:
        for key, value in (
            (UNSUCCESSFUL_MONTHS_KEY, checked.unsuccessful_months),
            (TALENT_POOL_MONTHS_KEY, checked.talent_pool_months),
        ):
            tx.put_setting(key, str(value), expected_version=None, by=actor_name)
        tx.audit(
            actor_name,
            "reglage_conservation",
            None,
            "durées de conservation",
            f"non retenues : {checked.unsuccessful_months} mois ; vivier : "
            f"{checked.talent_pool_months} mois",
            actor_key=actor_key,
        )
    return checked


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later, or the last day of that month (31 January + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def last_contact(snapshot: RecruitmentSnapshot, candidate_id: str) -> datetime | None:
    """The latest trace of an exchange with the person, from everything stored about them."""
    moments: list[datetime] = []
    for cand in snapshot.candidates:
        if cand.id == candidate_id and cand.created_at:
            moments.append(cand.created_at)
    moments += [
        e.updated_at or e.created_at
        for e in snapshot.evaluations
        if e.candidate_id == candidate_id and (e.updated_at or e.created_at)
    ]
    moments += [
        d.decided_at for d in snapshot.decisions if d.candidate_id == candidate_id and d.decided_at
    ]
    moments += [
        n.created_at
        for n in snapshot.culture_notes
        if n.candidate_id == candidate_id and n.created_at
    ]
    for call in snapshot.reference_calls:
        if call.candidate_id == candidate_id:
            moments.append(datetime.combine(call.called_on, datetime.min.time()))
            if call.created_at:
                moments.append(call.created_at)
    return max(moments, default=None)


@dataclass(frozen=True)
class PurgeItem:
    """One person whose data is due for deletion, and why."""

    candidate_id: str
    candidate_name: str
    recruitment_id: str
    recruitment_title: str
    reason: str
    due: date
    last_contact: date | None


def _due(
    rec: Recruitment,
    cand: Candidate,
    contact: datetime | None,
    settings: RetentionSettings,
) -> tuple[date, str] | None:
    """When a person not chosen must be deleted, and the reason in French; None if no rule
    applies yet (recruitment still open and no talent-pool consent)."""
    closed = _day(rec.closed_at) if rec.closed_at else None
    after_close = add_months(closed, settings.unsuccessful_months) if closed else None
    if cand.talent_pool_consent and contact is not None:
        pool_due = add_months(_day(contact), settings.talent_pool_months)
        due = max(pool_due, after_close) if after_close else pool_due
        return due, (
            f"Vivier (consentement recueilli) : dernier contact le {french_date(contact)}, "
            f"conservation de {settings.talent_pool_months} mois écoulée le {french_date(due)}."
        )
    if after_close is None:
        return None
    return after_close, (
        f"Candidature non retenue : recrutement clos le {french_date(closed)}, "
        f"conservation de {settings.unsuccessful_months} mois écoulée le {french_date(after_close)}."
    )


def retention_due(
    snapshot: RecruitmentSnapshot, candidate_id: str, settings: RetentionSettings
) -> date | None:
    """The deletion date of one person under the current rules (None: chosen, or no date yet)."""
    status = candidate_status(snapshot)
    row = status[status["candidate_id"] == candidate_id]
    if row.empty or row.iloc[0]["statut"] == "retenu":
        return None
    cand = next(c for c in snapshot.candidates if c.id == candidate_id)
    found = _due(snapshot.recruitment, cand, last_contact(snapshot, candidate_id), settings)
    return found[0] if found else None


def _due_items(
    tx: Tx, recruitment_ids: Sequence[str], today: date, settings: RetentionSettings
) -> list[PurgeItem]:
    """Everyone due on ``today`` in these recruitments, from a fixed number of queries (the
    recruitments, their people, the decisions, one aggregate of the last contact per table):
    the time grows with the number of people of these recruitments only, linearly."""
    recs = {r.id: r for r in tx.recruitments(ids=list(recruitment_ids))}
    if not recs:
        return []
    people = tx.people_of(list(recs))
    if not people:
        return []
    # The status needs only the people and the decisions (evaluations move the stage reached,
    # never the status), so the shared rule of the progress view is applied to just those.
    status = candidate_status(
        RecruitmentSnapshot(
            recruitment=next(iter(recs.values())),
            candidates=people,
            decisions=tx.decisions_of(list(recs)),
        )
    )
    retained = set(status.loc[status["statut"] == "retenu", "candidate_id"])
    contacts = tx.last_contacts(list(recs))
    items: list[PurgeItem] = []
    # The due date and its sentence depend on the recruitment, the consent and (with consent)
    # the day of the last contact only: computed once per such key.
    known: dict[tuple, tuple[date, str] | None] = {}
    for cand in people:
        if cand.id in retained:
            continue
        rec = recs[cand.recruitment_id]
        contact = contacts.get(cand.id)
        pooled = cand.talent_pool_consent and contact is not None
        key = (rec.id, pooled, _day(contact) if pooled else None)
        if key not in known:
            known[key] = _due(rec, cand, contact, settings)
        found = known[key]
        if found is None or found[0] > today:
            continue
        items.append(
            PurgeItem(
                candidate_id=cand.id,
                candidate_name=cand.name,
                recruitment_id=rec.id,
                recruitment_title=rec.title,
                reason=found[1],
                due=found[0],
                last_contact=_day(contact) if contact else None,
            )
        )
    return sorted(items, key=lambda i: (i.due, i.recruitment_title, i.candidate_name))


def to_purge(
    store: Store,
    today: date,
    settings: RetentionSettings | None = None,
    *,
    recruitment_ids: Sequence[str],
) -> list[PurgeItem]:
    """Everyone whose retention period is over on ``today`` in the given recruitments (those
    the viewer may purge: the service passes them), oldest due date first."""
    if not recruitment_ids:
        return []
    with store.reading() as tx:
        return _due_items(tx, recruitment_ids, today, settings or settings_in(tx))


def due_in(tx: Tx, recruitment_id: str, today: date, store: Store | None = None) -> list[PurgeItem]:
    """The same list for one recruitment, read inside the caller's (purge) transaction so the
    deletion acts on what is due now, under the lock; the rules are read there too (``store``
    is accepted for the callers that pass it and not needed)."""
    return _due_items(tx, [recruitment_id], today, settings_in(tx))


# --------------------------------------------------------------------- right of access
