"""Backup and restore: what goes out comes back identical, beside the original as a copy or alone;
a bad file changes nothing; a restore is never half visible and never holds the lock long.

Designed cases run on SQLite and on PostgreSQL (db_url). The property-based cases (marked slow,
a short run of each stays in the fast suite) are in test_inputs_properties.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from selection.domain.model import (
    Candidate,
    Criterion,
    CultureNote,
    DebriefOpening,
    Evaluation,
    PanelAssignment,
    Recruitment,
    RecruitmentSnapshot,
    ReferenceCall,
    StageDecision,
    ValidationError,
)
from selection.services import data as data_service
from selection.services.access import Config
from selection.services.app import App
from selection.services.demo import load_demo
from selection.storage import backup
from selection.storage import store as storage
from selection.storage.backup import (
    EXPORT_REFUSAL_INTRO,
    MAX_IMPORT_BYTES,
    MAX_ROWS,
    ImportRefused,
    export_backup,
    import_backup,
    read_backup,
)
from selection.storage.engine import make_engine
from selection.storage.store import Store, new_id, new_import_id, now
from tests.integration.inputs import full_dump

# ----------------------------------------------------------------------------- helpers


def rich_recruitment(store: Store) -> str:
    """A closed recruitment using every table and every optional field."""
    rec = Recruitment(
        id=new_id(),
        title="Designer « Mon Espace »",
        role="Designer",
        team="Incubateur ; équipe 2",
        owner="Alix Durand",
        status="clos",
        created_at=datetime(2025, 1, 6, 9, 30, 12, 345678),
        closed_at=datetime(2025, 3, 1, 18, 0),
        start_date=date(2025, 4, 1),
        days_per_week=3.5,
        remote_policy="Télétravail possible, 1 jour sur site",
        max_daily_rate=620,
        references_required=False,
    )
    crits = [
        Criterion(
            id=new_id(),
            recruitment_id=rec.id,
            label="Recherche utilisateur",
            statement="La personne est capable de mener des entretiens",
            category="Métier",
            weight_level=3,
            weight=2.75,
            must_have=True,
            stages=("intra", "references"),
            position=0,
            questions=("Racontez un entretien difficile", "Que faites-vous des notes ?"),
        ),
        Criterion(
            id=new_id(),
            recruitment_id=rec.id,
            label="Accessibilité",
            weight_level=1,
            weight=0.0,
            position=1,
        ),
    ]
    cand = Candidate(
        id=new_id(),
        recruitment_id=rec.id,
        name="Bao Nguyen",
        email="bao@example.org",
        phone="+33 6 00 00 00 00",
        source="=cooptation",
        created_at=datetime(2025, 1, 10, 8, 0),
        references_agreed=True,
        talent_pool_consent=True,
        available_from=date(2025, 5, 1),
        days_per_week=4.0,
        remote_ok=False,
        other_processes="Un autre processus",
        expected_daily_rate=580,
    )
    other = Candidate(
        id=new_id(),
        recruitment_id=rec.id,
        name="Chris Lemaire",
        created_at=datetime(2025, 1, 11, 8, 0),
    )
    first = Evaluation(
        new_id(),
        cand.id,
        "intra",
        crits[0].id,
        "alix@beta.gouv.fr",
        2,
        "Preuve « initiale »\nsur 2 lignes",
        interviewer_name="Alix Durand",
    )
    snap = RecruitmentSnapshot(
        rec,
        crits,
        [cand, other],
        [
            first,
            Evaluation(
                new_id(),
                cand.id,
                "intra",
                crits[1].id,
                "Chloé",
                None,
                "",
                True,
                "À creuser",
                "brouillon",
            ),
            Evaluation(
                new_id(),
                cand.id,
                "references",
                crits[0].id,
                "Alix (réf. Eve Martin)",
                3,
                "Confirme les entretiens",
            ),
        ],
        [StageDecision(new_id(), cand.id, "intra", "arreter", "Alix", "Pas assez d'expérience")],
        [
            CultureNote(
                new_id(),
                cand.id,
                "dana@beta.gouv.fr",
                "Préfère travailler seul·e",
                True,
                "moyen",
                author_name="Dana",
            )
        ],
        [
            ReferenceCall(
                new_id(),
                cand.id,
                "Eve Martin",
                "Ancienne manager",
                "DINUM",
                date(2025, 2, 20),
                "reserves",
                "Alix",
                "Fiable",
                recorded_by_key="alix@beta.gouv.fr",
            )
        ],
        [
            PanelAssignment(
                new_id(),
                other.id,
                "intra",
                "chloe@beta.gouv.fr",
                "Chloé",
                "Alix",
                datetime(2025, 1, 12, 9, 0),
            )
        ],
        [
            DebriefOpening(
                new_id(),
                cand.id,
                "intra",
                "Alix",
                "Chloé est absente deux semaines",
                datetime(2025, 1, 20, 9, 0),
            )
        ],
    )
    store.save_snapshot(snap)
    store.save_evaluations(
        [
            Evaluation(
                new_id(),
                cand.id,
                "intra",
                crits[0].id,
                "alix@beta.gouv.fr",
                3,
                "Preuve revue",
                interviewer_name="Alix Durand",
            )
        ],
        changed_by="Alix Durand",
    )
    store.audit("Alix", "decision_etape", rec.id, f"personne {cand.id}", "arreter", "alix@x.fr")
    store.add_member(rec.id, "Alix@Beta.gouv.fr", "responsable", "Alix")
    store.add_member(rec.id, "dana@beta.gouv.fr", "membre", "Alix")
    return rec.id


def content(store: Store, recruitment_id: str) -> dict[str, Any]:
    """Everything a recruitment holds, identifiers included, the revision aside (a restore bumps
    it so no cache serves an older state)."""
    with store.reading() as tx:
        snap = tx.snapshot(recruitment_id)
        history = [
            {k: v for k, v in h.items() if k != "id"}
            for h in tx.history([e.id for e in snap.evaluations])
        ]
        journal = [
            {k: v for k, v in j.items() if k != "id"}
            for j in tx.audit_entries(recruitment_ids=[recruitment_id], limit=10_000)
        ]
    snap.recruitment = snap.recruitment.__class__(**{**snap.recruitment.__dict__, "revision": 0})
    return {"snapshot": snap, "history": history, "journal": sorted(journal, key=repr)}


def open_app(store: Store, login: bool = False) -> App:
    return App(store, Config(login=login))


def restore(store: Store, data: bytes, **options: Any) -> backup.ImportSummary:
    return backup.restore(
        store,
        data,
        actor_name="Bao",
        actor_key="bao@beta.gouv.fr",
        owner_email=options.pop("owner_email", None),
        as_copy=options.pop("as_copy", False),
        progress=options.pop("progress", None),
    )


# ----------------------------------------------------------------------------- the format


def test_format_2_holds_every_column_of_every_table_but_the_staging_marker_and_no_member():
    covered = {spec.name: {f.name for f in spec.fields} for spec in backup.SPECS_V2}
    assert "members" not in covered
    for table in storage.metadata.sorted_tables:
        if table.name in ("schema_version", "settings", "members"):
            continue
        expected = {c.name for c in table.columns} - {"import_id"}
        if table.name in ("evaluation_history", "audit_log"):
            expected -= {"id"}  # numbered anew, in order, by the target
        assert covered[table.name] == expected, table.name


def test_every_text_of_a_backup_has_a_cap():
    for specs in backup.SPECS_BY_VERSION.values():
        for spec in specs:
            for f in spec.fields:
                if f.kind in ("str", "str_list"):
                    assert f.max_length, (spec.name, f.name)


# ----------------------------------------------------------------------------- round trips


def test_a_restore_into_another_database_gives_back_every_row(db_url: str, tmp_path: Path):
    store = Store.open(db_url)
    rid = rich_recruitment(store)
    before = content(store, rid)
    data = export_backup(store, rid)  # unscoped: every draft too

    other = Store.open(f"sqlite:///{tmp_path / 'autre.db'}")
    summary = restore(other, data)
    assert summary.recruitment_ids == (rid,)
    after = content(other, rid)
    assert after["snapshot"] == before["snapshot"]
    assert after["history"] == before["history"]
    restored_journal = [j for j in after["journal"] if j["action"] != "import_sauvegarde"]
    assert restored_journal == before["journal"]  # with their original times
    [entry] = [j for j in after["journal"] if j["action"] == "import_sauvegarde"]
    assert (entry["actor"], entry["actor_key"]) == ("Bao", "bao@beta.gouv.fr")
    assert "évaluations : 3" in entry["details"]
    with other.reading() as tx:
        assert tx.members(rid) == []  # members are never restored
        assert tx.recruitment(rid).revision == store.recruitment(rid).revision + 1


def test_a_deleted_recruitment_comes_back_alone_and_its_journal_is_not_doubled(db_url: str):
    store = Store.open(db_url)
    demo = load_demo(store)
    rid = rich_recruitment(store)
    before, demo_before = content(store, rid), content(store, demo)
    data = export_backup(store, rid, actor="Alix")
    store.delete_recruitment(rid)  # the journal lines of a deleted recruitment stay

    restore(store, data)
    after = content(store, rid)
    assert after["snapshot"] == before["snapshot"]
    added = ("export_sauvegarde", "import_sauvegarde")  # written after ``before``
    assert [j for j in after["journal"] if j["action"] not in added] == before["journal"]
    assert content(store, demo) == demo_before


def test_a_copy_lands_beside_the_original_with_new_ids_and_the_same_content(db_url: str):
    store = Store.open(db_url)
    rid = rich_recruitment(store)
    data = export_backup(store, rid)
    dump_before = content(store, rid)

    summary = restore(store, data, as_copy=True, owner_email="bao@beta.gouv.fr")
    [copy_id] = summary.recruitment_ids
    assert copy_id != rid
    assert summary.recruitment_titles == ("Designer « Mon Espace » (copie)",)
    assert content(store, rid) == dump_before  # the original is untouched
    original, copy = store.snapshot(rid), store.snapshot(copy_id)
    assert copy.recruitment.title == original.recruitment.title + " (copie)"
    for name in ("criteria", "candidates", "evaluations", "decisions", "culture_notes"):
        old_rows, new_rows = getattr(original, name), getattr(copy, name)
        assert len(old_rows) == len(new_rows)
        assert not {r.id for r in old_rows} & {r.id for r in new_rows}
    assert [c.name for c in copy.candidates] == [c.name for c in original.candidates]
    assert sorted((e.stage, e.evidence, e.rating or 0) for e in copy.evaluations) == sorted(
        (e.stage, e.evidence, e.rating or 0) for e in original.evaluations
    )
    new_cands = {c.name: c.id for c in copy.candidates}
    assert {e.candidate_id for e in copy.evaluations} <= set(new_cands.values())
    with store.reading() as tx:
        assert [(m["email"], m["role"]) for m in tx.members(copy_id)] == [
            ("bao@beta.gouv.fr", "responsable")
        ]
        journal = tx.audit_entries(recruitment_ids=[copy_id])
    quoted = [j for j in journal if j["action"] == "decision_etape"]
    assert quoted[0]["subject"] == f"personne {new_cands['Bao Nguyen']}"


def test_restoring_ids_that_exist_is_refused_and_suggests_a_copy(db_url: str) -> None:
    store = Store.open(db_url)
    rid = rich_recruitment(store)
    data = export_backup(store, rid)
    dump = full_dump(store)
    with pytest.raises(ImportRefused) as err:
        restore(store, data)
    message = str(err.value)
    assert "existe déjà dans cette base" in message
    assert "importer comme copie" in message
    assert message.endswith("Rien n'a été modifié.")
    assert full_dump(store) == dump


def test_the_service_restores_as_a_new_recruitment_whose_only_member_is_the_restorer(
    db_url: str, tmp_path: Path
) -> None:
    store = Store.open(db_url)
    rid = rich_recruitment(store)
    data = export_backup(store, rid)
    target = Store.open(f"sqlite:///{tmp_path / 'cible.db'}")
    app = App(target, Config(login=True))
    summary = data_service.restore(app, app.actor("Bao", "Bao@Beta.gouv.fr"), data)
    with target.reading() as tx:
        assert [(m["email"], m["role"]) for m in tx.members(summary.recruitment_ids[0])] == [
            ("bao@beta.gouv.fr", "responsable")
        ]


def test_a_backup_holds_what_the_person_may_see_only(db_url: str) -> None:
    store = Store.open(db_url)
    rid = rich_recruitment(store)
    app = open_app(store)
    snap = store.snapshot(rid)
    waiting = next(c for c in snap.candidates if c.name == "Chris Lemaire")
    # Chloé is on Chris's panel and has not submitted: Bao's rating of Chris must not reach her.
    store.save_evaluations(
        [Evaluation(new_id(), waiting.id, "intra", snap.criteria[0].id, "Bao", 3, "Très clair")]
    )
    data = data_service.backup(app, app.actor("chloe@beta.gouv.fr"), rid)
    text = data.decode("utf-8")
    assert "Très clair" not in text
    assert "À creuser" not in text  # someone else's draft (signed « Chloé », another key)
    full = data_service.backup(app, app.actor("Alix Durand"), rid)
    assert "Très clair" in full.decode("utf-8")


def test_a_version_1_file_is_still_read_and_its_members_are_left_out(tmp_path: Path) -> None:
    source = Store.open(f"sqlite:///{tmp_path / 'source.db'}")
    rid = rich_recruitment(source)
    document = json.loads(export_backup(source, rid))
    v4_columns = {
        "recruitments": ("version", "updated_by", "updated_at", "revision"),
        "criteria": ("version", "updated_by", "updated_at"),
        "candidates": ("version", "updated_by", "updated_at"),
        "evaluations": ("interviewer_name",),
        "culture_notes": ("author_name",),
        "reference_calls": ("recorded_by_key",),
    }
    tables = document["tables"]
    for table, columns in v4_columns.items():
        for row in tables[table]:
            for column in columns:
                del row[column]
    for table in ("panel_assignments", "debrief_openings", "audit_log"):
        del tables[table]
    tables["members"] = [
        {
            "recruitment_id": rid,
            "email": "intrus@exemple.fr",
            "role": "responsable",
            "added_by": "X",
            "added_at": "2025-01-01T00:00:00",
        }
    ]
    document["version"] = 1
    target = Store.open(f"sqlite:///{tmp_path / 'cible.db'}")
    restore(target, json.dumps(document, ensure_ascii=False).encode("utf-8"))
    snap, old = target.snapshot(rid), source.snapshot(rid)
    assert [c.name for c in snap.candidates] == [c.name for c in old.candidates]
    assert [(e.interviewer, e.interviewer_name) for e in snap.evaluations] == [
        (e.interviewer, e.interviewer) for e in old.evaluations
    ]
    assert snap.panel == [] and snap.openings == []
    assert target.list_members(rid) == []


# ----------------------------------------------------------------------------- refusals


def _edit(data: bytes, change: Callable[[dict], Any]) -> bytes:
    doc = json.loads(data)
    change(doc)
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _first(table: str, **values: Any) -> Callable[[dict], None]:
    def change(doc: dict) -> None:
        doc["tables"][table][0].update(values)

    return change


BAD_FILES: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "note hors échelle": (
        lambda d: _edit(d, _first("evaluations", rating=4)),
        "Une note va de 1 à 3 (reçu : 4)",
    ),
    "colonne manquante": (
        lambda d: _edit(d, lambda doc: doc["tables"]["candidates"][0].pop("name")),
        "champ(s) manquant(s) : « name »",
    ),
    "colonne inconnue": (
        lambda d: _edit(d, _first("criteria", poids=3)),
        "champ(s) inconnu(s) : « poids »",
    ),
    "mauvais type": (
        lambda d: _edit(d, _first("criteria", weight="lourd")),
        "« weight » : un nombre attendu",
    ),
    "date illisible": (
        lambda d: _edit(d, _first("recruitments", created_at="hier")),
        "« created_at »",
    ),
    "référence inconnue": (
        lambda d: _edit(d, _first("stage_decisions", candidate_id="personne")),
        "absent du fichier",
    ),
    "journal sans recrutement": (
        lambda d: _edit(d, _first("audit_log", recruitment_id=None)),
        "« recruitment_id » : valeur obligatoire",
    ),
    "identifiant en double": (
        lambda d: _edit(
            d, lambda doc: doc["tables"]["criteria"].append(doc["tables"]["criteria"][0])
        ),
        "déjà utilisé",
    ),
    "deux fois la même clé": (
        lambda d: d.replace(b'"weight": 2.75', b'"weight": 2.75, "weight": 1.0', 1),
        "présente deux fois",
    ),
    "mauvais format": (
        lambda d: _edit(d, lambda doc: doc.update(format="autre")),
        "n'est pas une sauvegarde",
    ),
    "version future": (lambda d: _edit(d, lambda doc: doc.update(version=3)), "plus récente"),
    "pas en UTF-8": (lambda d: d.decode("utf-8").encode("latin-1", errors="replace"), "UTF-8"),
    "tronqué": (lambda d: d[: len(d) // 2], "tronqué"),
    "contenu après la fin": (lambda d: d + b"{}", "suit la fin"),
    "texte avec caractère nul": (
        lambda d: _edit(d, _first("candidates", name="Bao\u0000")),
        "caractère nul",
    ),
    "texte trop long": (lambda d: _edit(d, _first("candidates", name="B" * 201)), "trop long"),
    "preuve trop longue": (
        lambda d: _edit(d, _first("evaluations", evidence="P" * 10_001)),
        "10\u202f000 au plus",
    ),
    "entier hors limites": (
        lambda d: _edit(d, _first("recruitments", max_daily_rate=2**40)),
        "hors limites",
    ),
    "nombre gigantesque": (
        lambda d: d.replace(b'"max_daily_rate": 620', b'"max_daily_rate": ' + b"9" * 40, 1),
        "trop grand",
    ),
    "NaN": (lambda d: d.replace(b'"weight": 2.75', b'"weight": NaN'), "JSON valide"),
    "imbrication": (
        lambda d: _edit(d, _first("candidates", phone=[[[[["x"]]]]])),
        "imbriqué",
    ),
    "vide": (lambda d: b"", "vide"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_refused_with_a_clear_message_and_changes_nothing(
    store: Store, case: str
) -> None:
    rid = rich_recruitment(store)
    corrupt, expected = BAD_FILES[case]
    data = corrupt(export_backup(store, rid))
    store.delete_recruitment(rid)
    dump = full_dump(store)
    with pytest.raises(ValidationError) as err:
        restore(store, data, as_copy=True)
    message = str(err.value)
    assert expected in message
    assert message.startswith("Le fichier n'a pas été importé")
    assert message.endswith("Rien n'a été modifié.")
    assert full_dump(store) == dump


def test_a_file_over_the_size_limit_is_refused_before_reading(store: Store) -> None:
    rid = rich_recruitment(store)
    data = export_backup(store, rid)
    dump = full_dump(store)
    padded = data + b" " * (MAX_IMPORT_BYTES + 1 - len(data))
    with pytest.raises(ImportRefused) as err:
        restore(store, padded, as_copy=True)
    assert "la limite est de 20 Mo" in str(err.value)
    assert full_dump(store) == dump


def empty_rows_file(rows: int, table: str = "candidates") -> bytes:
    """A well-formed file whose ``table`` holds ``rows`` empty objects (« {} », 3 bytes each)."""
    others = "".join(f'"{name}": [], ' for name in backup.TABLE_NAMES if name != table)
    head = (
        f'{{"format": "{backup.FORMAT_NAME}", "version": 2, "exported_at": '
        f'"2026-01-01T00:00:00", "scope": "tout", "tables": {{{others}"{table}": ['
    ).encode()
    return head + b",".join([b"{}"] * rows) + b"]}}"


def test_millions_of_empty_rows_are_refused_at_the_cap_and_change_nothing(store: Store) -> None:
    load_demo(store)
    dump = full_dump(store)
    data = empty_rows_file(3_000_000)
    assert len(data) < MAX_IMPORT_BYTES
    with pytest.raises(ImportRefused) as err:
        restore(store, data)
    message = str(err.value)
    assert f"compte plus de {MAX_ROWS['candidates']:,}".replace(",", "\u202f") in message
    assert message.endswith("Rien n'a été modifié.")
    assert full_dump(store) == dump


def test_every_problem_is_counted_and_the_message_lists_the_first_twenty(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'a.db'}")
    data = export_backup(store, load_demo(store))

    def break_all(doc: dict) -> None:
        for row in doc["tables"]["evaluations"][:25]:
            row["rating"] = 0

    with pytest.raises(ImportRefused) as err:
        read_backup(_edit(data, break_all))
    assert len(err.value.problems) == 25
    message = str(err.value)
    assert message.count("Une note va de 1 à 3 (reçu : 0)") == 20
    assert "… et 5 autres problèmes." in message


def test_a_hostile_file_stops_being_checked_after_a_thousand_problems(tmp_path: Path) -> None:
    data = empty_rows_file(20_000, "evaluations")
    with pytest.raises(ImportRefused) as err:
        read_backup(data)
    assert len(err.value.problems) == backup.MAX_COUNTED_PROBLEMS
    assert "La vérification s'est arrêtée après 1\u202f000 problèmes." in str(err.value)


def test_a_rating_of_a_criterion_from_another_recruitment_is_refused(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'a.db'}")
    load_demo(store)
    rich_recruitment(store)
    doc = json.loads(export_backup(store))
    evaluation = doc["tables"]["evaluations"][0]
    owner = next(
        c["recruitment_id"]
        for c in doc["tables"]["candidates"]
        if c["id"] == evaluation["candidate_id"]
    )
    evaluation["criterion_id"] = next(
        c["id"] for c in doc["tables"]["criteria"] if c["recruitment_id"] != owner
    )
    with pytest.raises(ImportRefused) as err:
        read_backup(json.dumps(doc).encode())
    assert "appartient à un autre recrutement" in str(err.value)


def test_the_export_refuses_a_backup_it_could_not_restore(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'a.db'}")
    rid = rich_recruitment(store)
    app = open_app(store)
    # A text written before the limits existed (SQLite never enforced a length).
    with store.write() as conn:
        conn.execute(
            storage.evaluations.update()
            .where(storage.evaluations.c.evidence == "Preuve revue")
            .values(evidence="x" * 12_000)
        )
    entries = len(store.list_audit())
    with pytest.raises(ValidationError) as err:
        data_service.backup(app, app.actor("Alix"), rid)
    message = str(err.value)
    assert message.startswith(EXPORT_REFUSAL_INTRO)
    assert "« evidence » : texte trop long (12\u202f000 caractères, 10\u202f000 au plus)" in message
    assert len(store.list_audit()) == entries


# ----------------------------------------------------------------------------- staging


def demo_file(tmp_path: Path) -> bytes:
    source = Store.open(f"sqlite:///{tmp_path / 'source.db'}")
    return export_backup(source, load_demo(source))


def test_nothing_of_a_restore_is_visible_until_it_is_published(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup, "BATCH_ROWS", 5)
    store = Store.open(db_url)
    existing = load_demo(store)
    app = open_app(store)
    data = demo_file(tmp_path)
    seen: list[tuple[float, list[str], int, int]] = []

    def watch(fraction: float, message: str) -> None:
        with store.reading() as tx:
            visible = [r.id for r in tx.recruitments()]
            journal = len(tx.audit_entries(limit=10_000))
        with store.read() as conn:
            staged = conn.execute(
                sa.select(sa.func.count()).where(storage.candidates.c.import_id.is_not(None))
            ).scalar_one()
        seen.append((fraction, visible, journal, staged))

    journal_before = len(store.list_audit())
    summary = restore(store, data, as_copy=True, progress=watch)
    during = [s for s in seen if 0 < s[0] < 1]
    assert len(during) > 5  # several batches, each its own transaction
    assert any(staged for *_, staged in during)
    assert all(visible == [existing] for _, visible, _, _ in during)
    assert all(journal == journal_before for _, _, journal, _ in during)
    with store.reading() as tx:
        assert {r.id for r in tx.recruitments()} == {existing, *summary.recruitment_ids}
    assert store.staged_imports() == []
    assert len(data_service.journal(app, app.actor("Alix"), limit=10_000)) > journal_before


def test_other_people_write_between_two_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup, "BATCH_ROWS", 5)
    url = f"sqlite:///{tmp_path / 'app.db'}"
    store = Store.open(url)
    rid = load_demo(store)
    other = Store(make_engine(url))

    def short_timeout(dbapi_conn, _record) -> None:
        dbapi_conn.execute("PRAGMA busy_timeout=200")  # gives up after 0.2 s behind a lock

    sa.event.listen(other.engine, "connect", short_timeout)
    writes = 0

    def write_elsewhere(fraction: float, message: str) -> None:
        nonlocal writes
        if 0 < fraction < 1:
            other.audit("Chloé", "note", rid, "pendant l'import")
            writes += 1

    restore(store, demo_file(tmp_path), as_copy=True, progress=write_elsewhere)
    assert writes > 5


def test_a_failure_half_way_removes_what_was_staged(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup, "BATCH_ROWS", 5)
    store = Store.open(db_url)
    load_demo(store)
    dump = full_dump(store)
    calls = 0

    def fail(fraction: float, message: str) -> None:
        nonlocal calls
        calls += 1
        if calls == 6:
            raise KeyboardInterrupt  # the person left the page, the server stops…

    with pytest.raises(KeyboardInterrupt):
        restore(store, demo_file(tmp_path), as_copy=True, progress=fail)
    assert full_dump(store) == dump


def test_a_crash_leaves_hidden_rows_that_the_next_open_removes_after_an_hour(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup, "BATCH_ROWS", 5)
    store = Store.open(db_url)
    rid = load_demo(store)
    dump = full_dump(store)
    visible = content(store, rid)
    monkeypatch.setattr(Store, "discard_import", lambda self, import_id, **kw: None)

    def crash(fraction: float, message: str) -> None:
        if fraction > 0.5:
            raise SystemExit  # as if the process died: no cleanup ran

    with pytest.raises(SystemExit):
        restore(store, demo_file(tmp_path), as_copy=True, progress=crash)
    monkeypatch.undo()
    [staged] = store.staged_imports()
    assert content(store, rid) == visible
    assert [r.id for r in store.list_recruitments()] == [rid]

    Store.open(db_url)  # an import of a few seconds ago may be another server's, under way
    assert store.staged_imports() == [staged]
    old = new_import_id(now() - timedelta(hours=2))
    with store.write() as conn:
        for table in (storage.recruitments, storage.criteria, storage.candidates):
            conn.execute(table.update().where(table.c.import_id == staged).values(import_id=old))
    Store.open(db_url)
    assert store.staged_imports() == []
    assert full_dump(store) == dump


def test_the_legacy_helpers_still_write_an_audited_file(store: Store) -> None:
    rid = load_demo(store)
    export_backup(store, rid, actor="Alix")
    assert store.list_audit()[0]["action"] == "export_sauvegarde"
    with pytest.raises(ImportRefused):
        import_backup(store, export_backup(store, rid), actor="Alix")
