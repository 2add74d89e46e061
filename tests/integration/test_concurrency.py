"""Several people saving at once lose nothing; a writer killed mid-transaction leaves nothing half
written. Real processes (spawn), each with its own Store on the same database, as the app's
sessions would be on a shared server."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from selection.domain.model import (
    Candidate,
    Criterion,
    Evaluation,
    Recruitment,
    RecruitmentSnapshot,
    StageDecision,
)
from selection.domain.stages import SCORED_STAGE_CODES
from selection.storage import store as storage
from selection.storage.store import Store, new_id

WRITERS = 8
CRITERIA = 10
CANDIDATES = 10
STAGES = SCORED_STAGE_CODES[:3]
PER_WRITER = CRITERIA * CANDIDATES * len(STAGES)  # 300 evaluations each
BATCH = 25
RESAVED = 30  # ratings each writer changes afterwards: one history row each

pytestmark = pytest.mark.slow


def brief(title: str, criteria: int, candidates: int) -> RecruitmentSnapshot:
    rec = Recruitment(id=new_id(), title=title)
    crits = [
        Criterion(
            id=new_id(), recruitment_id=rec.id, label=f"Critère {i}", stages=STAGES, position=i
        )
        for i in range(criteria)
    ]
    cands = [
        Candidate(id=new_id(), recruitment_id=rec.id, name=f"Personne {i}")
        for i in range(candidates)
    ]
    return RecruitmentSnapshot(rec, crits, cands)


def ratings(snap: RecruitmentSnapshot, interviewer: str, evidence: str = "") -> list[Evaluation]:
    return [
        Evaluation(
            id=new_id(),
            candidate_id=cand.id,
            stage=stage,
            criterion_id=crit.id,
            interviewer=interviewer,
            rating=1 + (i + j + k) % 3,
            evidence=f"{interviewer} : preuve {i}-{j}-{k} {evidence}",
        )
        for i, cand in enumerate(snap.candidates)
        for j, crit in enumerate(snap.criteria)
        for k, stage in enumerate(STAGES)
    ]


def _writer(
    url: str, snap: RecruitmentSnapshot, interviewer: str, barrier: Any, results: Any
) -> None:
    """One person's session: hundreds of ratings in batches, then some of them changed."""
    try:
        store = Store.open(url)
        items = ratings(snap, interviewer)
        barrier.wait(timeout=300)
        for start in range(0, len(items), BATCH):
            store.save_evaluations(items[start : start + BATCH])
        changed = [
            replace(e, rating=1 + e.rating % 3, evidence=e.evidence + " (revue)")
            for e in items[:RESAVED]
        ]
        store.save_evaluations(changed, changed_by=interviewer)
        store.engine.dispose()
        results.put((interviewer, None))
    except BaseException as exc:  # reported to the parent, whatever it is
        results.put((interviewer, f"{type(exc).__name__}: {exc}"))


def test_concurrent_writer_processes_lose_nothing(db_url: str) -> None:
    store = Store.open(db_url)
    snap = brief("Concurrence", CRITERIA, CANDIDATES)
    store.save_snapshot(snap)
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(WRITERS)
    results = ctx.Queue()
    names = [f"Personne évaluatrice {n}" for n in range(WRITERS)]
    procs = [
        ctx.Process(target=_writer, args=(db_url, snap, name, barrier, results)) for name in names
    ]
    for p in procs:
        p.start()
    outcomes = dict(results.get(timeout=600) for _ in procs)
    for p in procs:
        p.join(timeout=60)

    assert outcomes == {name: None for name in names}
    assert [p.exitcode for p in procs] == [0] * WRITERS
    counts = store.count_rows()
    assert counts["evaluations"] == WRITERS * PER_WRITER == 2400
    assert counts["evaluation_history"] == WRITERS * RESAVED
    stored = store.list_evaluations(snap.recruitment.id)
    for name in names:
        mine = {
            (e.candidate_id, e.criterion_id, e.stage): e for e in stored if e.interviewer == name
        }
        expected = ratings(snap, name)
        assert len(mine) == PER_WRITER
        for n, e in enumerate(expected):
            got = mine[(e.candidate_id, e.criterion_id, e.stage)]
            want = 1 + e.rating % 3 if n < RESAVED else e.rating
            assert got.rating == want


# ----------------------------------------------------------------------------- crash safety


def _crash_writer(url: str, operation: str, payload: Any, after: int, inside: Any) -> None:
    """Start a big write, signal from inside the open transaction, then wait to be killed."""
    store = Store.open(url)
    seen = 0

    def hold(conn, cursor, statement, parameters, context, executemany) -> None:
        nonlocal seen
        if statement.lstrip().upper().startswith("INSERT INTO EVALUATIONS"):
            seen += 1
            if seen >= after:
                inside.set()
                time.sleep(600)

    sa.event.listen(store.engine, "after_cursor_execute", hold)
    if operation == "import":
        from selection.storage.backup import import_backup

        import_backup(store, payload, actor="Test")
    else:
        store.save_evaluations(payload, changed_by="Test")


def full_dump(store: Store) -> dict[str, list[tuple]]:
    with store.read() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(sa.select(t).order_by(*t.primary_key.columns))]
            for t in storage.metadata.sorted_tables
        }


def big_backup(tmp_path: Path) -> tuple[bytes, int]:
    from selection.storage.backup import export_backup

    source = Store.open(f"sqlite:///{tmp_path / 'source.db'}")
    snap = brief("Gros import", 20, 40)
    snap.evaluations = ratings(snap, "Alix", "x" * 150) + ratings(snap, "Bao", "y" * 150)
    snap.decisions = [
        StageDecision(new_id(), c.id, "prequalification", "continuer", "Alix", "ok")
        for c in snap.candidates
    ]
    source.save_snapshot(snap)
    return export_backup(source, snap.recruitment.id), len(snap.evaluations)


@pytest.mark.parametrize("operation", ["import", "save"])
def test_a_writer_killed_mid_transaction_leaves_the_database_consistent(
    db_url: str, tmp_path: Path, operation: str
) -> None:
    store = Store.open(db_url)
    existing = brief("Déjà là", 5, 5)
    existing.evaluations = ratings(existing, "Chloé")
    store.save_snapshot(existing)
    if operation == "import":
        payload, expected_new = big_backup(tmp_path)
        after = 1
    else:
        payload = ratings(existing, "Dana") + ratings(existing, "Eve")
        expected_new = len(payload)
        after = len(payload) // 2
    before = full_dump(store)

    ctx = mp.get_context("spawn")
    inside = ctx.Event()
    child = ctx.Process(target=_crash_writer, args=(db_url, operation, payload, after, inside))
    child.start()
    assert inside.wait(timeout=300), "the writer never reached the middle of its transaction"
    os.kill(child.pid, signal.SIGKILL)
    child.join(timeout=60)
    assert child.exitcode == -signal.SIGKILL
    store.engine.dispose()

    after_crash = Store.open(db_url)
    if after_crash.engine.dialect.name == "sqlite":
        with after_crash.read() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    if operation == "import":
        # The batches written before the crash stay hidden (staged), nobody sees them; the
        # cleanup of stale staging (after an hour, at the next start) removes them.
        assert len(after_crash.staged_imports()) == 1
        assert [r.title for r in after_crash.list_recruitments()] == ["Déjà là"]
        assert after_crash.discard_stale_imports(older_than=timedelta(0)) == 1
    assert full_dump(after_crash) == before

    # The database is usable again at once and the same operation then lands in full.
    if operation == "import":
        from selection.storage.backup import import_backup

        import_backup(after_crash, payload, actor="Test")
    else:
        after_crash.save_evaluations(payload)
    counts = after_crash.count_rows()
    assert counts["evaluations"] == len(before["evaluations"]) + expected_new
