"""How the app is deployed (docs/deploy.md): the database URL a PaaS gives, the Procfile, the
health check."""

from __future__ import annotations

import os
import shlex
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from selection.storage import engine
from selection.storage.engine import DEFAULT_DB_PATH, database_url, make_engine, normalise_url
from selection.storage.store import Store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_url(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv(engine.DATABASE_URL_ENV, raising=False)
    monkeypatch.delenv(engine.PAAS_DATABASE_URL_ENV, raising=False)
    return monkeypatch


def test_without_any_url_the_sqlite_file_under_data_is_used(no_url) -> None:
    assert database_url() == f"sqlite:///{DEFAULT_DB_PATH}"


def test_the_paas_database_url_is_honoured_and_converted_to_psycopg(no_url) -> None:
    no_url.setenv(
        "DATABASE_URL", "postgres://app:secret@db.internal:5432/selection?sslmode=require"
    )
    assert (
        database_url()
        == "postgresql+psycopg://app:secret@db.internal:5432/selection?sslmode=require"
    )


def test_the_app_setting_wins_over_the_paas_one(no_url) -> None:
    no_url.setenv("DATABASE_URL", "postgres://paas@db/selection")
    no_url.setenv("SELECTION_DATABASE_URL", "  postgresql://app@other/selection  ")
    assert database_url() == "postgresql+psycopg://app@other/selection"
    no_url.setenv("SELECTION_DATABASE_URL", "   ")  # empty: the next one counts
    assert database_url() == "postgresql+psycopg://paas@db/selection"


@pytest.mark.parametrize(
    "given, expected",
    [
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:////srv/data/selection.db", "sqlite:////srv/data/selection.db"),
    ],
)
def test_urls_are_normalised(given: str, expected: str) -> None:
    assert normalise_url(given) == expected


def test_a_postgres_scheme_from_the_paas_opens_the_database(no_url) -> None:
    url = os.environ.get("SELECTION_TEST_POSTGRES_URL", "")
    if not url:
        pytest.skip("no PostgreSQL server for this run")
    no_url.setenv("DATABASE_URL", url.replace("postgresql+psycopg://", "postgres://"))
    eng = make_engine()
    assert eng.dialect.name == "postgresql" and eng.dialect.driver == "psycopg"
    with eng.connect() as conn:
        assert conn.exec_driver_sql("SELECT 1").scalar_one() == 1
    eng.dispose()


def test_the_procfile_starts_one_web_process_on_the_platform_port() -> None:
    lines = [
        line for line in (ROOT / "Procfile").read_text().splitlines() if line and line[0] != "#"
    ]
    assert len(lines) == 1 and lines[0].startswith("web: ")
    args = shlex.split(lines[0].removeprefix("web: "))
    assert args[:3] == ["streamlit", "run", "app.py"]
    options = dict(zip(args[3::2], args[4::2], strict=True))
    assert options["--server.port"] == "$PORT"
    assert options["--server.address"] == "0.0.0.0"
    assert options["--server.headless"] == "true"
    # A restore file is 20 Mo at most: the upload is refused by Streamlit above 25 Mo.
    assert int(options["--server.maxUploadSize"]) == 25


class _Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        ok = self.path == "/_stcore/health"
        self.send_response(200 if ok else 404)
        self.end_headers()
        self.wfile.write(b"ok" if ok else b"")

    def log_message(self, *args) -> None:
        pass


def test_the_health_check_script_checks_streamlit_and_the_database(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("healthcheck", ROOT / "scripts/healthcheck.py")
    healthcheck = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(healthcheck)

    url = f"sqlite:///{tmp_path / 'app.db'}"
    Store.open(url)
    server = HTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        web = f"http://127.0.0.1:{server.server_port}"
        assert healthcheck.main(["--url", web, "--database-url", url]) == 0
        out = capsys.readouterr().out
        assert "Streamlit répond" in out and "La base répond (sqlite, schéma 4)" in out
        missing = f"sqlite:///{tmp_path / 'absent' / 'x.db'}"
        assert healthcheck.main(["--url", web, "--database-url", missing]) == 1
        assert "La base ne répond pas" in capsys.readouterr().out
    finally:
        server.shutdown()
    assert healthcheck.main(["--url", web, "--database-url", url, "--timeout", "1"]) == 1
    assert "Streamlit ne répond pas" in capsys.readouterr().out
