"""Is this server ready to take sessions? Streamlit answers and the database is reachable.

Streamlit's own health check is ``GET /_stcore/health`` (« ok »): it says the process runs, not
that the database answers. This script checks both, for a platform check or an operator:

    python scripts/healthcheck.py                      # http://127.0.0.1:$PORT (8501 by default)
    python scripts/healthcheck.py --url http://host:8501 --timeout 5

It reads the database named by ``SELECTION_DATABASE_URL`` or ``DATABASE_URL`` (as the app does),
runs one query and reads the schema version, without migrating anything. Exit code 0 when both
answer, 1 otherwise, with one French line per check.
"""

from __future__ import annotations

import argparse
import os
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from selection.storage.engine import database_url, make_engine
from selection.storage.schema import SCHEMA_VERSION, schema_version


def check_streamlit(url: str, timeout: float) -> tuple[bool, str]:
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/_stcore/health", timeout=timeout) as r:
            body = r.read(100).decode("utf-8", "replace").strip()
            if r.status == 200 and body == "ok":
                return True, f"Streamlit répond ({url})."
            return False, f"Streamlit répond mal ({url}) : statut {r.status}."
    except OSError as exc:
        return False, f"Streamlit ne répond pas ({url}) : {type(exc).__name__}."


def check_database(url: str | None, timeout: float) -> tuple[bool, str]:
    engine = None
    try:
        engine = make_engine(url or database_url())
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SET statement_timeout = {int(timeout * 1000)}")
            version = conn.execute(sa.select(schema_version.c.version)).scalar()
        if version is None:
            return False, "La base répond mais n'est pas initialisée (aucune version de schéma)."
        if version != SCHEMA_VERSION:
            return False, f"La base est au schéma {version}, l'application attend {SCHEMA_VERSION}."
        return True, f"La base répond ({engine.dialect.name}, schéma {version})."
    except sa.exc.SQLAlchemyError as exc:
        return False, f"La base ne répond pas : {type(exc).__name__}."
    finally:
        if engine is not None:
            engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Vérifie Streamlit et la base de données.")
    port = os.environ.get("PORT", "8501")
    parser.add_argument("--url", default=f"http://127.0.0.1:{port}")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--skip-streamlit", action="store_true", help="la base seulement")
    args = parser.parse_args(argv)
    checks = [] if args.skip_streamlit else [check_streamlit(args.url, args.timeout)]
    checks.append(check_database(args.database_url, args.timeout))
    for _ok, line in checks:
        print(line)
    return 0 if all(ok for ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
