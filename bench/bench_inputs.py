"""Benchmark of bounded inputs (issue « Team-safe at scale »): how fast and how lean a hostile
file is refused, and how long the retention list takes with many people.

Each measure runs in its own child process (``python bench/bench_inputs.py <measure>``), which
builds its input, then reports the wall time of the call measured and its peak resident memory
(``ru_maxrss``, the whole child included: Python, the libraries and the input itself):

- ``csv``: a 1,000,000-line candidate CSV (refused on its size before decoding), and 1,000,000
  empty lines under the size limit (refused at the line cap);
- ``backup``: a 9 MB backup of 3 million empty rows, restored into an empty SQLite database
  (refused at the row cap of the streaming scan);
- ``retention``: 50,000 candidates in one recruitment (each with a rating, a decision and a
  note), plus another person's small recruitment; times ``to_purge`` for that other person's
  recruitment only (what their Données page computes, after a 50,000-line import attempt that
  was refused), then for the big one; best of 5 after a warm-up.

- ``server`` (with ``--postgres``): the sizing of docs/deploy.md, one ``streamlit run`` server
  idle then with 1, 5 and 10 browser sessions, its memory and its PostgreSQL connections.

Run from the repository root: ``.venv/bin/python bench/bench_inputs.py`` (all, Markdown tables),
with ``--postgres URL`` to run the retention measure on PostgreSQL too and the server sizing (a
database you can empty: every table is dropped first).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak() -> float:
    """Reset the peak resident memory of this process to its current value (Linux: write 5 to
    /proc/self/clear_refs), so VmHWM afterwards is the peak of the call alone; returns VmRSS."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    return _status_mb("VmRSS")


def _timed(call) -> tuple[float, float, float, str]:
    """(seconds, RSS before, peak RSS during, outcome) of one call that should refuse."""
    from selection.domain.model import ValidationError

    before = _reset_peak()
    started = time.perf_counter()
    try:
        call()
        outcome = "accepté"
    except ValidationError as err:
        outcome = str(err).replace("\n", " ")[:110]
    elapsed = time.perf_counter() - started
    return elapsed, before, _status_mb("VmHWM"), outcome


def _fr(value: float, decimals: int = 1) -> str:
    """French number: narrow no-break space for thousands, decimal comma."""
    return f"{value:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")


def _report(**values) -> None:
    print(json.dumps(values, ensure_ascii=False))


# --------------------------------------------------------------------------- measures


def measure_csv() -> None:
    from selection.storage.csv_import import import_candidates_csv

    for label, data in (
        ("CSV de 1 000 000 lignes", b"Nom;Email\n" + b"Camille Durand;\n" * 1_000_000),
        ("CSV de 1 000 000 lignes vides", b"Nom\n" + b"\n" * 1_000_000),
        ("CSV de 50 000 lignes courtes", b"Nom\n" + b"Camille\n" * 50_000),
    ):
        elapsed, before, peak, outcome = _timed(lambda d=data: import_candidates_csv(d, "bench"))
        size = f"{len(data) / 1024 / 1024:.1f}".replace(".", ",")
        _report(
            measure=f"{label} ({size} Mo)",
            seconds=round(elapsed, 4),
            rss_before_mb=round(before, 1),
            peak_mb=round(peak, 1),
            process_peak_mb=round(_peak_mb(), 1),
            outcome=outcome,
        )


def measure_backup() -> None:
    from selection.storage import backup
    from selection.storage.store import Store

    others = "".join(f'"{n}": [], ' for n in backup.TABLE_NAMES if n != "candidates")
    head = (
        f'{{"format": "{backup.FORMAT_NAME}", "version": 2, "exported_at": '
        f'"2026-01-01T00:00:00", "scope": "tout", "tables": {{{others}"candidates": ['
    ).encode()
    data = head + b"{}," * 2_999_999 + b"{}]}}"
    size = f"{len(data) / 1024 / 1024:.1f}".replace(".", ",")
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(f"sqlite:///{folder}/bench.db")
        elapsed, before, peak, outcome = _timed(
            lambda: backup.restore(
                store,
                data,
                actor_name="Banc",
                actor_key="banc",
                owner_email=None,
                as_copy=True,
                progress=None,
            )
        )
    _report(
        measure=f"Sauvegarde de 3 000 000 lignes vides ({size} Mo)",
        seconds=round(elapsed, 4),
        rss_before_mb=round(before, 1),
        peak_mb=round(peak, 1),
        process_peak_mb=round(_peak_mb(), 1),
        outcome=outcome,
    )


def _fill(store, people: int) -> tuple[str, str]:
    """One big closed recruitment (``people`` candidates, each with a rating, a decision and a
    note) and another person's small one; returns both ids."""
    import sqlalchemy as sa

    from selection.domain.model import Criterion, Recruitment, RecruitmentSnapshot
    from selection.storage import schema
    from selection.storage.store import new_id

    def recruitment(title: str) -> tuple[str, str]:
        rec = Recruitment(
            id=new_id(),
            title=title,
            status="clos",
            created_at=datetime(2025, 1, 1),
            closed_at=datetime(2025, 6, 1),
        )
        crit = Criterion(id=new_id(), recruitment_id=rec.id, label="Critère", stages=("intra",))
        store.save_snapshot(RecruitmentSnapshot(rec, [crit]))
        return rec.id, crit.id

    big, crit = recruitment("Grand recrutement")
    small, small_crit = recruitment("Recrutement d'une autre personne")
    base = datetime(2025, 2, 1)
    for rid, criterion, count in ((big, crit, people), (small, small_crit, 12)):
        for start in range(0, count, 5_000):
            chunk = range(start, min(count, start + 5_000))
            cands, evals, decs, notes = [], [], [], []
            for n in chunk:
                cid = new_id()
                when = base + timedelta(minutes=n)
                cands.append(
                    {
                        "id": cid,
                        "recruitment_id": rid,
                        "name": f"Personne {n:05d}",
                        "email": "",
                        "phone": "",
                        "source": "",
                        "created_at": when,
                        "talent_pool_consent": n % 3 == 0,
                        "other_processes": "",
                    }
                )
                evals.append(
                    {
                        "id": new_id(),
                        "candidate_id": cid,
                        "stage": "intra",
                        "criterion_id": criterion,
                        "interviewer": "Alix",
                        "interviewer_name": "Alix",
                        "rating": 2,
                        "evidence": "Preuve",
                        "doubt": False,
                        "doubt_note": "",
                        "status": "soumis",
                        "created_at": when,
                        "updated_at": when + timedelta(days=1),
                    }
                )
                decs.append(
                    {
                        "id": new_id(),
                        "candidate_id": cid,
                        "stage": "intra",
                        "decision": "retenu" if n == 0 else "arreter",
                        "decided_by": "Alix",
                        "reason": "Motif",
                        "decided_at": when + timedelta(days=2),
                    }
                )
                notes.append(
                    {
                        "id": new_id(),
                        "candidate_id": cid,
                        "author": "Dana",
                        "author_name": "Dana",
                        "note": "Observation",
                        "warning": False,
                        "severity": "faible",
                        "created_at": when + timedelta(days=3),
                    }
                )
            with store.write() as conn:
                conn.execute(schema.candidates.insert(), cands)
                conn.execute(schema.evaluations.insert(), evals)
                conn.execute(schema.stage_decisions.insert(), decs)
                conn.execute(schema.culture_notes.insert(), notes)
    with store.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.candidates)).scalar() == (
            people + 12
        )
    return big, small


def _best_of(call, repeat: int = 5) -> float:
    call()
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
    return best


def measure_retention(url: str | None) -> None:
    from selection.domain.model import ValidationError
    from selection.services import data as data_service
    from selection.services.access import Config
    from selection.services.app import App
    from selection.services.retention import to_purge
    from selection.storage.store import Store

    people = 50_000
    with tempfile.TemporaryDirectory() as folder:
        if url:
            import sqlalchemy as sa

            eng = sa.create_engine(url)
            with eng.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE")
                conn.exec_driver_sql("CREATE SCHEMA public")
            eng.dispose()
        store = Store.open(url or f"sqlite:///{folder}/bench.db")
        started = time.perf_counter()
        big, small = _fill(store, people)
        filled = time.perf_counter() - started
        app = App(store, Config())
        today = date(2026, 6, 15)
        attempt = b"Nom\n" + b"".join(b"Personne %d\n" % n for n in range(people))
        started = time.perf_counter()
        with contextlib.suppress(ValidationError):
            data_service.import_csv(app, app.actor("Alix"), small, "candidates", attempt)
        refused = time.perf_counter() - started
        mine = _best_of(lambda: to_purge(store, today, recruitment_ids=[small]))
        page = _best_of(lambda: data_service.due_for_purge(app, app.actor("Alix"), today))
        big_one = _best_of(lambda: to_purge(store, today, recruitment_ids=[big]), repeat=3)
        due = len(to_purge(store, today, recruitment_ids=[big]))
        store.engine.dispose()
    _report(
        measure=f"{'PostgreSQL' if store.dialect == 'postgresql' else 'SQLite'}, "
        f"{_fr(people, 0)} personnes",
        fill_seconds=round(filled, 1),
        csv_attempt_seconds=round(refused, 4),
        other_recruitment_seconds=round(mine, 4),
        all_recruitments_seconds=round(page, 4),
        big_recruitment_seconds=round(big_one, 4),
        due=due,
        peak_mb=round(_peak_mb(), 1),
    )


def _rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _settled_rss(pid: int, seconds: float = 6.0) -> float:
    """Median resident memory over a few seconds once the sessions are idle (a single reading
    can fall in the middle of a script run or before a garbage collection)."""
    samples = []
    for _ in range(int(seconds / 0.5)):
        samples.append(_rss_mb(pid))
        time.sleep(0.5)
    samples.sort()
    return samples[len(samples) // 2]


def measure_server(url: str, counts: tuple[int, ...] = (1, 5, 10)) -> None:
    """Sizing of one app server (docs/deploy.md): ``streamlit run app.py`` on ``url``, its
    resident memory idle then with 1, 5 and 10 browser sessions (headless Chromium) open on
    the home page, and the PostgreSQL connections it holds."""
    import socket
    import urllib.request

    import sqlalchemy as sa
    from playwright.sync_api import sync_playwright

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "SELECTION_DATABASE_URL": url}
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    probe = sa.create_engine(url, poolclass=sa.pool.NullPool)

    def connections() -> int:
        with probe.connect() as conn:
            return conn.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            ).scalar_one()

    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=1) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                time.sleep(0.5)
        rows = [
            {
                "sessions": 0,
                "rss_mb": _settled_rss(server.pid),
                "peak_mb": _rss_mb(server.pid, "VmHWM"),
                "connections": connections(),
            }
        ]
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
            )
            pages = []
            for wanted in counts:
                while len(pages) < wanted:
                    page = browser.new_context().new_page()
                    page.goto(base, wait_until="networkidle", timeout=120_000)
                    page.wait_for_selector("h1", timeout=120_000)
                    pages.append(page)
                for page in pages:
                    page.wait_for_load_state("networkidle")
                rows.append(
                    {
                        "sessions": wanted,
                        "rss_mb": _settled_rss(server.pid),
                        "peak_mb": _rss_mb(server.pid, "VmHWM"),
                        "connections": connections(),
                    }
                )
            browser.close()
        for row in rows:
            _report(measure="serveur", **row)
    finally:
        server.terminate()
        server.wait(timeout=30)
        probe.dispose()


# --------------------------------------------------------------------------- driver


def _child(args: list[str]) -> list[dict]:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "measure", nargs="?", choices=("csv", "backup", "retention", "server", "all")
    )
    parser.add_argument("--postgres", default=None)
    args = parser.parse_args()
    if args.measure == "csv":
        return measure_csv()
    if args.measure == "backup":
        return measure_backup()
    if args.measure == "retention":
        return measure_retention(args.postgres)
    if args.measure == "server":
        return measure_server(args.postgres)
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(f"Charge de la machine (/proc/loadavg) au départ : {' '.join(load)}\n")
    print(
        "| entrée | refus en | mémoire résidente avant l'appel | pointe pendant l'appel | "
        "message (début) |"
    )
    print("|---|---|---|---|---|")
    for row in _child(["csv"]) + _child(["backup"]):
        print(
            f"| {row['measure']} | {_fr(row['seconds'] * 1000)} ms | "
            f"{row['rss_before_mb']:.0f} Mo | {row['peak_mb']:.0f} Mo | {row['outcome']}… |"
        )
    rows = _child(["retention"])
    if args.postgres:
        rows += _child(["retention", "--postgres", args.postgres])
    print()
    print(
        "| base | refus de l'import de 50 000 lignes | liste à purger d'une autre personne "
        "(son recrutement) | tous les recrutements (mode ouvert) | le seul recrutement de "
        "50 000 personnes | personnes à supprimer |"
    )
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['measure']} | {_fr(row['csv_attempt_seconds'] * 1000)} ms | "
            f"{_fr(row['other_recruitment_seconds'] * 1000)} ms | "
            f"{_fr(row['all_recruitments_seconds'] * 1000, 0)} ms | "
            f"{_fr(row['big_recruitment_seconds'] * 1000, 0)} ms | {_fr(row['due'], 0)} |"
        )
    if args.postgres:
        print(
            "\n| sessions ouvertes | mémoire résidente du serveur (médiane sur 6 s) | "
            "pointe depuis le démarrage | connexions PostgreSQL |"
        )
        print("|---|---|---|---|")
        for row in _child(["server", "--postgres", args.postgres]):
            print(
                f"| {row['sessions']} | {row['rss_mb']:.0f} Mo | {row['peak_mb']:.0f} Mo | "
                f"{row['connections']} |"
            )
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(f"\nCharge de la machine (/proc/loadavg) à la fin : {' '.join(load)}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
