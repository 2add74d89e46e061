"""Shared fixtures: every test gets its own database, never the user's data/selection.db."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from selection.storage.store import DATABASE_URL_ENV, Store  # noqa: E402

POSTGRES_URL_ENV = "SELECTION_TEST_POSTGRES_URL"


def reset_postgres(url: str) -> None:
    """Empty the test database so every test starts from nothing, as with a new SQLite file."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


# The PostgreSQL run of each storage test belongs to the full suite (CI, `scripts/test.sh`); the
# fast loop (`-m "not e2e and not slow"`) runs them on SQLite only.
POSTGRES = pytest.param("postgresql", marks=[pytest.mark.postgres, pytest.mark.slow])


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every PostgreSQL test is part of the full suite only (see POSTGRES)."""
    for item in items:
        if item.get_closest_marker("postgres") and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)


def pytest_configure(config: pytest.Config) -> None:
    """With pytest-xdist, each worker gets its own PostgreSQL database (tests drop and recreate
    the schema of the one they use), created next to the one named by the environment."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get(POSTGRES_URL_ENV, "")
    if not worker or not url:
        return
    import sqlalchemy as sa

    base = sa.make_url(url)
    name = f"{base.database}_{worker}"
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).first()
        if not exists:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    os.environ[POSTGRES_URL_ENV] = base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", POSTGRES])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh test database: a new SQLite file, and the same test again on the PostgreSQL
    server named by SELECTION_TEST_POSTGRES_URL (CI sets it; locally it is skipped if unset)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    url = os.environ.get(POSTGRES_URL_ENV, "")
    if not url:
        pytest.skip(f"{POSTGRES_URL_ENV} is not set: no PostgreSQL server for this run")
    reset_postgres(url)
    return url


@pytest.fixture
def store(db_url: str) -> Store:
    return Store.open(db_url)


@pytest.fixture
def app_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the app at a temporary database for AppTest runs."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv(DATABASE_URL_ENV, url)
    return url
