"""Generated files, good and corrupted, for both imports: spreadsheet CSV and backup restore.

A good file lands whole and comes back as written; a corrupted one is refused with a French
message ending « Rien n'a été modifié. » that holds no English word (common words and the
vocabulary of Python's and the parsers' exceptions), and the database is row for row what it
was (hidden staging rows included). The long runs (over 500 files in all) are marked slow; a
short run of each stays in the fast suite.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

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
    DebriefOpening,
    Evaluation,
    PanelAssignment,
    Recruitment,
    RecruitmentSnapshot,
    ReferenceCall,
    StageDecision,
    ValidationError,
)
from selection.domain.stages import STAGE_CODES
from selection.services import data as data_service
from selection.services.access import Config
from selection.services.app import App
from selection.storage import backup
from selection.storage import store as storage
from selection.storage.csv_import import CANDIDATE_HEADERS, MAX_CSV_ROWS
from selection.storage.store import Store, new_id
from tests.integration.inputs import english_words, full_dump, wipe
from tests.integration.test_backup import rich_recruitment

HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

# Long runs: 150 good + 250 corrupted CSV files, 100 round trips + 17 × 20 corrupted backups.
CSV_GOOD, CSV_BAD = 150, 250
RESTORE_GOOD, RESTORE_BAD_PER_KIND = 100, 20
FAST = 12  # examples of each in the fast suite


def check_refusal(message: str) -> None:
    assert message.rstrip().endswith("Rien n'a été modifié."), message
    assert not english_words(message), (english_words(message), message)


# ============================================================================== CSV

NAME_CHARS = st.characters(
    codec="utf-8",
    categories=("L", "N", "P", "Zs", "S"),
    exclude_characters="\r\n\x00\u2028\u2029\x85",
)
NAMES = (
    st.text(NAME_CHARS, min_size=1, max_size=40)
    .map(lambda t: " ".join(t.split()))
    .filter(lambda t: t and not t.startswith(("'", "=", "+", "-", "@")) and len(t) <= 200)
)


def _cell(value: str, sep: str, quote_all: bool) -> str:
    if quote_all or sep in value or '"' in value or "\n" in value or value != value.strip():
        return '"' + value.replace('"', '""') + '"'
    return value


@st.composite
def candidate_files(draw: st.DrawFn) -> tuple[bytes, list[tuple[str, str]]]:
    """A candidate CSV as Excel, LibreOffice or Grist would write it, and the people in it."""
    sep = draw(st.sampled_from([";", ",", "\t"]))
    quote_all = draw(st.booleans())
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    header = [
        draw(st.sampled_from(("Nom", *CANDIDATE_HEADERS["name"]))),
        draw(st.sampled_from(("Email", *CANDIDATE_HEADERS["email"]))),
        "Date de naissance",  # a column the app must not collect: ignored
    ]
    count = draw(st.integers(1, 8))
    people = []
    for n in range(count):
        email = draw(st.sampled_from(["", f"personne{n}@exemple.fr", f"P.{n}@Exemple.gouv.fr"]))
        people.append((draw(NAMES), email))
    rows = [header] + [[name, email, "01/01/1990"] for name, email in people]
    text = newline.join(sep.join(_cell(v, sep, quote_all) for v in row) for row in rows)
    text += draw(st.sampled_from(["", newline, newline * 3]))
    bom = "\ufeff" if draw(st.booleans()) else ""
    return (bom + text).encode("utf-8"), people


CSV_CORRUPTIONS = (
    "unclosed_quote",
    "text_after_quote",
    "lone_cr",
    "nul",
    "latin1",
    "invalid_utf8",
    "name_too_long",
    "duplicate_email",
    "bad_email",
    "no_name_column",
    "too_many_rows",
    "too_big",
    "garbage",
)


def corrupt_csv(data: bytes, kind: str, draw: Callable) -> bytes:
    lines = data.decode("utf-8-sig").replace("\r\n", "\n").rstrip("\n").split("\n")
    sep = next(s for s in (";", "\t", ",") if s in lines[0])
    row = draw(st.integers(1, len(lines) - 1))
    if kind == "unclosed_quote":
        lines[row] = '"' + lines[row].replace('"', "")
        return "\n".join(lines).encode()
    if kind == "text_after_quote":
        lines[row] = '"Dom" Durand' + sep + "d@x.fr"
        return "\n".join(lines).encode()
    if kind == "lone_cr":
        lines[row] = lines[row] + "\r" + draw(NAMES)
        return "\n".join(lines).encode()
    if kind == "nul":
        return data.replace(b"\n", b"\x00\n", 1)
    if kind == "latin1":
        lines[row] = "Hélène" + sep + "h@x.fr"
        return "\n".join(lines).encode("latin-1", errors="replace")
    if kind == "invalid_utf8":
        at = draw(st.integers(0, len(data)))
        return (
            data[:at]
            + draw(st.sampled_from([b"\xff", b"\xc3(", b"\x80", b"\xed\xa0\x80"]))
            + data[at:]
        )
    if kind == "name_too_long":
        lines[row] = "N" * draw(st.integers(201, 5_000)) + sep + ""
        return "\n".join(lines).encode()
    if kind == "duplicate_email":
        lines.append("Camille" + sep + "camille@x.fr")
        lines.append("Camille bis" + sep + "CAMILLE@x.fr")
        return "\n".join(lines).encode()
    if kind == "bad_email":
        lines[row] = "Dom" + sep + draw(st.sampled_from(["pas une adresse", "sans-arobase"]))
        return "\n".join(lines).encode()
    if kind == "no_name_column":
        lines[0] = sep.join(["Prénom", "Email"])
        return "\n".join(lines).encode()
    if kind == "too_many_rows":
        extra = draw(st.integers(MAX_CSV_ROWS, MAX_CSV_ROWS + 50))
        lines += [f"Personne {n}" for n in range(extra)]
        return "\n".join(lines).encode()
    if kind == "too_big":
        return data + b"\n" + (b"Personne;" + b"x" * 1000 + b"\n") * 1100
    return draw(st.binary(min_size=1, max_size=300))


class CsvTarget:
    """A database with a recruitment already holding people, where files are imported."""

    def __init__(self, tmp_path: Path) -> None:
        self.store = Store.open(f"sqlite:///{tmp_path / 'csv.db'}")
        self.app = App(self.store, Config())
        self.actor = self.app.actor("Alix")
        rich_recruitment(self.store)

    def new_recruitment(self) -> str:
        return self.store.save_recruitment(Recruitment(id=new_id(), title="Import")).id


def run_good_csv(tmp_path: Path, examples: int) -> int:
    target = CsvTarget(tmp_path)
    tried = 0

    @settings(max_examples=examples, deadline=None, suppress_health_check=HEALTH)
    @given(file=candidate_files())
    def good(file: tuple[bytes, list[tuple[str, str]]]) -> None:
        nonlocal tried
        data, people = file
        rid = target.new_recruitment()
        emails = [e.casefold() for _, e in people if e]
        if len(emails) != len(set(emails)):
            with pytest.raises(ValidationError) as err:
                data_service.import_csv(target.app, target.actor, rid, "candidates", data)
            check_refusal(str(err.value))
        else:
            result = data_service.import_csv(target.app, target.actor, rid, "candidates", data)
            assert result.ignored_columns == ("Date de naissance",)
            stored = target.store.list_candidates(rid)
            assert sorted((c.name, c.email) for c in stored) == sorted(people)
        tried += 1

    good()
    return tried


def run_bad_csv(tmp_path: Path, examples: int) -> int:
    target = CsvTarget(tmp_path)
    rid = target.new_recruitment()
    dump = full_dump(target.store)
    tried = 0

    @settings(max_examples=examples, deadline=None, suppress_health_check=HEALTH)
    @given(file=candidate_files(), kind=st.sampled_from(CSV_CORRUPTIONS), data=st.data())
    def bad(file: tuple[bytes, list], kind: str, data: st.DataObject) -> None:
        nonlocal tried
        broken = corrupt_csv(file[0], kind, data.draw)
        with pytest.raises(ValidationError) as err:
            data_service.import_csv(target.app, target.actor, rid, "candidates", broken)
        check_refusal(str(err.value))
        assert full_dump(target.store) == dump
        tried += 1

    bad()
    return tried


def test_generated_good_csv_files_land_whole(tmp_path: Path) -> None:
    assert run_good_csv(tmp_path, FAST) >= FAST


def test_generated_corrupted_csv_files_change_nothing(tmp_path: Path) -> None:
    assert run_bad_csv(tmp_path, FAST) >= FAST


@pytest.mark.slow
def test_many_generated_good_csv_files_land_whole(tmp_path: Path) -> None:
    tried = run_good_csv(tmp_path, CSV_GOOD)
    assert tried >= CSV_GOOD
    print(f"\nfichiers CSV corrects essayés : {tried}")


@pytest.mark.slow
def test_many_generated_corrupted_csv_files_change_nothing(tmp_path: Path) -> None:
    tried = run_bad_csv(tmp_path, CSV_BAD)
    assert tried >= CSV_BAD
    print(f"\nfichiers CSV corrompus essayés : {tried}")


# ============================================================================== backups

TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=20)
DATETIMES = st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 12, 31))
DATES = st.dates(min_value=date(1970, 1, 1), max_value=date(2100, 12, 31))
INTERVIEWERS = ("Alix", "Bao Nguyen", "chloe@beta.gouv.fr")


def _maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


@st.composite
def datasets(draw: st.DrawFn, full: bool = False) -> tuple[list[RecruitmentSnapshot], list, list]:
    """Valid recruitments using every table of format 2; ``full`` puts a row in each."""
    low = 1 if full else 0
    snaps, history, journal = [], [], []
    for r in range(draw(st.integers(1, 2))):
        rid = f"rec-{r}-{new_id()[:8]}"
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
                        interviewer_name=draw(TEXT),
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
        decisions, notes, calls, plan, openings = [], [], [], [], []
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
            for i, (cand, stage) in enumerate(
                draw(
                    st.lists(
                        st.tuples(st.sampled_from(cands), st.sampled_from(STAGE_CODES)),
                        min_size=low,
                        max_size=2,
                        unique_by=lambda p: (p[0].id, p[1]),
                    )
                )
            ):
                plan.append(
                    PanelAssignment(
                        id=f"{rid}-pan-{i}",
                        candidate_id=cand.id,
                        stage=stage,
                        member_key=draw(st.sampled_from(INTERVIEWERS)),
                        member_name=draw(TEXT),
                        assigned_by=draw(TEXT),
                        assigned_at=draw(DATETIMES),
                    )
                )
            for i in range(draw(st.integers(low, 2))):
                openings.append(
                    DebriefOpening(
                        id=f"{rid}-deb-{i}",
                        candidate_id=draw(st.sampled_from(cands)).id,
                        stage=draw(st.sampled_from(STAGE_CODES)),
                        opened_by=draw(TEXT),
                        reason="Raison " + draw(TEXT),
                        opened_at=draw(DATETIMES),
                    )
                )
        for _ in range(draw(st.integers(low, 3))):
            journal.append(
                {
                    "at": draw(DATETIMES),
                    "actor": "Alix " + draw(TEXT),
                    "actor_key": draw(TEXT),
                    "action": draw(st.sampled_from(("creation", "decision_etape", "note"))),
                    "recruitment_id": rid,
                    "subject": draw(TEXT),
                    "details": draw(TEXT),
                }
            )
        snaps.append(
            RecruitmentSnapshot(rec, crits, cands, evals, decisions, notes, calls, plan, openings)
        )
    return snaps, history, journal


def save_dataset(store: Store, dataset: tuple) -> None:
    snaps, history, journal = dataset
    for snap in snaps:
        store.save_snapshot(snap)
    with store.write() as conn:
        if history:
            conn.execute(storage.evaluation_history.insert(), history)
        if journal:
            conn.execute(storage.audit_log.insert(), journal)


def data_dump(store: Store) -> dict[str, list[tuple]]:
    """The rows a backup carries, as comparable tuples: no members, the numbers of the history
    and the journal aside, the revision aside (a restore bumps it), the journal line of the
    restore itself aside."""
    out = {}
    with store.read() as conn:
        for table in storage.metadata.sorted_tables:
            if table.name in ("schema_version", "settings", "members"):
                continue
            skip = {"id"} if table.name in ("evaluation_history", "audit_log") else set()
            skip |= {"revision"} if table.name == "recruitments" else set()
            columns = [c for c in table.columns if c.name not in skip]
            query = sa.select(*columns)
            if table.name == "audit_log":
                query = query.where(table.c.action != "import_sauvegarde")
            out[table.name] = sorted((tuple(r) for r in conn.execute(query)), key=repr)
    return out


def run_round_trips(tmp_path: Path, examples: int) -> int:
    source = Store.open(f"sqlite:///{tmp_path / 'source.db'}")
    target = Store.open(f"sqlite:///{tmp_path / 'cible.db'}")
    tried = 0

    @settings(max_examples=examples, deadline=None, suppress_health_check=HEALTH)
    @given(dataset=datasets(), copy=st.booleans())
    def round_trip(dataset: tuple, copy: bool) -> None:
        nonlocal tried
        wipe(source)
        wipe(target)
        save_dataset(source, dataset)
        data = backup.export_parts(backup.snapshot_parts(source), scope="tout")
        summary = backup.restore(
            target,
            data,
            actor_name="Test",
            actor_key="test",
            owner_email=None,
            as_copy=copy,
            progress=None,
        )
        assert len(summary.recruitment_ids) == len(dataset[0])
        if copy:
            assert not set(summary.recruitment_ids) & {s.recruitment.id for s in dataset[0]}
            counts, expected = target.count_rows(), source.count_rows()
            for name in (
                "criteria",
                "candidates",
                "evaluations",
                "evaluation_history",
                "stage_decisions",
                "culture_notes",
                "reference_calls",
                "panel_assignments",
                "debrief_openings",
            ):
                assert counts[name] == expected[name], name
            assert all(r.title.endswith(" (copie)") for r in target.list_recruitments())
        else:
            assert data_dump(target) == data_dump(source)
            for rid in summary.recruitment_ids:
                assert target.snapshot(rid).candidates == source.snapshot(rid).candidates
        assert target.staged_imports() == []
        tried += 1

    round_trip()
    return tried


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
BACKUP_CORRUPTIONS = (
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
    "too_long",
    "truncated",
    "garbage",
    "garbage_after",
    "non_utf8",
)


def corrupt_backup(
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
        return encode(), (f"manquant(s) : « {key} »",)
    if kind == "drop_top_key":
        key = draw(st.sampled_from(backup.TOP_LEVEL_KEYS))
        del doc[key]
        return encode(), ("manquant", "n'est pas une sauvegarde", "version")
    if kind == "unknown_key":
        name, row = pick_row(filled)
        row["colonne_en_trop"] = draw(TEXT)
        return encode(), ("inconnu(s) : « colonne_en_trop »",)
    if kind == "wrong_type":
        name, row = pick_row(filled)
        field = draw(st.sampled_from(backup.SPEC_BY_NAME[name].fields))
        wrong = WRONG_VALUES[field.kind] + (() if field.nullable else (None,))
        row[field.name] = draw(st.sampled_from(wrong))
        return encode(), (f"« {field.name} »",)
    if kind == "rating_out_of_range":
        name, row = pick_row([n for n in ("evaluations", "evaluation_history") if tables[n]])
        key = (
            "rating"
            if name == "evaluations"
            else draw(st.sampled_from(("old_rating", "new_rating")))
        )
        row[key] = draw(st.integers(-(2**31), 2**31 - 1).filter(lambda v: v not in (1, 2, 3)))
        return encode(), ("Une note va de 1 à 3",)
    if kind == "dangling_reference":
        links = [(t, c) for t, c, _ in backup.REFERENCES if tables.get(t)]
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
        twice = [n for n in keyed if len(tables[n]) > 1]
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
            if points_to == name and table in tables:
                for other in tables[table]:
                    if other[column] == old:
                        other[column] = new
        return encode(), ("existe déjà dans cette base", "existent déjà dans cette base")
    if kind == "rule_broken":
        rules = {
            "criteria": [
                ("weight", 3.5),
                ("weight_level", 0),
                ("label", "  "),
                ("stages", ["final"]),
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
            "panel_assignments": [("stage", "final"), ("member_key", " ")],
            "debrief_openings": [("reason", " "), ("stage", "final")],
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
                    ("version", "2"),
                    ("version", 0),
                )
            )
        )
        doc[field] = value
        return encode(), ("sauvegarde", "version", "plus récente")
    if kind == "too_long":
        name, row = pick_row(filled)
        texts = [f for f in backup.SPEC_BY_NAME[name].fields if f.kind == "str"]
        field = draw(st.sampled_from(texts))
        row[field.name] = "x" * (field.max_length + draw(st.integers(1, 50)))
        return encode(), ("trop long",)
    if kind == "truncated":
        cut = draw(st.integers(0, len(data.rstrip()) - 1))
        return data[:cut], ("tronqué", "UTF-8", "vide", "JSON valide")
    if kind == "garbage":
        return draw(st.binary(max_size=300)), ("",)
    if kind == "garbage_after":
        tail = draw(st.binary(min_size=1, max_size=50).filter(lambda b: b.strip(b" \t\r\n")))
        return data + tail, ("suit la fin", "UTF-8", "JSON valide")
    position = draw(st.integers(0, len(data)))
    return data[:position] + draw(st.sampled_from(INVALID_UTF8)) + data[position:], ("UTF-8",)


def run_bad_backups(tmp_path: Path, kind: str, examples: int) -> int:
    source = Store.open(f"sqlite:///{tmp_path / 'source.db'}")
    target = Store.open(f"sqlite:///{tmp_path / 'cible.db'}")
    rich_recruitment(target)
    target_ids = {}
    with target.read() as conn:
        for name in backup.TABLE_NAMES:
            table = backup.SPEC_BY_NAME[name].table
            if backup.SPEC_BY_NAME[name].key == ("id",):
                found = list(conn.execute(sa.select(table.c.id)).scalars())
                if found:
                    target_ids[name] = found
    dump = full_dump(target)
    tried = 0

    @settings(max_examples=examples, deadline=None, suppress_health_check=HEALTH)
    @given(dataset=datasets(full=True), data=st.data())
    def corrupted(dataset: tuple, data: st.DataObject) -> None:
        nonlocal tried
        wipe(source)
        save_dataset(source, dataset)
        good = backup.export_parts(backup.snapshot_parts(source), scope="tout")
        bad, fragments = corrupt_backup(good, kind, data.draw, target_ids)
        with pytest.raises(ValidationError) as err:
            backup.restore(
                target,
                bad,
                actor_name="Test",
                actor_key="test",
                owner_email=None,
                as_copy=False,
                progress=None,
            )
        message = str(err.value)
        assert any(f in message for f in fragments), message
        assert message.startswith("Le fichier n'a pas été importé")
        check_refusal(message)
        assert full_dump(target) == dump
        tried += 1

    corrupted()
    return tried


def test_generated_backups_come_back_whole(tmp_path: Path) -> None:
    assert run_round_trips(tmp_path, FAST) >= FAST


@pytest.mark.parametrize("kind", BACKUP_CORRUPTIONS)
def test_generated_corrupted_backups_change_nothing(tmp_path: Path, kind: str) -> None:
    assert run_bad_backups(tmp_path, kind, 3) >= 3


@pytest.mark.slow
def test_many_generated_backups_come_back_whole(tmp_path: Path) -> None:
    tried = run_round_trips(tmp_path, RESTORE_GOOD)
    assert tried >= RESTORE_GOOD
    print(f"\nallers-retours sauvegarde → restauration essayés : {tried}")


@pytest.mark.slow
@pytest.mark.parametrize("kind", BACKUP_CORRUPTIONS)
def test_many_generated_corrupted_backups_change_nothing(tmp_path: Path, kind: str) -> None:
    tried = run_bad_backups(tmp_path, kind, RESTORE_BAD_PER_KIND)
    assert tried >= RESTORE_BAD_PER_KIND
    print(f"\nsauvegardes corrompues essayées ({kind}) : {tried}")
