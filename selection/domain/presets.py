"""Role presets: ready-made briefs drawn from the beta.gouv.fr interview guides.

A preset only pre-fills a brief; once loaded, every criterion belongs to the recruitment and stays
editable. Presets live in data/presets.json so the wording can be reviewed without touching code,
which is also why the file is validated strictly: a broken entry must be refused with a French
message naming the preset and criterion, never half-loaded.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from selection.domain.ids import new_id
from selection.domain.model import Criterion, ValidationError
from selection.domain.stages import INTRA, STAGE_BY_CODE

PRESETS_PATH = Path(__file__).resolve().parents[2] / "data" / "presets.json"
PRESETS_FORMAT_VERSION = 1
BLANK_PRESET = "vierge"
MAX_LABEL_LENGTH = 60
MAX_QUESTIONS = 3

_KEY_PATTERN = re.compile(r"^[a-z0-9_]+$")
_PRESET_FIELDS = {
    "label",
    "description",
    "criteria",
    "agenda",
    "agenda_stage",
    "notes",
    "themes",
    "live_case",
}
_CRITERION_FIELDS = {
    "label",
    "statement",
    "category",
    "weight_level",
    "must_have",
    "stages",
    "questions",
}


@dataclass(frozen=True)
class PresetInfo:
    key: str
    label: str
    description: str
    count: int


@dataclass(frozen=True)
class AgendaItem:
    label: str
    minutes: int


@dataclass(frozen=True)
class PresetNote:
    """A tip from the guide; stage None means it concerns the whole brief, not one interview."""

    stage: str | None
    text: str


@dataclass(frozen=True)
class QuestionTheme:
    label: str
    stage: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class LiveCase:
    """An example case for the work sample, to adapt to the mission before using it."""

    context: str
    instructions: tuple[str, ...]
    probes: tuple[str, ...]


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    description: str
    criteria: tuple[Criterion, ...]
    agenda: tuple[AgendaItem, ...] = ()
    agenda_stage: str = INTRA
    notes: tuple[PresetNote, ...] = ()
    themes: tuple[QuestionTheme, ...] = ()
    live_case: LiveCase | None = None

    @property
    def agenda_minutes(self) -> int:
        return sum(item.minutes for item in self.agenda)


def parse_presets(text: str) -> dict[str, Preset]:
    """Parse and validate the presets file; any defect raises ValidationError in French."""
    try:
        raw = json.loads(text)
    except (ValueError, TypeError, RecursionError) as exc:
        where = f" (ligne {exc.lineno}, colonne {exc.colno})" if hasattr(exc, "lineno") else ""
        raise ValidationError(f"Le fichier des profils n'est pas un JSON valide{where}.") from None
    if not isinstance(raw, dict):
        raise ValidationError("Le fichier des profils doit contenir un objet JSON.")
    version = raw.get("version")
    if type(version) is not int or version != PRESETS_FORMAT_VERSION:
        raise ValidationError(
            f"Version du fichier des profils non prise en charge : {version!r} "
            f"(attendue : {PRESETS_FORMAT_VERSION})."
        )
    entries = raw.get("presets")
    if not isinstance(entries, dict) or not entries:
        raise ValidationError("Le fichier des profils doit contenir au moins un profil.")
    presets: dict[str, Preset] = {}
    for key, entry in entries.items():
        if not _KEY_PATTERN.match(key):
            raise ValidationError(
                f"Identifiant de profil invalide : « {key} » (minuscules, chiffres et _ seulement)."
            )
        presets[key] = _parse_preset(key, entry)
    return presets


def list_presets(path: Path = PRESETS_PATH) -> list[PresetInfo]:
    """Presets in file order, for a picker: the blank brief comes first in the shipped file."""
    return [
        PresetInfo(key=p.key, label=p.label, description=p.description, count=len(p.criteria))
        for p in load_presets(path).values()
    ]


def get_preset(key: str, path: Path = PRESETS_PATH) -> Preset:
    presets = load_presets(path)
    try:
        return presets[key]
    except KeyError:
        raise ValidationError(f"Profil inconnu : « {key} ».") from None


def load_preset(key: str, recruitment_id: str, path: Path = PRESETS_PATH) -> list[Criterion]:
    """Fresh criteria for one recruitment: new ids, positions in order, weight = weight level."""
    if not (recruitment_id or "").strip():
        raise ValidationError("Choisissez un recrutement avant d'appliquer un profil.")
    preset = get_preset(key, path)
    return [
        replace(
            template,
            id=new_id(),
            recruitment_id=recruitment_id,
            position=position,
            weight=float(template.weight_level),
        )
        for position, template in enumerate(preset.criteria)
    ]


def preset_agenda(key: str, path: Path = PRESETS_PATH) -> tuple[AgendaItem, ...]:
    return get_preset(key, path).agenda


def preset_notes(
    key: str, stage_code: str | None = None, path: Path = PRESETS_PATH
) -> tuple[str, ...]:
    """Notes for one stage; without a stage, the notes about the brief as a whole."""
    return tuple(n.text for n in get_preset(key, path).notes if n.stage == stage_code)


def load_presets(path: Path = PRESETS_PATH) -> dict[str, Preset]:
    """Presets from a file, re-read only when the file changes (the dict is a copy)."""
    return dict(_load_cached(path.resolve(), path.stat().st_mtime_ns if path.exists() else 0))


@lru_cache(maxsize=4)
def _load_cached(path: Path, _mtime: int) -> dict[str, Preset]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        raise ValidationError(f"Fichier des profils introuvable : {path.name}.") from None
    except UnicodeDecodeError:
        raise ValidationError("Le fichier des profils doit être encodé en UTF-8.") from None
    return parse_presets(text)


def _parse_preset(key: str, entry: Any) -> Preset:
    where = f"Profil « {key} »"
    if not isinstance(entry, dict):
        raise ValidationError(f"{where} : la description du profil doit être un objet.")
    _reject_unknown(entry, _PRESET_FIELDS, where)
    label = _text(entry.get("label"), f"{where} : le nom affiché")
    description = _text(entry.get("description"), f"{where} : la description")
    raw_criteria = entry.get("criteria")
    if not isinstance(raw_criteria, list):
        raise ValidationError(f"{where} : « criteria » doit être une liste de critères.")
    criteria = tuple(
        _parse_criterion(item, f"{where}, critère {index}")
        for index, item in enumerate(raw_criteria, start=1)
    )
    seen: set[str] = set()
    for criterion in criteria:
        if criterion.label.casefold() in seen:
            raise ValidationError(f"{where} : le critère « {criterion.label} » apparaît deux fois.")
        seen.add(criterion.label.casefold())
    return Preset(
        key=key,
        label=label,
        description=description,
        criteria=criteria,
        agenda=_parse_agenda(entry.get("agenda", []), where),
        agenda_stage=_stage_code(entry.get("agenda_stage", INTRA), f"{where}, ordre du jour"),
        notes=_parse_notes(entry.get("notes", []), where),
        themes=_parse_themes(entry.get("themes", []), where),
        live_case=_parse_live_case(entry.get("live_case"), where),
    )


def _parse_criterion(item: Any, where: str) -> Criterion:
    if not isinstance(item, dict):
        raise ValidationError(f"{where} : un critère doit être un objet.")
    _reject_unknown(item, _CRITERION_FIELDS, where)
    missing = sorted(_CRITERION_FIELDS - item.keys())
    if missing:
        raise ValidationError(f"{where} : champ(s) manquant(s) : {', '.join(missing)}.")
    label = _text(item["label"], f"{where} : l'intitulé")
    if len(label) > MAX_LABEL_LENGTH:
        raise ValidationError(
            f"{where} : l'intitulé « {label} » dépasse {MAX_LABEL_LENGTH} caractères."
        )
    where = f"{where} (« {label} »)"
    statement = _text(item["statement"], f"{where} : l'énoncé")
    category = _text(item["category"], f"{where} : la catégorie")
    level = item["weight_level"]
    if isinstance(level, bool) or not isinstance(level, int):
        raise ValidationError(
            f"{where} : le niveau de pondération doit être 1, 2 ou 3 (reçu : {level!r})."
        )
    if not isinstance(item["must_have"], bool):
        raise ValidationError(f"{where} : « must_have » doit valoir true ou false.")
    stages = _string_list(item["stages"], f"{where} : les étapes")
    if not stages:
        raise ValidationError(f"{where} : le critère n'est affecté à aucune étape.")
    questions = _string_list(item["questions"], f"{where} : les questions")
    if len(questions) > MAX_QUESTIONS:
        raise ValidationError(f"{where} : {MAX_QUESTIONS} questions au plus par critère.")
    try:
        return Criterion(
            id="",
            recruitment_id="",
            label=label,
            statement=statement,
            category=category,
            weight_level=level,
            weight=float(level),
            must_have=item["must_have"],
            stages=tuple(stages),
            questions=tuple(questions),
        ).validated()
    except (ValueError, OverflowError) as exc:
        if isinstance(exc, ValidationError):
            raise ValidationError(f"{where} : {exc}") from None
        raise ValidationError(f"{where} : pondération invalide ({level!r}).") from None


def _parse_agenda(raw: Any, where: str) -> tuple[AgendaItem, ...]:
    if not isinstance(raw, list):
        raise ValidationError(f"{where} : l'ordre du jour doit être une liste.")
    items = []
    for index, entry in enumerate(raw, start=1):
        spot = f"{where}, ordre du jour, ligne {index}"
        if not isinstance(entry, dict) or set(entry) != {"label", "minutes"}:
            raise ValidationError(f"{spot} : attendu un objet avec « label » et « minutes ».")
        minutes = entry["minutes"]
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 < minutes <= 240:
            raise ValidationError(f"{spot} : la durée doit être un nombre entier de minutes.")
        items.append(AgendaItem(_text(entry["label"], f"{spot} : l'intitulé"), minutes))
    return tuple(items)


def _parse_notes(raw: Any, where: str) -> tuple[PresetNote, ...]:
    if not isinstance(raw, list):
        raise ValidationError(f"{where} : les notes doivent être une liste.")
    notes = []
    for index, entry in enumerate(raw, start=1):
        spot = f"{where}, note {index}"
        if not isinstance(entry, dict) or set(entry) != {"stage", "text"}:
            raise ValidationError(f"{spot} : attendu un objet avec « stage » et « text ».")
        stage = None if entry["stage"] is None else _stage_code(entry["stage"], spot)
        notes.append(PresetNote(stage, _text(entry["text"], f"{spot} : le texte")))
    return tuple(notes)


def _parse_themes(raw: Any, where: str) -> tuple[QuestionTheme, ...]:
    if not isinstance(raw, list):
        raise ValidationError(f"{where} : les thèmes de questions doivent être une liste.")
    themes = []
    for index, entry in enumerate(raw, start=1):
        spot = f"{where}, thème {index}"
        if not isinstance(entry, dict) or set(entry) != {"label", "stage", "questions"}:
            raise ValidationError(
                f"{spot} : attendu un objet avec « label », « stage » et « questions »."
            )
        questions = _string_list(entry["questions"], f"{spot} : les questions")
        if not questions:
            raise ValidationError(f"{spot} : le thème n'a aucune question.")
        themes.append(
            QuestionTheme(
                label=_text(entry["label"], f"{spot} : l'intitulé"),
                stage=_stage_code(entry["stage"], spot),
                questions=tuple(questions),
            )
        )
    return tuple(themes)


def _parse_live_case(raw: Any, where: str) -> LiveCase | None:
    if raw is None:
        return None
    spot = f"{where}, cas pratique"
    if not isinstance(raw, dict) or set(raw) != {"context", "instructions", "probes"}:
        raise ValidationError(
            f"{spot} : attendu un objet avec « context », « instructions » et « probes »."
        )
    instructions = _string_list(raw["instructions"], f"{spot} : la consigne")
    if not instructions:
        raise ValidationError(f"{spot} : la consigne est vide.")
    return LiveCase(
        context=_text(raw["context"], f"{spot} : le contexte"),
        instructions=tuple(instructions),
        probes=tuple(_string_list(raw["probes"], f"{spot} : les questions d'exploration")),
    )


def _reject_unknown(entry: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(str(k) for k in entry.keys() - allowed)
    if unknown:
        raise ValidationError(f"{where} : champ(s) inconnu(s) : {', '.join(unknown)}.")


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{what} est vide ou n'est pas un texte.")
    return " ".join(value.split())


def _string_list(value: Any, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValidationError(f"{what} doivent être une liste de textes non vides.")
    return [" ".join(v.split()) for v in value]


def _stage_code(value: Any, where: str) -> str:
    if not isinstance(value, str) or value not in STAGE_BY_CODE:
        raise ValidationError(f"{where} : étape inconnue « {value} ».")
    return value
