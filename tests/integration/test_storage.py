"""Storage on a real database file (and on PostgreSQL when CI provides one)."""

from __future__ import annotations

from dataclasses import replace

import pytest
import sqlalchemy as sa

from selection.domain.model import (
    Candidate,
    Criterion,
    Evaluation,
    Recruitment,
    StageDecision,
    ValidationError,
)
from selection.services import brief as brief_service
from selection.services import candidates as candidate_service
from selection.services.access import Config
from selection.services.app import App
from selection.services.demo import load_demo
from selection.storage import store as storage
from selection.storage.store import SCHEMA_VERSION, Store, new_id


def make_recruitment(store: Store, title: str = "Développeur·se") -> Recruitment:
    return store.save_recruitment(Recruitment(id=new_id(), title=title, owner="Camille"))


def test_fresh_database_is_created_at_the_latest_version(store: Store) -> None:
    assert store.version() == SCHEMA_VERSION
    assert store.is_empty()


def test_opening_twice_keeps_data_and_version(db_url: str) -> None:
    first = Store.open(db_url)
    rec = make_recruitment(first)
    second = Store.open(db_url)
    assert second.version() == SCHEMA_VERSION
    assert [r.id for r in second.list_recruitments()] == [rec.id]


# The schema exactly as version 1 released it: frozen here so later changes cannot hide a
# migration that forgets a column.
V1_DDL = (
    "CREATE TABLE schema_version (id INTEGER PRIMARY KEY, version INTEGER NOT NULL)",
    "CREATE TABLE recruitments (id VARCHAR(36) PRIMARY KEY, title VARCHAR(200) NOT NULL, "
    "role VARCHAR(100) NOT NULL, team VARCHAR(200) NOT NULL, owner VARCHAR(200) NOT NULL, "
    "status VARCHAR(20) NOT NULL, created_at TIMESTAMP NOT NULL, closed_at TIMESTAMP)",
    "CREATE TABLE criteria (id VARCHAR(36) PRIMARY KEY, recruitment_id VARCHAR(36) NOT NULL "
    "REFERENCES recruitments(id), label VARCHAR(200) NOT NULL, statement TEXT NOT NULL, "
    "category VARCHAR(100) NOT NULL, weight_level INTEGER NOT NULL, weight FLOAT NOT NULL, "
    "must_have BOOLEAN NOT NULL, stages VARCHAR(200) NOT NULL, position INTEGER NOT NULL, "
    "CONSTRAINT uq_criteria_label UNIQUE (recruitment_id, label))",
    "CREATE TABLE candidates (id VARCHAR(36) PRIMARY KEY, recruitment_id VARCHAR(36) NOT NULL "
    "REFERENCES recruitments(id), name VARCHAR(200) NOT NULL, email VARCHAR(200) NOT NULL, "
    "phone VARCHAR(50) NOT NULL, source VARCHAR(100) NOT NULL, created_at TIMESTAMP NOT NULL)",
    "CREATE TABLE evaluations (id VARCHAR(36) PRIMARY KEY, candidate_id VARCHAR(36) NOT NULL "
    "REFERENCES candidates(id), stage VARCHAR(40) NOT NULL, criterion_id VARCHAR(36) NOT NULL "
    "REFERENCES criteria(id), interviewer VARCHAR(200) NOT NULL, rating INTEGER, "
    "evidence TEXT NOT NULL, doubt BOOLEAN NOT NULL, doubt_note TEXT NOT NULL, "
    "status VARCHAR(20) NOT NULL, created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL, "
    "CONSTRAINT uq_evaluation_slot UNIQUE (candidate_id, stage, criterion_id, interviewer))",
    "CREATE TABLE stage_decisions (id VARCHAR(36) PRIMARY KEY, candidate_id VARCHAR(36) NOT NULL "
    "REFERENCES candidates(id), stage VARCHAR(40) NOT NULL, decision VARCHAR(20) NOT NULL, "
    "decided_by VARCHAR(200) NOT NULL, reason TEXT NOT NULL, decided_at TIMESTAMP NOT NULL)",
)
V1_ROWS = (
    "INSERT INTO schema_version (id, version) VALUES (1, 1)",
    "INSERT INTO recruitments VALUES ('r1', 'Ancien', '', '', 'Camille', 'ouvert', "
    "'2026-01-01 10:00:00', NULL)",
    "INSERT INTO criteria VALUES ('c1', 'r1', 'Code', '', '', 3, 3.0, true, 'intra', 0)",
    "INSERT INTO candidates VALUES ('p1', 'r1', 'Ana', '', '', '', '2026-01-02 10:00:00')",
    "INSERT INTO evaluations VALUES ('e1', 'p1', 'intra', 'c1', 'Karim', 3, 'Preuve', false, '', "
    "'soumis', '2026-01-03 10:00:00', '2026-01-03 10:00:00')",
)


def test_version_1_database_migrates_forward_without_losing_data(db_url: str) -> None:
    engine = storage.make_engine(db_url)
    with engine.begin() as conn:
        for statement in V1_DDL + V1_ROWS:
            conn.exec_driver_sql(statement)
    engine.dispose()

    migrated = Store.open(db_url)
    assert migrated.version() == SCHEMA_VERSION
    rec = migrated.recruitment("r1")
    assert rec.title == "Ancien" and rec.references_required is True
    (crit,) = migrated.list_criteria("r1")
    assert (crit.label, crit.weight_level, crit.must_have, crit.stages, crit.questions) == (
        "Code",
        3,
        True,
        ("intra",),
        (),
    )
    (cand,) = migrated.list_candidates("r1")
    assert cand.references_agreed is None and cand.talent_pool_consent is False
    (ev,) = migrated.list_evaluations("r1")
    assert (ev.rating, ev.evidence, ev.interviewer) == (3, "Preuve", "Karim")
    counts = migrated.count_rows()
    assert counts["evaluation_history"] == counts["culture_notes"] == counts["audit_log"] == 0
    assert Store.open(db_url).version() == SCHEMA_VERSION, "a second opening changes nothing"


def test_snapshot_round_trip_of_the_demo(store: Store) -> None:
    rid = load_demo(store)
    snap = store.snapshot(rid)
    assert snap.recruitment.title == "Développeur·se fullstack"
    assert len(snap.candidates) == 6
    assert len(snap.criteria) == 10
    assert {e.interviewer for e in snap.evaluations} == {
        "Camille Martin",
        "Karim Benali",
        "Sophie Leroy",
    }
    assert any(e.rating is None for e in snap.evaluations), "the demo has a « non évalué »"
    again = store.snapshot(rid)
    assert again.evaluations == snap.evaluations
    assert again.criteria == snap.criteria


def test_criteria_round_trip_keeps_every_field(store: Store) -> None:
    rec = make_recruitment(store)
    crit = Criterion(
        id=new_id(),
        recruitment_id=rec.id,
        label="Sécurité",
        statement="La personne est capable de …",
        category="Technique",
        weight_level=3,
        weight=2.7,
        must_have=True,
        stages=("references", "prequalification"),
        position=0,
        questions=("Raconte-moi …",),
    )
    (saved,) = store.save_criteria(rec.id, [crit])
    assert saved.updated_at is not None  # stamped by the storage (optimistic concurrency)
    assert replace(saved, updated_at=None) == Criterion(
        **{**crit.__dict__, "stages": ("prequalification", "references")}
    )


@pytest.mark.parametrize(
    "action, message",
    [
        (lambda s, r: s.save_recruitment(Recruitment(id=new_id(), title="  ")), "titre"),
        (
            lambda s, r: brief_service.save_grid(
                App(s, Config()),
                Config().actor("Camille"),
                r.id,
                [],
                brief_service.criteria_grid(
                    [
                        Criterion(id=new_id(), recruitment_id=r.id, label="Code"),
                        Criterion(id=new_id(), recruitment_id=r.id, label="code"),
                    ]
                ).reset_index(drop=True),
            ),
            "double",
        ),
        (
            lambda s, r: s.save_criteria(
                r.id, [Criterion(id=new_id(), recruitment_id=r.id, label="Code", weight=4)]
            ),
            "entre 0 et 3",
        ),
    ],
)
def test_bad_brief_input_is_refused_and_nothing_is_stored(store: Store, action, message) -> None:
    rec = make_recruitment(store)
    before = store.count_rows()
    with pytest.raises(ValidationError, match=message):
        action(store, rec)
    assert store.count_rows() == before


def test_all_weights_zero_is_refused(store: Store) -> None:
    rec = make_recruitment(store)
    (crit,) = store.save_criteria(
        rec.id, [Criterion(id=new_id(), recruitment_id=rec.id, label="A")]
    )
    app = App(store, Config())
    with pytest.raises(ValidationError, match="nulles"):
        brief_service.save_weights(app, app.actor("Camille"), rec.id, [crit], {crit.id: 0.0})
    assert store.list_criteria(rec.id)[0].weight == 2.0


def _setup_candidate(store: Store):
    rec = make_recruitment(store)
    (crit,) = store.save_criteria(
        rec.id, [Criterion(id=new_id(), recruitment_id=rec.id, label="A", stages=("intra",))]
    )
    cand = store.save_candidate(Candidate(id=new_id(), recruitment_id=rec.id, name="Ana"))
    return rec, crit, cand


@pytest.mark.parametrize(
    "change, message",
    [
        ({"rating": 4}, "de 1 à 3"),
        ({"rating": 0}, "de 1 à 3"),
        ({"evidence": "  "}, "sans preuve"),
        ({"candidate_id": "inconnu"}, "introuvable"),
        ({"stage": "entretien_secret"}, "Étape inconnue"),
    ],
)
def test_bad_evaluation_is_refused_and_the_batch_is_not_stored(
    store: Store, change, message
) -> None:
    _rec, crit, cand = _setup_candidate(store)
    good = Evaluation(
        id=new_id(),
        candidate_id=cand.id,
        stage="intra",
        criterion_id=crit.id,
        interviewer="Karim",
        rating=3,
        evidence="A livré X.",
    )
    bad = replace(good, **{"id": new_id(), "interviewer": "Sophie", **change})
    before = store.count_rows()
    with pytest.raises(ValidationError, match=message):
        store.save_evaluations([good, bad])
    assert store.count_rows() == before


def test_editing_a_submitted_rating_keeps_its_history(store: Store) -> None:
    rec, crit, cand = _setup_candidate(store)
    ev = Evaluation(
        id=new_id(),
        candidate_id=cand.id,
        stage="intra",
        criterion_id=crit.id,
        interviewer="Karim",
        rating=2,
        evidence="Exemple partiel.",
    )
    store.save_evaluations([ev])
    store.save_evaluations([replace(ev, rating=3, evidence="Preuve complète.")])
    (stored,) = store.list_evaluations(rec.id)
    assert stored.rating == 3
    (change,) = store.evaluation_history(stored.id)
    assert (change["old_rating"], change["new_rating"], change["changed_by"]) == (2, 3, "Karim")
    assert change["old_evidence"] == "Exemple partiel."


def test_decision_for_unknown_candidate_is_refused(store: Store) -> None:
    with pytest.raises(ValidationError, match="introuvable"):
        store.record_decision(
            StageDecision(
                id=new_id(),
                candidate_id="x",
                stage="intra",
                decision="continuer",
                decided_by="Camille",
            )
        )


def test_sqlite_default_uses_wal_and_a_busy_timeout(tmp_path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'wal.db'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_delete_recruitment_removes_everything_about_it(store: Store) -> None:
    rid = load_demo(store)
    other = make_recruitment(store, "Autre")
    store.delete_recruitment(rid)
    counts = store.count_rows()
    assert counts["candidates"] == counts["evaluations"] == counts["stage_decisions"] == 0
    assert [r.id for r in store.list_recruitments()] == [other.id]


def test_a_rated_criterion_cannot_be_deleted(store: Store) -> None:
    rid = load_demo(store)
    app = App(store, Config())
    criteria = store.list_criteria(rid)
    before = store.count_rows()
    with pytest.raises(ValidationError, match="déjà évalué"):
        brief_service.save_grid(
            app, app.actor("Camille"), rid, criteria, brief_service.criteria_grid(criteria[1:])
        )
    assert store.count_rows() == before


def test_a_database_from_a_newer_version_is_refused(db_url: str) -> None:
    store = Store.open(db_url)
    with store.write() as conn:
        conn.execute(storage.schema_version.update().values(version=SCHEMA_VERSION + 1))
    with pytest.raises(ValidationError, match="plus récente"):
        Store.open(db_url)


VERSIONED = {"version", "updated_by", "updated_at", "import_id"}
V4_COLUMNS = {
    "recruitments": VERSIONED | {"revision"},
    "criteria": VERSIONED,
    "candidates": VERSIONED,
    "settings": {"version", "updated_by", "updated_at"},
    "evaluations": {"interviewer_name"},
    "culture_notes": {"author_name"},
    "reference_calls": {"recorded_by_key"},
    "audit_log": {"actor_key"},
}
V4_TABLES = {"panel_assignments", "debrief_openings"}


def _version_3_metadata() -> sa.MetaData:
    """The tables as version 3 had them: today's, without what version 4 added."""
    old = sa.MetaData()
    for table in storage.metadata.sorted_tables:
        if table.name in V4_TABLES:
            continue
        keep = [c for c in table.columns if c.name not in V4_COLUMNS.get(table.name, ())]
        columns = [
            sa.Column(
                c.name,
                c.type,
                *[sa.ForeignKey(fk.target_fullname, ondelete=fk.ondelete) for fk in c.foreign_keys],
                primary_key=c.primary_key,
                nullable=c.nullable,
                server_default=c.server_default,
                autoincrement=c.autoincrement,
            )
            for c in keep
        ]
        sa.Table(table.name, old, *columns)
    return old


def test_version_3_database_migrates_forward_and_keeps_names_as_identities(db_url: str) -> None:
    engine = storage.make_engine(db_url)
    with engine.begin() as conn:
        _version_3_metadata().create_all(conn)
        conn.exec_driver_sql("INSERT INTO schema_version (id, version) VALUES (1, 3)")
        conn.exec_driver_sql(
            "INSERT INTO recruitments (id, title, role, team, owner, status, created_at, "
            "remote_policy, references_required) VALUES ('r1', 'Ancien', '', '', 'Camille', "
            "'ouvert', '2026-01-01 10:00:00', '', true)"
        )
        conn.exec_driver_sql(
            "INSERT INTO criteria (id, recruitment_id, label, statement, category, weight_level, "
            "weight, must_have, stages, position, questions) VALUES ('c1', 'r1', 'Code', '', '', "
            "3, 3.0, false, 'intra', 0, '')"
        )
        conn.exec_driver_sql(
            "INSERT INTO candidates (id, recruitment_id, name, email, phone, source, created_at, "
            "talent_pool_consent, other_processes) VALUES ('p1', 'r1', 'Ana', '', '', '', "
            "'2026-01-02 10:00:00', false, '')"
        )
        conn.exec_driver_sql(
            "INSERT INTO evaluations (id, candidate_id, stage, criterion_id, interviewer, rating, "
            "evidence, doubt, doubt_note, status, created_at, updated_at) VALUES ('e1', 'p1', "
            "'intra', 'c1', 'Karim', 3, 'Preuve', false, '', 'soumis', '2026-01-03 10:00:00', "
            "'2026-01-03 10:00:00')"
        )
        conn.exec_driver_sql(
            "INSERT INTO culture_notes (id, candidate_id, author, note, warning, severity, "
            "created_at) VALUES ('n1', 'p1', 'Sophie', 'Observation', false, 'faible', "
            "'2026-01-04 10:00:00')"
        )
        conn.exec_driver_sql(
            "INSERT INTO audit_log (at, actor, action, recruitment_id, subject, details) VALUES "
            "('2026-01-05 10:00:00', 'Camille', 'cloture', 'r1', 'Ancien', '')"
        )
        conn.exec_driver_sql(
            "INSERT INTO settings (key, value) VALUES ('retention.unsuccessful_months', '2')"
        )
    engine.dispose()

    migrated = Store.open(db_url)
    assert migrated.version() == SCHEMA_VERSION
    snap = migrated.snapshot("r1")
    assert snap.recruitment.version == 1 and snap.recruitment.revision == 1
    (ev,) = snap.evaluations
    assert (ev.interviewer, ev.rater) == ("Karim", "Karim")
    (note,) = snap.culture_notes
    assert note.author_label == "Sophie"
    assert snap.panel == [] and snap.openings == []
    (entry,) = migrated.list_audit()
    assert entry["actor_key"] == "Camille"
    assert migrated.get_setting("retention.unsuccessful_months", "3") == "2"
    assert Store.open(db_url).version() == SCHEMA_VERSION, "a second opening changes nothing"


def test_final_choice_is_audited_by_id_in_the_same_write(store: Store) -> None:
    _rec, _crit, cand = _setup_candidate(store)
    app = App(store, Config())
    candidate_service.decide(
        app,
        app.actor("Camille"),
        cand.id,
        stage="references",
        decision="retenu",
        reason="Meilleur dossier",
        base_decision_id=None,
    )
    (entry,) = [a for a in store.list_audit() if a["action"] == "choix_final"]
    assert entry["subject"] == f"personne {cand.id}" and "Ana" not in entry["subject"]


def test_imported_criterion_clashing_with_an_existing_label_is_refused(store: Store) -> None:
    from selection.storage.csv_import import import_criteria_into

    rec = make_recruitment(store)
    store.save_criteria(rec.id, [Criterion(id=new_id(), recruitment_id=rec.id, label="Code")])
    before = store.count_rows()
    with pytest.raises(ValidationError, match="existe déjà"):
        import_criteria_into(store, rec.id, "Intitulé\ncode\nTests\n".encode(), "Camille")
    assert store.count_rows() == before
