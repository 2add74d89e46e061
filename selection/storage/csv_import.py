"""Import a criteria list or a candidate list from a spreadsheet CSV (Grist, Excel, LibreOffice).

Accepted: `;` or `,` (or tab) as separator, found from the header line; UTF-8 with or without a
byte order mark. Headers are matched without regard to case, accents or punctuation, and a few
usual synonyms are understood (« Email », « Courriel », « Adresse électronique »…). Columns the
app does not know are ignored and reported, so a sheet holding data the app must not collect
(date of birth, social security number…) never brings it in.

The import is all-or-nothing: every line is checked with the entities' own rules and every
problem is listed with its line number before anything is returned.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from selection.domain.formatting import FORMULA_PREFIXES
from selection.domain.model import Candidate, Criterion, ValidationError
from selection.domain.stages import STAGES
from selection.storage.backup import MAX_LISTED_PROBLEMS, problems_message
from selection.storage.store import (
    Store,
    new_id,
)

Kind = Literal["criteria", "candidates"]
MAX_CSV_BYTES = 5 * 1024 * 1024
LIMITS_SENTENCE = "Le fichier fait au plus 5 Mo."
CSV_REFUSAL_INTRO = "Le fichier CSV n'a pas été importé :"

UTF8_HELP = (
    "Le fichier n'est pas encodé en UTF-8. Enregistrez-le en UTF-8 puis importez-le de nouveau : "
    "dans Excel, « Enregistrer sous » puis « CSV UTF-8 (délimité par des virgules) » ; dans "
    "LibreOffice, cochez « Éditer les paramètres du filtre » et choisissez « Unicode (UTF-8) » ; "
    "l'export CSV de Grist est déjà en UTF-8."
)


def normalise_header(text: str) -> str:
    """« Adresse électronique » → « adresse electronique »: no case, accents or punctuation."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", letters).split())


CRITERIA_HEADERS: dict[str, tuple[str, ...]] = {
    "label": ("intitule", "critere", "libelle", "titre", "nom du critere"),
    "statement": ("enonce", "description", "formulation", "phrase"),
    "category": ("categorie", "famille", "domaine"),
    "weight_level": ("niveau", "niveau de ponderation", "ponderation", "priorite", "importance"),
    "must_have": ("obligatoire", "indispensable", "eliminatoire", "critere obligatoire"),
    "stages": ("etapes", "etape", "etapes d evaluation"),
    "questions": ("questions", "question", "questions d entretien"),
}
CANDIDATE_HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("nom", "nom complet", "prenom nom", "nom prenom", "candidat", "candidate", "personne"),
    "email": ("email", "e mail", "mail", "courriel", "adresse electronique", "adresse mail"),
    "phone": ("telephone", "tel", "numero de telephone", "portable"),
    "source": ("origine", "source", "canal", "provenance"),
}
REQUIRED: dict[str, tuple[str, str]] = {
    "criteria": ("label", "Intitulé"),
    "candidates": ("name", "Nom"),
}

LEVELS: dict[str, int] = {
    "1": 1,
    "2": 2,
    "3": 3,
    "basse": 1,
    "bas": 1,
    "faible": 1,
    "moyenne": 2,
    "moyen": 2,
    "maximale": 3,
    "maximum": 3,
    "haute": 3,
    "forte": 3,
    "elevee": 3,
}
LEVEL_FILLERS = ("niveau", "priorite", "ponderation")
LEVEL_EMOJIS: dict[str, int] = {"🔴": 3, "🟠": 2, "🟡": 1}
YES = ("oui", "o", "vrai", "x", "1", "yes", "y", "true")
NO = ("non", "n", "faux", "0", "no", "false", "")


@dataclass(frozen=True)
class CsvImport:
    """Validated entities, and the columns of the file that were left out."""

    items: list
    ignored_columns: tuple[str, ...]
    separator: str

    def sentence(self, what: str) -> str:
        text = f"{len(self.items)} {what} prêt(s) à être ajouté(s)."
        if self.ignored_columns:
            shown = ", ".join(f"« {c} »" for c in self.ignored_columns)
            text += f" Colonnes ignorées : {shown}."
        return text


def _text(data: bytes) -> str:
    if len(data) > MAX_CSV_BYTES:
        raise ValidationError(
            f"Le fichier est trop gros ({len(data) / 1024 / 1024:.1f} Mo) : la limite est de "
            f"{MAX_CSV_BYTES // 1024 // 1024} Mo."
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValidationError(UTF8_HELP)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(UTF8_HELP) from None
    if "\x00" in text:
        raise ValidationError(UTF8_HELP)
    if not text.strip():
        raise ValidationError("Le fichier est vide : il faut au moins une ligne d'en-tête.")
    return text


def _separator(text: str) -> str:
    """The separator is the one the header line uses most (outside quotes)."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    outside = re.sub(r'"[^"]*"', "", header)
    counts = {sep: outside.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _records(text: str, separator: str) -> list[tuple[int, list[str]]]:
    """(line where the record starts, cells) for every record, header included."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    out = []
    start = 1
    try:
        for cells in reader:
            out.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ValidationError(
            f"Ligne {reader.line_num} : le fichier CSV est mal formé ({exc})."
        ) from None
    return out


def _cell(value: str) -> str:
    """Trimmed cell; the apostrophe our exports put before a formula-like text is removed."""
    value = (value or "").strip()
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def _columns(
    header: list[str], synonyms: dict[str, tuple[str, ...]], problems: list[str]
) -> tuple[dict[str, int], tuple[str, ...]]:
    lookup = {normalise_header(s): field for field, names in synonyms.items() for s in names}
    lookup.update({normalise_header(field): field for field in synonyms})
    found: dict[str, int] = {}
    ignored = []
    for index, raw in enumerate(header):
        name = _cell(raw)
        field = lookup.get(normalise_header(name))
        if field is None:
            if name:
                ignored.append(name)
            continue
        if field in found:
            problems.append(
                f"Ligne 1 : deux colonnes pour la même information (« {header[found[field]].strip()} » "
                f"et « {name} »)."
            )
            continue
        found[field] = index
    return found, tuple(ignored)


def _parse(
    data: bytes, kind: Kind
) -> tuple[list[tuple[int, dict[str, str]]], tuple[str, ...], str]:
    text = _text(data)
    separator = _separator(text)
    records = [
        (line, cells) for line, cells in _records(text, separator) if any(c.strip() for c in cells)
    ]
    if not records:
        raise ValidationError("Le fichier est vide : il faut au moins une ligne d'en-tête.")
    problems: list[str] = []
    synonyms = CRITERIA_HEADERS if kind == "criteria" else CANDIDATE_HEADERS
    columns, ignored = _columns(records[0][1], synonyms, problems)
    field, shown = REQUIRED[kind]
    if field not in columns:
        problems.append(
            f"Ligne 1 : colonne « {shown} » introuvable. Colonnes lues : "
            + ", ".join(f"« {c.strip()} »" for c in records[0][1])
            + ". Partez du modèle à télécharger."
        )
    if problems:
        raise ValidationError(problems_message(CSV_REFUSAL_INTRO, problems))
    rows = []
    for line, cells in records[1:]:
        values = {f: _cell(cells[i]) if i < len(cells) else "" for f, i in columns.items()}
        rows.append((line, values))
    if not rows:
        raise ValidationError("Le fichier ne contient aucune ligne sous l'en-tête.")
    return rows, ignored, separator


def parse_level(value: str) -> int:
    """1-3, 🔴/🟠/🟡, or maximale/moyenne/basse; empty means « moyenne »."""
    if not value.strip():
        return 2
    emojis = {LEVEL_EMOJIS[ch] for ch in value if ch in LEVEL_EMOJIS}
    words = [w for w in normalise_header(value).split() if w not in LEVEL_FILLERS]
    found = emojis | {LEVELS.get(w, 0) for w in words}
    if len(found) != 1 or 0 in found:
        raise ValidationError(
            f"niveau « {value} » inconnu : indiquez 1, 2 ou 3, 🔴/🟠/🟡, ou maximale/moyenne/basse."
        )
    return found.pop()


def parse_yes_no(value: str) -> bool:
    key = normalise_header(value)
    if key in YES:
        return True
    if key in NO:
        return False
    raise ValidationError(f"« {value} » dans la colonne « Obligatoire » : indiquez oui ou non.")


def _stage_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for s in STAGES:
        for name in (s.code, s.label, s.short_label):
            names[normalise_header(name)] = s.code
    names["adequation culture"] = "adequation"
    names["culture"] = "adequation"
    names["references"] = "references"
    names["metier"] = "intra"
    return names


STAGE_NAMES = _stage_names()


def parse_stages(value: str) -> tuple[str, ...]:
    """« Préqualification, Intra | Mise en situation » → stage codes (labels or codes)."""
    codes = []
    for part in re.split(r"[,|;\n]", value):
        if not part.strip():
            continue
        code = STAGE_NAMES.get(normalise_header(part))
        if code is None:
            known = ", ".join(s.label for s in STAGES)
            raise ValidationError(f"étape « {part.strip()} » inconnue (étapes : {known}).")
        codes.append(code)
    return tuple(codes)


def import_criteria_csv(
    data: bytes, recruitment_id: str, existing: Sequence[Criterion] = ()
) -> CsvImport:
    """Criteria from a CSV, placed after ``existing``; every bad line is reported by number.

    The weight starts equal to the level (1, 2 or 3), as in the presets.
    """
    rows, ignored, separator = _parse(data, "criteria")
    problems: list[str] = []
    items: list[Criterion] = []
    first_line: dict[str, int] = {}
    taken = {c.label.casefold() for c in existing}
    position = max((c.position for c in existing), default=-1) + 1
    for line, values in rows:
        if not any(values.values()):
            continue
        try:
            level = parse_level(values.get("weight_level", ""))
            crit = Criterion(
                id=new_id(),
                recruitment_id=recruitment_id,
                label=values.get("label", ""),
                statement=values.get("statement", ""),
                category=values.get("category", ""),
                weight_level=level,
                weight=float(level),
                must_have=parse_yes_no(values.get("must_have", "")),
                stages=parse_stages(values.get("stages", "")),
                position=position,
                questions=tuple(re.split(r"[|\n]", values.get("questions", ""))),
            ).validated()
        except ValidationError as exc:
            problems.append(f"{_line(line, values.get('label', ''))} : {_sentence(str(exc))}")
            continue
        key = crit.label.casefold()
        if key in taken:
            problems.append(
                f"Ligne {line} : le critère « {crit.label} » existe déjà dans ce cadrage."
            )
            continue
        if key in first_line:
            problems.append(
                f"Ligne {line} : le critère « {crit.label} » figure déjà ligne {first_line[key]}."
            )
            continue
        first_line[key] = line
        items.append(crit)
        position += 1
    _raise_if(problems)
    return CsvImport(items, ignored, separator)


def import_candidates_csv(
    data: bytes, recruitment_id: str, existing: Sequence[Candidate] = ()
) -> CsvImport:
    """Candidates from a CSV; a second line with the same email address is refused."""
    rows, ignored, separator = _parse(data, "candidates")
    problems: list[str] = []
    items: list[Candidate] = []
    first_line: dict[str, int] = {}
    taken = {c.email.casefold() for c in existing if c.email}
    for line, values in rows:
        if not any(values.values()):
            continue
        try:
            cand = Candidate(
                id=new_id(),
                recruitment_id=recruitment_id,
                name=values.get("name", ""),
                email=values.get("email", ""),
                phone=values.get("phone", ""),
                source=values.get("source", ""),
            ).validated()
        except ValidationError as exc:
            problems.append(f"{_line(line, values.get('name', ''))} : {_sentence(str(exc))}")
            continue
        key = cand.email.casefold()
        if key and key in taken:
            problems.append(
                f"Ligne {line} : une personne avec l'adresse « {cand.email} » figure déjà dans ce "
                "recrutement."
            )
            continue
        if key and key in first_line:
            problems.append(
                f"Ligne {line} : l'adresse « {cand.email} » figure déjà ligne {first_line[key]}."
            )
            continue
        if key:
            first_line[key] = line
        items.append(cand)
    _raise_if(problems)
    return CsvImport(items, ignored, separator)


def _line(line: int, name: str) -> str:
    return f"Ligne {line} (« {name[:60]} »)" if name else f"Ligne {line}"


def _sentence(message: str) -> str:
    message = message.strip()
    return message[:1].upper() + message[1:]


def _raise_if(problems: list[str]) -> None:
    if problems:
        raise ValidationError(problems_message(CSV_REFUSAL_INTRO, problems, MAX_LISTED_PROBLEMS))


TEMPLATES: dict[str, pd.DataFrame] = {
    "criteria": pd.DataFrame(
        [
            {
                "Intitulé": "Sécurité applicative",
                "Énoncé": "La personne est capable de sécuriser une application qui manipule des "
                "données personnelles",
                "Catégorie": "Technique",
                "Niveau": "🔴 maximale",
                "Obligatoire": "oui",
                "Étapes": "Préqualification, Intra, Mise en situation",
                "Questions": "Racontez une faille que vous avez corrigée | Comment gérez-vous les "
                "secrets ?",
            },
            {
                "Intitulé": "Travail en équipe produit",
                "Énoncé": "La personne est capable de travailler au quotidien avec une équipe "
                "pluridisciplinaire",
                "Catégorie": "Collaboration",
                "Niveau": "2",
                "Obligatoire": "non",
                "Étapes": "Intra | Références",
                "Questions": "",
            },
        ]
    ),
    "candidates": pd.DataFrame(
        [
            {
                "Nom": "Camille Exemple",
                "Adresse électronique": "camille.exemple@example.org",
                "Téléphone": "",
                "Origine": "Welcome to the Jungle",
            },
            {
                "Nom": "Dominique Modèle",
                "Adresse électronique": "",
                "Téléphone": "",
                "Origine": "Cooptation",
            },
        ]
    ),
}


def import_criteria_into(
    store: Store, recruitment_id: str, data: bytes, actor: str = ""
) -> CsvImport:
    """Check a criteria CSV and add its criteria after the existing ones, in one transaction."""
    existing = store.list_criteria(recruitment_id)
    result = import_criteria_csv(data, recruitment_id, existing)
    store.add_imported(recruitment_id, new_criteria=result.items, actor=actor, subject="critères")
    return result


def import_candidates_into(
    store: Store, recruitment_id: str, data: bytes, actor: str = ""
) -> CsvImport:
    """Check a candidate CSV and add every person in one transaction (all or none)."""
    result = import_candidates_csv(data, recruitment_id, store.list_candidates(recruitment_id))
    store.add_imported(
        recruitment_id, new_candidates=result.items, actor=actor, subject="personnes candidates"
    )
    return result
