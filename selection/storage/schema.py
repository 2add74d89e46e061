"""The database schema: tables, and forward-only migrations from every released version.

Version 4 adds, for team-safe use: a version, who and when on every row two people can edit
(optimistic concurrency), a revision per recruitment bumped by every write about it (caches and
other app servers key on it), the identity key beside every rater's and author's display name,
the stage plan (who interviews whom), early debrief openings, and a hidden marker for rows an
import is still writing.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from selection.domain import limits as L

metadata = sa.MetaData()


def _owner_column(name: str, table: str) -> sa.Column:
    """The indexed foreign key that ties a row to its candidate or recruitment."""
    return sa.Column(
        name,
        sa.String(L.ID),
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
    sa.Column("id", sa.String(L.ID), primary_key=True),
    sa.Column("title", sa.String(L.TITLE), nullable=False),
    sa.Column("role", sa.String(L.ROLE), nullable=False, default=""),
    sa.Column("team", sa.String(L.SHORT_TEXT), nullable=False, default=""),
    sa.Column("owner", sa.String(L.NAME), nullable=False, default=""),
    sa.Column("status", sa.String(L.CODE), nullable=False, default="ouvert"),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("closed_at", sa.DateTime, nullable=True),
    # v2: constraints of the mission
    sa.Column("start_date", sa.Date, nullable=True),
    sa.Column("days_per_week", sa.Float, nullable=True),
    sa.Column("remote_policy", sa.String(L.SHORT_TEXT), nullable=False, server_default=""),
    sa.Column("max_daily_rate", sa.Integer, nullable=True),
    sa.Column("references_required", sa.Boolean, nullable=False, server_default=sa.true()),
    # v4: optimistic concurrency, hidden while an import writes it
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.Column("updated_by", sa.String(L.NAME), nullable=False, server_default=""),
    sa.Column("updated_at", sa.DateTime, nullable=True),
    sa.Column("import_id", sa.String(L.ID), nullable=True),
    sa.Column("revision", sa.Integer, nullable=False, server_default="1"),
)

criteria = sa.Table(
    "criteria",
    metadata,
    sa.Column("id", sa.String(L.ID), primary_key=True),
    _owner_column("recruitment_id", "recruitments"),
    sa.Column("label", sa.String(L.LABEL), nullable=False),
    sa.Column("statement", sa.Text, nullable=False, default=""),
    sa.Column("category", sa.String(L.CATEGORY), nullable=False, default=""),
    sa.Column("weight_level", sa.Integer, nullable=False),
    sa.Column("weight", sa.Float, nullable=False),
    sa.Column("must_have", sa.Boolean, nullable=False, default=False),
    sa.Column("stages", sa.String(L.STAGE_LIST), nullable=False, default=""),
    sa.Column("position", sa.Integer, nullable=False, default=0),
    # v2: question bank, one question per line
    sa.Column("questions", sa.Text, nullable=False, server_default=""),
    # v4: optimistic concurrency, hidden while an import writes it
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.Column("updated_by", sa.String(L.NAME), nullable=False, server_default=""),
    sa.Column("updated_at", sa.DateTime, nullable=True),
    sa.Column("import_id", sa.String(L.ID), nullable=True),
    sa.UniqueConstraint("recruitment_id", "label", name="uq_criteria_label"),
)

candidates = sa.Table(
    "candidates",
    metadata,
    sa.Column("id", sa.String(L.ID), primary_key=True),
    _owner_column("recruitment_id", "recruitments"),
    sa.Column("name", sa.String(L.NAME), nullable=False),
    sa.Column("email", sa.String(L.EMAIL), nullable=False, default=""),
    sa.Column("phone", sa.String(L.PHONE), nullable=False, default=""),
    sa.Column("source", sa.String(L.SOURCE), nullable=False, default=""),
    sa.Column("created_at", sa.DateTime, nullable=False),
    # v3: consents and pre-qualification logistics
    sa.Column("references_agreed", sa.Boolean, nullable=True),
    sa.Column("talent_pool_consent", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("available_from", sa.Date, nullable=True),
    sa.Column("days_per_week", sa.Float, nullable=True),
    sa.Column("remote_ok", sa.Boolean, nullable=True),
    sa.Column("other_processes", sa.Text, nullable=False, server_default=""),
    sa.Column("expected_daily_rate", sa.Integer, nullable=True),
    # v4: optimistic concurrency, hidden while an import writes it
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.Column("updated_by", sa.String(L.NAME), nullable=False, server_default=""),
    sa.Column("updated_at", sa.DateTime, nullable=True),
    sa.Column("import_id", sa.String(L.ID), nullable=True),
)

evaluations = sa.Table(
    "evaluations",
    metadata,
    sa.Column("id", sa.String(L.ID), primary_key=True),
    _owner_column("candidate_id", "candidates"),
    sa.Column("stage", sa.String(L.STAGE), nullable=False),
    sa.Column(
        "criterion_id",
        sa.String(L.ID),
        sa.ForeignKey("criteria.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("interviewer", sa.String(L.NAME), nullable=False),
    sa.Column("rating", sa.Integer, nullable=True),
    sa.Column("evidence", sa.Text, nullable=False, default=""),
    sa.Column("doubt", sa.Boolean, nullable=False, default=False),
    sa.Column("doubt_note", sa.Text, nullable=False, default=""),
    sa.Column("status", sa.String(L.CODE), nullable=False, default="soumis"),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    # v4: « interviewer » is the identity key (login e-mail, or the signed name when open)
    sa.Column("interviewer_name", sa.String(L.NAME), nullable=False, server_default=""),
    sa.UniqueConstraint(
        "candidate_id", "stage", "criterion_id", "interviewer", name="uq_evaluation_slot"
    ),
    sa.CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 3", name="ck_rating_range"),
)

stage_decisions = sa.Table(
    "stage_decisions",
    metadata,
    sa.Column("id", sa.String(L.ID), primary_key=True),
    _owner_column("candidate_id", "candidates"),
    sa.Column("stage", sa.String(L.STAGE), nullable=False),
    sa.Column("decision", sa.String(L.CODE), nullable=False),
    sa.Column("decided_by", sa.String(L.NAME), nullable=False),
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
        sa.String(L.ID),
        sa.ForeignKey("evaluations.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("changed_by", sa.String(L.NAME), nullable=False),
    sa.Column("changed_at", sa.DateTime, nullable=False),
    sa.Column("old_rating", sa.Integer, nullable=True),
    sa.Column("new_rating", sa.Integer, nullable=True),
    sa.Column("old_evidence", sa.Text, nullable=False, default=""),
    sa.Column("new_evidence", sa.Text, nullable=False, default=""),
)

culture_notes = sa.Table(
    "culture_notes",
    metadata,
    sa.Column("id", sa.String(L.ID), primary_key=True),
    _owner_column("candidate_id", "candidates"),
    sa.Column("author", sa.String(L.NAME), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("warning", sa.Boolean, nullable=False, default=False),
    sa.Column("severity", sa.String(L.CODE), nullable=False, default="faible"),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("author_name", sa.String(L.NAME), nullable=False, server_default=""),  # v4
)

reference_calls = sa.Table(
    "reference_calls",
    metadata,
    sa.Column("id", sa.String(L.ID), primary_key=True),
    _owner_column("candidate_id", "candidates"),
    sa.Column("referee_name", sa.String(L.NAME), nullable=False),
    sa.Column("relation", sa.String(L.SHORT_TEXT), nullable=False, default=""),
    sa.Column("organisation", sa.String(L.SHORT_TEXT), nullable=False, default=""),
    sa.Column("called_on", sa.Date, nullable=False),
    sa.Column("recommendation", sa.String(L.CODE), nullable=False),
    sa.Column("recorded_by", sa.String(L.NAME), nullable=False),
    sa.Column("notes", sa.Text, nullable=False, default=""),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("recorded_by_key", sa.String(L.NAME), nullable=False, server_default=""),  # v4
)

members = sa.Table(
    "members",
    metadata,
    sa.Column(
        "recruitment_id",
        sa.String(L.ID),
        sa.ForeignKey("recruitments.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("email", sa.String(L.EMAIL), primary_key=True),
    sa.Column("role", sa.String(L.CODE), nullable=False, default="membre"),
    sa.Column("added_by", sa.String(L.NAME), nullable=False, default=""),
    sa.Column("added_at", sa.DateTime, nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False, index=True),
    sa.Column("actor", sa.String(L.NAME), nullable=False),
    sa.Column("action", sa.String(L.JOURNAL_ACTION), nullable=False),
    sa.Column("recruitment_id", sa.String(L.ID), nullable=True, index=True),
    sa.Column("subject", sa.String(L.SHORT_TEXT), nullable=False, default=""),
    sa.Column("details", sa.Text, nullable=False, default=""),
    sa.Column("actor_key", sa.String(L.NAME), nullable=False, server_default=""),  # v4
)

settings = sa.Table(
    "settings",
    metadata,
    sa.Column("key", sa.String(L.SETTING_KEY), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    # v4: optimistic concurrency
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.Column("updated_by", sa.String(L.NAME), nullable=False, server_default=""),
    sa.Column("updated_at", sa.DateTime, nullable=True),
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


panel_assignments = sa.Table(
    "panel_assignments",
    metadata,
    sa.Column("id", sa.String(L.ID), primary_key=True),
    _owner_column("candidate_id", "candidates"),
    sa.Column("stage", sa.String(L.STAGE), nullable=False),
    sa.Column("member_key", sa.String(L.NAME), nullable=False),
    sa.Column("member_name", sa.String(L.NAME), nullable=False, server_default=""),
    sa.Column("assigned_by", sa.String(L.NAME), nullable=False, server_default=""),
    sa.Column("assigned_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("candidate_id", "stage", "member_key", name="uq_panel_slot"),
)

debrief_openings = sa.Table(
    "debrief_openings",
    metadata,
    sa.Column("id", sa.String(L.ID), primary_key=True),
    _owner_column("candidate_id", "candidates"),
    sa.Column("stage", sa.String(L.STAGE), nullable=False),
    sa.Column("opened_by", sa.String(L.NAME), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("opened_at", sa.DateTime, nullable=False),
)


def _migrate_3_to_4(conn: Connection) -> None:
    """Version 4: versions and revisions, identity keys beside display names, the stage plan,
    early debrief openings, import markers.

    A database that started at version 1 or 2 got the tables of version 3 from ``metadata``
    (``create(checkfirst=True)``), that is with the columns of version 4 already: those are
    skipped, so every path reaches the same schema."""
    inspector = sa.inspect(conn)
    present = {
        t: {c["name"] for c in inspector.get_columns(t)} for t in inspector.get_table_names()
    }

    def add(table: str, column: str) -> None:
        if column.split()[0] not in present.get(table, set()):
            conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column}")

    versioned = (
        "version INTEGER NOT NULL DEFAULT 1",
        "updated_by VARCHAR(200) NOT NULL DEFAULT ''",
        "updated_at TIMESTAMP",
    )
    for table in ("recruitments", "criteria", "candidates"):
        for column in (*versioned, "import_id VARCHAR(36)"):
            add(table, column)
    for column in versioned:
        add("settings", column)
    for table, column in (
        ("recruitments", "revision INTEGER NOT NULL DEFAULT 1"),
        ("evaluations", "interviewer_name VARCHAR(200) NOT NULL DEFAULT ''"),
        ("culture_notes", "author_name VARCHAR(200) NOT NULL DEFAULT ''"),
        ("reference_calls", "recorded_by_key VARCHAR(200) NOT NULL DEFAULT ''"),
        ("audit_log", "actor_key VARCHAR(200) NOT NULL DEFAULT ''"),
    ):
        add(table, column)
    # Until now the name was the identity: it stays the key of what was written before.
    conn.exec_driver_sql(
        "UPDATE evaluations SET interviewer_name = interviewer WHERE interviewer_name = ''"
    )
    conn.exec_driver_sql("UPDATE culture_notes SET author_name = author WHERE author_name = ''")
    conn.exec_driver_sql(
        "UPDATE reference_calls SET recorded_by_key = recorded_by WHERE recorded_by_key = ''"
    )
    conn.exec_driver_sql("UPDATE audit_log SET actor_key = actor WHERE actor_key = ''")
    for table in (panel_assignments, debrief_openings):
        table.create(conn, checkfirst=True)
    conn.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_audit_log_recruitment_id ON audit_log (recruitment_id)"
    )


# MIGRATIONS[n] takes a database from version n+1 to n+2. Append only: never edit a released one.
MIGRATIONS = (_migrate_1_to_2, _migrate_2_to_3, _migrate_3_to_4)
SCHEMA_VERSION = len(MIGRATIONS) + 1
V1_TABLES = (schema_version, recruitments, criteria, candidates, evaluations, stage_decisions)
