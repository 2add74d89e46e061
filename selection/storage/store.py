"""Storage through SQLAlchemy 2 Core: one module, one schema, forward-only migrations.

SQLite is the default (a file under data/, WAL, busy timeout, write transactions opened with
BEGIN IMMEDIATE so that concurrent writers queue instead of failing with "database is locked").
Any SQLAlchemy URL can be given through SELECTION_DATABASE_URL; PostgreSQL is supported.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from selection.domain.ids import new_id as new_id
from selection.domain.ids import now as now
from selection.domain.model import (
    Candidate,
    Criterion,
    CultureNote,
    Evaluation,
    Recruitment,
    RecruitmentSnapshot,
    ReferenceCall,
    StageDecision,
    ValidationError,
)

DEFAULT_DB_PATH = Path(__file__).resolve().parents[2] / "data" / "selection.db"
DATABASE_URL_ENV = "SELECTION_DATABASE_URL"
SQLITE_BUSY_TIMEOUT_MS = 30_000

metadata = sa.MetaData()


def _owner_column(name: str, table: str) -> sa.Column:
    """The indexed foreign key that ties a row to its candidate or recruitment."""
    return sa.Column(
        name,
        sa.String(36),
        sa.ForeignKey(f"{table}.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )


schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
)

recruitments = sa.Table(
    "recruitments",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("role", sa.String(100), nullable=False, default=""),
    sa.Column("team", sa.String(200), nullable=False, default=""),
    sa.Column("owner", sa.String(200), nullable=False, default=""),
    sa.Column("status", sa.String(20), nullable=False, default="ouvert"),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("closed_at", sa.DateTime, nullable=True),
    # v2: constraints of the mission
    sa.Column("start_date", sa.Date, nullable=True),
    sa.Column("days_per_week", sa.Float, nullable=True),
    sa.Column("remote_policy", sa.String(200), nullable=False, server_default=""),
    sa.Column("max_daily_rate", sa.Integer, nullable=True),
    sa.Column("references_required", sa.Boolean, nullable=False, server_default=sa.true()),
)

criteria = sa.Table(
    "criteria",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    _owner_column("recruitment_id", "recruitments"),
    sa.Column("label", sa.String(200), nullable=False),
    sa.Column("statement", sa.Text, nullable=False, default=""),
    sa.Column("category", sa.String(100), nullable=False, default=""),
    sa.Column("weight_level", sa.Integer, nullable=False),
    sa.Column("weight", sa.Float, nullable=False),
    sa.Column("must_have", sa.Boolean, nullable=False, default=False),
    sa.Column("stages", sa.String(200), nullable=False, default=""),
    sa.Column("position", sa.Integer, nullable=False, default=0),
    # v2: question bank, one question per line
    sa.Column("questions", sa.Text, nullable=False, server_default=""),
    sa.UniqueConstraint("recruitment_id", "label", name="uq_criteria_label"),
)

candidates = sa.Table(
    "candidates",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    _owner_column("recruitment_id", "recruitments"),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("email", sa.String(200), nullable=False, default=""),
    sa.Column("phone", sa.String(50), nullable=False, default=""),
    sa.Column("source", sa.String(100), nullable=False, default=""),
    sa.Column("created_at", sa.DateTime, nullable=False),
    # v3: consents and pre-qualification logistics
    sa.Column("references_agreed", sa.Boolean, nullable=True),
    sa.Column("talent_pool_consent", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("available_from", sa.Date, nullable=True),
    sa.Column("days_per_week", sa.Float, nullable=True),
    sa.Column("remote_ok", sa.Boolean, nullable=True),
    sa.Column("other_processes", sa.Text, nullable=False, server_default=""),
    sa.Column("expected_daily_rate", sa.Integer, nullable=True),
)

evaluations = sa.Table(
    "evaluations",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    _owner_column("candidate_id", "candidates"),
    sa.Column("stage", sa.String(40), nullable=False),
    sa.Column(
        "criterion_id",
        sa.String(36),
        sa.ForeignKey("criteria.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("interviewer", sa.String(200), nullable=False),
    sa.Column("rating", sa.Integer, nullable=True),
    sa.Column("evidence", sa.Text, nullable=False, default=""),
    sa.Column("doubt", sa.Boolean, nullable=False, default=False),
    sa.Column("doubt_note", sa.Text, nullable=False, default=""),
    sa.Column("status", sa.String(20), nullable=False, default="soumis"),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint(
        "candidate_id", "stage", "criterion_id", "interviewer", name="uq_evaluation_slot"
    ),
    sa.CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 3", name="ck_rating_range"),
)

stage_decisions = sa.Table(
    "stage_decisions",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    _owner_column("candidate_id", "candidates"),
    sa.Column("stage", sa.String(40), nullable=False),
    sa.Column("decision", sa.String(20), nullable=False),
    sa.Column("decided_by", sa.String(200), nullable=False),
    sa.Column("reason", sa.Text, nullable=False, default=""),
    sa.Column("decided_at", sa.DateTime, nullable=False),
)


def _migrate_1_to_2(conn: Connection) -> None:
    """Version 2: history of evaluation edits (never overwrite silently), the question bank of
    each criterion and the constraints of the mission."""
    evaluation_history.create(conn, checkfirst=True)
    add = "ALTER TABLE {} ADD COLUMN {}"
    for table, column in (
        ("recruitments", "start_date DATE"),
        ("recruitments", "days_per_week FLOAT"),
        ("recruitments", "remote_policy VARCHAR(200) NOT NULL DEFAULT ''"),
        ("recruitments", "max_daily_rate INTEGER"),
        ("recruitments", "references_required BOOLEAN NOT NULL DEFAULT TRUE"),
        ("criteria", "questions TEXT NOT NULL DEFAULT ''"),
    ):
        conn.exec_driver_sql(add.format(table, column))


evaluation_history = sa.Table(
    "evaluation_history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "evaluation_id",
        sa.String(36),
        sa.ForeignKey("evaluations.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("changed_by", sa.String(200), nullable=False),
    sa.Column("changed_at", sa.DateTime, nullable=False),
    sa.Column("old_rating", sa.Integer, nullable=True),
    sa.Column("new_rating", sa.Integer, nullable=True),
    sa.Column("old_evidence", sa.Text, nullable=False, default=""),
    sa.Column("new_evidence", sa.Text, nullable=False, default=""),
)

culture_notes = sa.Table(
    "culture_notes",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    _owner_column("candidate_id", "candidates"),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("warning", sa.Boolean, nullable=False, default=False),
    sa.Column("severity", sa.String(20), nullable=False, default="faible"),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

reference_calls = sa.Table(
    "reference_calls",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    _owner_column("candidate_id", "candidates"),
    sa.Column("referee_name", sa.String(200), nullable=False),
    sa.Column("relation", sa.String(200), nullable=False, default=""),
    sa.Column("organisation", sa.String(200), nullable=False, default=""),
    sa.Column("called_on", sa.Date, nullable=False),
    sa.Column("recommendation", sa.String(20), nullable=False),
    sa.Column("recorded_by", sa.String(200), nullable=False),
    sa.Column("notes", sa.Text, nullable=False, default=""),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

members = sa.Table(
    "members",
    metadata,
    sa.Column(
        "recruitment_id",
        sa.String(36),
        sa.ForeignKey("recruitments.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("email", sa.String(200), primary_key=True),
    sa.Column("role", sa.String(20), nullable=False, default="membre"),
    sa.Column("added_by", sa.String(200), nullable=False, default=""),
    sa.Column("added_at", sa.DateTime, nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False, index=True),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("action", sa.String(50), nullable=False),
    sa.Column("recruitment_id", sa.String(36), nullable=True),
    sa.Column("subject", sa.String(200), nullable=False, default=""),
    sa.Column("details", sa.Text, nullable=False, default=""),
)

settings = sa.Table(
    "settings",
    metadata,
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)


def _migrate_2_to_3(conn: Connection) -> None:
    """Version 3: consents and logistics per candidate, culture notes, reference calls,
    recruitment members, the audit log and app settings (retention)."""
    add = "ALTER TABLE candidates ADD COLUMN {}"
    for column in (
        "references_agreed BOOLEAN",
        "talent_pool_consent BOOLEAN NOT NULL DEFAULT FALSE",
        "available_from DATE",
        "days_per_week FLOAT",
        "remote_ok BOOLEAN",
        "other_processes TEXT NOT NULL DEFAULT ''",
        "expected_daily_rate INTEGER",
    ):
        conn.exec_driver_sql(add.format(column))
    for table in (culture_notes, reference_calls, members, audit_log, settings):
        table.create(conn, checkfirst=True)


# MIGRATIONS[n] takes a database from version n+1 to n+2. Append only: never edit a released one.
MIGRATIONS = (_migrate_1_to_2, _migrate_2_to_3)
SCHEMA_VERSION = len(MIGRATIONS) + 1
V1_TABLES = (schema_version, recruitments, criteria, candidates, evaluations, stage_decisions)


def database_url() -> str:
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    if url:
        return url
    DEFAULT_DB_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_DB_PATH}"


def make_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = sa.create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        )
        _configure_sqlite(engine)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy's "begin" event emit BEGIN itself
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Store:
    """Every read and write of the app. Each call opens its own connection from the pool,
    so one Store can be shared by all sessions without sharing a connection across threads."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        store = cls(make_engine(url))
        store.migrate()
        return store

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction for a whole multi-row write: all of it lands, or none of it."""
        with self.engine.connect().execution_options(write=True) as conn, conn.begin():
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET LOCAL lock_timeout = '30s'")
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

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

    # ---------------------------------------------------------------- recruitments

    def save_recruitment(self, recruitment: Recruitment) -> Recruitment:
        rec = recruitment.validated()
        values = _recruitment_row(rec)
        with self.write() as conn:
            exists = conn.execute(
                sa.select(recruitments.c.id).where(recruitments.c.id == rec.id)
            ).first()
            if exists:
                conn.execute(
                    recruitments.update().where(recruitments.c.id == rec.id).values(values)
                )
            else:
                conn.execute(
                    recruitments.insert().values(
                        id=rec.id, created_at=rec.created_at or now(), **values
                    )
                )
        return self.recruitment(rec.id)

    def recruitment(self, recruitment_id: str) -> Recruitment:
        with self.read() as conn:
            row = conn.execute(
                sa.select(recruitments).where(recruitments.c.id == recruitment_id)
            ).first()
        if row is None:
            raise ValidationError("Recrutement introuvable.")
        return _recruitment_of(row)

    def list_recruitments(self, member_email: str | None = None) -> list[Recruitment]:
        """All recruitments, or only those ``member_email`` is a member of (with login on)."""
        query = sa.select(recruitments).order_by(recruitments.c.created_at, recruitments.c.title)
        if member_email is not None:
            mine = sa.select(members.c.recruitment_id).where(
                members.c.email == member_email.strip().lower()
            )
            query = query.where(recruitments.c.id.in_(mine))
        with self.read() as conn:
            rows = conn.execute(query).all()
        return [_recruitment_of(r) for r in rows]

    def member_role(self, recruitment_id: str, email: str) -> str | None:
        with self.read() as conn:
            return conn.execute(
                sa.select(members.c.role).where(
                    (members.c.recruitment_id == recruitment_id)
                    & (members.c.email == email.strip().lower())
                )
            ).scalar()

    def delete_recruitment(self, recruitment_id: str) -> None:
        with self.write() as conn:
            _delete_recruitment_rows(conn, recruitment_id)

    # ---------------------------------------------------------------- criteria

    def save_criteria(self, recruitment_id: str, items: Iterable[Criterion]) -> list[Criterion]:
        """Replace-or-insert a whole brief at once, checking the set before writing any row."""
        validated = [c.validated() for c in items]
        labels = [c.label.casefold() for c in validated]
        duplicates = sorted({c.label for c in validated if labels.count(c.label.casefold()) > 1})
        if duplicates:
            raise ValidationError(f"Critère en double : {', '.join(duplicates)}.")
        if any(c.recruitment_id != recruitment_id for c in validated):
            raise ValidationError("Un critère appartient à un autre recrutement.")
        if validated and sum(c.weight for c in validated) <= 0:
            raise ValidationError(
                "Toutes les pondérations sont nulles : gardez au moins un critère pondéré."
            )
        with self.write() as conn:
            _require_recruitment(conn, recruitment_id)
            existing = {
                r.id: r.label
                for r in conn.execute(
                    sa.select(criteria.c.id, criteria.c.label).where(
                        criteria.c.recruitment_id == recruitment_id
                    )
                )
            }
            kept = {c.id for c in validated}
            removed = [cid for cid in existing if cid not in kept]
            _refuse_removing_rated_criteria(conn, removed, existing)
            if removed:
                conn.execute(criteria.delete().where(criteria.c.id.in_(removed)))
            # Temporary labels avoid tripping the unique constraint when two labels are swapped.
            for c in validated:
                if c.id in existing:
                    conn.execute(
                        criteria.update().where(criteria.c.id == c.id).values(label=f"~{c.id}")
                    )
            for c in validated:
                row = _criterion_row(c)
                if c.id in existing:
                    conn.execute(criteria.update().where(criteria.c.id == c.id).values(row))
                else:
                    conn.execute(criteria.insert().values(id=c.id, **row))
        return self.list_criteria(recruitment_id)

    def add_criterion(self, criterion: Criterion) -> list[Criterion]:
        current = self.list_criteria(criterion.recruitment_id)
        position = max((c.position for c in current), default=-1) + 1
        return self.save_criteria(
            criterion.recruitment_id,
            [*current, Criterion(**{**criterion.__dict__, "position": position})],
        )

    def update_weights(self, recruitment_id: str, weights: dict[str, float]) -> list[Criterion]:
        current = self.list_criteria(recruitment_id)
        unknown = set(weights) - {c.id for c in current}
        if unknown:
            raise ValidationError("Pondération pour un critère inconnu.")
        updated = [
            Criterion(**{**c.__dict__, "weight": float(weights.get(c.id, c.weight))})
            for c in current
        ]
        if updated and sum(c.weight for c in updated) <= 0:
            raise ValidationError(
                "Toutes les pondérations sont nulles : gardez au moins un critère pondéré."
            )
        return self.save_criteria(recruitment_id, updated)

    def list_criteria(self, recruitment_id: str) -> list[Criterion]:
        with self.read() as conn:
            return _criteria_of(conn, recruitment_id)

    # ---------------------------------------------------------------- candidates

    def save_candidate(self, candidate: Candidate) -> Candidate:
        cand = candidate.validated()
        values = _candidate_row(cand)
        with self.write() as conn:
            _require_recruitment(conn, cand.recruitment_id)
            exists = conn.execute(
                sa.select(candidates.c.id).where(candidates.c.id == cand.id)
            ).first()
            if exists:
                conn.execute(candidates.update().where(candidates.c.id == cand.id).values(values))
            else:
                conn.execute(
                    candidates.insert().values(
                        id=cand.id,
                        recruitment_id=cand.recruitment_id,
                        created_at=cand.created_at or now(),
                        **values,
                    )
                )
        return cand

    def candidate(self, candidate_id: str) -> Candidate:
        with self.read() as conn:
            row = conn.execute(sa.select(candidates).where(candidates.c.id == candidate_id)).first()
        if row is None:
            raise ValidationError("Personne candidate introuvable.")
        return _candidate_of(row)

    def delete_candidate(self, candidate_id: str, actor: str, reason: str) -> None:
        """Erase a person and everything written about them, and log that it was done."""
        with self.write() as conn:
            row = conn.execute(sa.select(candidates).where(candidates.c.id == candidate_id)).first()
            if row is None:
                raise ValidationError("Personne candidate introuvable.")
            _delete_candidate_rows(conn, [candidate_id])
            # The log keeps the id, never the name: an erased person must not survive in the log.
            _audit(
                conn, actor, "effacement", row.recruitment_id, f"personne {candidate_id}", reason
            )

    def add_imported(
        self,
        recruitment_id: str,
        *,
        new_criteria: Iterable[Criterion] = (),
        new_candidates: Iterable[Candidate] = (),
        actor: str,
        subject: str,
    ) -> None:
        """Add criteria or candidates read from a spreadsheet, all or none, with one audit
        entry. Labels are checked again under the write lock, so a concurrent edit gives a
        French message rather than a constraint error."""
        crits = [c.validated() for c in new_criteria]
        cands = [c.validated() for c in new_candidates]
        stamp = now()
        with self.write() as conn:
            _require_recruitment(conn, recruitment_id)
            taken = {
                label.casefold()
                for label in conn.execute(
                    sa.select(criteria.c.label).where(criteria.c.recruitment_id == recruitment_id)
                ).scalars()
            }
            clash = sorted(c.label for c in crits if c.label.casefold() in taken)
            if clash:
                raise ValidationError(f"Critère déjà présent : {', '.join(clash)}.")
            if crits:
                conn.execute(criteria.insert(), [{"id": c.id, **_criterion_row(c)} for c in crits])
            if cands:
                conn.execute(
                    candidates.insert(),
                    [
                        {
                            "id": c.id,
                            "recruitment_id": recruitment_id,
                            "created_at": c.created_at or stamp,
                            **_candidate_row(c),
                        }
                        for c in cands
                    ],
                )
            details = f"{len(crits)} critère(s), {len(cands)} personne(s)"
            _audit(conn, actor, "import_csv", recruitment_id, subject, details)

    def purge_candidates(self, due: Iterable[tuple[str, str, str]], actor: str) -> int:
        """Delete people whose retention period is over — (candidate id, recruitment id,
        reason) — in one transaction, one audit entry each, by id only. Someone already erased
        is skipped; returns how many were deleted."""
        wanted = {cid: (rid, reason) for cid, rid, reason in due}
        if not wanted:
            return 0
        with self.write() as conn:
            present = list(
                conn.execute(
                    sa.select(candidates.c.id).where(candidates.c.id.in_(list(wanted)))
                ).scalars()
            )
            _delete_candidate_rows(conn, present)
            for cid in present:
                rid, reason = wanted[cid]
                _audit(conn, actor, "purge", rid, f"personne {cid}", reason)
        return len(present)

    # ---------------------------------------------------------------- culture and references

    def save_culture_note(self, note: CultureNote) -> CultureNote:
        n = note.validated()
        with self.write() as conn:
            _require_candidate(conn, n.candidate_id)
            conn.execute(
                culture_notes.insert().values(
                    id=n.id,
                    candidate_id=n.candidate_id,
                    author=n.author,
                    note=n.note,
                    warning=n.warning,
                    severity=n.severity,
                    created_at=n.created_at or now(),
                )
            )
        return n

    def save_reference_call(self, call: ReferenceCall, items: Iterable[Evaluation]) -> None:
        """The call and its ratings land together or not at all."""
        c = call.validated()
        evals = [e.validated() for e in items]
        with self.write() as conn:
            row = conn.execute(
                sa.select(candidates.c.references_agreed).where(candidates.c.id == c.candidate_id)
            ).first()
            if row is None:
                raise ValidationError("Personne candidate introuvable.")
            if row.references_agreed is not True:
                raise ValidationError(
                    "La personne n'a pas donné son accord pour une prise de références : "
                    "recueillez-le d'abord (préqualification)."
                )
            conn.execute(reference_calls.insert().values(**_reference_row(c)))
            self._upsert_evaluations(conn, evals, c.recorded_by, now())

    # ---------------------------------------------------------------- members, audit, settings

    def add_member(self, recruitment_id: str, email: str, role: str, added_by: str) -> None:
        email = (email or "").strip().lower()
        if "@" not in email:
            raise ValidationError(f"Adresse électronique invalide : « {email} ».")
        if role not in ("responsable", "membre"):
            raise ValidationError(f"Rôle inconnu : « {role} ».")
        with self.write() as conn:
            _require_recruitment(conn, recruitment_id)
            conn.execute(
                members.delete().where(
                    (members.c.recruitment_id == recruitment_id) & (members.c.email == email)
                )
            )
            conn.execute(
                members.insert().values(
                    recruitment_id=recruitment_id,
                    email=email,
                    role=role,
                    added_by=added_by,
                    added_at=now(),
                )
            )
            _audit(conn, added_by, "ajout_membre", recruitment_id, email, role)

    def remove_member(self, recruitment_id: str, email: str, removed_by: str) -> None:
        with self.write() as conn:
            conn.execute(
                members.delete().where(
                    (members.c.recruitment_id == recruitment_id)
                    & (members.c.email == email.strip().lower())
                )
            )
            _audit(conn, removed_by, "retrait_membre", recruitment_id, email, "")

    def list_members(self, recruitment_id: str) -> list[dict]:
        with self.read() as conn:
            rows = conn.execute(
                sa.select(members)
                .where(members.c.recruitment_id == recruitment_id)
                .order_by(members.c.role, members.c.email)
            ).all()
        return [dict(r._mapping) for r in rows]

    def audit(
        self,
        actor: str,
        action: str,
        recruitment_id: str | None = None,
        subject: str = "",
        details: str = "",
    ) -> None:
        with self.write() as conn:
            _audit(conn, actor, action, recruitment_id, subject, details)

    def list_audit(self, limit: int = 500) -> list[dict]:
        with self.read() as conn:
            rows = conn.execute(
                sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
            ).all()
        return [dict(r._mapping) for r in rows]

    def get_setting(self, key: str, default: str) -> str:
        with self.read() as conn:
            value = conn.execute(sa.select(settings.c.value).where(settings.c.key == key)).scalar()
        return default if value is None else value

    def set_setting(self, key: str, value: str) -> None:
        with self.write() as conn:
            conn.execute(settings.delete().where(settings.c.key == key))
            conn.execute(settings.insert().values(key=key, value=value))

    def list_candidates(self, recruitment_id: str) -> list[Candidate]:
        with self.read() as conn:
            return _candidates_of(conn, recruitment_id)

    # ---------------------------------------------------------------- evaluations

    def save_evaluations(self, items: Iterable[Evaluation], changed_by: str | None = None) -> int:
        """Upsert one interviewer's ratings in one transaction; every change to a stored rating
        is written to evaluation_history (who, when, before, after)."""
        validated = [e.validated() for e in items]
        if not validated:
            return 0
        with self.write() as conn:
            self._upsert_evaluations(conn, validated, changed_by, now())
        return len(validated)

    def _upsert_evaluations(
        self, conn: Connection, validated: list[Evaluation], changed_by: str | None, stamp: datetime
    ) -> None:
        for ev in validated:
            _check_evaluation_refs(conn, ev)
            slot = sa.and_(
                evaluations.c.candidate_id == ev.candidate_id,
                evaluations.c.stage == ev.stage,
                evaluations.c.criterion_id == ev.criterion_id,
                evaluations.c.interviewer == ev.interviewer,
            )
            old = conn.execute(sa.select(evaluations).where(slot)).first()
            values = {
                "rating": ev.rating,
                "evidence": ev.evidence,
                "doubt": ev.doubt,
                "doubt_note": ev.doubt_note,
                "status": ev.status,
                "updated_at": ev.updated_at or stamp,
            }
            if old is None:
                conn.execute(
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
            conn.execute(evaluations.update().where(evaluations.c.id == old.id).values(values))
            if old.status == "soumis" and (old.rating != ev.rating or old.evidence != ev.evidence):
                conn.execute(
                    evaluation_history.insert().values(
                        evaluation_id=old.id,
                        changed_by=changed_by or ev.interviewer,
                        changed_at=stamp,
                        old_rating=old.rating,
                        new_rating=ev.rating,
                        old_evidence=old.evidence,
                        new_evidence=ev.evidence,
                    )
                )

    def list_evaluations(self, recruitment_id: str) -> list[Evaluation]:
        with self.read() as conn:
            return _evaluations_of(conn, recruitment_id)

    def evaluation_history(self, evaluation_id: str) -> list[dict]:
        with self.read() as conn:
            rows = conn.execute(
                sa.select(evaluation_history)
                .where(evaluation_history.c.evaluation_id == evaluation_id)
                .order_by(evaluation_history.c.id)
            ).all()
        return [dict(r._mapping) for r in rows]

    # ---------------------------------------------------------------- decisions

    def record_decision(self, decision: StageDecision) -> StageDecision:
        """Record a stage decision; the final choice is also written to the audit log, in the
        same transaction (by id: the log must not keep names after an erasure)."""
        dec = decision.validated()
        with self.write() as conn:
            row = conn.execute(
                sa.select(candidates.c.recruitment_id).where(candidates.c.id == dec.candidate_id)
            ).first()
            if row is None:
                raise ValidationError("Personne candidate introuvable.")
            if dec.decision == "retenu":
                _audit(
                    conn,
                    dec.decided_by,
                    "choix_final",
                    row.recruitment_id,
                    f"personne {dec.candidate_id}",
                    dec.reason,
                )
            conn.execute(
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
        return dec

    def list_decisions(self, recruitment_id: str) -> list[StageDecision]:
        with self.read() as conn:
            return _decisions_of(conn, recruitment_id)

    # ---------------------------------------------------------------- snapshots

    def snapshot(self, recruitment_id: str) -> RecruitmentSnapshot:
        """Read a whole recruitment in one transaction, so a screen never mixes two states."""
        with self.read() as conn:
            row = conn.execute(
                sa.select(recruitments).where(recruitments.c.id == recruitment_id)
            ).first()
            if row is None:
                raise ValidationError("Recrutement introuvable.")
            return RecruitmentSnapshot(
                recruitment=_recruitment_of(row),
                criteria=_criteria_of(conn, recruitment_id),
                candidates=_candidates_of(conn, recruitment_id),
                evaluations=_evaluations_of(conn, recruitment_id),
                decisions=_decisions_of(conn, recruitment_id),
                culture_notes=_culture_notes_of(conn, recruitment_id),
                reference_calls=_reference_calls_of(conn, recruitment_id),
            )

    def save_snapshot(self, snap: RecruitmentSnapshot, owner_email: str | None = None) -> None:
        """Write a whole recruitment (demo, duplicate, import) in one transaction; with login on,
        ``owner_email`` becomes its first member, as « responsable », in the same transaction."""
        rec = snap.recruitment.validated()
        crits = [c.validated() for c in snap.criteria]
        cands = [c.validated() for c in snap.candidates]
        evals = [e.validated() for e in snap.evaluations]
        decs = [d.validated() for d in snap.decisions]
        notes = [n.validated() for n in snap.culture_notes]
        calls = [c.validated() for c in snap.reference_calls]
        stamp = now()
        with self.write() as conn:
            conn.execute(
                recruitments.insert().values(
                    id=rec.id, created_at=rec.created_at or stamp, **_recruitment_row(rec)
                )
            )
            if crits:
                conn.execute(criteria.insert(), [{"id": c.id, **_criterion_row(c)} for c in crits])
            if cands:
                conn.execute(
                    candidates.insert(),
                    [
                        {
                            "id": c.id,
                            "recruitment_id": rec.id,
                            "created_at": c.created_at or stamp,
                            **_candidate_row(c),
                        }
                        for c in cands
                    ],
                )
            if evals:
                conn.execute(
                    evaluations.insert(),
                    [
                        {
                            "id": e.id,
                            "candidate_id": e.candidate_id,
                            "stage": e.stage,
                            "criterion_id": e.criterion_id,
                            "interviewer": e.interviewer,
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
            if decs:
                conn.execute(
                    stage_decisions.insert(),
                    [
                        {
                            "id": d.id,
                            "candidate_id": d.candidate_id,
                            "stage": d.stage,
                            "decision": d.decision,
                            "decided_by": d.decided_by,
                            "reason": d.reason,
                            "decided_at": d.decided_at or stamp,
                        }
                        for d in decs
                    ],
                )
            if notes:
                conn.execute(culture_notes.insert(), [_culture_row(n) for n in notes])
            if calls:
                conn.execute(reference_calls.insert(), [_reference_row(c) for c in calls])
            if owner_email:
                conn.execute(
                    members.insert().values(
                        recruitment_id=rec.id,
                        email=owner_email.strip().lower(),
                        role="responsable",
                        added_by=owner_email,
                        added_at=stamp,
                    )
                )

    def is_empty(self) -> bool:
        with self.read() as conn:
            return (
                conn.execute(sa.select(sa.func.count()).select_from(recruitments)).scalar_one() == 0
            )

    def count_rows(self) -> dict[str, int]:
        with self.read() as conn:
            return {
                t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in metadata.sorted_tables
            }


# -------------------------------------------------------------------- helpers


def _refuse_removing_rated_criteria(
    conn: Connection, removed: list[str], labels: dict[str, str]
) -> None:
    """Ratings and their evidence belong to the file: a criterion that has some is kept (set its
    weight to 0 to leave it out of the scores instead)."""
    if not removed:
        return
    counts = conn.execute(
        sa.select(evaluations.c.criterion_id, sa.func.count())
        .where(evaluations.c.criterion_id.in_(removed))
        .group_by(evaluations.c.criterion_id)
    ).all()
    if counts:
        detail = ", ".join(f"« {labels[cid]} » ({n} évaluation(s))" for cid, n in counts)
        raise ValidationError(
            f"Impossible de supprimer un critère déjà évalué : {detail}. Les preuves font partie "
            "du dossier ; mettez plutôt son poids à 0 pour l'écarter du calcul."
        )


def _require_recruitment(conn: Connection, recruitment_id: str) -> None:
    if not conn.execute(
        sa.select(recruitments.c.id).where(recruitments.c.id == recruitment_id)
    ).first():
        raise ValidationError("Recrutement introuvable.")


def _check_evaluation_refs(conn: Connection, ev: Evaluation) -> None:
    cand = conn.execute(
        sa.select(candidates.c.recruitment_id).where(candidates.c.id == ev.candidate_id)
    ).first()
    if cand is None:
        raise ValidationError("Personne candidate introuvable.")
    crit = conn.execute(
        sa.select(criteria.c.recruitment_id).where(criteria.c.id == ev.criterion_id)
    ).first()
    if crit is None or crit.recruitment_id != cand.recruitment_id:
        raise ValidationError("Critère introuvable pour ce recrutement.")


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
    for key in ("references_agreed", "remote_ok"):
        data[key] = None if data[key] is None else bool(data[key])
    data["talent_pool_consent"] = bool(data["talent_pool_consent"])
    return Candidate(**data)


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
        "notes": c.notes,
        "created_at": c.created_at or now(),
    }


def _culture_row(n: CultureNote) -> dict:
    return {
        "id": n.id,
        "candidate_id": n.candidate_id,
        "author": n.author,
        "note": n.note,
        "warning": n.warning,
        "severity": n.severity,
        "created_at": n.created_at or now(),
    }


def _require_candidate(conn: Connection, candidate_id: str) -> None:
    if not conn.execute(sa.select(candidates.c.id).where(candidates.c.id == candidate_id)).first():
        raise ValidationError("Personne candidate introuvable.")


def _audit(
    conn: Connection,
    actor: str,
    action: str,
    recruitment_id: str | None,
    subject: str = "",
    details: str = "",
) -> None:
    conn.execute(
        audit_log.insert().values(
            at=now(),
            actor=actor or "inconnu",
            action=action,
            recruitment_id=recruitment_id,
            subject=subject,
            details=details,
        )
    )


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


def _criteria_of(conn: Connection, recruitment_id: str) -> list[Criterion]:
    rows = conn.execute(
        sa.select(criteria)
        .where(criteria.c.recruitment_id == recruitment_id)
        .order_by(criteria.c.position, criteria.c.label)
    ).all()
    out = []
    for r in rows:
        data = dict(r._mapping)
        data["stages"] = tuple(s for s in data["stages"].split(",") if s)
        data["questions"] = tuple(q for q in (data["questions"] or "").split("\n") if q)
        data["must_have"] = bool(data["must_have"])
        out.append(Criterion(**data))
    return out


def _candidates_of(conn: Connection, recruitment_id: str) -> list[Candidate]:
    rows = conn.execute(
        sa.select(candidates)
        .where(candidates.c.recruitment_id == recruitment_id)
        .order_by(candidates.c.created_at, candidates.c.name)
    ).all()
    return [_candidate_of(r) for r in rows]


def _rows_about_candidates(
    conn: Connection, table: sa.Table, recruitment_id: str, order_by: sa.Column
) -> list[sa.Row]:
    """Rows of a per-candidate table for one recruitment, in a stable order."""
    return conn.execute(
        sa.select(table)
        .join(candidates, candidates.c.id == table.c.candidate_id)
        .where(candidates.c.recruitment_id == recruitment_id)
        .order_by(order_by, table.c.id)
    ).all()


def _evaluations_of(conn: Connection, recruitment_id: str) -> list[Evaluation]:
    rows = _rows_about_candidates(conn, evaluations, recruitment_id, evaluations.c.created_at)
    return [Evaluation(**{**r._mapping, "doubt": bool(r.doubt)}) for r in rows]


def _decisions_of(conn: Connection, recruitment_id: str) -> list[StageDecision]:
    rows = _rows_about_candidates(
        conn, stage_decisions, recruitment_id, stage_decisions.c.decided_at
    )
    return [StageDecision(**r._mapping) for r in rows]


def _culture_notes_of(conn: Connection, recruitment_id: str) -> list[CultureNote]:
    rows = _rows_about_candidates(conn, culture_notes, recruitment_id, culture_notes.c.created_at)
    return [CultureNote(**{**r._mapping, "warning": bool(r.warning)}) for r in rows]


def _reference_calls_of(conn: Connection, recruitment_id: str) -> list[ReferenceCall]:
    rows = _rows_about_candidates(
        conn, reference_calls, recruitment_id, reference_calls.c.called_on
    )
    return [ReferenceCall(**r._mapping) for r in rows]


def _delete_candidate_rows(conn: Connection, cand_ids: list[str]) -> None:
    """Everything about some candidates, in dependency order (works without enforced FKs)."""
    if not cand_ids:
        return
    eval_ids = sa.select(evaluations.c.id).where(evaluations.c.candidate_id.in_(cand_ids))
    conn.execute(
        evaluation_history.delete().where(evaluation_history.c.evaluation_id.in_(eval_ids))
    )
    for table in (evaluations, stage_decisions, culture_notes, reference_calls):
        conn.execute(table.delete().where(table.c.candidate_id.in_(cand_ids)))
    conn.execute(candidates.delete().where(candidates.c.id.in_(cand_ids)))


def _delete_recruitment_rows(conn: Connection, recruitment_id: str) -> None:
    cand_ids = list(
        conn.execute(
            sa.select(candidates.c.id).where(candidates.c.recruitment_id == recruitment_id)
        ).scalars()
    )
    _delete_candidate_rows(conn, cand_ids)
    conn.execute(members.delete().where(members.c.recruitment_id == recruitment_id))
    conn.execute(criteria.delete().where(criteria.c.recruitment_id == recruitment_id))
    conn.execute(recruitments.delete().where(recruitments.c.id == recruitment_id))
