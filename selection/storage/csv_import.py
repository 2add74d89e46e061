"""Import a criteria list or a candidate list from a spreadsheet CSV (Grist, Excel, LibreOffice).

Accepted: `;` or `,` (or tab) as separator, found from the header line; UTF-8 with or without a
byte order mark. Headers are matched without regard to case, accents or punctuation, and a few
usual synonyms are understood (« Email », « Courriel », « Adresse électronique »…). Columns the
app does not know are ignored and reported, so a sheet holding data the app must not collect
(date of birth, social security number…) never brings it in.

The import is all-or-nothing: every line is checked with the entities' own rules and every
problem is listed with its line number before anything is returned.

Reading is bounded (``MAX_CSV_BYTES``, ``MAX_CSV_ROWS``, said to the person in
``LIMITS_SENTENCE``): the size is checked before decoding, and the reading stops at the first
line past the row limit. The file is split into cells by a small RFC 4180 reader of our own, so
that what spreadsheets never write is refused with its line number instead of being guessed: a
quote opened and never closed (Python's ``csv`` would swallow the rest of the file into one
cell), text after a closing quote, a carriage return alone (old Mac line ends). Every message is
French and ends with « Rien n'a été modifié. ».
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import pandas as pd

from selection.domain import limits
from selection.domain.formatting import FORMULA_PREFIXES, counted, fr_number
from selection.domain.model import Candidate, Criterion, ValidationError
from selection.domain.stages import STAGES
from selection.storage.backup import MAX_LISTED_PROBLEMS, NOTHING_CHANGED, problems_message
from selection.storage.store import Store, Tx, new_id

Kind = Literal["criteria", "candidates"]
MAX_CSV_BYTES = limits.CSV_MAX_BYTES
MAX_CSV_ROWS = limits.CSV_MAX_ROWS
LIMITS_SENTENCE = limits.CSV_LIMITS_SENTENCE
# Lines read at most, empty ones included (a sheet often ends with empty formatted rows).
MAX_CSV_LINES = 2 * MAX_CSV_ROWS + 100
CSV_REFUSAL_INTRO = "Le fichier CSV n'a pas été importé :"

UTF8_HELP = (
    "Le fichier n'est pas encodé en UTF-8. Enregistrez-le en UTF-8 puis importez-le de nouveau : "
    "dans Excel, « Enregistrer sous » puis « CSV UTF-8 (délimité par des virgules) » ; dans "
    "LibreOffice, cochez « Éditer les paramètres du filtre » et choisissez « Unicode (UTF-8) » ; "
    "l'export CSV de Grist est déjà en UTF-8."
)


def refused(text: str) -> ValidationError:
    """One reason, as a sentence the page shows as it is."""
    return ValidationError(f"{text} {NOTHING_CHANGED}")


def _shown(value: str, size: int = 60) -> str:
    value = " ".join((value or "").split())
    return value if len(value) <= size else value[:size] + "…"


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
    # Names added that the recruitment already had (or that the file gives twice): people may be
    # namesakes, or the same file imported twice; said after the import, never guessed.
    namesakes: tuple[str, ...] = ()

    def sentence(self, what: str) -> str:
        """What an import added; ``what`` in the plural (« critères », « candidatures »)."""
        n = len(self.items)
        agreement = ("e" if what.startswith("candidature") else "") + ("s" if n > 1 else "")
        text = f"Import terminé : {counted(n, what.removesuffix('s'), what)} ajouté{agreement}."
        if self.ignored_columns:
            shown = ", ".join(f"« {_shown(c, 40)} »" for c in self.ignored_columns[:20])
            text += f" Colonnes ignorées : {shown}."
        if self.namesakes:
            shown = ", ".join(f"« {_shown(n, 60)} »" for n in self.namesakes[:20])
            text += (
                f" Même nom qu'une personne déjà présente : {shown}. S'il s'agit d'un doublon "
                "(fichier importé deux fois), supprimez-le dans Candidatures ; des homonymes "
                "sont numérotés dans les listes."
            )
        return text


def _text(data: bytes) -> str:
    """The file as text with « \n » line ends, or a French refusal (size first, before any
    decoding)."""
    if len(data) > MAX_CSV_BYTES:
        raise refused(
            f"Le fichier est trop gros ({fr_number(len(data) / 1024 / 1024, 1)} Mo) : un import "
            f"reçoit {LIMITS_SENTENCE} Découpez-le en plusieurs fichiers."
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise refused(UTF8_HELP)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refused(UTF8_HELP) from None
    if "\x00" in text:
        raise refused(UTF8_HELP)
    if not text.strip():
        raise refused("Le fichier est vide : il faut au moins une ligne d'en-tête.")
    lone = re.search("\r(?!\n)", text)
    if lone:
        line = text.count("\n", 0, lone.start()) + 1
        raise refused(
            f"Ligne {fr_number(line, 0)} : retour chariot isolé (fin de ligne d'un ancien format "
            "Mac, ou caractère de contrôle collé dans une cellule). Enregistrez le fichier au "
            "format « CSV UTF-8 » puis importez-le de nouveau."
        )
    return text.replace("\r\n", "\n")


def _separator(text: str) -> str:
    """The separator is the one the header line uses most (outside quotes)."""
    header = next((m.group(0) for m in re.finditer("[^\n]+", text) if m.group(0).strip()), "")
    outside = re.sub(r'"[^"]*"', "", header)
    counts = {sep: outside.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


# A quoted cell: possessive, so a quote never closed costs one scan to the end, not more.
_QUOTED = re.compile(r'"([^"]*+(?:""[^"]*+)*+)"')


def _records(text: str, separator: str) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, cells) for every record, header included, one at a time.

    RFC 4180 as spreadsheets write it: a cell is quoted or not; a quoted cell may hold the
    separator, line breaks and doubled quotes; a quote inside an unquoted cell is kept as it is.
    """
    unquoted = re.compile("[^" + re.escape(separator) + "\n]*+")
    pos, line, end = 0, 1, len(text)
    while pos < end:
        start = line
        cells: list[str] = []
        while True:
            if text.startswith('"', pos):
                found = _QUOTED.match(text, pos)
                if found is None:
                    raise refused(
                        f'Ligne {fr_number(line, 0)} : un guillemet (") ouvre une cellule qui '
                        "n'est jamais refermée, et le reste du fichier y serait avalé. Refermez-"
                        'la, ou doublez le guillemet ("") s\'il fait partie du texte.'
                    )
                inner = found.group(1)
                line += inner.count("\n")
                pos = found.end()
                if pos < end and text[pos] not in (separator, "\n"):
                    raise refused(
                        f"Ligne {fr_number(line, 0)} : du texte suit le guillemet qui ferme une "
                        "cellule. Mettez toute la cellule entre guillemets et doublez les "
                        'guillemets qu\'elle contient ("").'
                    )
                cells.append(inner.replace('""', '"'))
            else:
                found = unquoted.match(text, pos)
                cells.append(found.group(0))
                pos = found.end()
            if pos < end and text[pos] == separator:
                pos += 1
                continue
            break
        pos += 1  # the line break (or past the end)
        yield start, cells
        line += 1


def _cell(value: str) -> str:
    """Trimmed cell; the apostrophe our exports put before a formula-like text is removed."""
    value = (value or "").strip()
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def _columns(
    header: list[str], synonyms: dict[str, tuple[str, ...]], problems: list[str], line: int = 1
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
                f"Ligne {line} : deux colonnes pour la même information "
                f"(« {_shown(header[found[field]])} » et « {_shown(name)} »)."
            )
            continue
        found[field] = index
    return found, tuple(ignored)


def _parse(
    data: bytes, kind: Kind
) -> tuple[list[tuple[int, dict[str, str]]], tuple[str, ...], str]:
    text = _text(data)
    separator = _separator(text)
    header: tuple[int, list[str]] | None = None
    body: list[tuple[int, list[str]]] = []
    for number, (line, cells) in enumerate(_records(text, separator), start=1):
        if number > MAX_CSV_LINES:
            raise refused(
                f"Le fichier compte plus de {fr_number(MAX_CSV_LINES, 0)} lignes, vides "
                f"comprises (la lecture s'est arrêtée ligne {fr_number(line, 0)}) : un import "
                f"reçoit {LIMITS_SENTENCE} Supprimez les lignes vides en fin de tableau, ou "
                "découpez le fichier."
            )
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = (line, cells)
            continue
        if len(body) == MAX_CSV_ROWS:
            raise refused(
                f"Le fichier compte plus de {fr_number(MAX_CSV_ROWS, 0)} lignes sous l'en-tête "
                f"(la lecture s'est arrêtée ligne {fr_number(line, 0)}) : un import reçoit "
                f"{LIMITS_SENTENCE} Découpez-le en plusieurs fichiers."
            )
        body.append((line, cells))
    if header is None:
        raise refused("Le fichier est vide : il faut au moins une ligne d'en-tête.")
    problems: list[str] = []
    synonyms = CRITERIA_HEADERS if kind == "criteria" else CANDIDATE_HEADERS
    columns, ignored = _columns(header[1], synonyms, problems, header[0])
    field, shown = REQUIRED[kind]
    if field not in columns:
        read = ", ".join(f"« {_shown(c)} »" for c in header[1][:20])
        more = " …" if len(header[1]) > 20 else ""
        problems.append(
            f"Ligne {header[0]} : colonne « {shown} » introuvable. Colonnes lues : {read}{more}. "
            "Partez du modèle à télécharger."
        )
    if problems:
        raise ValidationError(problems_message(CSV_REFUSAL_INTRO, problems))
    rows = []
    for line, cells in body:
        values = {f: _cell(cells[i]) if i < len(cells) else "" for f, i in columns.items()}
        rows.append((line, values))
    if not rows:
        raise refused("Le fichier ne contient aucune ligne sous l'en-tête.")
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
            f"niveau « {_shown(value)} » inconnu : indiquez 1, 2 ou 3, 🔴/🟠/🟡, ou "
            "maximale/moyenne/basse."
        )
    return found.pop()


def parse_yes_no(value: str) -> bool:
    key = normalise_header(value)
    if key in YES:
        return True
    if key in NO:
        return False
    raise ValidationError(
        f"« {_shown(value)} » dans la colonne « Obligatoire » : indiquez oui ou non."
    )


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
            raise ValidationError(f"étape « {_shown(part)} » inconnue (étapes : {known}).")
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
            if len(problems) >= MAX_COUNTED_PROBLEMS:
                break
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
            if len(problems) >= MAX_COUNTED_PROBLEMS:
                break
            continue
        key = cand.email.casefold()
        if key and key in taken:
            problems.append(
                f"Ligne {line} : une personne avec l'adresse « {_shown(cand.email)} » figure déjà "
                "dans ce recrutement."
            )
            continue
        if key and key in first_line:
            problems.append(
                f"Ligne {line} : l'adresse « {_shown(cand.email)} » figure déjà ligne "
                f"{first_line[key]}."
            )
            continue
        if key:
            first_line[key] = line
        items.append(cand)
    _raise_if(problems)
    return CsvImport(items, ignored, separator)


def _line(line: int, name: str) -> str:
    return f"Ligne {line} (« {_shown(name)} »)" if name else f"Ligne {line}"


def _sentence(message: str) -> str:
    message = message.strip()
    return message[:1].upper() + message[1:]


MAX_COUNTED_PROBLEMS = 200


def _raise_if(problems: list[str]) -> None:
    if problems:
        raise ValidationError(
            problems_message(
                CSV_REFUSAL_INTRO,
                problems,
                MAX_LISTED_PROBLEMS,
                stopped=len(problems) >= MAX_COUNTED_PROBLEMS,
            )
        )


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


def write_import(
    store: Store,
    recruitment_id: str,
    result: CsvImport,
    *,
    kind: str,
    lock: Callable[[Tx], object],
    audit: Callable[[Tx, str], None],
    by: str,
    progress: Callable[[float, str], None] | None = None,
) -> None:
    """Add the checked rows of a CSV to a recruitment: all of them, or none.

    One short write transaction: ``lock(tx)`` first (the service bumps the recruitment's
    revision, which locks it, and checks the person's right there), then the labels (criteria)
    or e-mail addresses (candidates) are checked again against what the recruitment holds now,
    under that lock, since someone may have added the same one after the file was checked;
    new criteria take the positions after the existing ones; then the rows and the journal
    entry (``audit``). No staging: an import holds at most ``MAX_CSV_ROWS`` rows, written in one
    multi-row INSERT in a few milliseconds, so the lock is held no longer than a save of the
    brief, and a single transaction is all-or-nothing by itself.
    """
    if kind not in REQUIRED:
        raise refused(f"Contenu inconnu : « {_shown(kind)} ».")
    if len(result.items) > MAX_CSV_ROWS:
        raise refused(f"Un import reçoit {LIMITS_SENTENCE}")
    if progress is not None:
        progress(0.0, "Enregistrement…")
    with store.transaction() as tx:
        lock(tx)
        if kind == "criteria":
            existing = tx.criteria(recruitment_id)
            taken = {c.label.casefold() for c in existing}
            clashes = [
                f"le critère « {_shown(c.label)} » existe déjà dans ce cadrage (ajouté pendant "
                "la vérification du fichier ?)."
                for c in result.items
                if c.label.casefold() in taken
            ]
            _raise_if(clashes)
            first = max((c.position for c in existing), default=-1) + 1
            crits = [
                replace(c, recruitment_id=recruitment_id, position=first + i)
                for i, c in enumerate(result.items)
            ]
            tx.insert_criteria(crits, by=by)
            details = counted(len(crits), "critère")
        else:
            taken = {c.email.casefold() for c in tx.candidates(recruitment_id) if c.email}
            clashes = [
                f"une personne avec l'adresse « {_shown(c.email)} » figure déjà dans ce "
                "recrutement (ajoutée pendant la vérification du fichier ?)."
                for c in result.items
                if c.email and c.email.casefold() in taken
            ]
            _raise_if(clashes)
            people = [replace(c, recruitment_id=recruitment_id) for c in result.items]
            tx.insert_candidates(people, by=by)
            details = counted(len(people), "personne")
        if result.ignored_columns:
            details += " ; colonnes ignorées : " + ", ".join(
                _shown(c, 40) for c in result.ignored_columns[:20]
            )
        audit(tx, details)
    if progress is not None:
        progress(1.0, "Import terminé.")


def import_criteria_into(
    store: Store, recruitment_id: str, data: bytes, actor: str = ""
) -> CsvImport:
    """Check a criteria CSV and add its criteria after the existing ones (tools and tests: the
    app goes through ``services.data.import_csv``, which checks the person's right)."""
    result = import_criteria_csv(data, recruitment_id, store.list_criteria(recruitment_id))
    _write_as_tool(store, recruitment_id, result, "criteria", "critères", actor)
    return result


def import_candidates_into(
    store: Store, recruitment_id: str, data: bytes, actor: str = ""
) -> CsvImport:
    """Check a candidate CSV and add every person (tools and tests, as above)."""
    result = import_candidates_csv(data, recruitment_id, store.list_candidates(recruitment_id))
    _write_as_tool(store, recruitment_id, result, "candidates", "personnes candidates", actor)
    return result


def _write_as_tool(
    store: Store, recruitment_id: str, result: CsvImport, kind: str, subject: str, actor: str
) -> None:
    write_import(
        store,
        recruitment_id,
        result,
        kind=kind,
        lock=lambda tx: tx.touch(recruitment_id),
        audit=lambda tx, details: tx.audit(actor, "import_csv", recruitment_id, subject, details),
        by=actor,
    )
