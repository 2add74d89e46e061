"""Backup and restore: one recruitment, or everything, in one JSON file.

The file is UTF-8 JSON holding a format name and version and, per table, the rows of the
recruitment(s) it covers, one object per row keyed by column name. Dates and times are ISO 8601
strings (naive UTC, as stored), the stages and questions of a criterion are lists.

An import never writes half a file: the whole file is read and checked first (structure, types,
the entities' own rules, references between rows, duplicates, rows that already exist in the
target database), every problem is listed in one French message, and only a clean file is
written, in one transaction. The audit log, the settings and the schema version are not part of
a backup: they belong to the database, not to a recruitment.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from selection.domain.formatting import export_filename
from selection.domain.ids import now
from selection.domain.model import (
    Candidate,
    Criterion,
    CultureNote,
    Evaluation,
    Recruitment,
    ReferenceCall,
    StageDecision,
    ValidationError,
)
from selection.storage.schema import (
    candidates,
    criteria,
    culture_notes,
    evaluation_history,
    evaluations,
    members,
    recruitments,
    reference_calls,
    stage_decisions,
)
from selection.storage.store import Store, Tx

FORMAT_NAME = "selection-beta-sauvegarde"
FORMAT_VERSION = 1
MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_LISTED_PROBLEMS = 20
SCOPES = ("recrutement", "tout")
TOP_LEVEL_KEYS = ("format", "version", "exported_at", "scope", "tables")
MEMBER_ROLES = ("responsable", "membre")

# Both databases must accept every value an import writes: PostgreSQL stores 32-bit integers and
# refuses the NUL character in text, so a file holding either is refused up front.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
_IN_CHUNK = 500


class ImportRefused(ValidationError):
    """A file refused as a whole; ``problems`` lists every reason, the message the first ones."""

    def __init__(self, problems: Sequence[str], intro: str) -> None:
        self.problems = list(problems)
        super().__init__(problems_message(intro, self.problems))


def problems_message(intro: str, problems: Sequence[str], limit: int = MAX_LISTED_PROBLEMS) -> str:
    """One readable message: a sentence, then the first ``limit`` problems and how many more."""
    count = len(problems)
    noun = "problème" if count == 1 else "problèmes"
    lines = [f"{intro} {count} {noun} :"]
    lines += [f"- {p}" for p in problems[:limit]]
    if count > limit:
        rest = count - limit
        lines.append(
            f"… et {rest} autre{'s' if rest > 1 else ''} problème{'s' if rest > 1 else ''}."
        )
    lines.append("Rien n'a été modifié dans la base.")
    return "\n".join(lines)


REFUSAL_INTRO = "Le fichier n'a pas été importé :"


# --------------------------------------------------------------------- table descriptions


@dataclass(frozen=True)
class _Field:
    name: str
    kind: str  # str, int, float, bool, date, datetime, str_list
    nullable: bool
    max_length: int | None


@dataclass(frozen=True)
class _TableSpec:
    table: sa.Table
    label: str
    key: tuple[str, ...]
    entity: type | None
    fields: tuple[_Field, ...]

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
    skip: tuple[str, ...] = (),
    lists: tuple[str, ...] = (),
) -> _TableSpec:
    out = []
    for column in table.columns:
        if column.name in skip:
            continue
        kind = "str_list" if column.name in lists else _kind(column)
        length = getattr(column.type, "length", None)
        out.append(_Field(column.name, kind, bool(column.nullable), length))
    return _TableSpec(table, label, key, entity, tuple(out))


# In insertion order: every row's references point to a table earlier in this list.
SPECS: tuple[_TableSpec, ...] = (
    _spec(recruitments, "recrutements", ("id",), Recruitment),
    _spec(criteria, "critères", ("id",), Criterion, lists=("stages", "questions")),
    _spec(candidates, "personnes candidates", ("id",), Candidate),
    _spec(evaluations, "évaluations", ("id",), Evaluation),
    # The history keeps its order but not its numbers: the target database numbers it anew.
    _spec(evaluation_history, "historique des évaluations", (), None, skip=("id",)),
    _spec(stage_decisions, "décisions", ("id",), StageDecision),
    _spec(culture_notes, "observations d'adéquation", ("id",), CultureNote),
    _spec(reference_calls, "prises de références", ("id",), ReferenceCall),
    _spec(members, "membres", ("recruitment_id", "email"), None),
)
SPEC_BY_NAME: dict[str, _TableSpec] = {s.name: s for s in SPECS}
TABLE_NAMES: tuple[str, ...] = tuple(SPEC_BY_NAME)

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
    ("members", "recruitment_id", "recruitments"),
)


# --------------------------------------------------------------------- export


@contextmanager
def _consistent_read(store: Store) -> Iterator[Connection]:
    """One snapshot of every table: REPEATABLE READ on PostgreSQL (READ COMMITTED would let a
    concurrent save slip in between two tables); a SQLite read transaction already is one."""
    if store.engine.dialect.name == "postgresql":
        with (
            store.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn,
            conn.begin(),
        ):
            yield conn
    else:
        with store.read() as conn:
            yield conn


def _json_value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind in ("date", "datetime"):
        return value.isoformat()
    if kind == "bool":
        return bool(value)
    if kind == "float":
        return float(value)
    return value


def _list_values(name: str, value: str | None) -> list[str]:
    separator = "," if name == "stages" else "\n"
    return [part for part in (value or "").split(separator) if part]


def _select(spec: _TableSpec, recruitment_ids: list[str] | None) -> sa.Select:
    table = spec.table
    query = sa.select(*(table.c[f.name] for f in spec.fields))
    if recruitment_ids is not None:
        if "recruitment_id" in table.c:
            query = query.where(table.c.recruitment_id.in_(recruitment_ids))
        elif spec.name == "recruitments":
            query = query.where(table.c.id.in_(recruitment_ids))
        else:
            cand_ids = sa.select(candidates.c.id).where(
                candidates.c.recruitment_id.in_(recruitment_ids)
            )
            if spec.name == "evaluation_history":
                eval_ids = sa.select(evaluations.c.id).where(
                    evaluations.c.candidate_id.in_(cand_ids)
                )
                query = query.where(table.c.evaluation_id.in_(eval_ids))
            else:
                query = query.where(table.c.candidate_id.in_(cand_ids))
    order = [table.c.id] if "id" in table.c else [table.c[k] for k in spec.key]
    return query.order_by(*order)


def _export_document(store: Store, recruitment_id: str | None) -> dict[str, Any]:
    tables: dict[str, list[dict[str, Any]]] = {}
    with _consistent_read(store) as conn:
        ids = None
        if recruitment_id is not None:
            found = conn.execute(
                sa.select(recruitments.c.id).where(recruitments.c.id == recruitment_id)
            ).first()
            if found is None:
                raise ValidationError("Recrutement introuvable.")
            ids = [recruitment_id]
        for spec in SPECS:
            rows = []
            for row in conn.execute(_select(spec, ids)):
                item = {}
                for f in spec.fields:
                    value = row._mapping[f.name]
                    if f.kind == "str_list":
                        item[f.name] = _list_values(f.name, value)
                    else:
                        item[f.name] = _json_value(value, f.kind)
                rows.append(item)
            tables[spec.name] = rows
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported_at": now().isoformat(),
        "scope": "recrutement" if recruitment_id is not None else "tout",
        "tables": tables,
    }


def _counts_text(tables: dict[str, list]) -> str:
    return ", ".join(f"{SPEC_BY_NAME[name].label} : {len(rows)}" for name, rows in tables.items())


def export_backup(store: Store, recruitment_id: str | None = None, *, actor: str = "") -> bytes:
    """One recruitment (or every recruitment when ``recruitment_id`` is None) as UTF-8 JSON
    bytes, read in one consistent snapshot; the export is written to the audit log."""
    document = _export_document(store, recruitment_id)
    data = json.dumps(document, ensure_ascii=False, indent=1, allow_nan=False).encode("utf-8")
    titles = ", ".join(r["title"] for r in document["tables"]["recruitments"])
    store.audit(
        actor,
        "export_sauvegarde",
        recruitment_id,
        titles[:200] if recruitment_id else "tous les recrutements",
        _counts_text(document["tables"]),
    )
    return data


def backup_filename(recruitment_title: str | None, on: date) -> str:
    """``sauvegarde-<recrutement>-<date>.json``, or ``sauvegarde-tout-<date>.json``."""
    return export_filename(recruitment_title or "tout", "sauvegarde", "json", on)


# --------------------------------------------------------------------- parsing and checks


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
        raise _Bad(f"texte trop long ({len(value)} caractères, {max_length} au plus)")
    return value


def _describe(value: Any) -> str:
    if value is None:
        return "vide (null)"
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
    "bool": "true ou false",
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
            _check_text(",".join(value), f.max_length)
        return tuple(value)
    if f.kind == "int":
        if type(value) is not int:
            raise wrong
        if not INT_MIN <= value <= INT_MAX:
            raise _Bad(f"nombre hors limites ({value})")
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


@dataclass
class _Row:
    """One row of the file: its position, its stored values, and whether they are all usable."""

    number: int
    values: dict[str, Any]
    ok: bool


@dataclass(frozen=True)
class Backup:
    """A file that passed every check that needs no database: rows ready to insert."""

    scope: str
    exported_at: str
    rows: dict[str, list[dict[str, Any]]]

    def count(self, table: str) -> int:
        return len(self.rows[table])

    @property
    def recruitment_titles(self) -> list[str]:
        return [r["title"] for r in self.rows["recruitments"]]


def _where(spec: _TableSpec, number: int, values: dict[str, Any] | None = None) -> str:
    ident = ""
    if values and spec.key == ("id",) and isinstance(values.get("id"), str):
        ident = f" (id {values['id'][:36]})"
    return f"{spec.label}, élément n° {number}{ident}"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"valeur non permise en JSON : {name}")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"clé « {key[:40]} » présente deux fois dans un même objet")
        seen[key] = value
    return seen


def _decode(data: bytes | str) -> Any:
    """Bytes → JSON value, refusing what is too big, not UTF-8, or not JSON."""
    raw = data.encode("utf-8", errors="surrogatepass") if isinstance(data, str) else bytes(data)
    if len(raw) > MAX_IMPORT_BYTES:
        size = len(raw) / (1024 * 1024)
        limit = MAX_IMPORT_BYTES // (1024 * 1024)
        raise ImportRefused(
            [f"le fichier pèse {size:.1f} Mo ; la limite est de {limit} Mo."], REFUSAL_INTRO
        )
    if not raw.strip():
        raise ImportRefused(["le fichier est vide."], REFUSAL_INTRO)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            [
                f"le fichier n'est pas encodé en UTF-8 (octet invalide à la position {exc.start}) : "
                "ce n'est pas une sauvegarde produite par l'application, ou elle a été modifiée."
            ],
            REFUSAL_INTRO,
        ) from None
    try:
        return json.loads(
            text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_keys
        )
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            [
                f"le contenu n'est pas du JSON valide (ligne {exc.lineno}, colonne {exc.colno} : "
                "fichier tronqué ou modifié ?)."
            ],
            REFUSAL_INTRO,
        ) from None
    except (ValueError, RecursionError) as exc:
        detail = str(exc) if isinstance(exc, ValueError) else "imbrication trop profonde"
        raise ImportRefused(
            [f"le contenu n'est pas du JSON valide ({detail[:120]})."], REFUSAL_INTRO
        ) from None


def _check_top(document: Any) -> list[str]:
    if not isinstance(document, dict):
        return ["le fichier ne contient pas une sauvegarde de l'application (objet JSON attendu)."]
    if document.get("format") != FORMAT_NAME:
        return [
            "ce fichier n'est pas une sauvegarde de l'application "
            f"(format attendu : « {FORMAT_NAME} »)."
        ]
    version = document.get("version")
    if type(version) is not int:
        return ["version du format absente ou illisible."]
    if version > FORMAT_VERSION:
        return [
            f"ce fichier vient d'une version plus récente de l'application (format {version}) : "
            "mettez l'application à jour avant de l'importer."
        ]
    if version < 1:
        return [f"version du format inconnue : {version}."]
    problems = [
        f"champ manquant en tête du fichier : « {k} »." for k in TOP_LEVEL_KEYS if k not in document
    ]
    problems += [
        f"champ inconnu en tête du fichier : « {str(k)[:40]} »."
        for k in document
        if k not in TOP_LEVEL_KEYS
    ]
    if "scope" in document and document["scope"] not in SCOPES:
        problems.append("portée inconnue : « recrutement » ou « tout » attendu.")
    if "exported_at" in document:
        try:
            _convert(document["exported_at"], _Field("exported_at", "datetime", False, None))
        except _Bad as bad:
            problems.append(f"date d'export illisible : {bad}.")
    tables = document.get("tables")
    if "tables" in document and not isinstance(tables, dict):
        problems.append("« tables » doit être un objet : une liste de lignes par table.")
    elif isinstance(tables, dict):
        problems += [f"table manquante : « {name} »." for name in TABLE_NAMES if name not in tables]
        problems += [
            f"table inconnue : « {str(n)[:40]} »." for n in tables if n not in SPEC_BY_NAME
        ]
        problems += [
            f"la table « {name} » doit être une liste."
            for name in TABLE_NAMES
            if name in tables and not isinstance(tables[name], list)
        ]
    return problems


def _parse_row(spec: _TableSpec, number: int, raw: Any, problems: list[str]) -> _Row:
    where = _where(spec, number, raw if isinstance(raw, dict) else None)
    if not isinstance(raw, dict):
        problems.append(f"{where} : un objet est attendu, reçu : {_describe(raw)}.")
        return _Row(number, {}, False)
    ok = True
    expected = {f.name for f in spec.fields}
    missing = [f.name for f in spec.fields if f.name not in raw]
    unknown = [str(k)[:40] for k in raw if k not in expected]
    if missing:
        problems.append(f"{where} : champ(s) manquant(s) : {', '.join(missing)}.")
        ok = False
    if unknown:
        problems.append(f"{where} : champ(s) inconnu(s) : {', '.join(unknown)}.")
        ok = False
    values: dict[str, Any] = {}
    for f in spec.fields:
        if f.name not in raw:
            continue
        try:
            values[f.name] = _convert(raw[f.name], f)
        except _Bad as bad:
            problems.append(f"{where} : champ « {f.name} » : {bad}.")
            ok = False
    if ok:
        ok = _check_entity(spec, where, values, problems)
    return _Row(number, values, ok)


def _check_entity(
    spec: _TableSpec, where: str, values: dict[str, Any], problems: list[str]
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
    except (ValueError, TypeError) as exc:
        problems.append(f"{where} : {exc}")
        return False
    return True


def _check_links(parsed: dict[str, list[_Row]], problems: list[str]) -> None:
    """Duplicates, dangling references, ratings of a criterion from another recruitment."""
    known: dict[str, dict[str, _Row]] = {}
    for spec in SPECS:
        seen: dict[tuple, int] = {}
        by_id: dict[str, _Row] = {}
        for row in parsed[spec.name]:
            if not spec.key or not all(k in row.values for k in spec.key):
                continue
            ident = tuple(row.values[k] for k in spec.key)
            if ident in seen:
                shown = " / ".join(str(v)[:60] for v in ident)
                problems.append(
                    f"{_where(spec, row.number)} : identifiant « {shown} » déjà utilisé par "
                    f"l'élément n° {seen[ident]}."
                )
                row.ok = False
                continue
            seen[ident] = row.number
            if spec.key == ("id",):
                by_id[row.values["id"]] = row
        known[spec.name] = by_id

    for table, column, target in REFERENCES:
        spec = SPEC_BY_NAME[table]
        for row in parsed[table]:
            ref = row.values.get(column)
            if ref is not None and ref not in known[target]:
                problems.append(
                    f"{_where(spec, row.number, row.values)} : « {column} » désigne un élément "
                    f"absent du fichier ({SPEC_BY_NAME[target].label} : « {str(ref)[:60]} »)."
                )
                row.ok = False

    crits, cands = known["criteria"], known["candidates"]
    spec = SPEC_BY_NAME["evaluations"]
    for row in parsed["evaluations"]:
        crit = crits.get(row.values.get("criterion_id"))
        cand = cands.get(row.values.get("candidate_id"))
        if crit and cand and crit.values.get("recruitment_id") != cand.values.get("recruitment_id"):
            problems.append(
                f"{_where(spec, row.number, row.values)} : le critère noté appartient à un autre "
                "recrutement que la personne candidate."
            )
            row.ok = False

    for name, unique, label in (
        ("criteria", ("recruitment_id", "label"), "intitulé de critère en double"),
        (
            "evaluations",
            ("candidate_id", "stage", "criterion_id", "interviewer"),
            "deux évaluations pour la même personne, étape, critère et personne évaluatrice",
        ),
    ):
        spec = SPEC_BY_NAME[name]
        first: dict[tuple, int] = {}
        for row in parsed[name]:
            if not all(k in row.values for k in unique):
                continue
            ident = tuple(row.values[k] for k in unique)
            if ident in first:
                problems.append(
                    f"{_where(spec, row.number, row.values)} : {label} (voir l'élément n° "
                    f"{first[ident]})."
                )
                row.ok = False
            else:
                first[ident] = row.number


def read_backup(data: bytes | str) -> Backup:
    """Parse and check a backup file without touching any database.

    Raises ImportRefused (a ValidationError) listing every problem found.
    """
    document = _decode(data)
    problems = _check_top(document)
    if problems or not isinstance(document, dict):
        raise ImportRefused(problems, REFUSAL_INTRO)
    parsed: dict[str, list[_Row]] = {}
    for spec in SPECS:
        parsed[spec.name] = [
            _parse_row(spec, number, raw, problems)
            for number, raw in enumerate(document["tables"][spec.name], start=1)
        ]
    _check_links(parsed, problems)
    if problems:
        raise ImportRefused(problems, REFUSAL_INTRO)
    return Backup(
        scope=document["scope"],
        exported_at=document["exported_at"],
        rows={
            name: [_db_row(SPEC_BY_NAME[name], r.values) for r in rows]
            for name, rows in parsed.items()
        },
    )


def _db_row(spec: _TableSpec, values: dict[str, Any]) -> dict[str, Any]:
    row = {f.name: values[f.name] for f in spec.fields}
    if spec.name == "criteria":
        row["stages"] = ",".join(row["stages"])
        row["questions"] = "\n".join(row["questions"])
    return row


def _existing(conn: Connection, backup: Backup) -> list[str]:
    """Rows of the file whose identifier is already taken in the target database."""
    problems = []
    for spec in SPECS:
        if spec.key != ("id",):
            continue
        ids = [r["id"] for r in backup.rows[spec.name]]
        taken: set[str] = set()
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = ids[start : start + _IN_CHUNK]
            taken.update(
                conn.execute(sa.select(spec.table.c.id).where(spec.table.c.id.in_(chunk))).scalars()
            )
        clashes = [(n, ident) for n, ident in enumerate(ids, start=1) if ident in taken]
        if len(clashes) == 1:
            what = _where(spec, clashes[0][0], {"id": clashes[0][1]})
            problems.append(f"{what} : existe déjà dans cette base (fichier déjà importé ?).")
        elif clashes:
            numbers = ", ".join(str(n) for n, _ in clashes[:10])
            more = ", …" if len(clashes) > 10 else ""
            problems.append(
                f"{spec.label} : {len(clashes)} éléments existent déjà dans cette base "
                f"(n° {numbers}{more}) : ce fichier a sans doute déjà été importé."
            )
    return problems


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
            f"Import réussi : {len(self.recruitment_ids)} recrutement(s) ({titles}), "
            f"{cands} personne(s) candidate(s), {evals} évaluation(s)."
        )


def validate_backup(store: Store, data: bytes | str) -> Backup:
    """Every check an import makes, including conflicts with the target database, without
    writing anything."""
    backup = read_backup(data)
    with store.read() as conn:
        problems = _existing(conn, backup)
    if problems:
        raise ImportRefused(problems, REFUSAL_INTRO)
    return backup


def import_backup(store: Store, data: bytes | str, *, actor: str = "") -> ImportSummary:
    """Check the whole file, then write all of it in one transaction with an audit entry.

    On any problem nothing is written and ImportRefused lists every reason.
    """
    backup = validate_backup(store, data)
    rec_ids = tuple(r["id"] for r in backup.rows["recruitments"])
    titles = tuple(backup.recruitment_titles)
    with store.write() as conn:
        # Checked again under the write lock: another session may have imported meanwhile.
        problems = _existing(conn, backup)
        if problems:
            raise ImportRefused(problems, REFUSAL_INTRO)
        _insert(conn, backup)
        Tx(conn).audit(
            actor,
            "import_sauvegarde",
            rec_ids[0] if len(rec_ids) == 1 else None,
            ", ".join(titles)[:200],
            _counts_text(backup.rows),
        )
    return ImportSummary(
        counts={name: len(rows) for name, rows in backup.rows.items()},
        recruitment_ids=rec_ids,
        recruitment_titles=titles,
    )


def _insert(conn: Connection, backup: Backup) -> None:
    for spec in SPECS:
        rows = backup.rows[spec.name]
        if rows:
            conn.execute(spec.table.insert(), rows)
