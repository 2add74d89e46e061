"""The brief: created from a role preset or duplicated, and edited as a grid (criteria ↔ rows,
with one tick column per stage), with weight sliders and a question bank.

The grid is what the brief page hands to ``st.data_editor``: the page keeps the criteria it
started from (``base``) and hands the edited grid back; ``save_grid`` turns it into validated
criteria and writes **only what the person changed** (a diff, never a replace), after checking,
inside the write transaction, that nobody changed those rows since ``base`` was read. Weights
and questions are saved the same way.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

import pandas as pd

from selection.analysis.brief_checks import check_brief
from selection.domain import labels
from selection.domain.ids import new_id
from selection.domain.model import Criterion, Recruitment, RecruitmentSnapshot, ValidationError
from selection.domain.permissions import Action
from selection.domain.presets import list_presets, load_preset
from selection.domain.stages import STAGES
from selection.services.access import Actor
from selection.services.app import App
from selection.services.common import NOTHING_CHANGED, audit, begin, conflict

LEVEL_BY_LABEL = {label: level for level, label in labels.WEIGHT_LEVELS.items()}
GRID_COLUMNS = ["Intitulé", "Énoncé", "Catégorie", "Niveau", "Poids", "Obligatoire"]
WEIGHT_TOLERANCE = 1e-9


def stage_column(code: str) -> str:
    return next(s.short_label for s in STAGES if s.code == code)


def stage_columns() -> list[tuple[str, str]]:
    """(grid column, stage name) for the tick columns of the brief grid."""
    return [(s.short_label, s.label) for s in STAGES]


def warnings(criteria: list[Criterion]) -> list:
    """Advice on the brief (never a block): see ``analysis.brief_checks``."""
    return check_brief(criteria)


def criteria_grid(criteria: list[Criterion]) -> pd.DataFrame:
    """Stored criteria as grid rows, indexed by criterion id."""
    rows = []
    for c in criteria:
        row = {
            "Intitulé": c.label,
            "Énoncé": c.statement,
            "Catégorie": c.category,
            "Niveau": labels.WEIGHT_LEVELS[c.weight_level],
            "Poids": float(c.weight),
            "Obligatoire": c.must_have,
        }
        for s in STAGES:
            row[stage_column(s.code)] = s.code in c.stages
        rows.append(row)
    columns = GRID_COLUMNS + [stage_column(s.code) for s in STAGES]
    frame = pd.DataFrame(rows, columns=columns, index=pd.Index([c.id for c in criteria], name="id"))
    return frame.astype(
        {"Poids": float, "Obligatoire": bool} | {stage_column(s.code): bool for s in STAGES}
    )


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


def _weight(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def criteria_from_grid(
    grid: pd.DataFrame, recruitment_id: str, existing: list[Criterion]
) -> list[Criterion]:
    """Rows of the edited grid → criteria, keeping each stored criterion's questions, version
    and position (new rows go after the others).

    The fine weight follows the level when the level changes and the weight was left as it was;
    a weight typed in the grid wins. Empty rows (added then left blank) are ignored; an unknown
    level raises a French message.
    """
    if "id" in grid.columns:
        grid = grid.set_index("id")
    by_id = {c.id: c for c in existing}
    next_position = max((c.position for c in existing), default=-1) + 1
    out: list[Criterion] = []
    for row_id, row in grid.iterrows():
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
        typed = _weight(row.get("Poids"))
        if previous is None:
            weight = float(level) if typed is None else typed
        elif typed is not None and abs(typed - previous.weight) > WEIGHT_TOLERANCE:
            weight = typed
        else:
            weight = previous.weight if previous.weight_level == level else float(level)
        if previous is None:
            position = next_position
            next_position += 1
        else:
            position = previous.position
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
                version=previous.version if previous else 1,
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


# --------------------------------------------------------------------------- use cases

_CONTENT = ("label", "statement", "category", "weight_level", "weight", "must_have", "stages")


def _content(c: Criterion) -> tuple:
    return tuple(getattr(c, name) for name in _CONTENT)


@dataclass(frozen=True)
class BriefChange:
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def sentence(self) -> str:
        if self.empty:
            return "Aucune modification à enregistrer."
        parts = []
        for labels_, word in (
            (self.added, "ajouté"),
            (self.changed, "modifié"),
            (self.removed, "supprimé"),
        ):
            if labels_:
                parts.append(
                    f"{len(labels_)} critère{'s' if len(labels_) > 1 else ''} {word}{'s' if len(labels_) > 1 else ''}"
                )
        return "Cadrage enregistré : " + ", ".join(parts) + "."


def save_grid(
    app: App, actor: Actor, recruitment_id: str, base: list[Criterion], edited: pd.DataFrame
) -> BriefChange:
    """Save the rows of the brief grid the person added, changed or deleted since ``base``."""
    wanted = criteria_from_grid(edited, recruitment_id, base)
    base_by_id = {c.id: c for c in base}
    wanted_ids = {c.id for c in wanted}
    added = [c for c in wanted if c.id not in base_by_id]
    changed = [
        c for c in wanted if c.id in base_by_id and _content(c) != _content(base_by_id[c.id])
    ]
    removed = [c for c in base if c.id not in wanted_ids]
    change = BriefChange(
        tuple(c.label for c in added),
        tuple(c.label for c in changed),
        tuple(c.label for c in removed),
    )
    if change.empty:
        return change
    with app.store.transaction() as tx:
        begin(tx, app, actor, Action.EDIT_BRIEF, recruitment_id)
        current = {c.id: c for c in tx.criteria(recruitment_id)}
        _refuse_stale(current, base_by_id, [*changed, *removed])
        _refuse_rated(tx, removed)
        final = {cid: c for cid, c in current.items() if cid not in {r.id for r in removed}}
        final.update({c.id: c for c in changed})
        final.update({c.id: c for c in added})
        _check_brief_whole(list(final.values()))
        tx.delete_criteria([c.id for c in removed])
        tx.park_labels([c.id for c in changed])
        for c in changed:
            tx.update_criterion(c, expected_version=base_by_id[c.id].version, by=actor.label)
        tx.insert_criteria(added, by=actor.label)
        audit(tx, actor, "cadrage_modifie", recruitment_id, "critères", change.sentence())
    return change


def save_weights(
    app: App,
    actor: Actor,
    recruitment_id: str,
    base: list[Criterion],
    weights: Mapping[str, float],
) -> list[str]:
    """Save the weights the person moved (from the brief's tab or the meeting's what-if
    sliders) and only those; returns the labels saved."""
    base_by_id = {c.id: c for c in base}
    unknown = set(weights) - set(base_by_id)
    if unknown:
        raise ValidationError(f"Pondération pour un critère inconnu. {NOTHING_CHANGED}")
    moved = [
        replace(base_by_id[cid], weight=float(w)).validated()
        for cid, w in weights.items()
        if abs(float(w) - base_by_id[cid].weight) > WEIGHT_TOLERANCE
    ]
    if not moved:
        return []
    with app.store.transaction() as tx:
        begin(tx, app, actor, Action.EDIT_BRIEF, recruitment_id)
        current = {c.id: c for c in tx.criteria(recruitment_id)}
        _refuse_stale(current, base_by_id, moved)
        final = {**current, **{c.id: replace(current[c.id], weight=c.weight) for c in moved}}
        _check_brief_whole(list(final.values()))
        for c in moved:
            tx.update_criterion(
                replace(current[c.id], weight=c.weight),
                expected_version=base_by_id[c.id].version,
                by=actor.label,
            )
        details = ", ".join(f"{c.label} : {c.weight:g}".replace(".", ",") for c in moved)
        audit(tx, actor, "ponderations_modifiees", recruitment_id, "pondérations", details)
    return [c.label for c in moved]


def save_questions(
    app: App, actor: Actor, recruitment_id: str, base: Criterion, text: str
) -> Criterion:
    """The question bank of one criterion, one question per line."""
    wanted = replace(base, questions=tuple(text.splitlines())).validated()
    with app.store.transaction() as tx:
        begin(tx, app, actor, Action.EDIT_BRIEF, recruitment_id)
        current = {c.id: c for c in tx.criteria(recruitment_id)}
        _refuse_stale(current, {base.id: base}, [wanted])
        tx.update_criterion(
            replace(current[base.id], questions=wanted.questions),
            expected_version=base.version,
            by=actor.label,
        )
        audit(tx, actor, "questions_modifiees", recruitment_id, wanted.label)
    return wanted


def _refuse_stale(
    current: Mapping[str, Criterion], base: Mapping[str, Criterion], touched: list[Criterion]
) -> None:
    """A row the person changed or deleted must still be the version they started from."""
    for c in touched:
        now_row = current.get(c.id)
        if now_row is None:
            raise conflict(f"Le critère « {base[c.id].label} » (supprimé depuis)", "", None)
        if now_row.version != base[c.id].version:
            raise conflict(
                f"Le critère « {now_row.label} »", now_row.updated_by, now_row.updated_at
            )


def _refuse_rated(tx, removed: list[Criterion]) -> None:
    """Ratings and their evidence belong to the file: a criterion that has some is kept (set its
    weight to 0 to leave it out of the scores instead)."""
    counts = tx.ratings_per_criterion([c.id for c in removed])
    if counts:
        labels_by_id = {c.id: c.label for c in removed}
        detail = ", ".join(
            f"« {labels_by_id[cid]} » ({labels.counted(n, 'évaluation')})"
            for cid, n in counts.items()
        )
        raise ValidationError(
            f"Impossible de supprimer un critère déjà évalué : {detail}. Les preuves font partie "
            f"du dossier ; mettez plutôt son poids à 0 pour l'écarter du calcul. {NOTHING_CHANGED}"
        )


def _check_brief_whole(criteria: list[Criterion]) -> None:
    folded = [c.label.casefold() for c in criteria]
    duplicates = sorted({c.label for c in criteria if folded.count(c.label.casefold()) > 1})
    if duplicates:
        raise ValidationError(f"Critère en double : {', '.join(duplicates)}. {NOTHING_CHANGED}")
    if criteria and sum(c.weight for c in criteria) <= 0:
        raise ValidationError(
            "Toutes les pondérations sont nulles : gardez au moins un critère pondéré. "
            + NOTHING_CHANGED
        )
