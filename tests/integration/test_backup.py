"""Backup and restore: what goes out comes back identical; a bad file changes nothing.

Designed cases run on SQLite and on PostgreSQL (db_url); the property-based cases run on SQLite
with one pair of databases per test function, emptied between examples.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selection.domain.model import (
    DECISION_VALUES,
    RECOMMENDATIONS,
    SEVERITIES,
    Candidate,
    Criterion,
    CultureNote,
    Evaluation,
    Recruitment,
    RecruitmentSnapshot,
    ReferenceCall,
    StageDecision,
    ValidationError,
)
from selection.domain.stages import STAGE_CODES
from selection.services.demo import load_demo
from selection.storage import backup
from selection.storage import store as storage
from selection.storage.backup import (
    MAX_IMPORT_BYTES,
    ImportRefused,
    export_backup,
    import_backup,
    read_backup,
)
from selection.storage.store import Store, new_id

# ----------------------------------------------------------------------------- helpers

NOT_IN_BACKUP = ("schema_version", "audit_log", "settings")


def full_dump(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order: equal dumps mean an unchanged database."""
    out = {}
    with store.read() as conn:
        for table in storage.metadata.sorted_tables:
            key = list(table.primary_key.columns)
            out[table.name] = [tuple(r) for r in conn.execute(sa.select(table).order_by(*key))]
    return out


def data_dump(store: Store) -> dict[str, list[tuple]]:
    """The rows a backup carries, as comparable tuples (the history's own numbers aside)."""
    out = {}
    with store.read() as conn:
        for table in storage.metadata.sorted_tables:
            if table.name in NOT_IN_BACKUP:
                continue
            columns = [
                c
                for c in table.columns
                if not (table.name == "evaluation_history" and c.name == "id")
            ]
            rows = conn.execute(sa.select(*columns)).all()
            out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def wipe(store: Store) -> None:
    with store.write() as conn:
        for table in reversed(storage.metadata.sorted_tables):
            if table.name != "schema_version":
                conn.execute(table.delete())


def rich_recruitment(store: Store) -> str:
    """A closed recruitment using every table and every optional field."""
    rec = store.save_recruitment(
        Recruitment(
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
    )
    crits = store.save_criteria(
        rec.id,
        [
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
                stages=(),
                position=1,
            ),
        ],
    )
    cand = store.save_candidate(
        Candidate(
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
    )
    first = Evaluation(
        new_id(), cand.id, "intra", crits[0].id, "Chloé", 2, "Preuve « initiale »\nsur 2 lignes"
    )
    store.save_evaluations(
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
        ]
    )
    store.save_evaluations(
        [Evaluation(new_id(), cand.id, "intra", crits[0].id, "Chloé", 3, "Preuve revue")],
        changed_by="Chloé",
    )
    store.record_decision(
        StageDecision(new_id(), cand.id, "intra", "arreter", "Alix", "Pas assez d'expérience")
    )
    store.save_culture_note(
        CultureNote(new_id(), cand.id, "Dana", "Préfère travailler seul·e", True, "moyen")
    )
    store.save_reference_call(
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
        ),
        [
            Evaluation(
                new_id(), cand.id, "references", crits[0].id, "Alix", 3, "Confirme les entretiens"
            )
        ],
    )
    store.add_member(rec.id, "Alix@Beta.gouv.fr", "responsable", "Alix")
    store.add_member(rec.id, "dana@beta.gouv.fr", "membre", "Alix")
    return rec.id


def fill(store: Store) -> tuple[str, str]:
    return load_demo(store), rich_recruitment(store)


def full_snapshot(store: Store, recruitment_id: str) -> tuple[RecruitmentSnapshot, list, list]:
    snap = store.snapshot(recruitment_id)
    history = [
        {k: v for k, v in h.items() if k != "id"}
        for e in snap.evaluations
        for h in store.evaluation_history(e.id)
    ]
    return snap, history, store.list_members(recruitment_id)


# ----------------------------------------------------------------------------- designed cases


def test_a_backup_holds_every_column_of_every_recruitment_table() -> None:
    covered = {spec.name: {f.name for f in spec.fields} for spec in backup.SPECS}
    for table in storage.metadata.sorted_tables:
        if table.name in NOT_IN_BACKUP:
            continue
        expected = {c.name for c in table.columns} - (
            {"id"} if table.name == "evaluation_history" else set()
        )
        assert covered[table.name] == expected, table.name


def test_everything_comes_back_field_by_field_after_export_and_import(
    db_url: str, tmp_path: Path
) -> None:
    store = Store.open(db_url)
    ids = fill(store)
    before = {rid: full_snapshot(store, rid) for rid in ids}
    dump = data_dump(store)
    data = export_backup(store, actor="Alix")

    wipe(store)
    summary = import_backup(store, data, actor="Alix")
    assert set(summary.recruitment_ids) == set(ids)
    for rid in ids:
        assert full_snapshot(store, rid) == before[rid]
    assert data_dump(store) == dump

    other = Store.open(f"sqlite:///{tmp_path / 'autre.db'}")
    import_backup(other, data, actor="Alix")
    assert data_dump(other) == dump


def test_one_recruitment_comes_back_alone_and_the_others_stay(db_url: str, tmp_path: Path) -> None:
    store = Store.open(db_url)
    demo_id, rich_id = fill(store)
    before = full_snapshot(store, rich_id)
    demo_before = full_snapshot(store, demo_id)
    data = export_backup(store, rich_id, actor="Alix")

    fresh = Store.open(f"sqlite:///{tmp_path / 'vide.db'}")
    import_backup(fresh, data, actor="Alix")
    assert [r.id for r in fresh.list_recruitments()] == [rich_id]
    assert full_snapshot(fresh, rich_id) == before

    store.delete_recruitment(rich_id)
    import_backup(store, data, actor="Alix")
    assert full_snapshot(store, rich_id) == before
    assert full_snapshot(store, demo_id) == demo_before


def test_export_and_import_are_written_to_the_audit_log(store: Store, tmp_path: Path) -> None:
    _, rich_id = fill(store)
    data = export_backup(store, rich_id, actor="Alix")
    exported = store.list_audit()[0]
    assert (exported["actor"], exported["action"], exported["recruitment_id"]) == (
        "Alix",
        "export_sauvegarde",
        rich_id,
    )
    fresh = Store.open(f"sqlite:///{tmp_path / 'cible.db'}")
    import_backup(fresh, data, actor="Bao")
    [imported] = fresh.list_audit()
    assert (imported["actor"], imported["action"], imported["recruitment_id"]) == (
        "Bao",
        "import_sauvegarde",
        rich_id,
    )
    assert "évaluations : 3" in imported["details"]


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
        "champ(s) manquant(s) : name",
    ),
    "colonne inconnue": (
        lambda d: _edit(d, _first("criteria", poids=3)),
        "champ(s) inconnu(s) : poids",
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
    "identifiant en double": (
        lambda d: _edit(
            d, lambda doc: doc["tables"]["criteria"].append(doc["tables"]["criteria"][0])
        ),
        "déjà utilisé",
    ),
    "mauvais format": (
        lambda d: _edit(d, lambda doc: doc.update(format="autre")),
        "n'est pas une sauvegarde",
    ),
    "version future": (lambda d: _edit(d, lambda doc: doc.update(version=2)), "plus récente"),
    "pas en UTF-8": (lambda d: d.decode("utf-8").encode("latin-1", errors="replace"), "UTF-8"),
    "tronqué": (lambda d: d[: len(d) // 2], "JSON valide"),
    "texte avec caractère nul": (
        lambda d: _edit(d, _first("candidates", name="Bao\u0000")),
        "caractère nul",
    ),
    "texte trop long": (lambda d: _edit(d, _first("candidates", name="B" * 201)), "trop long"),
    "entier hors limites": (
        lambda d: _edit(d, _first("recruitments", max_daily_rate=2**40)),
        "hors limites",
    ),
    "NaN": (lambda d: d.replace(b'"weight": 2.75', b'"weight": NaN'), "JSON valide"),
    "vide": (lambda d: b"", "vide"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_refused_with_a_clear_message_and_changes_nothing(
    store: Store, case: str
) -> None:
    _, rich_id = fill(store)
    corrupt, expected = BAD_FILES[case]
    data = corrupt(export_backup(store, rich_id, actor="Alix"))
    store.delete_recruitment(rich_id)
    dump = full_dump(store)
    with pytest.raises(ValidationError) as err:
        import_backup(store, data, actor="Alix")
    assert expected in str(err.value)
    assert str(err.value).startswith("Le fichier n'a pas été importé")
    assert full_dump(store) == dump


def test_importing_the_same_file_twice_is_refused_and_changes_nothing(store: Store) -> None:
    _, rich_id = fill(store)
    data = export_backup(store, rich_id, actor="Alix")
    dump = full_dump(store)
    with pytest.raises(ImportRefused) as err:
        import_backup(store, data, actor="Alix")
    assert "existe déjà dans cette base" in str(err.value)
    assert full_dump(store) == dump


def test_a_file_over_the_size_limit_is_refused_before_reading(store: Store) -> None:
    _, rich_id = fill(store)
    data = export_backup(store, rich_id)
    store.delete_recruitment(rich_id)
    dump = full_dump(store)
    padded = data + b" " * (MAX_IMPORT_BYTES + 1 - len(data))
    with pytest.raises(ImportRefused) as err:
        import_backup(store, padded)
    assert "la limite est de 20 Mo" in str(err.value)
    assert full_dump(store) == dump


def test_every_problem_is_counted_and_the_message_lists_the_first_twenty(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'a.db'}")
    demo_id = load_demo(store)
    data = export_backup(store, demo_id)

    def break_all(doc: dict) -> None:
        for row in doc["tables"]["evaluations"][:25]:
            row["rating"] = 0

    with pytest.raises(ImportRefused) as err:
        read_backup(_edit(data, break_all))
    assert len(err.value.problems) == 25
    message = str(err.value)
    assert message.count("Une note va de 1 à 3 (reçu : 0)") == 20
    assert "… et 5 autres problèmes." in message


def test_a_rating_of_a_criterion_from_another_recruitment_is_refused(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'a.db'}")
    fill(store)
    data = export_backup(store)
    doc = json.loads(data)
    foreign = next(
        c["id"]
        for c in doc["tables"]["criteria"]
        if c["recruitment_id"]
        != next(
            k["recruitment_id"]
            for k in doc["tables"]["candidates"]
            if k["id"] == doc["tables"]["evaluations"][0]["candidate_id"]
        )
    )
    doc["tables"]["evaluations"][0]["criterion_id"] = foreign
    with pytest.raises(ImportRefused) as err:
        read_backup(json.dumps(doc).encode())
    assert "appartient à un autre recrutement" in str(err.value)


# ----------------------------------------------------------------------------- properties

TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=20)
DATETIMES = st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 12, 31))
DATES = st.dates(min_value=date(1970, 1, 1), max_value=date(2100, 12, 31))
INTERVIEWERS = ("Alix", "Bao Nguyen", "Chloé")
MEMBER_EMAILS = ("alix@beta.gouv.fr", "bao@beta.gouv.fr", "chloe@beta.gouv.fr")


def _maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


@st.composite
def datasets(
    draw: st.DrawFn, full: bool = False
) -> tuple[list[RecruitmentSnapshot], list[dict], list[dict]]:
    """Valid recruitments using every table; ``full`` puts at least one row in each."""
    low = 1 if full else 0
    snaps, history, member_rows = [], [], []
    for r in range(draw(st.integers(1, 2))):
        rid = f"rec-{r}"
        rec = Recruitment(
            id=rid,
            title="Recrutement " + draw(TEXT),
            role=draw(TEXT),
            team=draw(TEXT),
            owner=draw(TEXT),
            status=draw(st.sampled_from(("ouvert", "clos"))),
            created_at=draw(DATETIMES),
            closed_at=draw(_maybe(DATETIMES)),
            start_date=draw(_maybe(DATES)),
            days_per_week=draw(_maybe(st.floats(0.5, 5))),
            remote_policy=draw(TEXT),
            max_daily_rate=draw(_maybe(st.integers(1, 2**31 - 1))),
            references_required=draw(st.booleans()),
        )
        crits = [
            Criterion(
                id=f"{rid}-crit-{i}",
                recruitment_id=rid,
                label=f"Critère {i} " + draw(TEXT),
                statement=draw(TEXT),
                category=draw(TEXT),
                weight_level=draw(st.integers(1, 3)),
                weight=draw(st.floats(0, 3)),
                must_have=draw(st.booleans()),
                stages=tuple(draw(st.lists(st.sampled_from(STAGE_CODES), unique=True))),
                position=draw(st.integers(-(2**31), 2**31 - 1)),
                questions=tuple(draw(st.lists(TEXT, max_size=3))),
            )
            for i in range(draw(st.integers(low, 3)))
        ]
        cands = [
            Candidate(
                id=f"{rid}-cand-{i}",
                recruitment_id=rid,
                name=f"Personne {i} " + draw(TEXT),
                email=draw(st.sampled_from(("", f"p{i}@exemple.fr", "Zoé.Ça@exemple.gouv.fr"))),
                phone=draw(TEXT),
                source=draw(TEXT),
                created_at=draw(DATETIMES),
                references_agreed=draw(_maybe(st.booleans())),
                talent_pool_consent=draw(st.booleans()),
                available_from=draw(_maybe(DATES)),
                days_per_week=draw(_maybe(st.floats(0.5, 5))),
                remote_ok=draw(_maybe(st.booleans())),
                other_processes=draw(TEXT),
                expected_daily_rate=draw(_maybe(st.integers(1, 2**31 - 1))),
            )
            for i in range(draw(st.integers(low, 3)))
        ]
        evals = []
        if crits and cands:
            slots = draw(
                st.lists(
                    st.tuples(
                        st.sampled_from(cands),
                        st.sampled_from(crits),
                        st.sampled_from(STAGE_CODES),
                        st.sampled_from(INTERVIEWERS),
                    ),
                    min_size=low,
                    max_size=6,
                    unique_by=lambda s: (s[0].id, s[1].id, s[2], s[3]),
                )
            )
            for i, (cand, crit, stage, who) in enumerate(slots):
                rating = draw(_maybe(st.integers(1, 3)))
                evals.append(
                    Evaluation(
                        id=f"{rid}-eval-{i}",
                        candidate_id=cand.id,
                        stage=stage,
                        criterion_id=crit.id,
                        interviewer=who,
                        rating=rating,
                        evidence=("Preuve " if rating else "") + draw(TEXT),
                        doubt=draw(st.booleans()),
                        doubt_note=draw(TEXT),
                        status=draw(st.sampled_from(("brouillon", "soumis"))),
                        created_at=draw(DATETIMES),
                        updated_at=draw(DATETIMES),
                    )
                )
        for ev in draw(st.lists(st.sampled_from(evals), min_size=low, max_size=3)) if evals else []:
            history.append(
                {
                    "evaluation_id": ev.id,
                    "changed_by": draw(TEXT),
                    "changed_at": draw(DATETIMES),
                    "old_rating": draw(_maybe(st.integers(1, 3))),
                    "new_rating": draw(_maybe(st.integers(1, 3))),
                    "old_evidence": draw(TEXT),
                    "new_evidence": draw(TEXT),
                }
            )
        decisions, notes, calls = [], [], []
        if cands:
            for i in range(draw(st.integers(low, 3))):
                decisions.append(
                    StageDecision(
                        id=f"{rid}-dec-{i}",
                        candidate_id=draw(st.sampled_from(cands)).id,
                        stage=draw(st.sampled_from(STAGE_CODES)),
                        decision=draw(st.sampled_from(DECISION_VALUES)),
                        decided_by="Décision " + draw(TEXT),
                        reason="Motif " + draw(TEXT),
                        decided_at=draw(DATETIMES),
                    )
                )
            for i in range(draw(st.integers(low, 2))):
                notes.append(
                    CultureNote(
                        id=f"{rid}-note-{i}",
                        candidate_id=draw(st.sampled_from(cands)).id,
                        author="Autrice " + draw(TEXT),
                        note="Observation " + draw(TEXT),
                        warning=draw(st.booleans()),
                        severity=draw(st.sampled_from(SEVERITIES)),
                        created_at=draw(DATETIMES),
                    )
                )
            for i in range(draw(st.integers(low, 2))):
                calls.append(
                    ReferenceCall(
                        id=f"{rid}-ref-{i}",
                        candidate_id=draw(st.sampled_from(cands)).id,
                        referee_name="Référente " + draw(TEXT),
                        relation=draw(TEXT),
                        organisation=draw(TEXT),
                        called_on=draw(DATES),
                        recommendation=draw(st.sampled_from(RECOMMENDATIONS)),
                        recorded_by="Appel " + draw(TEXT),
                        notes=draw(TEXT),
                        created_at=draw(DATETIMES),
                    )
                )
        for email in draw(
            st.lists(st.sampled_from(MEMBER_EMAILS), min_size=low, max_size=3, unique=True)
        ):
            member_rows.append(
                {
                    "recruitment_id": rid,
                    "email": email,
                    "role": draw(st.sampled_from(backup.MEMBER_ROLES)),
                    "added_by": draw(TEXT),
                    "added_at": draw(DATETIMES),
                }
            )
        snaps.append(RecruitmentSnapshot(rec, crits, cands, evals, decisions, notes, calls))
    return snaps, history, member_rows


def save_dataset(
    store: Store, dataset: tuple[list[RecruitmentSnapshot], list[dict], list[dict]]
) -> None:
    snaps, history, member_rows = dataset
    for snap in snaps:
        store.save_snapshot(snap)
    with store.write() as conn:
        if history:
            conn.execute(storage.evaluation_history.insert(), history)
        if member_rows:
            conn.execute(storage.members.insert(), member_rows)


ROUND_TRIP_EXAMPLES = 200
CORRUPTION_EXAMPLES_PER_KIND = 25


@pytest.mark.slow
def test_property_export_then_import_into_an_empty_database_gives_back_the_same_data(
    tmp_path: Path,
) -> None:
    source = Store.open(f"sqlite:///{tmp_path / 'source.db'}")
    target = Store.open(f"sqlite:///{tmp_path / 'cible.db'}")
    alone = Store.open(f"sqlite:///{tmp_path / 'seul.db'}")
    generated = 0

    @settings(
        max_examples=ROUND_TRIP_EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(dataset=datasets(), one=st.booleans())
    def round_trip(dataset: tuple, one: bool) -> None:
        nonlocal generated
        wipe(source)
        wipe(target)
        save_dataset(source, dataset)
        rec_id = dataset[0][0].recruitment.id if one else None
        data = export_backup(source, rec_id, actor="Test")
        import_backup(target, data, actor="Test")
        expected = data_dump(source)
        if rec_id is not None:
            wipe(alone)
            first = dataset[0][0]
            save_dataset(
                alone, ([first], _history_of(dataset, rec_id), _members_of(dataset, rec_id))
            )
            expected = data_dump(alone)
        assert data_dump(target) == expected
        for rec in target.list_recruitments():
            assert target.snapshot(rec.id) == source.snapshot(rec.id)
        generated += 1

    round_trip()
    assert generated >= ROUND_TRIP_EXAMPLES
    print(f"\nallers-retours export → import essayés : {generated}")


def _history_of(dataset: tuple, rec_id: str) -> list[dict]:
    snap = next(s for s in dataset[0] if s.recruitment.id == rec_id)
    ids = {e.id for e in snap.evaluations}
    return [h for h in dataset[1] if h["evaluation_id"] in ids]


def _members_of(dataset: tuple, rec_id: str) -> list[dict]:
    return [m for m in dataset[2] if m["recruitment_id"] == rec_id]


# Values of the wrong type for each kind of field (None is added for a required field).
WRONG_VALUES: dict[str, tuple] = {
    "str": (1, 2.5, True, [], {"a": 1}),
    "str_list": ("intra", [1], 3, {}),
    "int": ("12", 1.5, True, [], 2**31, -(2**31) - 1),
    "float": ("1,5", True, [], {}, "NaN"),
    "bool": ("oui", 1, 0, []),
    "date": (20240101, "2024-13-45", "hier", True, "2024-01-01T10:00:00"),
    "datetime": ("2024-02-30T10:00:00", "demain", 5, "2024-01-01T10:00:00+02:00", []),
}
INVALID_UTF8 = (b"\xff", b"\xfe", b"\xc3(", b"\x80", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80")
CORRUPTIONS = (
    "drop_key",
    "drop_top_key",
    "unknown_key",
    "wrong_type",
    "rating_out_of_range",
    "dangling_reference",
    "duplicate_row",
    "id_taken_by_another_row",
    "id_already_in_database",
    "rule_broken",
    "not_a_list",
    "wrong_format",
    "truncated",
    "garbage",
    "garbage_after",
    "non_utf8",
)


def corrupt(
    data: bytes, kind: str, draw: Callable, target_ids: dict[str, list[str]]
) -> tuple[bytes, tuple[str, ...]]:
    """A broken copy of a valid export, and fragments one of which the refusal must hold."""
    doc = json.loads(data)
    tables = doc["tables"]
    filled = [name for name in backup.TABLE_NAMES if tables[name]]
    keyed = [name for name in filled if backup.SPEC_BY_NAME[name].key]

    def pick_row(names: list[str]) -> tuple[str, dict]:
        name = draw(st.sampled_from(names))
        return name, draw(st.sampled_from(tables[name]))

    def encode() -> bytes:
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")

    if kind == "drop_key":
        name, row = pick_row(filled)
        key = draw(st.sampled_from(sorted(row)))
        del row[key]
        return encode(), (f"manquant(s) : {key}",)
    if kind == "drop_top_key":
        key = draw(st.sampled_from(backup.TOP_LEVEL_KEYS))
        del doc[key]
        return encode(), ("manquant", "n'est pas une sauvegarde", "version")
    if kind == "unknown_key":
        name, row = pick_row(filled)
        row["colonne_en_trop"] = draw(TEXT)
        return encode(), ("inconnu(s) : colonne_en_trop",)
    if kind == "wrong_type":
        name, row = pick_row(filled)
        field = draw(st.sampled_from(backup.SPEC_BY_NAME[name].fields))
        wrong = WRONG_VALUES[field.kind] + (() if field.nullable else (None,))
        row[field.name] = draw(st.sampled_from(wrong))
        return encode(), (f"« {field.name} »",)
    if kind == "rating_out_of_range":
        rated = [n for n in ("evaluations", "evaluation_history") if tables[n]]
        name, row = pick_row(rated)
        key = (
            "rating"
            if name == "evaluations"
            else draw(st.sampled_from(("old_rating", "new_rating")))
        )
        row[key] = draw(st.integers(-(2**31), 2**31 - 1).filter(lambda v: v not in (1, 2, 3)))
        return encode(), ("Une note va de 1 à 3",)
    if kind == "dangling_reference":
        links = [(t, c) for t, c, _ in backup.REFERENCES if tables[t]]
        table, column = draw(st.sampled_from(links))
        draw(st.sampled_from(tables[table]))[column] = "inconnu-" + draw(
            st.text("abcdef0123456789", max_size=20)
        )
        return encode(), ("absent du fichier",)
    if kind == "duplicate_row":
        name, row = pick_row(keyed)
        tables[name].insert(draw(st.integers(0, len(tables[name]))), dict(row))
        return encode(), ("déjà utilisé",)
    if kind == "id_taken_by_another_row":
        twice = [n for n in keyed if len(tables[n]) > 1 and "id" in tables[n][0]]
        if not twice:
            name, row = pick_row(keyed)
            tables[name].append(dict(row))
            return encode(), ("déjà utilisé",)
        name = draw(st.sampled_from(twice))
        i, j = draw(
            st.lists(st.integers(0, len(tables[name]) - 1), min_size=2, max_size=2, unique=True)
        )
        tables[name][j]["id"] = tables[name][i]["id"]
        return encode(), ("déjà utilisé",)
    if kind == "id_already_in_database":
        name = draw(st.sampled_from([n for n in keyed if n in target_ids]))
        row = draw(st.sampled_from(tables[name]))
        old, new = row["id"], draw(st.sampled_from(target_ids[name]))
        row["id"] = new
        for table, column, points_to in backup.REFERENCES:
            if points_to == name:
                for other in tables[table]:
                    if other[column] == old:
                        other[column] = new
        return encode(), ("existe déjà dans cette base",)
    if kind == "rule_broken":
        rules = {
            "criteria": [
                ("weight", 3.5),
                ("weight_level", 0),
                ("label", "  "),
                ("stages", ["entretien_final"]),
            ],
            "candidates": [
                ("name", ""),
                ("email", "pas-une-adresse"),
                ("days_per_week", 6.0),
                ("expected_daily_rate", -1),
            ],
            "evaluations": [("stage", "final"), ("interviewer", " "), ("status", "fini")],
            "stage_decisions": [("decision", "peut-etre"), ("decided_by", "")],
            "culture_notes": [("severity", "enorme"), ("note", "")],
            "reference_calls": [("recommendation", "peut-etre"), ("referee_name", "")],
            "recruitments": [("title", ""), ("status", "archive"), ("max_daily_rate", 0)],
            "members": [("role", "chef"), ("email", "sans-arobase")],
        }
        name = draw(st.sampled_from([n for n in filled if n in rules]))
        key, value = draw(st.sampled_from(rules[name]))
        draw(st.sampled_from(tables[name]))[key] = value
        return encode(), (backup.SPEC_BY_NAME[name].label,)
    if kind == "not_a_list":
        name = draw(st.sampled_from(backup.TABLE_NAMES))
        tables[name] = draw(st.sampled_from(({}, "lignes", 3, None)))
        return encode(), (f"« {name} » doit être une liste",)
    if kind == "wrong_format":
        field, value = draw(
            st.sampled_from(
                (
                    ("format", "autre-chose"),
                    ("format", None),
                    ("version", 99),
                    ("version", "1"),
                    ("version", 0),
                )
            )
        )
        doc[field] = value
        return encode(), ("sauvegarde", "version", "plus récente")
    if kind == "truncated":
        cut = draw(st.integers(0, len(data.rstrip()) - 1))
        return data[:cut], ("JSON valide", "UTF-8", "vide")
    if kind == "garbage":
        return draw(st.binary(max_size=300)), ("",)
    if kind == "garbage_after":
        tail = draw(st.binary(min_size=1, max_size=50).filter(lambda b: b.strip(b" \t\r\n")))
        return data + tail, ("JSON valide", "UTF-8")
    position = draw(st.integers(0, len(data)))
    return data[:position] + draw(st.sampled_from(INVALID_UTF8)) + data[position:], ("UTF-8",)


@pytest.mark.slow
@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_property_any_corrupted_export_is_refused_and_changes_nothing(
    tmp_path: Path, kind: str
) -> None:
    source = Store.open(f"sqlite:///{tmp_path / 'source.db'}")
    target = Store.open(f"sqlite:///{tmp_path / 'cible.db'}")
    fill(target)
    target_ids = {}
    with target.read() as conn:
        for name in backup.TABLE_NAMES:
            table = backup.SPEC_BY_NAME[name].table
            if "id" in table.c and name != "evaluation_history":
                target_ids[name] = list(conn.execute(sa.select(table.c.id)).scalars())
    counts = target.count_rows()
    dump = full_dump(target)
    generated = 0

    @settings(
        max_examples=CORRUPTION_EXAMPLES_PER_KIND,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(dataset=datasets(full=True), data=st.data())
    def corrupted(dataset: tuple, data: st.DataObject) -> None:
        nonlocal generated
        wipe(source)
        save_dataset(source, dataset)
        bad, fragments = corrupt(export_backup(source, actor="Test"), kind, data.draw, target_ids)
        with pytest.raises(ValidationError) as err:
            import_backup(target, bad, actor="Test")
        message = str(err.value)
        assert any(f in message for f in fragments), message
        assert message.startswith("Le fichier n'a pas été importé")
        assert "Rien n'a été modifié" in message
        assert target.count_rows() == counts
        assert full_dump(target) == dump
        generated += 1

    corrupted()
    assert generated >= CORRUPTION_EXAMPLES_PER_KIND
    print(f"\nfichiers corrompus essayés ({kind}) : {generated}")
