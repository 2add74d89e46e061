"""The database engine: SQLite under data/ by default, PostgreSQL (or any SQLAlchemy URL) by
configuration.

SQLite runs in WAL mode with a busy timeout, and write transactions open with BEGIN IMMEDIATE so
concurrent writers queue instead of failing with "database is locked"; ``secure_delete`` is on,
so a deleted row's bytes are overwritten in the file rather than left in free pages.
The URL comes from ``SELECTION_DATABASE_URL``, else ``DATABASE_URL`` (what PaaS such as Scalingo
set), else the SQLite file.
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

DEFAULT_DB_PATH = Path(__file__).resolve().parents[2] / "data" / "selection.db"
DATABASE_URL_ENV = "SELECTION_DATABASE_URL"
PAAS_DATABASE_URL_ENV = "DATABASE_URL"
SQLITE_BUSY_TIMEOUT_MS = 30_000


def database_url() -> str:
    for name in (DATABASE_URL_ENV, PAAS_DATABASE_URL_ENV):
        url = os.environ.get(name, "").strip()
        if url:
            return normalise_url(url)
    DEFAULT_DB_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_DB_PATH}"


def normalise_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` (as PaaS give them) use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def make_engine(url: str | None = None) -> Engine:
    url = normalise_url(url or database_url())
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
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
