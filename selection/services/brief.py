"""The brief: created from a role preset or duplicated, and edited as a grid (criteria ↔ rows,
with one tick column per stage).

The grid is what the brief page hands to ``st.data_editor``; ``criteria_from_grid`` turns the
edited grid back into validated criteria so nothing half-valid ever reaches storage.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd

from selection.domain import labels
from selection.domain.model import Criterion, Recruitment, RecruitmentSnapshot, ValidationError
from selection.domain.presets import list_presets, load_preset
from selection.domain.stages import STAGES
from selection.storage.store import new_id

LEVEL_BY_LABEL = {label: level for level, label in labels.WEIGHT_LEVELS.items()}
GRID_COLUMNS = ["Intitulé", "Énoncé", "Catégorie", "Niveau", "Obligatoire"]


def stage_column(code: str) -> str:
    return next(s.short_label for s in STAGES if s.code == code)


def criteria_grid(criteria: list[Criterion]) -> pd.DataFrame:
    """Stored criteria as grid rows, indexed by criterion id."""
    rows = []
    for c in criteria:
        row = {
            "Intitulé": c.label,
            "Énoncé": c.statement,
            "Catégorie": c.category,
            "Niveau": labels.WEIGHT_LEVELS[c.weight_level],
            "Obligatoire": c.must_have,
        }
        for s in STAGES:
            row[stage_column(s.code)] = s.code in c.stages
        rows.append(row)
    columns = GRID_COLUMNS + [stage_column(s.code) for s in STAGES]
    frame = pd.DataFrame(rows, columns=columns, index=pd.Index([c.id for c in criteria], name="id"))
    return frame.astype({"Obligatoire": bool} | {stage_column(s.code): bool for s in STAGES})


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _flag(value: object) -> bool:
    """A tick box of the grid: a new row's empty cell (None, or NaN once pandas fills it) is
    unticked, never truthy."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    return bool(value)


def criteria_from_grid(
    grid: pd.DataFrame, recruitment_id: str, existing: list[Criterion]
) -> list[Criterion]:
    """Rows of the edited grid → criteria, keeping each stored criterion's weight and questions.

    Empty rows (added then left blank) are ignored; an unknown level raises a French message.
    """
    if "id" in grid.columns:
        grid = grid.set_index("id")
    by_id = {c.id: c for c in existing}
    out: list[Criterion] = []
    for position, (row_id, row) in enumerate(grid.iterrows()):
        label = _text(row.get("Intitulé"))
        statement = _text(row.get("Énoncé"))
        if not label and not statement:
            continue
        level_label = _text(row.get("Niveau")) or labels.WEIGHT_LEVELS[2]
        if level_label not in LEVEL_BY_LABEL:
            raise ValidationError(
                f"Niveau de pondération inconnu pour « {label} » : {level_label}."
            )
        level = LEVEL_BY_LABEL[level_label]
        previous = by_id.get(str(row_id)) if isinstance(row_id, str) else None
        stages = tuple(s.code for s in STAGES if _flag(row.get(stage_column(s.code))))
        weight = previous.weight if previous and previous.weight_level == level else float(level)
        out.append(
            Criterion(
                id=previous.id if previous else new_id(),
                recruitment_id=recruitment_id,
                label=label,
                statement=statement,
                category=_text(row.get("Catégorie")),
                weight_level=level,
                weight=weight,
                must_have=_flag(row.get("Obligatoire")),
                stages=stages,
                position=position,
                questions=previous.questions if previous else (),
            ).validated()
        )
    return out


def preset_key_for(role: str) -> str | None:
    """The preset a recruitment's role came from (role holds the preset's label)."""
    for info in list_presets():
        if role and role in (info.key, info.label):
            return info.key
    return None


def new_recruitment_from_preset(
    title: str, team: str, owner: str, preset_key: str
) -> RecruitmentSnapshot:
    """A new recruitment whose brief starts from a role preset (all of it stays editable)."""
    info = next((p for p in list_presets() if p.key == preset_key), None)
    if info is None:
        raise ValidationError(f"Préréglage inconnu : « {preset_key} ».")
    rec = Recruitment(
        id=new_id(),
        title=title,
        team=team,
        owner=owner,
        role="" if preset_key == "vierge" else info.label,
    ).validated()
    return RecruitmentSnapshot(recruitment=rec, criteria=load_preset(preset_key, rec.id))


def duplicate_brief(snapshot: RecruitmentSnapshot, title: str, owner: str) -> RecruitmentSnapshot:
    """Start a new recruitment from an existing brief: criteria, weights, questions and mission
    constraints are copied; candidates, ratings and decisions are not."""
    source = snapshot.recruitment
    rec = replace(
        source,
        id=new_id(),
        title=title,
        owner=owner or source.owner,
        status="ouvert",
        created_at=None,
        closed_at=None,
    ).validated()
    criteria = [replace(c, id=new_id(), recruitment_id=rec.id) for c in snapshot.criteria]
    return RecruitmentSnapshot(recruitment=rec, criteria=criteria)
