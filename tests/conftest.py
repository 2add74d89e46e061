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


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
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
