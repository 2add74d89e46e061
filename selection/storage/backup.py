"""Backup and restore: one recruitment, or several, in one JSON file.

The file is UTF-8 JSON: a format name and version, when and what was exported, and per table the
rows, one object per row keyed by column name. Dates and times are ISO 8601 strings (naive UTC,
as stored); the stages and questions of a criterion are lists.

Format 2 (written since schema 4) is serialised from the snapshots the service hands over, already
scoped to the person backing up (no one else's draft, nothing the blind rule withholds from
them): recruitments, criteria, candidates, evaluations and their history, stage decisions,
culture-fit notes, reference calls, the stage plan, early debrief openings, and the journal of
each recruitment, every column of schema 4 except the staging marker. Members are never part of
a backup: a restored recruitment belongs to the person who restores it. Format 1 files (schema
3, members included) are still read; their members are checked, then left out.

Reading is bounded before anything is built: the size (``MAX_IMPORT_BYTES``), then a streaming
scan (ijson) that counts the rows of every table and refuses a file as soon as a table passes its
cap (``MAX_ROWS``), so a small file of millions of empty rows costs a fraction of a second. Only
then are rows built, one at a time, each checked with the entities' own rules and against the
rows before it (identifiers, references, duplicates); the refusal lists the problems in French.

Restoring never holds the write lock for more than one short batch, and never leaves half a
file visible (see ``restore``).
"""

from __future__ import annotations

import codecs
import io
import json
import logging
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

import ijson
import sqlalchemy as sa

from selection.domain import limits
from selection.domain.formatting import counted, export_filename, fr_number
from selection.domain.ids import new_id, now
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
from selection.storage.schema import (
    audit_log,
    candidates,
    criteria,
    culture_notes,
    debrief_openings,
    evaluation_history,
    evaluations,
    members,
    panel_assignments,
    recruitments,
    reference_calls,
    stage_decisions,
)
from selection.storage.store import Store, Tx, chunks, new_import_id

log = logging.getLogger(__name__)

FORMAT_NAME = "selection-beta-sauvegarde"
FORMAT_VERSION = 2
MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_LISTED_PROBLEMS = 20
MAX_COUNTED_PROBLEMS = 1_000  # the check stops there: the file is refused anyway
SCOPES = ("recrutement", "tout")
TOP_LEVEL_KEYS = ("format", "version", "exported_at", "scope", "tables")
MEMBER_ROLES = ("responsable", "membre")
NOTHING_CHANGED = "Rien n'a été modifié."
COPY_SUFFIX = " (copie)"
BATCH_ROWS = 500  # rows per write transaction while restoring

# Rows per table a file may hold, counted while streaming, before any row is built. Far above
# what a team writes (a recruitment has tens of criteria and hundreds of people), low enough that
# the largest file is checked in seconds. The export refuses to write a file over them, so every
# backup the app writes can be restored.
MAX_ROWS: dict[str, int] = {
    "recruitments": 1_000,
    "criteria": 20_000,
    "candidates": 50_000,
    "evaluations": 100_000,
    "evaluation_history": 100_000,
    "stage_decisions": 100_000,
    "culture_notes": 50_000,
    "reference_calls": 50_000,
    "panel_assignments": 100_000,
    "debrief_openings": 50_000,
    "audit_log": 100_000,
    "members": 10_000,
}
MAX_TOTAL_ROWS = 200_000
MAX_DEPTH = 6  # root › tables › table › row › list field › item

# Both databases must accept every value an import writes: PostgreSQL stores 32-bit integers and
# refuses the NUL character in text, so a file holding either is refused up front.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1

# Caps of the TEXT columns (VARCHAR columns carry their own length, from domain/limits.py).
TEXT_CAPS: dict[tuple[str, str], int] = {
    ("criteria", "statement"): limits.STATEMENT,
    ("criteria", "questions"): limits.QUESTIONS,
    ("candidates", "other_processes"): limits.OTHER_PROCESSES,
    ("evaluations", "evidence"): limits.EVIDENCE,
    ("evaluations", "doubt_note"): limits.DOUBT_NOTE,
    ("evaluation_history", "old_evidence"): limits.EVIDENCE,
    ("evaluation_history", "new_evidence"): limits.EVIDENCE,
    ("stage_decisions", "reason"): limits.REASON,
    ("culture_notes", "note"): limits.NOTE,
    ("reference_calls", "notes"): limits.NOTE,
    ("debrief_openings", "reason"): limits.REASON,
    ("audit_log", "details"): limits.JOURNAL_DETAILS,
}


class ImportRefused(ValidationError):
    """A file refused as a whole; ``problems`` lists the reasons found (at most
    ``MAX_COUNTED_PROBLEMS``), the message the first ones."""

    def __init__(self, problems: Sequence[str], intro: str, *, stopped: bool = False) -> None:
        self.problems = list(problems)
        super().__init__(problems_message(intro, self.problems, stopped=stopped))


def problems_message(
    intro: str,
    problems: Sequence[str],
    limit: int = MAX_LISTED_PROBLEMS,
    *,
    stopped: bool = False,
) -> str:
    """One readable message: a sentence, then the first ``limit`` problems and how many more,
    then « Rien n'a été modifié. »"""
    count = len(problems)
    noun = "problème" if count == 1 else "problèmes"
    lines = [f"{intro} {'au moins ' if stopped else ''}{fr_number(count, 0)} {noun} :"]
    lines += [f"- {p}" for p in problems[:limit]]
    if count > limit:
        rest = count - limit
        lines.append(
            f"… et {'au moins ' if stopped else ''}{fr_number(rest, 0)} "
            f"autre{'s' if rest > 1 else ''} problème{'s' if rest > 1 else ''}."
        )
    if stopped:
        lines.append(f"La vérification s'est arrêtée après {fr_number(count, 0)} problèmes.")
    lines.append(NOTHING_CHANGED)
    return "\n".join(lines)


REFUSAL_INTRO = "Le fichier n'a pas été importé :"
EXPORT_REFUSAL_INTRO = (
    "La sauvegarde n'a pas été produite, car elle ne pourrait pas être restaurée :"
)


# --------------------------------------------------------------------- table descriptions


@dataclass(frozen=True)
class _Field:
    name: str
    kind: str  # str, int, float, bool, date, datetime, str_list
    nullable: bool
    max_length: int | None
    required: bool = True  # False: an older format may leave it out (the entity's default)


@dataclass(frozen=True)
class _TableSpec:
    table: sa.Table
    label: str
    key: tuple[str, ...]
    entity: type | None
    fields: tuple[_Field, ...]
    restored: bool = True  # members of format 1 are checked, never restored

    @property
    def name(self) -> str:
        return self.table.name


def _kind(column: sa.Column) -> str:
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return "bool"
    if isinstance(kind, sa.DateTime):
        return "datetime"
    if isinstance(kind, sa.Date):
        return "date"
    if isinstance(kind, sa.Integer):
        return "int"
    if isinstance(kind, sa.Float):
        return "float"
    return "str"


def _spec(
    table: sa.Table,
    label: str,
    key: tuple[str, ...],
    entity: type | None,
    *,
    skip: tuple[str, ...] = (),
    lists: tuple[str, ...] = (),
    optional: tuple[str, ...] = (),
    required_values: tuple[str, ...] = (),
    restored: bool = True,
) -> _TableSpec:
    out = []
    for column in table.columns:
        if column.name in skip:
            continue
        kind = "str_list" if column.name in lists else _kind(column)
        length = getattr(column.type, "length", None)
        if kind in ("str", "str_list") and length is None:
            length = TEXT_CAPS[(table.name, column.name)]
        nullable = bool(column.nullable) and column.name not in required_values
        out.append(
            _Field(column.name, kind, nullable, length, required=column.name not in optional)
        )
    return _TableSpec(table, label, key, entity, tuple(out), restored)


_STAGED = ("import_id",)
_V4_VERSIONED = ("version", "updated_by", "updated_at")

# In insertion order: every row's references point to a table earlier in the list.
SPECS_V2: tuple[_TableSpec, ...] = (
    _spec(recruitments, "recrutements", ("id",), Recruitment, skip=_STAGED),
    _spec(criteria, "critères", ("id",), Criterion, skip=_STAGED, lists=("stages", "questions")),
    _spec(candidates, "personnes candidates", ("id",), Candidate, skip=_STAGED),
    _spec(evaluations, "évaluations", ("id",), Evaluation),
    # The history and the journal keep their order, not their numbers: the target numbers them.
    _spec(evaluation_history, "historique des évaluations", (), None, skip=("id",)),
    _spec(stage_decisions, "décisions", ("id",), StageDecision),
    _spec(culture_notes, "observations d'adéquation", ("id",), CultureNote),
    _spec(reference_calls, "prises de références", ("id",), ReferenceCall),
    _spec(panel_assignments, "affectations du panel", ("id",), PanelAssignment),
    _spec(debrief_openings, "ouvertures du débrief", ("id",), DebriefOpening),
    _spec(audit_log, "journal", (), None, skip=("id",), required_values=("recruitment_id",)),
)

# Format 1 (schema 3): the columns added by schema 4 may be absent (files written by schema 4
# under format 1 carry them); members are checked and left out.
SPECS_V1: tuple[_TableSpec, ...] = (
    _spec(
        recruitments,
        "recrutements",
        ("id",),
        Recruitment,
        skip=_STAGED,
        optional=(*_V4_VERSIONED, "revision"),
    ),
    _spec(
        criteria,
        "critères",
        ("id",),
        Criterion,
        skip=_STAGED,
        lists=("stages", "questions"),
        optional=_V4_VERSIONED,
    ),
    _spec(
        candidates,
        "personnes candidates",
        ("id",),
        Candidate,
        skip=_STAGED,
        optional=_V4_VERSIONED,
    ),
    _spec(evaluations, "évaluations", ("id",), Evaluation, optional=("interviewer_name",)),
    _spec(evaluation_history, "historique des évaluations", (), None, skip=("id",)),
    _spec(stage_decisions, "décisions", ("id",), StageDecision),
    _spec(
        culture_notes, "observations d'adéquation", ("id",), CultureNote, optional=("author_name",)
    ),
    _spec(
        reference_calls,
        "prises de références",
        ("id",),
        ReferenceCall,
        optional=("recorded_by_key",),
    ),
    _spec(members, "membres", ("recruitment_id", "email"), None, restored=False),
)
SPECS_BY_VERSION: dict[int, tuple[_TableSpec, ...]] = {1: SPECS_V1, 2: SPECS_V2}
SPECS = SPECS_V2
SPEC_BY_NAME: dict[str, _TableSpec] = {s.name: s for s in SPECS}
TABLE_NAMES: tuple[str, ...] = tuple(SPEC_BY_NAME)
_LABELS = {s.name: s.label for v in SPECS_BY_VERSION.values() for s in v}

# (table, column) → referenced table; every reference must point to a row of the same file.
REFERENCES: tuple[tuple[str, str, str], ...] = (
    ("criteria", "recruitment_id", "recruitments"),
    ("candidates", "recruitment_id", "recruitments"),
    ("evaluations", "candidate_id", "candidates"),
    ("evaluations", "criterion_id", "criteria"),
    ("evaluation_history", "evaluation_id", "evaluations"),
    ("stage_decisions", "candidate_id", "candidates"),
    ("culture_notes", "candidate_id", "candidates"),
    ("reference_calls", "candidate_id", "candidates"),
    ("panel_assignments", "candidate_id", "candidates"),
    ("debrief_openings", "candidate_id", "candidates"),
    ("audit_log", "recruitment_id", "recruitments"),
    ("members", "recruitment_id", "recruitments"),
)
_REFS_OF: dict[str, list[tuple[str, str]]] = {}
for _table, _column, _target in REFERENCES:
    _REFS_OF.setdefault(_table, []).append((_column, _target))

# Unique together within a file (and in the database): label of a criterion in a recruitment,
# one evaluation per slot, one place on a panel.
UNIQUE_TOGETHER: dict[str, tuple[tuple[str, ...], str]] = {
    "criteria": (("recruitment_id", "label"), "intitulé de critère en double"),
    "evaluations": (
        ("candidate_id", "stage", "criterion_id", "interviewer"),
        "deux évaluations pour la même personne, étape, critère et personne évaluatrice",
    ),
    "panel_assignments": (
        ("candidate_id", "stage", "member_key"),
        "la même personne deux fois dans le panel d'une étape",
    ),
}


# --------------------------------------------------------------------- export


@dataclass(frozen=True)
class BackupPart:
    """One recruitment as the person backing up may see it, the history of its visible ratings
    (rows of ``evaluation_history``) and its journal (rows of ``audit_log``)."""

    snapshot: RecruitmentSnapshot
    history: list[dict] = field(default_factory=list)
    journal: list[dict] = field(default_factory=list)


def _json_value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind in ("date", "datetime"):
        return value.isoformat()
    if kind == "bool":
        return bool(value)
    if kind == "float":
        return float(value)
    if kind == "str_list":
        return list(value)
    return value


def _entity_row(spec: _TableSpec, entity: Any) -> dict[str, Any]:
    return {f.name: _json_value(getattr(entity, f.name), f.kind) for f in spec.fields}


def _dict_row(spec: _TableSpec, row: dict) -> dict[str, Any]:
    return {f.name: _json_value(row.get(f.name), f.kind) for f in spec.fields}


def _part_tables(parts: Sequence[BackupPart]) -> dict[str, list[dict[str, Any]]]:
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLE_NAMES}
    spec = SPEC_BY_NAME
    entity_lists = (
        ("criteria", "criteria"),
        ("candidates", "candidates"),
        ("evaluations", "evaluations"),
        ("stage_decisions", "decisions"),
        ("culture_notes", "culture_notes"),
        ("reference_calls", "reference_calls"),
        ("panel_assignments", "panel"),
        ("debrief_openings", "openings"),
    )
    for part in parts:
        snap = part.snapshot
        tables["recruitments"].append(_entity_row(spec["recruitments"], snap.recruitment))
        for table, attribute in entity_lists:
            tables[table] += [_entity_row(spec[table], e) for e in getattr(snap, attribute)]
        history = sorted(part.history, key=lambda h: h.get("id") or 0)
        tables["evaluation_history"] += [_dict_row(spec["evaluation_history"], h) for h in history]
        journal = sorted(part.journal, key=lambda j: j.get("id") or 0)
        tables["audit_log"] += [_dict_row(spec["audit_log"], j) for j in journal]
    return tables


def export_parts(parts: Sequence[BackupPart], *, scope: str) -> bytes:
    """The given recruitments as UTF-8 JSON bytes (format 2), serialised from the snapshots as
    given, never from the database.

    The file is read back with the same checks as a restore before it is returned: a backup
    that could not be restored (too big, too many rows, a text longer than today's limits
    written before they existed…) is refused here, in French, rather than discovered the day
    it is needed.
    """
    if scope not in SCOPES:
        raise ValidationError(f"Portée de sauvegarde inconnue : « {scope[:40]} ».")
    tables = _part_tables(parts)
    over = [
        f"{_LABELS[name]} : {fr_number(len(rows), 0)} lignes pour {fr_number(MAX_ROWS[name], 0)} "
        "au plus"
        for name, rows in tables.items()
        if len(rows) > MAX_ROWS[name]
    ]
    total = sum(len(rows) for rows in tables.values())
    if total > MAX_TOTAL_ROWS:
        over.append(
            f"{fr_number(total, 0)} lignes en tout pour {fr_number(MAX_TOTAL_ROWS, 0)} au plus"
        )
    if over:
        over.append("sauvegardez les recrutements un par un.")
        raise ImportRefused(over, EXPORT_REFUSAL_INTRO)
    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported_at": now().isoformat(),
        "scope": scope,
        "tables": tables,
    }
    data = json.dumps(document, ensure_ascii=False, indent=1, allow_nan=False).encode("utf-8")
    try:
        read_backup(data)
    except ImportRefused as refused:
        raise ImportRefused(refused.problems, EXPORT_REFUSAL_INTRO) from None
    return data


def backup_filename(recruitment_title: str | None, on: date) -> str:
    """``sauvegarde-<recrutement>-<date>.json``, or ``sauvegarde-tout-<date>.json``."""
    return export_filename(recruitment_title or "tout", "sauvegarde", "json", on)


# --------------------------------------------------------------------- checking one value


class _Bad(Exception):
    """One unusable value; the message says why, in French."""


def _check_text(value: str, max_length: int | None) -> str:
    if "\x00" in value:
        raise _Bad("le texte contient un caractère nul")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _Bad("le texte contient un caractère invalide") from None
    if max_length is not None and len(value) > max_length:
        raise _Bad(
            f"texte trop long ({fr_number(len(value), 0)} caractères, "
            f"{fr_number(max_length, 0)} au plus)"
        )
    return value


def _describe(value: Any) -> str:
    if value is None:
        return "vide (« null »)"
    if isinstance(value, bool):
        return "un booléen"
    if isinstance(value, int | float):
        return "un nombre"
    if isinstance(value, str):
        return "un texte"
    if isinstance(value, list):
        return "une liste"
    return "un objet"


_EXPECTED = {
    "str": "un texte",
    "int": "un nombre entier",
    "float": "un nombre",
    "bool": "un booléen (« true » ou « false »)",
    "date": "une date AAAA-MM-JJ",
    "datetime": "une date et heure ISO 8601",
    "str_list": "une liste de textes",
}


def _convert(value: Any, f: _Field) -> Any:
    """The Python value for one JSON value, or _Bad if the type or range cannot be stored."""
    if value is None:
        if f.nullable:
            return None
        raise _Bad(f"valeur obligatoire, reçu : {_describe(value)}")
    wrong = _Bad(f"{_EXPECTED[f.kind]} attendu, reçu : {_describe(value)}")
    if f.kind == "str":
        if not isinstance(value, str):
            raise wrong
        return _check_text(value, f.max_length)
    if f.kind == "str_list":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise wrong
        for v in value:
            _check_text(v, None)
        if f.max_length is not None:
            _check_text("\n".join(value), f.max_length)
        return tuple(value)
    if f.kind == "int":
        if type(value) is not int:
            raise wrong
        if not INT_MIN <= value <= INT_MAX:
            raise _Bad(f"nombre hors limites ({str(value)[:20]})")
        return value
    if f.kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise wrong
        number = float(value)
        if not math.isfinite(number):
            raise _Bad("nombre infini ou invalide")
        return number
    if f.kind == "bool":
        if not isinstance(value, bool):
            raise wrong
        return value
    if not isinstance(value, str):
        raise wrong
    try:
        if f.kind == "date":
            return date.fromisoformat(value)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _Bad(f"{_EXPECTED[f.kind]} attendu, reçu : « {value[:40]} »") from None
    if parsed.tzinfo is not None:
        raise _Bad(f"date et heure sans fuseau horaire attendue, reçu : « {value[:40]} »")
    return parsed


# --------------------------------------------------------------------- reading a file


class _Problems:
    """The problems found so far; past ``MAX_COUNTED_PROBLEMS`` the check stops."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, text: str) -> None:
        self.items.append(text)
        if len(self.items) >= MAX_COUNTED_PROBLEMS:
            raise ImportRefused(self.items, REFUSAL_INTRO, stopped=True)

    def __bool__(self) -> bool:
        return bool(self.items)

    def refuse_if_any(self) -> None:
        if self.items:
            raise ImportRefused(self.items, REFUSAL_INTRO)


def _where(label: str, number: int, values: dict[str, Any] | None = None) -> str:
    ident = ""
    if values and isinstance(values.get("id"), str):
        ident = f" (id « {values['id'][:36]} »)"
    return f"{label}, élément n° {fr_number(number, 0)}{ident}"


def _refuse(problem: str) -> ImportRefused:
    return ImportRefused([problem], REFUSAL_INTRO)


def _raw_bytes(data: bytes | str) -> bytes:
    raw = data.encode("utf-8", errors="surrogatepass") if isinstance(data, str) else bytes(data)
    if len(raw) > MAX_IMPORT_BYTES:
        size = len(raw) / (1024 * 1024)
        limit = MAX_IMPORT_BYTES // (1024 * 1024)
        raise _refuse(f"le fichier pèse {fr_number(size, 1)} Mo ; la limite est de {limit} Mo.")
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    if not raw.strip():
        raise _refuse("le fichier est vide.")
    _check_utf8(raw)
    return raw


def _check_utf8(raw: bytes, chunk: int = 1 << 20) -> None:
    """Decode the bytes piece by piece (nothing kept) to say where the first bad byte is."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(raw)
    for start in range(0, len(raw), chunk):
        try:
            decoder.decode(view[start : start + chunk], final=start + chunk >= len(raw))
        except UnicodeDecodeError as exc:
            position = start + exc.start
            line = raw.count(b"\n", 0, position) + 1
            raise _refuse(
                f"le fichier n'est pas encodé en UTF-8 (octet invalide ligne {fr_number(line, 0)},"
                f" position {fr_number(position, 0)}) : ce n'est pas une sauvegarde produite par "
                "l'application, ou elle a été modifiée."
            ) from None


class _Reader(io.RawIOBase):
    """The bytes as a stream for ijson, remembering how far the parser has read."""

    def __init__(self, raw: bytes) -> None:
        self.view = memoryview(raw)
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        size = min(len(buffer), len(self.view) - self.position)
        buffer[:size] = self.view[self.position : self.position + size]
        self.position += size
        return size


_BUF = 16 * 1024


def _syntax_problem(raw: bytes, exc: Exception, position: int) -> str:
    """A French sentence for a JSON syntax error (ijson's own messages are in English)."""
    line = raw.count(b"\n", 0, min(position, len(raw))) + 1
    where = f"vers la ligne {fr_number(line, 0)}"
    text = str(exc)
    if "premature EOF" in text:
        return "le fichier s'arrête avant la fin de la sauvegarde (fichier tronqué ?)."
    if "trailing garbage" in text:
        return f"du contenu suit la fin de la sauvegarde ({where}) : fichier modifié ?"
    if "overflow" in text:
        return f"un nombre est bien trop grand ({where})."
    if isinstance(exc, UnicodeDecodeError):
        return f"le fichier n'est pas encodé en UTF-8 ({where})."
    return (
        f"le contenu n'est pas du JSON valide ({where}) : fichier tronqué ou modifié "
        "(valeur interdite en JSON, virgule ou guillemet en trop…) ?"
    )


def _events(raw: bytes) -> Iterator[tuple[str, Any]]:
    reader = _Reader(raw)
    try:
        yield from ijson.basic_parse(reader, use_float=True, buf_size=_BUF)
    except (ijson.JSONError, UnicodeDecodeError, ValueError) as exc:
        raise _refuse(_syntax_problem(raw, exc, reader.position)) from None


def _items(raw: bytes, table: str) -> Iterator[Any]:
    reader = _Reader(raw)
    try:
        yield from ijson.items(reader, f"tables.{table}.item", use_float=True, buf_size=_BUF)
    except (ijson.JSONError, UnicodeDecodeError, ValueError) as exc:
        raise _refuse(_syntax_problem(raw, exc, reader.position)) from None


@dataclass
class _Scan:
    """What the streaming scan learnt without building any row."""

    top: dict[str, Any] = field(default_factory=dict)
    top_kinds: dict[str, str] = field(default_factory=dict)  # key → "scalar", "map", "array"
    unknown_top: list[str] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)  # table → rows, in file order
    not_lists: list[str] = field(default_factory=list)
    row_problems: list[tuple[str, int, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.tables.values())


def _scan(raw: bytes) -> _Scan:
    """One pass over the parser's events: the top-level fields, the tables and how many rows
    each holds. A table over its cap, or too many rows in all, stops the reading at once."""
    scan = _Scan()
    # One frame per open container: [kind ("map"/"array"), current key (maps), keys seen].
    stack: list[list[Any]] = []
    containers = 0
    max_containers = 4 * MAX_TOTAL_ROWS + 100

    def in_tables(depth: int) -> bool:
        """The container at ``depth`` is « tables » (a map) or one table of it (a list)."""
        if len(stack) <= depth or stack[0][1] != "tables" or stack[1][0] != "map":
            return False
        return depth == 1 or stack[2][0] == "array"

    def row(kind: str) -> None:
        table = stack[1][1]
        count = scan.tables[table] = scan.tables.get(table, 0) + 1
        cap = MAX_ROWS.get(table)
        if cap is not None and count > cap:
            raise _refuse(
                f"la table « {_LABELS.get(table, table)} » compte plus de "
                f"{fr_number(cap, 0)} lignes : ce n'est pas une sauvegarde de l'application, "
                "ou elle dépasse ce qu'un import peut recevoir."
            )
        if scan.total > MAX_TOTAL_ROWS:
            raise _refuse(
                f"le fichier compte plus de {fr_number(MAX_TOTAL_ROWS, 0)} lignes en tout."
            )
        if kind != "map":
            scan.row_problems.append((table, count, f"un objet est attendu, reçu : {kind}"))

    def value(kind: str) -> None:
        """A value starts (``kind``: "map", "array" or a description of a scalar)."""
        depth = len(stack)
        if depth == 0:
            if kind != "map":
                raise _refuse(
                    "le fichier ne contient pas une sauvegarde de l'application (objet JSON "
                    "attendu)."
                )
        elif depth == 1:
            key = stack[0][1]
            scan.top_kinds[key] = kind if kind in ("map", "array") else "scalar"
        elif depth == 2 and in_tables(1):
            table = stack[1][1]
            if kind == "array":
                scan.tables.setdefault(table, 0)
            else:
                scan.not_lists.append(table)
        elif depth == 3 and in_tables(2):
            row(kind)

    for event, item in _events(raw):
        if event == "map_key":
            frame = stack[-1]
            if item in frame[2]:
                if len(stack) == 4 and in_tables(2):
                    table = stack[1][1]
                    scan.row_problems.append(
                        (table, scan.tables[table], f"clé « {item[:40]} » présente deux fois")
                    )
                else:
                    raise _refuse(f"clé « {item[:40]} » présente deux fois dans un même objet.")
            frame[2].add(item)
            frame[1] = item
            if len(stack) == 1 and item not in TOP_LEVEL_KEYS:
                scan.unknown_top.append(item)
        elif event in ("start_map", "start_array"):
            containers += 1
            if containers > max_containers:
                raise _refuse(
                    "le fichier contient bien trop d'éléments pour une sauvegarde de l'application."
                )
            if len(stack) >= MAX_DEPTH:
                raise _refuse("le contenu est imbriqué bien trop profondément pour une sauvegarde.")
            kind = "map" if event == "start_map" else "array"
            value(kind)
            stack.append([kind, None, set()])
        elif event in ("end_map", "end_array"):
            stack.pop()
        else:
            value(_describe(item))
            if len(stack) == 1:
                scan.top[stack[0][1]] = item
    return scan


def _check_top(scan: _Scan) -> tuple[int, list[str]]:
    """The format, version and tables of the file; returns the version and the problems."""
    top = scan.top
    if top.get("format") != FORMAT_NAME:
        return 0, [
            "ce fichier n'est pas une sauvegarde de l'application "
            f"(format attendu : « {FORMAT_NAME} »)."
        ]
    version = top.get("version")
    if type(version) is not int:
        return 0, ["version du format absente ou illisible."]
    if version > FORMAT_VERSION:
        return 0, [
            f"ce fichier vient d'une version plus récente de l'application (format {version}) : "
            "mettez l'application à jour avant de l'importer."
        ]
    if version not in SPECS_BY_VERSION:
        return 0, [f"version du format inconnue : {version}."]
    names = [s.name for s in SPECS_BY_VERSION[version]]
    problems = [
        f"champ manquant en tête du fichier : « {k} »."
        for k in TOP_LEVEL_KEYS
        if k not in scan.top_kinds
    ]
    problems += [f"champ inconnu en tête du fichier : « {str(k)[:40]} »." for k in scan.unknown_top]
    if "scope" in scan.top_kinds and top.get("scope") not in SCOPES:
        problems.append("portée inconnue : « recrutement » ou « tout » attendu.")
    if "exported_at" in scan.top_kinds:
        try:
            _convert(top.get("exported_at"), _Field("exported_at", "datetime", False, None))
        except _Bad as bad:
            problems.append(f"date d'export illisible : {bad}.")
    kind = scan.top_kinds.get("tables")
    if kind is not None and kind != "map":
        problems.append("« tables » doit être un objet : une liste de lignes par table.")
    elif kind == "map":
        present = set(scan.tables) | set(scan.not_lists)
        problems += [f"table manquante : « {n} »." for n in names if n not in present]
        problems += [f"table inconnue : « {str(n)[:40]} »." for n in present if n not in names]
        problems += [f"la table « {n} » doit être une liste." for n in scan.not_lists]
    return version, problems


@dataclass
class _Row:
    """One row of the file: its position, its stored values, and whether they are all usable."""

    number: int
    values: dict[str, Any]
    ok: bool


def _parse_row(spec: _TableSpec, number: int, raw: Any, problems: _Problems) -> _Row:
    where = _where(spec.label, number, raw if isinstance(raw, dict) else None)
    if not isinstance(raw, dict):
        # Already reported by the scan.
        return _Row(number, {}, False)
    ok = True
    expected = {f.name for f in spec.fields}
    missing = [f.name for f in spec.fields if f.required and f.name not in raw]
    unknown = [str(k)[:40] for k in raw if k not in expected]
    if missing:
        problems.add(f"{where} : champ(s) manquant(s) : {_names(missing)}.")
        ok = False
    if unknown:
        problems.add(f"{where} : champ(s) inconnu(s) : {_names(unknown[:10])}.")
        ok = False
    values: dict[str, Any] = {}
    for f in spec.fields:
        if f.name not in raw:
            continue
        try:
            values[f.name] = _convert(raw[f.name], f)
        except _Bad as bad:
            problems.add(f"{where} : champ « {f.name} » : {bad}.")
            ok = False
    if ok:
        ok = _check_entity(spec, where, values, problems)
    return _Row(number, values, ok)


def _names(names: Sequence[str]) -> str:
    return ", ".join(f"« {n} »" for n in names)


def _check_entity(
    spec: _TableSpec, where: str, values: dict[str, Any], problems: _Problems
) -> bool:
    """Apply the same rules as the app's forms (the dataclasses' ``validated``), then put the
    normalised values back so the row stored is the row the app would have stored."""
    try:
        if spec.entity is not None:
            entity = spec.entity(**values).validated()
            for f in fields(entity):
                values[f.name] = getattr(entity, f.name)
        elif spec.name == "members":
            email = values["email"].strip().lower()
            if "@" not in email or " " in email:
                raise ValidationError(f"Adresse électronique invalide : « {email[:60]} ».")
            if values["role"] not in MEMBER_ROLES:
                raise ValidationError(f"Rôle inconnu : « {values['role'][:40]} ».")
            values["email"] = email
        elif spec.name == "evaluation_history":
            for key in ("old_rating", "new_rating"):
                rating = values[key]
                if rating is not None and rating not in (1, 2, 3):
                    raise ValidationError(f"Une note va de 1 à 3 (reçu : {rating}).")
        elif spec.name == "audit_log" and not values["action"].strip():
            raise ValidationError("Action du journal vide.")
    except (ValueError, TypeError) as exc:
        problems.add(f"{where} : {str(exc)[:300]}")
        return False
    return True


class _Links:
    """What the rows read so far make known: identifiers, owners and unique keys. Rows are read
    table by table in dependency order, so every reference points to rows already seen."""

    def __init__(self) -> None:
        self.ids: dict[str, dict[str, int]] = {}  # table → id → row number
        self.owner: dict[str, dict[str, str]] = {"criteria": {}, "candidates": {}}
        self.unique: dict[str, dict[tuple, int]] = {}

    def check(self, spec: _TableSpec, row: _Row, problems: _Problems) -> None:
        values = row.values
        if spec.key and all(k in values for k in spec.key):
            ident = tuple(values[k] for k in spec.key)
            seen = self.ids.setdefault(spec.name, {})
            key = ident[0] if len(ident) == 1 else "\x1f".join(ident)
            if key in seen:
                shown = " / ".join(str(v)[:60] for v in ident)
                problems.add(
                    f"{_where(spec.label, row.number)} : identifiant « {shown} » déjà utilisé par "
                    f"l'élément n° {fr_number(seen[key], 0)}."
                )
                row.ok = False
                return
            seen[key] = row.number
            if spec.name in self.owner and "recruitment_id" in values:
                self.owner[spec.name][values["id"]] = values["recruitment_id"]
        for column, target in _REFS_OF.get(spec.name, ()):
            ref = values.get(column)
            if ref is not None and ref not in self.ids.get(target, {}):
                problems.add(
                    f"{_where(spec.label, row.number, values)} : « {column} » désigne un élément "
                    f"absent du fichier ({_LABELS[target]} : « {str(ref)[:60]} »)."
                )
                row.ok = False
        if spec.name == "evaluations" and row.ok:
            crit = self.owner["criteria"].get(values.get("criterion_id"))
            cand = self.owner["candidates"].get(values.get("candidate_id"))
            if crit is not None and cand is not None and crit != cand:
                problems.add(
                    f"{_where(spec.label, row.number, values)} : le critère noté appartient à un "
                    "autre recrutement que la personne candidate."
                )
                row.ok = False
        if spec.name in UNIQUE_TOGETHER and row.ok:
            columns, label = UNIQUE_TOGETHER[spec.name]
            ident = tuple(values.get(c) for c in columns)
            first = self.unique.setdefault(spec.name, {})
            if ident in first:
                problems.add(
                    f"{_where(spec.label, row.number, values)} : {label} (voir l'élément "
                    f"n° {fr_number(first[ident], 0)})."
                )
                row.ok = False
            else:
                first[ident] = row.number


@dataclass(frozen=True)
class Backup:
    """A file that passed every check that needs no database (nothing of it is kept in
    memory but identifiers and counts: rows are streamed again to be written)."""

    version: int
    scope: str
    exported_at: str
    counts: dict[str, int]
    ids: dict[str, frozenset[str]]
    recruitment_titles: tuple[str, ...]
    raw: bytes = field(repr=False)

    def count(self, table: str) -> int:
        return self.counts.get(table, 0)

    @property
    def specs(self) -> tuple[_TableSpec, ...]:
        return SPECS_BY_VERSION[self.version]


def _rows(raw: bytes, spec: _TableSpec, problems: _Problems) -> Iterator[_Row]:
    for number, item in enumerate(_items(raw, spec.name), start=1):
        yield _parse_row(spec, number, item, problems)


def read_backup(data: bytes | str) -> Backup:
    """Parse and check a backup file without touching any database.

    Raises ImportRefused (a ValidationError) listing the problems found.
    """
    raw = _raw_bytes(data)
    scan = _scan(raw)
    version, top_problems = _check_top(scan)
    if top_problems:
        raise ImportRefused(top_problems, REFUSAL_INTRO)
    problems = _Problems()
    for table, number, text in scan.row_problems:
        problems.add(f"{_where(_LABELS.get(table, table), number)} : {text}.")
    links = _Links()
    titles: list[str] = []
    for spec in SPECS_BY_VERSION[version]:
        for row in _rows(raw, spec, problems):
            if not row.values:
                continue
            links.check(spec, row, problems)
            if spec.name == "recruitments" and row.ok:
                titles.append(row.values["title"])
    problems.refuse_if_any()
    return Backup(
        version=version,
        scope=scan.top["scope"],
        exported_at=scan.top["exported_at"],
        counts={s.name: scan.tables.get(s.name, 0) for s in SPECS_BY_VERSION[version]},
        ids={name: frozenset(ids) for name, ids in links.ids.items() if name != "members"},
        recruitment_titles=tuple(titles),
        raw=raw,
    )


# --------------------------------------------------------------------- restoring


@dataclass(frozen=True)
class ImportSummary:
    """What an import added, for the confirmation message."""

    counts: dict[str, int]
    recruitment_ids: tuple[str, ...]
    recruitment_titles: tuple[str, ...]

    def sentence(self) -> str:
        titles = ", ".join(f"« {t} »" for t in self.recruitment_titles) or "aucun"
        evals = self.counts.get("evaluations", 0)
        cands = self.counts.get("candidates", 0)
        return (
            f"Import réussi : {counted(len(self.recruitment_ids), 'recrutement')} ({titles}), "
            f"{counted(cands, 'personne candidate', 'personnes candidates')}, "
            f"{counted(evals, 'évaluation')}."
        )


def _existing(tx: Tx, backup: Backup) -> list[str]:
    """Rows of the file whose identifier is already taken in the target database."""
    problems = []
    for spec in backup.specs:
        if spec.key != ("id",) or not spec.restored:
            continue
        ids = sorted(backup.ids.get(spec.name, ()))
        taken: set[str] = set()
        for part in chunks(ids):
            taken.update(
                tx.conn.execute(
                    sa.select(spec.table.c.id).where(spec.table.c.id.in_(part))
                ).scalars()
            )
        if len(taken) == 1:
            problems.append(
                f"{spec.label} : l'élément d'id « {next(iter(taken))[:36]} » existe déjà dans cette "
                "base (fichier déjà importé ?)."
            )
        elif taken:
            problems.append(
                f"{spec.label} : {fr_number(len(taken), 0)} éléments existent déjà dans cette "
                "base : ce fichier a sans doute déjà été importé."
            )
    if problems:
        problems.append(
            "pour l'ajouter à côté de ce qui existe, importez-le comme copie (« importer comme "
            "copie ») : chaque élément reçoit alors un nouvel identifiant."
        )
    return problems


def validate_backup(store: Store, data: bytes | str, *, as_copy: bool = False) -> Backup:
    """Every check an import makes, including conflicts with the target database, without
    writing anything."""
    backup = read_backup(data)
    if not as_copy:
        with store.reading() as tx:
            problems = _existing(tx, backup)
        if problems:
            raise ImportRefused(problems, REFUSAL_INTRO)
    return backup


_PERSON_REF = re.compile(r"\bpersonne ([0-9A-Za-z_-]{1,36})\b")


class _Writer:
    """Turns checked rows into database rows for one import: the staging marker on the three
    tables that carry it, and, for a copy, new identifiers consistently remapped."""

    STAGED_TABLES = ("recruitments", "criteria", "candidates")

    def __init__(self, import_id: str, as_copy: bool, existing_journal: set[tuple]) -> None:
        self.import_id = import_id
        self.as_copy = as_copy
        self.new_ids: dict[str, str] = {}
        self.existing_journal = existing_journal

    def _id(self, old: str | None) -> str | None:
        if old is None or not self.as_copy:
            return old
        return self.new_ids.get(old, old)

    def row(self, spec: _TableSpec, values: dict[str, Any]) -> dict[str, Any] | None:
        out = {f.name: values.get(f.name) for f in spec.fields}
        if spec.entity is not None:
            # The entity's defaults fill the columns an older format left out.
            out.update({f.name: values[f.name] for f in fields(spec.entity) if f.name in values})
            out = {c.name: out[c.name] for c in spec.table.columns if c.name in out}
        if spec.name == "criteria":
            out["stages"] = ",".join(out["stages"])
            out["questions"] = "\n".join(out["questions"])
        if self.as_copy and "id" in out and spec.key == ("id",):
            fresh = new_id()
            self.new_ids[out["id"]] = fresh
            out["id"] = fresh
        for column in ("recruitment_id", "candidate_id", "criterion_id", "evaluation_id"):
            if column in out:
                out[column] = self._id(out[column])
        if spec.name == "recruitments" and self.as_copy:
            room = limits.TITLE - len(COPY_SUFFIX)
            out["title"] = out["title"][:room] + COPY_SUFFIX
        if spec.name in self.STAGED_TABLES:
            out["import_id"] = self.import_id
        if spec.name == "audit_log":
            signature = (
                out["recruitment_id"],
                out["at"],
                out["action"],
                out["subject"],
                out["details"],
                out["actor_key"],
            )
            if signature in self.existing_journal:
                return None
            if self.as_copy:
                for column in ("subject", "details"):
                    out[column] = _PERSON_REF.sub(
                        lambda m: f"personne {self.new_ids.get(m.group(1), m.group(1))}",
                        out[column],
                    )
                    if column == "subject":
                        out[column] = out[column][: limits.SHORT_TEXT]
        return out


def _journal_signatures(tx: Tx, backup: Backup) -> set[tuple]:
    """Journal lines already in the database for the recruitments of the file (they survive the
    deletion of a recruitment): restoring it again must not write them twice."""
    found: set[tuple] = set()
    for part in chunks(sorted(backup.ids.get("recruitments", ()))):
        for r in tx.conn.execute(
            sa.select(
                audit_log.c.recruitment_id,
                audit_log.c.at,
                audit_log.c.action,
                audit_log.c.subject,
                audit_log.c.details,
                audit_log.c.actor_key,
            ).where(audit_log.c.recruitment_id.in_(part))
        ):
            found.add(tuple(r))
    return found


def _counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{_LABELS[name]} : {n}" for name, n in counts.items() if name != "members")


def restore(
    store: Store,
    data: bytes | str,
    *,
    actor_name: str,
    actor_key: str,
    owner_email: str | None,
    as_copy: bool,
    progress: Callable[[float, str], None] | None = None,
) -> ImportSummary:
    """Check the whole file, then write it; all of it becomes visible at once, or none of it.

    1. Checking (``read_backup``, then the identifiers already taken unless ``as_copy``) reads
       the file as a stream and writes nothing; every problem is listed in French.
    2. Writing goes in batches of ``BATCH_ROWS`` rows, each batch its own short transaction,
       into hidden staging: the recruitments, criteria and candidates carry this import's
       ``import_id``, which every read of ``Tx`` skips, and the other rows hang from those
       candidates (or recruitments, for the journal), so nothing of the import can be seen
       while it is written. Other people's writes go on between two batches: the write lock
       is never held longer than one batch (SQLite's single writer, PostgreSQL's row locks).
    3. One short transaction publishes everything (``import_id`` set to NULL on the three
       tables: a few UPDATE statements), bumps each restored recruitment's revision so no
       cache serves an older state, makes ``owner_email`` the only member (« responsable »;
       members of the file are never restored) and writes the « import_sauvegarde » journal
       entry. Before that commit nothing is visible; after it, everything is.
    4. If anything fails in 2 or 3 (a refusal, the database, the person leaving the page),
       the staged rows are deleted, again in short batches. If the process dies, they stay
       hidden and ``Store.open`` (or the next restore) deletes staging older than an hour.

    With ``as_copy`` every row gets a new identifier, references follow, and titles end with
    « (copie) », so a backup can be restored beside the recruitment it came from; without it,
    identifiers already present are refused, suggesting a copy. Journal rows keep their
    original times; lines already in the database (kept after a deletion) are not doubled.
    """

    def report(fraction: float, message: str) -> None:
        if progress is not None:
            progress(max(0.0, min(1.0, fraction)), message)

    report(0.0, "Vérification du fichier…")
    store.discard_stale_imports()
    backup = validate_backup(store, data, as_copy=as_copy)
    with store.reading() as tx:
        journal = set() if as_copy else _journal_signatures(tx, backup)
    import_id = new_import_id()
    writer = _Writer(import_id, as_copy, journal)
    specs = [s for s in backup.specs if s.restored]
    total = sum(backup.count(s.name) for s in specs) or 1
    written = 0
    report(0.05, "Fichier vérifié : écriture…")
    try:
        for spec in specs:
            batch: list[dict[str, Any]] = []
            problems = _Problems()
            for row in _rows(backup.raw, spec, problems):
                if not row.ok:  # cannot happen: the same file passed the same checks
                    problems.refuse_if_any()
                    raise _refuse("le fichier a changé pendant l'import.")
                out = writer.row(spec, row.values)
                if out is not None:
                    batch.append(out)
                if len(batch) >= BATCH_ROWS:
                    written += _flush(store, spec, batch)
                    batch = []
                    report(0.05 + 0.9 * written / total, _progress_text(written, total))
            if batch:
                written += _flush(store, spec, batch)
                report(0.05 + 0.9 * written / total, _progress_text(written, total))
        rec_ids = tuple(writer._id(i) for i in _file_order_ids(backup))
        titles = tuple(
            (t[: limits.TITLE - len(COPY_SUFFIX)] + COPY_SUFFIX) if as_copy else t
            for t in backup.recruitment_titles
        )
        with store.transaction() as tx:
            tx.publish_import(import_id)
            for rid in rec_ids:
                tx.touch(rid)
                if owner_email:
                    tx.put_member(rid, owner_email, "responsable", actor_name)
            counts = {s.name: backup.count(s.name) for s in specs}
            tx.audit(
                actor_name,
                "import_sauvegarde",
                rec_ids[0] if len(rec_ids) == 1 else None,
                ", ".join(titles)[: limits.SHORT_TEXT],
                ("copie ; " if as_copy else "") + _counts_text(counts),
                actor_key=actor_key,
            )
    except BaseException as exc:
        try:
            store.discard_import(import_id)
        except Exception:  # the crash cleanup at the next start will do it
            log.exception("restore: staged rows of %s left for the stale cleanup", import_id)
        if isinstance(exc, sa.exc.IntegrityError):
            raise _refuse(
                "une partie du fichier vient d'être importée par une autre personne, en même "
                "temps : réessayez, ou importez-le comme copie."
            ) from None
        if isinstance(exc, sa.exc.DBAPIError):
            log.exception("restore: database error")
            raise _refuse(
                "la base de données a refusé l'écriture (elle est peut-être indisponible) : "
                "réessayez dans un moment."
            ) from None
        raise
    report(1.0, "Import terminé.")
    return ImportSummary(counts=counts, recruitment_ids=rec_ids, recruitment_titles=titles)


def _file_order_ids(backup: Backup) -> list[str]:
    problems = _Problems()
    return [
        row.values["id"]
        for row in _rows(backup.raw, backup.specs[0], problems)
        if row.ok and "id" in row.values
    ]


def _progress_text(written: int, total: int) -> str:
    plural = "s" if written > 1 else ""
    return f"Écriture : {fr_number(written, 0)} ligne{plural} sur {fr_number(total, 0)}."


def _flush(store: Store, spec: _TableSpec, batch: list[dict[str, Any]]) -> int:
    if not batch:
        return 0
    with store.transaction() as tx:
        tx.conn.execute(spec.table.insert(), batch)
    return len(batch)


# --------------------------------------------------------------------- tools and tests


def snapshot_parts(store: Store, recruitment_ids: Iterable[str] | None = None) -> list[BackupPart]:
    """Whole recruitments as they are stored, unscoped (tools, tests and the demo: the app goes
    through ``services.data``, which scopes them to the person)."""
    with store.reading() as tx:
        ids = (
            list(recruitment_ids)
            if recruitment_ids is not None
            else [r.id for r in tx.recruitments()]
        )
        parts = []
        for rid in ids:
            snap = tx.snapshot(rid)
            parts.append(
                BackupPart(
                    snapshot=snap,
                    history=tx.history([e.id for e in snap.evaluations]),
                    journal=tx.audit_entries(recruitment_ids=[rid], limit=MAX_ROWS["audit_log"]),
                )
            )
    return parts


def export_backup(store: Store, recruitment_id: str | None = None, *, actor: str = "") -> bytes:
    """Unscoped export of one or every recruitment, audited (tools; the app uses
    ``services.data.backup``)."""
    ids = None if recruitment_id is None else [recruitment_id]
    if recruitment_id is not None:
        store.recruitment(recruitment_id)  # « Recrutement introuvable. » if absent
    data = export_parts(
        snapshot_parts(store, ids), scope="recrutement" if recruitment_id else "tout"
    )
    store.audit(actor, "export_sauvegarde", recruitment_id, "sauvegarde", f"{len(data)} octets")
    return data


def import_backup(store: Store, data: bytes | str, *, actor: str = "") -> ImportSummary:
    """Restore with the identifiers of the file and no member (tools; the app uses
    ``services.data.restore``)."""
    return restore(
        store,
        data,
        actor_name=actor,
        actor_key=actor,
        owner_email=None,
        as_copy=False,
        progress=None,
    )
