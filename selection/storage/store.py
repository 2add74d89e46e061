"""Reads and writes through SQLAlchemy 2 Core, one transaction at a time.

``Store`` opens the database (``engine.py``), migrates it (``schema.py``) and hands out
transactions. Inside a transaction, ``Tx`` reads and writes rows. Storage keeps the data whole
(references exist, labels are unique, a row saved from a stale version is reported, not
overwritten) but holds no business rule: who may do what, the blind rule and the process rules
live in ``selection.services``, which call ``Tx`` inside their write transaction.

Every write about a recruitment starts with ``Tx.touch``: it bumps the recruitment's revision,
which also locks its row on PostgreSQL, so two app servers writing about the same recruitment
queue (SQLite already queues writers with BEGIN IMMEDIATE) and a rule re-read after ``touch``
cannot be changed by someone else before the commit.

Rows of ``recruitments``, ``criteria`` and ``candidates`` whose ``import_id`` is set are an
import still being written: every read of ``Tx`` skips them (and what hangs from them), one
short transaction publishes them (``Tx.publish_import``), a failed import deletes them
(``Store.discard_import``), and ``Store.open`` deletes those a crash left more than an hour ago.
After an erasure, ``Store.after_erasure`` removes the deleted rows' bytes from the files.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from selection.domain import limits
from selection.domain.ids import new_id as new_id
from selection.domain.ids import now as now
from selection.domain.model import (
    Candidate,
    Criterion,
    CultureNote,
    DebriefOpening,
    Evaluation,
    PanelAssignment,
    Recruitment,
    RecruitmentSnapshot,
    ReferenceCall,
    StageDecision,
    ValidationError,
)
from selection.storage.engine import DATABASE_URL_ENV as DATABASE_URL_ENV
from selection.storage.engine import DEFAULT_DB_PATH as DEFAULT_DB_PATH
from selection.storage.engine import SQLITE_BUSY_TIMEOUT_MS, make_engine
from selection.storage.engine import database_url as database_url
from selection.storage.schema import (
    MIGRATIONS,
    SCHEMA_VERSION,
    audit_log,
    candidates,
    criteria,
    culture_notes,
    debrief_openings,
    evaluation_history,
    evaluations,
    members,
    metadata,
    panel_assignments,
    recruitments,
    reference_calls,
    schema_version,
    settings,
    stage_decisions,
)

MEMBER_ROLES = ("responsable", "membre")

log = logging.getLogger(__name__)

# Rows an import is still writing carry ``import_id`` = « <UTC time %Y%m%d%H%M%S>-<random> »:
# invisible to every read, published by one short transaction, deleted if the import fails.
# Staging older than this is left over by a crash (an import takes seconds) and is removed.
STALE_IMPORT_AFTER = timedelta(hours=1)
IMPORT_STAMP = "%Y%m%d%H%M%S"
# Set while the files may still hold the bytes of an erased person (see ``after_erasure``).
ERASURE_PENDING_KEY = "maintenance.erasure_pending"
IN_CHUNK = 500  # ids per IN (…) list


def new_import_id(at: datetime | None = None) -> str:
    """A staging marker that tells when the import started (36 characters)."""
    return f"{(at or now()):{IMPORT_STAMP}}-{new_id()[:21]}"


def import_started(import_id: str) -> datetime | None:
    try:
        return datetime.strptime(import_id[:14], IMPORT_STAMP)
    except ValueError:
        return None


def chunks(items: Sequence, size: int = IN_CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


class Store:
    """The database of the app. Each transaction takes its own connection from the pool, so one
    Store is shared by every session of a server without sharing a connection across threads."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        """Open and migrate the database, then tidy what a crash may have left: imports staged
        more than an hour ago are deleted, an erasure whose traces could not be wiped is wiped."""
        store = cls(make_engine(url))
        store.migrate()
        store.discard_stale_imports()
        if store.erasure_pending():
            store.after_erasure(attempts=1)
        return store

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction: all of it lands, or none of it."""
        with self.engine.connect().execution_options(write=True) as conn, conn.begin():
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET LOCAL lock_timeout = '30s'")
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        with self.write() as conn:
            yield Tx(conn)

    @contextmanager
    def reading(self) -> Iterator[Tx]:
        with self.read() as conn:
            yield Tx(conn)

    # ---------------------------------------------------------------- schema

    def migrate(self) -> int:
        """Create a fresh database or bring an older one forward; returns the version reached."""
        with self.write() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(727274)")
            inspector = sa.inspect(conn)
            if not inspector.has_table("schema_version"):
                metadata.create_all(conn)
                conn.execute(schema_version.insert().values(id=1, version=SCHEMA_VERSION))
                return SCHEMA_VERSION
            version = conn.execute(sa.select(schema_version.c.version)).scalar_one()
            if version > SCHEMA_VERSION:
                raise ValidationError(
                    f"Cette base a été créée par une version plus récente de l'application "
                    f"(schéma {version}, cette version connaît le schéma {SCHEMA_VERSION}) : "
                    "mettez l'application à jour."
                )
            for step in MIGRATIONS[version - 1 :]:
                step(conn)
            if version != SCHEMA_VERSION:
                conn.execute(schema_version.update().values(version=SCHEMA_VERSION))
            return SCHEMA_VERSION

    def version(self) -> int:
        with self.read() as conn:
            return conn.execute(sa.select(schema_version.c.version)).scalar_one()

    def is_empty(self) -> bool:
        with self.read() as conn:
            return (
                conn.execute(sa.select(sa.func.count()).select_from(recruitments)).scalar_one() == 0
            )

    # Tables that hold what is written about a person (erasure rewrites them on PostgreSQL).
    PERSON_TABLES = (
        "candidates",
        "evaluations",
        "evaluation_history",
        "stage_decisions",
        "culture_notes",
        "reference_calls",
        "panel_assignments",
        "debrief_openings",
        "audit_log",
    )

    def after_erasure(self, *, attempts: int = 10, pause: float = 0.5) -> bool:
        """Make deleted rows unrecoverable from the database files, after the commit; True when
        done. Call it after every erasure or purge (the services do).

        SQLite: ``secure_delete`` (engine.py, not SQLite's compile-time default) already
        overwrote the deleted cells and freed pages with zeros; a TRUNCATE checkpoint copies the
        WAL back into the file and empties the ``-wal``, where the pages as they were before the
        deletion still lay (the ``-shm`` holds only page numbers). A reader still inside a read
        transaction blocks that checkpoint: each attempt waits one second at most (not the
        30-second busy timeout of writers), then the next one comes ``pause`` seconds later.

        PostgreSQL: a DELETE only marks tuples dead and VACUUM leaves their bytes in the files,
        so the tables about people are rewritten (``VACUUM (FULL, ANALYZE)``: new files for the
        tables, their TOAST and their indexes; the old ones are unlinked). Two things would
        spoil it, so each attempt checks them first: a transaction that began before the
        erasure may still see the rows (VACUUM FULL would copy them), so the attempt waits until
        none is left; and VACUUM FULL needs an exclusive lock, so it gives up after 2 seconds
        (``lock_timeout``) rather than queue every other session behind it.

        When every attempt fails, the database remembers it (setting
        ``maintenance.erasure_pending``): the next call, or the next ``Store.open``, finishes
        the job. What stays outside the app's reach (WAL archives, backups taken before,
        replicas) is listed in docs/deploy.md.
        """
        since = None
        done = False
        for attempt in range(max(1, attempts)):
            if attempt:
                time.sleep(pause)
            try:
                if self.dialect == "sqlite":
                    done = self._checkpoint_sqlite()
                elif self.dialect == "postgresql":
                    if since is None:
                        since = self._pg_clock()
                    done = self._vacuum_postgresql(since)
                else:
                    done = True
            except sa.exc.OperationalError as exc:
                log.info("after_erasure: attempt %d failed: %s", attempt + 1, exc)
                done = False
            if done:
                break
        self._set_erasure_pending(not done)
        if not done:
            log.warning("after_erasure: traces of an erased person remain; retried later")
        return done

    def erasure_pending(self) -> bool:
        with self.reading() as tx:
            return tx.setting(ERASURE_PENDING_KEY) is not None

    def _set_erasure_pending(self, pending: bool) -> None:
        if pending == self.erasure_pending():
            return
        with self.transaction() as tx:
            if pending:
                if tx.setting(ERASURE_PENDING_KEY) is None:
                    tx.put_setting(
                        ERASURE_PENDING_KEY, now().isoformat(), expected_version=None, by=""
                    )
            else:
                tx.delete_setting(ERASURE_PENDING_KEY)
        if not pending and self.dialect == "sqlite":
            # The line just deleted went through the WAL: empty it again (no person data).
            self._checkpoint_sqlite()

    def _checkpoint_sqlite(self) -> bool:
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("PRAGMA busy_timeout=1000")
            try:
                busy, _log, _done = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            finally:
                cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
                cursor.close()
            return busy == 0
        finally:
            raw.close()

    def _pg_clock(self) -> datetime:
        with self.engine.connect() as conn:
            return conn.exec_driver_sql("SELECT clock_timestamp()").scalar_one()

    def _vacuum_postgresql(self, since: datetime) -> bool:
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            older = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend' "
                "AND xact_start < %(since)s",
                {"since": since},
            ).scalar_one()
            if older:
                return False
            conn.exec_driver_sql("SET lock_timeout = '2s'")
            try:
                conn.exec_driver_sql("VACUUM (FULL, ANALYZE) " + ", ".join(self.PERSON_TABLES))
            finally:
                conn.exec_driver_sql("RESET lock_timeout")
        return True

    # ---------------------------------------------------------------- staged imports

    def discard_import(self, import_id: str, *, batch: int = IN_CHUNK) -> None:
        """Delete everything an import staged, a batch of people per short transaction."""
        while True:
            with self.transaction() as tx:
                if not tx.discard_import_batch(import_id, batch):
                    break

    def staged_imports(self) -> list[str]:
        with self.reading() as tx:
            return tx.staged_imports()

    def discard_stale_imports(self, older_than: timedelta = STALE_IMPORT_AFTER) -> int:
        """Delete imports staged more than ``older_than`` ago (a crash in the middle of one);
        returns how many. Imports under way elsewhere are younger and left alone."""
        limit = now() - older_than
        stale = [i for i in self.staged_imports() if (import_started(i) or datetime.min) <= limit]
        for import_id in stale:
            self.discard_import(import_id)
        return len(stale)

    def count_rows(self) -> dict[str, int]:
        with self.read() as conn:
            return {
                t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in metadata.sorted_tables
            }

    # ------------------------------------------- plain data operations (seeding, tests, tools)
    # Each one is a single transaction over Tx; the app itself goes through selection.services.

    def snapshot(self, recruitment_id: str) -> RecruitmentSnapshot:
        """Read a whole recruitment in one transaction, so a screen never mixes two states."""
        with self.reading() as tx:
            return tx.snapshot(recruitment_id)

    def save_snapshot(self, snap: RecruitmentSnapshot, owner_email: str | None = None) -> None:
        """Write a whole recruitment (demo, duplicate, tests) in one transaction; ``owner_email``
        becomes its first member, as « responsable »."""
        with self.transaction() as tx:
            tx.insert_snapshot(snap, owner_email=owner_email, by=snap.recruitment.owner)

    def recruitment(self, recruitment_id: str) -> Recruitment:
        with self.reading() as tx:
            return tx.require_recruitment(recruitment_id)

    def list_recruitments(self, member_email: str | None = None) -> list[Recruitment]:
        with self.reading() as tx:
            return tx.recruitments(member_email=member_email)

    def save_recruitment(self, recruitment: Recruitment) -> Recruitment:
        rec = recruitment.validated()
        with self.transaction() as tx:
            if tx.recruitment(rec.id) is None:
                tx.insert_recruitment(rec, by=rec.updated_by or rec.owner)
            else:
                tx.touch(rec.id)
                tx.update_recruitment(rec, expected_version=None, by=rec.updated_by)
        return self.recruitment(rec.id)

    def delete_recruitment(self, recruitment_id: str) -> None:
        with self.transaction() as tx:
            tx.delete_recruitment(recruitment_id)

    def list_criteria(self, recruitment_id: str) -> list[Criterion]:
        with self.reading() as tx:
            return tx.criteria(recruitment_id)

    def save_criteria(self, recruitment_id: str, items: Iterable[Criterion]) -> list[Criterion]:
        """Replace a whole brief (tests and tools; the app saves the rows a person changed)."""
        validated = [c.validated() for c in items]
        with self.transaction() as tx:
            tx.touch(recruitment_id)
            existing = {c.id: c for c in tx.criteria(recruitment_id)}
            tx.delete_criteria([cid for cid in existing if cid not in {c.id for c in validated}])
            tx.park_labels([c.id for c in validated if c.id in existing])
            for c in validated:
                if c.id in existing:
                    tx.update_criterion(c, expected_version=None, by="")
                else:
                    tx.insert_criteria([c], by="")
        return self.list_criteria(recruitment_id)

    def list_candidates(self, recruitment_id: str) -> list[Candidate]:
        with self.reading() as tx:
            return tx.candidates(recruitment_id)

    def candidate(self, candidate_id: str) -> Candidate:
        with self.reading() as tx:
            found = tx.candidate(candidate_id)
        if found is None:
            raise ValidationError("Personne candidate introuvable.")
        return found

    def save_candidate(self, candidate: Candidate) -> Candidate:
        cand = candidate.validated()
        with self.transaction() as tx:
            tx.touch(cand.recruitment_id)
            if tx.candidate(cand.id) is None:
                tx.insert_candidates([cand], by="")
            else:
                tx.update_candidate(cand, expected_version=None, by="")
        return cand

    def save_evaluations(self, items: Iterable[Evaluation], changed_by: str | None = None) -> int:
        validated = [e.validated() for e in items]
        if not validated:
            return 0
        with self.transaction() as tx:
            for rid in {tx.recruitment_of_candidate(e.candidate_id) for e in validated}:
                if rid is None:
                    raise ValidationError("Personne candidate introuvable.")
                tx.touch(rid)
            tx.upsert_evaluations(validated, changed_by, now())
        return len(validated)

    def list_evaluations(self, recruitment_id: str) -> list[Evaluation]:
        with self.reading() as tx:
            return tx.evaluations(recruitment_id)

    def evaluation_history(self, evaluation_id: str) -> list[dict]:
        with self.reading() as tx:
            return tx.history([evaluation_id])

    def record_decision(self, decision: StageDecision) -> StageDecision:
        dec = decision.validated()
        with self.transaction() as tx:
            rid = tx.recruitment_of_candidate(dec.candidate_id)
            if rid is None:
                raise ValidationError("Personne candidate introuvable.")
            tx.touch(rid)
            tx.insert_decision(dec)
        return dec

    def list_decisions(self, recruitment_id: str) -> list[StageDecision]:
        with self.reading() as tx:
            return tx.decisions(recruitment_id)

    def add_member(self, recruitment_id: str, email: str, role: str, added_by: str) -> None:
        with self.transaction() as tx:
            tx.touch(recruitment_id)
            tx.put_member(recruitment_id, email, role, added_by)

    def list_members(self, recruitment_id: str) -> list[dict]:
        with self.reading() as tx:
            return tx.members(recruitment_id)

    def member_role(self, recruitment_id: str, email: str) -> str | None:
        with self.reading() as tx:
            return tx.member_role(recruitment_id, email)

    def audit(
        self,
        actor: str,
        action: str,
        recruitment_id: str | None = None,
        subject: str = "",
        details: str = "",
        actor_key: str = "",
    ) -> None:
        with self.transaction() as tx:
            tx.audit(actor, action, recruitment_id, subject, details, actor_key=actor_key)

    def list_audit(self, limit: int = 500) -> list[dict]:
        with self.reading() as tx:
            return tx.audit_entries(limit=limit)

    def get_setting(self, key: str, default: str) -> str:
        with self.reading() as tx:
            found = tx.setting(key)
        return default if found is None else found["value"]

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as tx:
            tx.put_setting(key, value, expected_version=None, by="")


class Tx:
    """Row-level reads and writes inside one transaction (see the module docstring)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    @property
    def dialect(self) -> str:
        return self.conn.dialect.name

    def _one(self, query: sa.Executable) -> sa.Row | None:
        return self.conn.execute(query).first()

    # ------------------------------------------------------------ revision and lock

    def touch(self, recruitment_id: str) -> int:
        """Bump the recruitment's revision (and lock its row until the commit); returns it."""
        result = self.conn.execute(
            recruitments.update()
            .where(recruitments.c.id == recruitment_id)
            .values(revision=recruitments.c.revision + 1)
        )
        if result.rowcount == 0:
            raise ValidationError("Recrutement introuvable.")
        return self.revision(recruitment_id) or 0

    def revision(self, recruitment_id: str) -> int | None:
        return self.conn.execute(
            sa.select(recruitments.c.revision).where(recruitments.c.id == recruitment_id)
        ).scalar()

    # ------------------------------------------------------------ recruitments

    def recruitment(self, recruitment_id: str) -> Recruitment | None:
        row = self._one(
            sa.select(recruitments).where(
                (recruitments.c.id == recruitment_id) & recruitments.c.import_id.is_(None)
            )
        )
        return None if row is None else _recruitment_of(row)

    def require_recruitment(self, recruitment_id: str) -> Recruitment:
        found = self.recruitment(recruitment_id)
        if found is None:
            raise ValidationError("Recrutement introuvable.")
        return found

    def recruitments(
        self, *, member_email: str | None = None, ids: Sequence[str] | None = None
    ) -> list[Recruitment]:
        """Visible recruitments: all, those ``member_email`` is a member of, or ``ids``."""
        query = (
            sa.select(recruitments)
            .where(recruitments.c.import_id.is_(None))
            .order_by(recruitments.c.created_at, recruitments.c.title, recruitments.c.id)
        )
        if member_email is not None:
            mine = sa.select(members.c.recruitment_id).where(
                members.c.email == member_email.strip().lower()
            )
            query = query.where(recruitments.c.id.in_(mine))
        if ids is not None:
            query = query.where(recruitments.c.id.in_(list(ids)))
        return [_recruitment_of(r) for r in self.conn.execute(query)]

    def recruitment_of_candidate(self, candidate_id: str) -> str | None:
        return self.conn.execute(
            sa.select(candidates.c.recruitment_id).where(candidates.c.id == candidate_id)
        ).scalar()

    def insert_recruitment(
        self, rec: Recruitment, *, by: str, import_id: str | None = None
    ) -> None:
        stamp = now()
        self.conn.execute(
            recruitments.insert().values(
                id=rec.id,
                created_at=rec.created_at or stamp,
                version=1,
                revision=1,
                updated_by=by or "",
                updated_at=stamp,
                import_id=import_id,
                **_recruitment_row(rec),
            )
        )

    def update_recruitment(
        self, rec: Recruitment, *, expected_version: int | None, by: str
    ) -> bool:
        """Write the recruitment's details; False when its version is no longer
        ``expected_version`` (someone saved in between: nothing is written)."""
        where = recruitments.c.id == rec.id
        if expected_version is not None:
            where &= recruitments.c.version == expected_version
        result = self.conn.execute(
            recruitments.update()
            .where(where)
            .values(
                version=recruitments.c.version + 1,
                updated_by=by or "",
                updated_at=now(),
                **_recruitment_row(rec),
            )
        )
        return result.rowcount == 1

    def delete_recruitment(self, recruitment_id: str) -> None:
        cand_ids = list(
            self.conn.execute(
                sa.select(candidates.c.id).where(candidates.c.recruitment_id == recruitment_id)
            ).scalars()
        )
        self.delete_candidates(cand_ids)
        for table in (members, criteria):
            self.conn.execute(table.delete().where(table.c.recruitment_id == recruitment_id))
        self.conn.execute(recruitments.delete().where(recruitments.c.id == recruitment_id))

    # ------------------------------------------------------------ members

    def member_role(self, recruitment_id: str, email: str | None) -> str | None:
        if not email:
            return None
        return self.conn.execute(
            sa.select(members.c.role).where(
                (members.c.recruitment_id == recruitment_id)
                & (members.c.email == email.strip().lower())
            )
        ).scalar()

    def members(self, recruitment_id: str) -> list[dict]:
        rows = self.conn.execute(
            sa.select(members)
            .where(members.c.recruitment_id == recruitment_id)
            .order_by(members.c.role, members.c.email)
        ).all()
        return [dict(r._mapping) for r in rows]

    def put_member(self, recruitment_id: str, email: str, role: str, by: str) -> None:
        email = (email or "").strip().lower()
        if "@" not in email or " " in email or len(email) > 200:
            raise ValidationError(f"Adresse électronique invalide : « {email} ».")
        if role not in MEMBER_ROLES:
            raise ValidationError(f"Rôle inconnu : « {role} ».")
        self.conn.execute(
            members.delete().where(
                (members.c.recruitment_id == recruitment_id) & (members.c.email == email)
            )
        )
        self.conn.execute(
            members.insert().values(
                recruitment_id=recruitment_id, email=email, role=role, added_by=by, added_at=now()
            )
        )

    def remove_member(self, recruitment_id: str, email: str) -> int:
        return self.conn.execute(
            members.delete().where(
                (members.c.recruitment_id == recruitment_id)
                & (members.c.email == email.strip().lower())
            )
        ).rowcount

    # ------------------------------------------------------------ criteria

    def criteria(self, recruitment_id: str) -> list[Criterion]:
        rows = self.conn.execute(
            sa.select(criteria)
            .where((criteria.c.recruitment_id == recruitment_id) & criteria.c.import_id.is_(None))
            .order_by(criteria.c.position, criteria.c.label, criteria.c.id)
        ).all()
        return [_criterion_of(r) for r in rows]

    def insert_criteria(
        self, items: Sequence[Criterion], *, by: str, import_id: str | None = None
    ) -> None:
        if items:
            stamp = now()
            self.conn.execute(
                criteria.insert(),
                [
                    {
                        "id": c.id,
                        "version": 1,
                        "updated_by": by or "",
                        "updated_at": stamp,
                        "import_id": import_id,
                        **_criterion_row(c),
                    }
                    for c in items
                ],
            )

    def park_labels(self, criterion_ids: Sequence[str]) -> None:
        """Give rows about to be updated a temporary unique label, so that two criteria can swap
        labels in one save without tripping the unique constraint."""
        for cid in criterion_ids:
            self.conn.execute(criteria.update().where(criteria.c.id == cid).values(label=f"~{cid}"))

    def update_criterion(self, c: Criterion, *, expected_version: int | None, by: str) -> bool:
        where = criteria.c.id == c.id
        if expected_version is not None:
            where &= criteria.c.version == expected_version
        result = self.conn.execute(
            criteria.update()
            .where(where)
            .values(
                version=criteria.c.version + 1,
                updated_by=by or "",
                updated_at=now(),
                **_criterion_row(c),
            )
        )
        return result.rowcount == 1

    def delete_criteria(self, criterion_ids: Sequence[str]) -> None:
        if criterion_ids:
            self.conn.execute(criteria.delete().where(criteria.c.id.in_(list(criterion_ids))))

    def ratings_per_criterion(self, criterion_ids: Sequence[str]) -> dict[str, int]:
        """How many evaluations each of these criteria has (drafts included)."""
        if not criterion_ids:
            return {}
        rows = self.conn.execute(
            sa.select(evaluations.c.criterion_id, sa.func.count())
            .where(evaluations.c.criterion_id.in_(list(criterion_ids)))
            .group_by(evaluations.c.criterion_id)
        ).all()
        return {cid: int(n) for cid, n in rows}

    # ------------------------------------------------------------ candidates

    def candidates(self, recruitment_id: str) -> list[Candidate]:
        rows = self.conn.execute(
            sa.select(candidates)
            .where(
                (candidates.c.recruitment_id == recruitment_id) & candidates.c.import_id.is_(None)
            )
            .order_by(candidates.c.created_at, candidates.c.name, candidates.c.id)
        ).all()
        return [_candidate_of(r) for r in rows]

    def candidate(self, candidate_id: str) -> Candidate | None:
        row = self._one(
            sa.select(candidates).where(
                (candidates.c.id == candidate_id) & candidates.c.import_id.is_(None)
            )
        )
        return None if row is None else _candidate_of(row)

    def insert_candidates(
        self, items: Sequence[Candidate], *, by: str, import_id: str | None = None
    ) -> None:
        if items:
            stamp = now()
            self.conn.execute(
                candidates.insert(),
                [
                    {
                        "id": c.id,
                        "recruitment_id": c.recruitment_id,
                        "created_at": c.created_at or stamp,
                        "version": 1,
                        "updated_by": by or "",
                        "updated_at": stamp,
                        "import_id": import_id,
                        **_candidate_row(c),
                    }
                    for c in items
                ],
            )

    def update_candidate(self, c: Candidate, *, expected_version: int | None, by: str) -> bool:
        where = candidates.c.id == c.id
        if expected_version is not None:
            where &= candidates.c.version == expected_version
        result = self.conn.execute(
            candidates.update()
            .where(where)
            .values(
                version=candidates.c.version + 1,
                updated_by=by or "",
                updated_at=now(),
                **_candidate_row(c),
            )
        )
        return result.rowcount == 1

    ERASED = "[personne effacée]"

    def delete_candidates(
        self, candidate_ids: Sequence[str], *, scrub_journal: bool = True
    ) -> None:
        """Everything about some candidates, in dependency order (works without enforced FKs).

        A deleted person must not survive in free text either: wherever the journal of their
        recruitment quotes their name or e-mail, it becomes « [personne effacée] »
        (``scrub_journal=False`` only for rows an import staged, which no journal quotes)."""
        ids = list(candidate_ids)
        if not ids:
            return
        if len(ids) > IN_CHUNK:
            for part in chunks(ids):
                self.delete_candidates(part, scrub_journal=scrub_journal)
            return
        if scrub_journal:
            people = self.conn.execute(
                sa.select(candidates.c.recruitment_id, candidates.c.name, candidates.c.email).where(
                    candidates.c.id.in_(ids)
                )
            ).all()
            for rid, name, email in people:
                for text in (name, email):
                    self.scrub_audit(rid, text or "", self.ERASED)
        eval_ids = sa.select(evaluations.c.id).where(evaluations.c.candidate_id.in_(ids))
        self.conn.execute(
            evaluation_history.delete().where(evaluation_history.c.evaluation_id.in_(eval_ids))
        )
        for table in (
            evaluations,
            stage_decisions,
            culture_notes,
            reference_calls,
            panel_assignments,
            debrief_openings,
        ):
            self.conn.execute(table.delete().where(table.c.candidate_id.in_(ids)))
        self.conn.execute(candidates.delete().where(candidates.c.id.in_(ids)))

    # ------------------------------------------------------------ evaluations

    def evaluations(self, recruitment_id: str) -> list[Evaluation]:
        """Every evaluation of the recruitment, read row by row (never every row at once) and
        with one object per distinct candidate, stage, criterion, rater, status and time: at
        150,000 evaluations this halves what reading a recruitment holds in memory."""
        query = self._about_candidates_query(evaluations, recruitment_id, evaluations.c.created_at)
        names = [c.name for c in evaluations.columns]
        same: dict = {}
        share = same.setdefault
        out = []
        for row in self.conn.execute(query):
            r = dict(zip(names, row, strict=True))
            key = share(r["interviewer"], r["interviewer"])
            shown = r["interviewer_name"] or key
            out.append(
                Evaluation(
                    id=r["id"],
                    candidate_id=share(r["candidate_id"], r["candidate_id"]),
                    stage=share(r["stage"], r["stage"]),
                    criterion_id=share(r["criterion_id"], r["criterion_id"]),
                    interviewer=key,
                    rating=r["rating"],
                    evidence=r["evidence"],
                    doubt=bool(r["doubt"]),
                    doubt_note=r["doubt_note"],
                    status=share(r["status"], r["status"]),
                    created_at=share(r["created_at"], r["created_at"]),
                    updated_at=share(r["updated_at"], r["updated_at"]),
                    interviewer_name=share(shown, shown),
                )
            )
        return out

    def upsert_evaluations(
        self, validated: Sequence[Evaluation], changed_by: str | None, stamp: datetime
    ) -> None:
        """Insert or update one rater's evaluations; every change to a submitted rating is kept
        in evaluation_history (who, when, before, after)."""
        for ev in validated:
            self._check_evaluation_refs(ev)
            slot = sa.and_(
                evaluations.c.candidate_id == ev.candidate_id,
                evaluations.c.stage == ev.stage,
                evaluations.c.criterion_id == ev.criterion_id,
                evaluations.c.interviewer == ev.interviewer,
            )
            old = self._one(sa.select(evaluations).where(slot))
            values = {
                "rating": ev.rating,
                "evidence": ev.evidence,
                "doubt": ev.doubt,
                "doubt_note": ev.doubt_note,
                "status": ev.status,
                "interviewer_name": ev.interviewer_name or ev.interviewer,
                "updated_at": ev.updated_at or stamp,
            }
            if old is None:
                self.conn.execute(
                    evaluations.insert().values(
                        id=ev.id,
                        candidate_id=ev.candidate_id,
                        stage=ev.stage,
                        criterion_id=ev.criterion_id,
                        interviewer=ev.interviewer,
                        created_at=ev.created_at or stamp,
                        **values,
                    )
                )
                continue
            self.conn.execute(evaluations.update().where(evaluations.c.id == old.id).values(values))
            if old.status == "soumis" and (old.rating != ev.rating or old.evidence != ev.evidence):
                self.conn.execute(
                    evaluation_history.insert().values(
                        evaluation_id=old.id,
                        changed_by=changed_by or ev.interviewer_name or ev.interviewer,
                        changed_at=stamp,
                        old_rating=old.rating,
                        new_rating=ev.rating,
                        old_evidence=old.evidence,
                        new_evidence=ev.evidence,
                    )
                )

    def _check_evaluation_refs(self, ev: Evaluation) -> None:
        cand = self._one(
            sa.select(candidates.c.recruitment_id).where(candidates.c.id == ev.candidate_id)
        )
        if cand is None:
            raise ValidationError("Personne candidate introuvable.")
        crit = self._one(
            sa.select(criteria.c.recruitment_id).where(criteria.c.id == ev.criterion_id)
        )
        if crit is None or crit.recruitment_id != cand.recruitment_id:
            raise ValidationError("Critère introuvable pour ce recrutement.")

    def history(self, evaluation_ids: Sequence[str]) -> list[dict]:
        if not evaluation_ids:
            return []
        rows = self.conn.execute(
            sa.select(evaluation_history)
            .where(evaluation_history.c.evaluation_id.in_(list(evaluation_ids)))
            .order_by(evaluation_history.c.id)
        ).all()
        return [dict(r._mapping) for r in rows]

    # ------------------------------------------------------------ decisions, notes, calls

    def decisions(self, recruitment_id: str) -> list[StageDecision]:
        rows = self._about_candidates(stage_decisions, recruitment_id, stage_decisions.c.decided_at)
        return [StageDecision(**r._mapping) for r in rows]

    def insert_decision(self, dec: StageDecision) -> None:
        self.conn.execute(
            stage_decisions.insert().values(
                id=dec.id,
                candidate_id=dec.candidate_id,
                stage=dec.stage,
                decision=dec.decision,
                decided_by=dec.decided_by,
                reason=dec.reason,
                decided_at=dec.decided_at or now(),
            )
        )

    def culture_notes(self, recruitment_id: str) -> list[CultureNote]:
        rows = self._about_candidates(culture_notes, recruitment_id, culture_notes.c.created_at)
        return [CultureNote(**{**r._mapping, "warning": bool(r.warning)}) for r in rows]

    def insert_culture_note(self, n: CultureNote) -> None:
        self.conn.execute(culture_notes.insert().values(_culture_row(n)))

    def reference_calls(self, recruitment_id: str) -> list[ReferenceCall]:
        rows = self._about_candidates(reference_calls, recruitment_id, reference_calls.c.called_on)
        return [ReferenceCall(**r._mapping) for r in rows]

    def insert_reference_call(self, c: ReferenceCall) -> None:
        self.conn.execute(reference_calls.insert().values(_reference_row(c)))

    # ------------------------------------------------------------ stage plan, openings

    def panel(self, recruitment_id: str) -> list[PanelAssignment]:
        rows = self._about_candidates(
            panel_assignments, recruitment_id, panel_assignments.c.assigned_at
        )
        return [PanelAssignment(**r._mapping) for r in rows]

    def assign(self, a: PanelAssignment) -> bool:
        """Add someone to a candidate's panel at a stage; False when already there."""
        exists = self._one(
            sa.select(panel_assignments.c.id).where(
                (panel_assignments.c.candidate_id == a.candidate_id)
                & (panel_assignments.c.stage == a.stage)
                & (panel_assignments.c.member_key == a.member_key)
            )
        )
        if exists:
            return False
        self.conn.execute(
            panel_assignments.insert().values(
                id=a.id,
                candidate_id=a.candidate_id,
                stage=a.stage,
                member_key=a.member_key,
                member_name=a.member_name or a.member_key,
                assigned_by=a.assigned_by,
                assigned_at=a.assigned_at or now(),
            )
        )
        return True

    def unassign(self, candidate_id: str, stage: str, member_key: str) -> int:
        return self.conn.execute(
            panel_assignments.delete().where(
                (panel_assignments.c.candidate_id == candidate_id)
                & (panel_assignments.c.stage == stage)
                & (panel_assignments.c.member_key == member_key)
            )
        ).rowcount

    def openings(self, recruitment_id: str) -> list[DebriefOpening]:
        rows = self._about_candidates(
            debrief_openings, recruitment_id, debrief_openings.c.opened_at
        )
        return [DebriefOpening(**r._mapping) for r in rows]

    def insert_opening(self, o: DebriefOpening) -> None:
        self.conn.execute(
            debrief_openings.insert().values(
                id=o.id,
                candidate_id=o.candidate_id,
                stage=o.stage,
                opened_by=o.opened_by,
                reason=o.reason,
                opened_at=o.opened_at or now(),
            )
        )

    # ------------------------------------------------------------ whole recruitments

    def snapshot(self, recruitment_id: str) -> RecruitmentSnapshot:
        return RecruitmentSnapshot(
            recruitment=self.require_recruitment(recruitment_id),
            criteria=self.criteria(recruitment_id),
            candidates=self.candidates(recruitment_id),
            evaluations=self.evaluations(recruitment_id),
            decisions=self.decisions(recruitment_id),
            culture_notes=self.culture_notes(recruitment_id),
            reference_calls=self.reference_calls(recruitment_id),
            panel=self.panel(recruitment_id),
            openings=self.openings(recruitment_id),
        )

    def insert_snapshot(
        self, snap: RecruitmentSnapshot, *, owner_email: str | None, by: str
    ) -> None:
        """Insert a whole recruitment (every row validated first)."""
        rec = snap.recruitment.validated()
        crits = [c.validated() for c in snap.criteria]
        cands = [c.validated() for c in snap.candidates]
        evals = [e.validated() for e in snap.evaluations]
        decs = [d.validated() for d in snap.decisions]
        notes = [n.validated() for n in snap.culture_notes]
        calls = [c.validated() for c in snap.reference_calls]
        plan = [a.validated() for a in snap.panel]
        opened = [o.validated() for o in snap.openings]
        stamp = now()
        self.insert_recruitment(rec, by=by)
        self.insert_criteria(crits, by=by)
        self.insert_candidates([c for c in cands if c.recruitment_id == rec.id], by=by)
        if evals:
            self.conn.execute(
                evaluations.insert(),
                [
                    {
                        "id": e.id,
                        "candidate_id": e.candidate_id,
                        "stage": e.stage,
                        "criterion_id": e.criterion_id,
                        "interviewer": e.interviewer,
                        "interviewer_name": e.interviewer_name or e.interviewer,
                        "rating": e.rating,
                        "evidence": e.evidence,
                        "doubt": e.doubt,
                        "doubt_note": e.doubt_note,
                        "status": e.status,
                        "created_at": e.created_at or stamp,
                        "updated_at": e.updated_at or stamp,
                    }
                    for e in evals
                ],
            )
        for d in decs:
            self.insert_decision(d)
        if notes:
            self.conn.execute(culture_notes.insert(), [_culture_row(n) for n in notes])
        if calls:
            self.conn.execute(reference_calls.insert(), [_reference_row(c) for c in calls])
        for a in plan:
            self.assign(a)
        for o in opened:
            self.insert_opening(o)
        if owner_email:
            self.put_member(rec.id, owner_email, "responsable", owner_email)

    # ------------------------------------------------------------ audit and settings

    def audit(
        self,
        actor: str,
        action: str,
        recruitment_id: str | None,
        subject: str = "",
        details: str = "",
        *,
        actor_key: str = "",
    ) -> None:
        self.conn.execute(
            audit_log.insert().values(
                at=now(),
                actor=_clip(actor or "inconnu", limits.NAME),
                actor_key=_clip(actor_key or actor or "", limits.NAME),
                action=_clip(action, limits.JOURNAL_ACTION),
                recruitment_id=recruitment_id,
                subject=_clip(subject or "", limits.SHORT_TEXT),
                details=_clip(details or "", limits.JOURNAL_DETAILS),
            )
        )

    def audit_entries(
        self,
        *,
        recruitment_ids: Sequence[str] | None = None,
        actor_key: str | None = None,
        limit: int = 500,
    ) -> list[dict]:
        """The newest entries: all of them, or those about ``recruitment_ids`` together with
        those written by ``actor_key`` (matched on the identity key, never the display name)."""
        staged = sa.select(recruitments.c.id).where(recruitments.c.import_id.is_not(None))
        query = (
            sa.select(audit_log)
            .where(audit_log.c.recruitment_id.is_(None) | audit_log.c.recruitment_id.not_in(staged))
            .order_by(audit_log.c.id.desc())
            .limit(limit)
        )
        if recruitment_ids is not None or actor_key is not None:
            clauses = []
            if recruitment_ids:
                clauses.append(audit_log.c.recruitment_id.in_(list(recruitment_ids)))
            if actor_key:
                clauses.append(audit_log.c.actor_key == actor_key)
            if not clauses:
                return []
            query = query.where(sa.or_(*clauses))
        return [dict(r._mapping) for r in self.conn.execute(query)]

    def scrub_audit(self, recruitment_id: str, text: str, replacement: str) -> None:
        """Replace a person's name wherever free text of this recruitment's journal quotes it."""
        if not text:
            return
        for column in (audit_log.c.subject, audit_log.c.details):
            self.conn.execute(
                audit_log.update()
                .where(
                    (audit_log.c.recruitment_id == recruitment_id)
                    & column.contains(text, autoescape=True)
                )
                .values({column.name: sa.func.replace(column, text, replacement)})
            )

    def delete_setting(self, key: str) -> None:
        self.conn.execute(settings.delete().where(settings.c.key == key))

    def setting(self, key: str) -> dict | None:
        row = self._one(sa.select(settings).where(settings.c.key == key))
        return None if row is None else dict(row._mapping)

    def put_setting(self, key: str, value: str, *, expected_version: int | None, by: str) -> bool:
        """Write a setting; False when it changed since ``expected_version`` (0 = absent)."""
        current = self.setting(key)
        version = 0 if current is None else int(current["version"])
        if expected_version is not None and expected_version != version:
            return False
        if current is None:
            self.conn.execute(
                settings.insert().values(
                    key=key, value=value, version=1, updated_by=by, updated_at=now()
                )
            )
        else:
            self.conn.execute(
                settings.update()
                .where(settings.c.key == key)
                .values(value=value, version=version + 1, updated_by=by, updated_at=now())
            )
        return True

    # ------------------------------------------------------------ staged imports

    def staged_imports(self) -> list[str]:
        """Markers of the imports whose rows are still hidden."""
        found: set[str] = set()
        for table in (recruitments, criteria, candidates):
            found.update(
                self.conn.execute(
                    sa.select(table.c.import_id).where(table.c.import_id.is_not(None)).distinct()
                ).scalars()
            )
        return sorted(found)

    def publish_import(self, import_id: str) -> dict[str, int]:
        """Make every row of an import visible at once (one UPDATE per table); returns how many
        rows of each table were published."""
        counts = {}
        for table in (recruitments, criteria, candidates):
            counts[table.name] = self.conn.execute(
                table.update().where(table.c.import_id == import_id).values(import_id=None)
            ).rowcount
        return counts

    def discard_import_batch(self, import_id: str, batch: int) -> bool:
        """Delete up to ``batch`` staged people of an import (with everything about them), or,
        when none is left, the rest of it; False once nothing remains."""
        staged_recs = sa.select(recruitments.c.id).where(recruitments.c.import_id == import_id)
        people = list(
            self.conn.execute(
                sa.select(candidates.c.id)
                .where(
                    (candidates.c.import_id == import_id)
                    | candidates.c.recruitment_id.in_(staged_recs)
                )
                .limit(batch)
            ).scalars()
        )
        if people:
            self.delete_candidates(people, scrub_journal=False)
            return True
        rec_ids = list(self.conn.execute(staged_recs).scalars())
        removed = self.conn.execute(
            criteria.delete().where(
                (criteria.c.import_id == import_id) | criteria.c.recruitment_id.in_(rec_ids)
            )
        ).rowcount
        for part in chunks(rec_ids):
            removed += self.conn.execute(
                audit_log.delete().where(audit_log.c.recruitment_id.in_(part))
            ).rowcount
            removed += self.conn.execute(
                members.delete().where(members.c.recruitment_id.in_(part))
            ).rowcount
        removed += self.conn.execute(
            recruitments.delete().where(recruitments.c.import_id == import_id)
        ).rowcount
        return removed > 0

    # ------------------------------------------------------------ retention facts

    def people_of(self, recruitment_ids: Sequence[str]) -> list[PersonFacts]:
        """What retention needs of the visible candidates of some recruitments (one query per
        500 recruitments, only the columns it reads)."""
        out: list[PersonFacts] = []
        c = candidates.c
        for part in chunks(list(recruitment_ids)):
            rows = self.conn.execute(
                sa.select(c.id, c.recruitment_id, c.name, c.created_at, c.talent_pool_consent)
                .where(c.recruitment_id.in_(part) & c.import_id.is_(None))
                .order_by(c.created_at, c.id)
            )
            out += [PersonFacts(i, r, n, t, bool(p)) for i, r, n, t, p in rows]
        return out

    def decisions_of(self, recruitment_ids: Sequence[str]) -> list[DecisionFacts]:
        """The stage decisions about the visible candidates of some recruitments."""
        out: list[DecisionFacts] = []
        d = stage_decisions.c
        for part in chunks(list(recruitment_ids)):
            rows = self.conn.execute(
                sa.select(d.candidate_id, d.stage, d.decision, d.decided_at)
                .join(candidates, candidates.c.id == d.candidate_id)
                .where(candidates.c.recruitment_id.in_(part) & candidates.c.import_id.is_(None))
            )
            out += [DecisionFacts(*row) for row in rows]
        return out

    def last_contacts(self, recruitment_ids: Sequence[str]) -> dict[str, datetime]:
        """The latest trace of an exchange with each visible candidate of some recruitments,
        computed by the database in one aggregate query (per 500 recruitments): the
        candidacy's creation, its evaluations' last update, the decisions, the culture-fit
        notes and the reference calls (day of the call, at midnight, and time of the record)."""
        latest: dict[str, datetime] = {}
        called_on = (
            sa.func.datetime(reference_calls.c.called_on)
            if self.dialect == "sqlite"
            else sa.cast(reference_calls.c.called_on, sa.DateTime)
        )
        for part in chunks(list(recruitment_ids)):
            visible = candidates.c.recruitment_id.in_(part) & candidates.c.import_id.is_(None)
            people = sa.select(candidates.c.id).where(visible).scalar_subquery()
            moments = sa.union_all(
                sa.select(candidates.c.id.label("cid"), candidates.c.created_at.label("at")).where(
                    visible
                ),
                *(
                    sa.select(table.c.candidate_id, column).where(table.c.candidate_id.in_(people))
                    for table, column in (
                        (
                            evaluations,
                            sa.func.coalesce(evaluations.c.updated_at, evaluations.c.created_at),
                        ),
                        (stage_decisions, stage_decisions.c.decided_at),
                        (culture_notes, culture_notes.c.created_at),
                        (reference_calls, reference_calls.c.created_at),
                        (reference_calls, called_on),
                    )
                ),
            ).subquery()
            query = sa.select(
                moments.c.cid, sa.type_coerce(sa.func.max(moments.c.at), sa.DateTime)
            ).group_by(moments.c.cid)
            for cid, moment in self.conn.execute(query):
                if moment is not None:
                    latest[cid] = moment
        return latest

    # ------------------------------------------------------------ helpers

    def _about_candidates(
        self, table: sa.Table, recruitment_id: str, order_by: sa.Column
    ) -> list[sa.Row]:
        """Rows of a per-candidate table for one recruitment, in a stable order."""
        return self.conn.execute(
            self._about_candidates_query(table, recruitment_id, order_by)
        ).all()

    @staticmethod
    def _about_candidates_query(
        table: sa.Table, recruitment_id: str, order_by: sa.Column
    ) -> sa.Select:
        return (
            sa.select(table)
            .join(candidates, candidates.c.id == table.c.candidate_id)
            .where(
                (candidates.c.recruitment_id == recruitment_id) & candidates.c.import_id.is_(None)
            )
            .order_by(order_by, table.c.id)
        )


# -------------------------------------------------------------------- rows ↔ entities


class PersonFacts(NamedTuple):
    """A candidate as retention reads them."""

    id: str
    recruitment_id: str
    name: str
    created_at: datetime | None
    talent_pool_consent: bool


class DecisionFacts(NamedTuple):
    candidate_id: str
    stage: str
    decision: str
    decided_at: datetime | None


def _clip(text: str, size: int) -> str:
    """Journal fields are written by the services from checked values; a signature longer than
    its column is cut rather than refused, so the journal line is never lost."""
    return text if len(text) <= size else text[: size - 1] + "…"


def _recruitment_row(rec: Recruitment) -> dict:
    return {
        "title": rec.title,
        "role": rec.role,
        "team": rec.team,
        "owner": rec.owner,
        "status": rec.status,
        "closed_at": rec.closed_at,
        "start_date": rec.start_date,
        "days_per_week": rec.days_per_week,
        "remote_policy": rec.remote_policy,
        "max_daily_rate": rec.max_daily_rate,
        "references_required": rec.references_required,
    }


def _recruitment_of(row: sa.Row) -> Recruitment:
    data = dict(row._mapping)
    data.pop("import_id", None)
    data["references_required"] = bool(data["references_required"])
    return Recruitment(**data)


def _candidate_row(c: Candidate) -> dict:
    return {
        "name": c.name,
        "email": c.email,
        "phone": c.phone,
        "source": c.source,
        "references_agreed": c.references_agreed,
        "talent_pool_consent": c.talent_pool_consent,
        "available_from": c.available_from,
        "days_per_week": c.days_per_week,
        "remote_ok": c.remote_ok,
        "other_processes": c.other_processes,
        "expected_daily_rate": c.expected_daily_rate,
    }


def _candidate_of(row: sa.Row) -> Candidate:
    data = dict(row._mapping)
    data.pop("import_id", None)
    for key in ("references_agreed", "remote_ok"):
        data[key] = None if data[key] is None else bool(data[key])
    data["talent_pool_consent"] = bool(data["talent_pool_consent"])
    return Candidate(**data)


def _criterion_row(c: Criterion) -> dict:
    return {
        "recruitment_id": c.recruitment_id,
        "label": c.label,
        "statement": c.statement,
        "category": c.category,
        "weight_level": c.weight_level,
        "weight": c.weight,
        "must_have": c.must_have,
        "stages": ",".join(c.stages),
        "position": c.position,
        "questions": "\n".join(c.questions),
    }


def _criterion_of(row: sa.Row) -> Criterion:
    data = dict(row._mapping)
    data.pop("import_id", None)
    data["stages"] = tuple(s for s in data["stages"].split(",") if s)
    data["questions"] = tuple(q for q in (data["questions"] or "").split("\n") if q)
    data["must_have"] = bool(data["must_have"])
    return Criterion(**data)


def _reference_row(c: ReferenceCall) -> dict:
    return {
        "id": c.id,
        "candidate_id": c.candidate_id,
        "referee_name": c.referee_name,
        "relation": c.relation,
        "organisation": c.organisation,
        "called_on": c.called_on,
        "recommendation": c.recommendation,
        "recorded_by": c.recorded_by,
        "recorded_by_key": c.recorded_by_key or c.recorded_by,
        "notes": c.notes,
        "created_at": c.created_at or now(),
    }


def _culture_row(n: CultureNote) -> dict:
    return {
        "id": n.id,
        "candidate_id": n.candidate_id,
        "author": n.author,
        "author_name": n.author_name or n.author,
        "note": n.note,
        "warning": n.warning,
        "severity": n.severity,
        "created_at": n.created_at or now(),
    }
