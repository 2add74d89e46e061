"""Erasure you can prove: after the right of erasure and after the retention purge, the person's
name, e-mail and everything written about them are found in no byte of the database files.

SQLite: the main file, its ``-wal`` and its ``-shm``. PostgreSQL: the files of every table of the
app, of their TOAST tables and of every index, read by the server itself
(``pg_read_binary_file(pg_relation_filepath(...))``, the test role is superuser) after a
CHECKPOINT, so what sits only in shared memory is on disk too.

Each proof first shows it can fail: the same bytes are found before the erasure, or without
the step that removes them.
"""

from __future__ import annotations

import random
import sqlite3
import string
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from selection.domain.model import (
    Candidate,
    Criterion,
    CultureNote,
    Evaluation,
    Recruitment,
    RecruitmentSnapshot,
    ReferenceCall,
    StageDecision,
)
from selection.services import candidates as candidate_service
from selection.services import data as data_service
from selection.services.access import Config
from selection.services.app import App
from selection.storage.engine import make_engine
from selection.storage.store import Store, new_id

TODAY = date(2026, 6, 15)


# ----------------------------------------------------------------------------- the data


@dataclass
class Person:
    id: str
    name: str
    tokens: dict[str, str]  # what must disappear: name, e-mail, evidence, notes…


def _random_text(size: int, seed: int) -> str:
    """Letters without repetition patterns: PostgreSQL cannot compress them, so a long text is
    stored as it is in the TOAST table, where a byte search can see it."""
    rng = random.Random(seed)
    return "".join(rng.choice(string.ascii_letters) for _ in range(size))


def _person(recruitment_id: str, name: str, email: str, tag: str) -> tuple[Candidate, dict]:
    cand = Candidate(
        id=new_id(),
        recruitment_id=recruitment_id,
        name=name,
        email=email,
        phone="06 12 34 56 78",
        created_at=datetime(2025, 9, 1, 10, 0),
        references_agreed=True,
        other_processes=f"Autre processus {tag}",
    )
    tokens = {
        "nom": name,
        "adresse": email,
        "preuve": f"Preuve {tag} : a conduit la refonte du parcours usager",
        "preuve longue": _random_text(5_000, sum(map(ord, tag))),
        "preuve modifiée": f"Preuve revue {tag} après relecture",
        "motif": f"Motif de décision {tag}",
        "observation": f"Observation d'adéquation {tag}",
        "appel": f"Notes d'appel {tag}",
        "autres processus": f"Autre processus {tag}",
    }
    return cand, tokens


def build(store: Store, *, closed: bool) -> tuple[App, str, Person, Person, Person]:
    """A recruitment with three people: the one to erase, one more to purge, one retained.
    Everything is written about each, and the journal quotes the first one by name."""
    rec = Recruitment(
        id=new_id(),
        title="Chargé·e de déploiement",
        owner="Alix",
        status="clos" if closed else "ouvert",
        created_at=datetime(2025, 9, 1, 9, 0),
        closed_at=datetime(2025, 12, 1, 9, 0) if closed else None,
    )
    crits = [
        Criterion(
            id=new_id(),
            recruitment_id=rec.id,
            label=label,
            stages=("intra", "references"),
            position=i,
        )
        for i, label in enumerate(("Déploiement", "Animation"))
    ]
    snap = RecruitmentSnapshot(rec, crits)
    people = []
    for name, email, tag, decision in (
        ("Zéphyrine Quillard-Ostrowski", "zephyrine.q7@exemple.fr", "ZQO-7f3a", "arreter"),
        ("Ulysse Marchetti-Vlad", "ulysse.mv@exemple.fr", "UMV-91c2", "arreter"),
        ("Brunehilde Okonkwo", "brunehilde.o@exemple.fr", "BOK-55d0", "retenu"),
    ):
        cand, tokens = _person(rec.id, name, email, tag)
        snap.candidates.append(cand)
        snap.evaluations += [
            Evaluation(
                new_id(),
                cand.id,
                "intra",
                crits[0].id,
                "Alix",
                2,
                tokens["preuve"],
                created_at=datetime(2025, 10, 1, 10, 0),
                updated_at=datetime(2025, 10, 1, 10, 0),
            ),
            Evaluation(
                new_id(),
                cand.id,
                "intra",
                crits[1].id,
                "Alix",
                3,
                tokens["preuve longue"],
                created_at=datetime(2025, 10, 1, 10, 0),
                updated_at=datetime(2025, 10, 1, 10, 0),
            ),
        ]
        snap.decisions.append(
            StageDecision(
                new_id(),
                cand.id,
                "intra",
                decision,
                "Alix",
                tokens["motif"],
                datetime(2025, 10, 2, 10, 0),
            )
        )
        snap.culture_notes.append(
            CultureNote(
                new_id(),
                cand.id,
                "Dana",
                tokens["observation"],
                created_at=datetime(2025, 10, 3, 10, 0),
            )
        )
        snap.reference_calls.append(
            ReferenceCall(
                new_id(),
                cand.id,
                "Eve Martin",
                "Ancienne manager",
                "DINUM",
                date(2025, 10, 4),
                "oui",
                "Alix",
                tokens["appel"],
                created_at=datetime(2025, 10, 4, 10, 0),
            )
        )
        people.append(Person(cand.id, name, tokens))
    store.save_snapshot(snap)
    for person in people:
        first = next(e for e in snap.evaluations if e.candidate_id == person.id and e.rating == 2)
        store.save_evaluations(
            [
                Evaluation(
                    new_id(),
                    person.id,
                    "intra",
                    first.criterion_id,
                    "Alix",
                    3,
                    person.tokens["preuve modifiée"],
                )
            ],
            changed_by="Alix",
        )
    first = people[0]
    # Free text of the journal quoting the person (a reason typed by someone, for instance).
    store.audit(
        "Alix",
        "note",
        rec.id,
        f"Entretien de {first.name}",
        f"Appel de {first.name} ({first.tokens['adresse']}) reporté",
    )
    return App(store, Config()), rec.id, *people


PIECE = 48


def _found(blob: bytes, text: str) -> bool:
    """A short text is searched whole; a long one piece by piece, since both databases cut it
    across pages (SQLite overflow pages, PostgreSQL TOAST chunks): one piece is enough."""
    if len(text) <= 2 * PIECE:
        return text.encode("utf-8") in blob
    return any(
        text[i : i + PIECE].encode("utf-8") in blob for i in range(0, len(text) - PIECE, PIECE)
    )


def absent(blob: bytes, person: Person) -> list[str]:
    """The person's texts still found in the bytes (none expected after an erasure; all of
    them before, which shows that the search sees the files)."""
    return [what for what, text in person.tokens.items() if _found(blob, text)]


# ----------------------------------------------------------------------------- SQLite


def sqlite_bytes(path: Path) -> bytes:
    out = b""
    for suffix in ("", "-wal", "-shm"):
        file = Path(f"{path}{suffix}")
        if file.exists():
            out += file.read_bytes()
    return out


def _open_sqlite(url: str, *, app_pragma: bool = True) -> Store:
    """A store whose every connection starts with SECURE_DELETE off, as with a SQLite built
    without it (Debian builds it in: the proof must not depend on that). With ``app_pragma``
    False the app's own PRAGMA is undone too: the control case."""
    engine = make_engine(url)

    def off_first(dbapi_conn, _record) -> None:
        dbapi_conn.execute("PRAGMA secure_delete=OFF")

    def off_again(dbapi_conn, _record) -> None:
        dbapi_conn.execute("PRAGMA secure_delete=OFF")

    sa.event.listen(engine, "connect", off_first, insert=True)
    if not app_pragma:
        sa.event.listen(engine, "connect", off_again)
    store = Store(engine)
    store.migrate()
    return store


def test_the_build_default_is_known_and_the_proof_does_not_rely_on_it(tmp_path: Path) -> None:
    raw = sqlite3.connect(tmp_path / "brut.db")
    default = raw.execute("PRAGMA secure_delete").fetchone()[0]
    compiled = [o for (o,) in raw.execute("PRAGMA compile_options") if o == "SECURE_DELETE"]
    # Debian compiles SECURE_DELETE in (1 here); upstream's default is 0. Either way the proofs
    # below start every connection with it off, and only the app's PRAGMA turns it on.
    assert default == (1 if compiled else 0)
    raw.execute("PRAGMA secure_delete=OFF")
    assert raw.execute("PRAGMA secure_delete").fetchone()[0] == 0
    raw.close()

    store = _open_sqlite(f"sqlite:///{tmp_path / 'app.db'}")
    with store.read() as conn:
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar_one() == 1
    bare = _open_sqlite(f"sqlite:///{tmp_path / 'sans.db'}", app_pragma=False)
    with bare.read() as conn:
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar_one() == 0


def test_without_the_app_pragma_the_erased_bytes_would_stay_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "sans.db"
    store = _open_sqlite(f"sqlite:///{path}", app_pragma=False)
    app, _rid, person, _other, _kept = build(store, closed=False)
    candidate_service.erase(
        app, app.actor("Alix"), person.id, typed_name=person.name, reason="demande"
    )
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    assert absent(sqlite_bytes(path), person), "the control must find the bytes"


def test_erasure_leaves_no_byte_of_the_person_in_the_sqlite_files(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    store = _open_sqlite(f"sqlite:///{path}")
    app, rid, person, other, kept = build(store, closed=False)
    assert set(absent(sqlite_bytes(path), person)) == set(person.tokens)

    # Another connection stays open during the erasure (idle), as other sessions do.
    idle = sqlite3.connect(path)
    idle.execute("SELECT count(*) FROM candidates").fetchone()
    candidate_service.erase(
        app, app.actor("Alix"), person.id, typed_name=person.name, reason="demande"
    )

    blob = sqlite_bytes(path)
    assert absent(blob, person) == []
    assert set(absent(blob, other)) == set(other.tokens)  # the reading does see the others
    assert Path(f"{path}-wal").stat().st_size == 0
    journal = data_service.journal(app, app.actor("Alix"))
    assert not any(person.name in e.subject + e.details for e in journal)
    assert any("[personne effacée]" in e.details for e in journal)
    assert not store.erasure_pending()
    idle.close()
    assert rid


def test_a_reader_holding_the_wal_delays_the_wipe_then_it_completes(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    store = _open_sqlite(f"sqlite:///{path}")
    app, _rid, person, _other, _kept = build(store, closed=False)
    reader = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT name FROM candidates").fetchall()  # holds a snapshot of the WAL
    release = threading.Timer(1.5, lambda: reader.execute("COMMIT"))
    release.start()
    started = time.monotonic()
    candidate_service.erase(
        app, app.actor("Alix"), person.id, typed_name=person.name, reason="demande"
    )
    release.join()
    assert time.monotonic() - started >= 1.0  # it did wait for the reader
    assert absent(sqlite_bytes(path), person) == []
    assert not store.erasure_pending()
    reader.close()


def test_a_reader_that_never_ends_leaves_a_pending_wipe_finished_at_the_next_open(
    tmp_path: Path,
) -> None:
    path = tmp_path / "app.db"
    url = f"sqlite:///{path}"
    store = _open_sqlite(url)
    app, _rid, person, _other, _kept = build(store, closed=False)
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT name FROM candidates").fetchall()
    with store.transaction() as tx:
        tx.delete_candidates([person.id])
    assert store.after_erasure(attempts=2, pause=0.1) is False
    assert store.erasure_pending()
    assert absent(sqlite_bytes(path), person)  # still in the WAL: not yet proven
    reader.execute("COMMIT")
    reader.close()
    store.engine.dispose()

    reopened = Store.open(url)  # finishes the pending wipe
    assert not reopened.erasure_pending()
    assert absent(sqlite_bytes(path), person) == []


def test_the_purge_leaves_no_byte_of_the_purged_people_in_the_sqlite_files(
    tmp_path: Path,
) -> None:
    path = tmp_path / "app.db"
    store = _open_sqlite(f"sqlite:///{path}")
    app, _rid, first, second, kept = build(store, closed=True)
    actor = app.actor("Alix")
    due = data_service.due_for_purge(app, actor, TODAY)
    assert {i.candidate_id for i in due} == {first.id, second.id}
    assert data_service.purge(app, actor, due, TODAY) == 2

    blob = sqlite_bytes(path)
    assert absent(blob, first) == []
    assert absent(blob, second) == []
    assert set(absent(blob, kept)) == set(kept.tokens)
    journal = data_service.journal(app, actor)
    assert not any(first.name in e.subject + e.details for e in journal)


# ----------------------------------------------------------------------------- PostgreSQL


def pg_bytes(store: Store) -> bytes:
    """Every file of the app's tables, their TOAST tables and all their indexes."""
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("CHECKPOINT")
        oids = conn.exec_driver_sql(
            """
            SELECT c.oid FROM pg_class c
             WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'i')
            UNION SELECT c.reltoastrelid FROM pg_class c
             WHERE c.relnamespace = 'public'::regnamespace AND c.reltoastrelid <> 0
            UNION SELECT i.indexrelid FROM pg_index i
              JOIN pg_class c ON c.reltoastrelid = i.indrelid
             WHERE c.relnamespace = 'public'::regnamespace
            """
        ).scalars()
        out = b""
        for oid in oids:
            out += conn.exec_driver_sql(
                "SELECT pg_read_binary_file(pg_relation_filepath(%(oid)s::oid))", {"oid": oid}
            ).scalar_one()
    return out


@pytest.fixture
def pg_store(db_url: str) -> Store:
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    return Store.open(db_url)


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgresql_keeps_deleted_rows_until_the_documented_step_then_none(
    pg_store: Store,
) -> None:
    app, _rid, person, other, _kept = build(pg_store, closed=False)
    with pg_store.transaction() as tx:
        tx.delete_candidates([person.id])
    # A plain DELETE leaves the dead tuples in the files: the proof can fail.
    assert absent(pg_bytes(pg_store), person)
    assert pg_store.after_erasure() is True
    blob = pg_bytes(pg_store)
    assert absent(blob, person) == []
    assert set(absent(blob, other)) == set(other.tokens)


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgresql_erasure_waits_for_an_older_transaction_then_leaves_no_byte(
    pg_store: Store, db_url: str
) -> None:
    app, _rid, person, other, _kept = build(pg_store, closed=False)
    elsewhere = sa.create_engine(db_url)
    idle = elsewhere.connect()  # another server's idle pooled connection
    reader = elsewhere.connect()
    reader.begin()
    reader.exec_driver_sql("SELECT count(*) FROM candidates").scalar_one()
    release = threading.Timer(1.5, reader.rollback)
    release.start()
    started = time.monotonic()
    candidate_service.erase(
        app, app.actor("Alix"), person.id, typed_name=person.name, reason="demande"
    )
    release.join()
    assert time.monotonic() - started >= 1.0
    blob = pg_bytes(pg_store)
    assert absent(blob, person) == []
    assert set(absent(blob, other)) == set(other.tokens)
    assert not pg_store.erasure_pending()
    journal = data_service.journal(app, app.actor("Alix"))
    assert not any(person.name in e.subject + e.details for e in journal)
    reader.close()
    idle.close()
    elsewhere.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgresql_wipe_blocked_by_a_transaction_is_pending_then_finished(
    pg_store: Store, db_url: str
) -> None:
    _app, _rid, person, _other, _kept = build(pg_store, closed=False)
    elsewhere = sa.create_engine(db_url)
    reader = elsewhere.connect()
    reader.begin()
    reader.exec_driver_sql("SELECT count(*) FROM candidates").scalar_one()
    with pg_store.transaction() as tx:
        tx.delete_candidates([person.id])
    assert pg_store.after_erasure(attempts=2, pause=0.1) is False
    assert pg_store.erasure_pending()
    reader.rollback()
    reader.close()
    elsewhere.dispose()
    assert pg_store.after_erasure() is True
    assert not pg_store.erasure_pending()
    assert absent(pg_bytes(pg_store), person) == []


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgresql_purge_leaves_no_byte_of_the_purged_people(pg_store: Store) -> None:
    app, _rid, first, second, kept = build(pg_store, closed=True)
    actor = app.actor("Alix")
    due = data_service.due_for_purge(app, actor, TODAY)
    assert data_service.purge(app, actor, due, TODAY) == 2
    blob = pg_bytes(pg_store)
    assert absent(blob, first) == []
    assert absent(blob, second) == []
    assert set(absent(blob, kept)) == set(kept.tokens)
