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
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

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
from selection.storage.engine import database_url as database_url
from selection.storage.engine import make_engine
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


class Store:
    """The database of the app. Each transaction takes its own connection from the pool, so one
    Store is shared by every session of a server without sharing a connection across threads."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        store = cls(make_engine(url))
        store.migrate()
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

    def after_erasure(self) -> None:
        """Make deleted rows unrecoverable from the database files, after the commit.

        SQLite: ``secure_delete`` (engine.py) already overwrote the deleted cells in the pages;
        a TRUNCATE checkpoint copies the WAL back into the file and empties the ``-wal``, where
        the pages as they were before the deletion still lay. PostgreSQL: a plain DELETE only
        marks tuples dead and VACUUM leaves their bytes in the table files, so the tables about
        people are rewritten (``VACUUM FULL``: new files, the old ones are unlinked). What stays
        outside the app's reach (WAL archives, backups taken before) is listed in docs/deploy.md.
        """
        with self.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.commit()
            elif conn.dialect.name == "postgresql":
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                conn.exec_driver_sql("VACUUM FULL " + ", ".join(self.PERSON_TABLES))

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

    def delete_candidates(self, candidate_ids: Sequence[str]) -> None:
        """Everything about some candidates, in dependency order (works without enforced FKs)."""
        ids = list(candidate_ids)
        if not ids:
            return
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
        rows = self._about_candidates(evaluations, recruitment_id, evaluations.c.created_at)
        return [_evaluation_of(r) for r in rows]

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
                actor=actor or "inconnu",
                actor_key=actor_key or actor or "",
                action=action,
                recruitment_id=recruitment_id,
                subject=subject,
                details=details,
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
        query = sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
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

    # ------------------------------------------------------------ helpers

    def _about_candidates(
        self, table: sa.Table, recruitment_id: str, order_by: sa.Column
    ) -> list[sa.Row]:
        """Rows of a per-candidate table for one recruitment, in a stable order."""
        return self.conn.execute(
            sa.select(table)
            .join(candidates, candidates.c.id == table.c.candidate_id)
            .where(
                (candidates.c.recruitment_id == recruitment_id) & candidates.c.import_id.is_(None)
            )
            .order_by(order_by, table.c.id)
        ).all()


# -------------------------------------------------------------------- rows ↔ entities


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


def _evaluation_of(row: sa.Row) -> Evaluation:
    data = dict(row._mapping)
    data["doubt"] = bool(data["doubt"])
    data["interviewer_name"] = data.get("interviewer_name") or data["interviewer"]
    return Evaluation(**data)


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
