"""Rules of rating a candidate: evidence required, stage reached, blind until submitted.

Structured interviews only predict well when each interviewer rates independently before any
discussion (PRODUCT.md §6), so the blind rule is enforced here, in the domain, not in a page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from selection.analysis.culture import SEVERITY_LABELS
from selection.analysis.progress import rateable_stages as progress_rateable_stages
from selection.analysis.progress import stage_reached
from selection.analysis.scoring import DISAGREEMENT_SPREAD
from selection.domain import labels
from selection.domain.ids import new_id
from selection.domain.model import Evaluation, RecruitmentSnapshot, ValidationError
from selection.domain.stages import REFERENCES, STAGE_BY_CODE, STAGES


@dataclass(frozen=True)
class RatingInput:
    """What an interviewer typed for one criterion."""

    criterion_id: str
    rating: int | None
    evidence: str = ""
    doubt: bool = False
    doubt_note: str = ""


def own_evaluations(
    snapshot: RecruitmentSnapshot, candidate_id: str, stage: str, interviewer: str
) -> dict[str, Evaluation]:
    return {
        e.criterion_id: e
        for e in snapshot.evaluations
        if e.candidate_id == candidate_id and e.stage == stage and e.interviewer == interviewer
    }


def has_submitted(
    snapshot: RecruitmentSnapshot, candidate_id: str, stage: str, interviewer: str
) -> bool:
    own = own_evaluations(snapshot, candidate_id, stage, interviewer)
    return any(e.status == "soumis" for e in own.values())


def reached_by_decision(snapshot: RecruitmentSnapshot, candidate_id: str) -> int:
    """Index of the furthest stage a candidate reached: the one definition of
    :func:`selection.analysis.progress.stage_reached` (latest decision per stage, plus stages
    holding a submitted rating), so Évaluations offers exactly what Progression shows."""
    return stage_reached(snapshot, candidate_id)


def rateable_stages(snapshot: RecruitmentSnapshot, candidate_id: str) -> list[str]:
    """Stages that may be rated for a candidate (see selection.analysis.progress)."""
    return progress_rateable_stages(snapshot, candidate_id)


def build_evaluations(
    snapshot: RecruitmentSnapshot,
    candidate_id: str,
    stage: str,
    interviewer: str,
    inputs: list[RatingInput],
    *,
    submit: bool,
    require_rating: bool = True,
) -> list[Evaluation]:
    """Turn a filled form into evaluations, or refuse all of it with every problem listed."""
    if not interviewer.strip():
        raise ValidationError("Indiquez votre nom dans la barre latérale : chaque note est signée.")
    if candidate_id not in {c.id for c in snapshot.candidates}:
        raise ValidationError("Personne candidate introuvable.")
    if stage not in STAGE_BY_CODE:
        raise ValidationError(f"Étape inconnue : « {stage} ».")
    if not STAGE_BY_CODE[stage].scored:
        raise ValidationError(
            "L'entretien d'adéquation est consultatif : notez des observations, pas des notes."
        )
    if stage not in rateable_stages(snapshot, candidate_id):
        raise ValidationError(
            f"La personne n'a pas atteint l'étape « {STAGE_BY_CODE[stage].label} » : enregistrez "
            "d'abord la décision de poursuivre."
        )
    crit_by_id = {c.id: c for c in snapshot.criteria}
    problems = []
    for item in inputs:
        if item.criterion_id not in crit_by_id:
            problems.append("un critère inconnu")
        elif item.rating is not None and not item.evidence.strip():
            problems.append(
                f"« {crit_by_id[item.criterion_id].label} » est noté sans preuve écrite"
            )
        elif item.doubt and not item.doubt_note.strip():
            problems.append(
                f"le doute sur « {crit_by_id[item.criterion_id].label} » n'est pas décrit"
            )
    if problems:
        raise ValidationError("Rien n'a été enregistré : " + " ; ".join(problems) + ".")
    existing = own_evaluations(snapshot, candidate_id, stage, interviewer)
    already_submitted = has_submitted(snapshot, candidate_id, stage, interviewer)
    status = "soumis" if (submit or already_submitted) else "brouillon"
    out = []
    for item in inputs:
        untouched = item.rating is None and not item.evidence.strip() and not item.doubt
        if untouched and item.criterion_id not in existing:
            continue  # an untouched line is not an evaluation
        previous = existing.get(item.criterion_id)
        out.append(
            Evaluation(
                id=previous.id if previous else new_id(),
                candidate_id=candidate_id,
                stage=stage,
                criterion_id=item.criterion_id,
                interviewer=interviewer.strip(),
                rating=item.rating,
                evidence=item.evidence,
                doubt=item.doubt,
                doubt_note=item.doubt_note,
                status=status,
            ).validated()
        )
    if submit and require_rating and not any(e.rating is not None for e in out):
        raise ValidationError("Rien n'a été soumis : notez au moins un critère, avec sa preuve.")
    return out


def panel_view(
    snapshot: RecruitmentSnapshot, candidate_id: str, stage: str, viewer: str
) -> pd.DataFrame | None:
    """Every interviewer's submitted ratings for one candidate and stage — or None while the
    viewer has not submitted their own (« pas de débrief à chaud »)."""
    if not has_submitted(snapshot, candidate_id, stage, viewer):
        return None
    crit_by_id = {c.id: c for c in snapshot.criteria}
    rows = [
        {
            "Critère": crit_by_id[e.criterion_id].label,
            "Évaluateur·rice": e.rater,
            "Note": e.rating,
            "Preuve": e.evidence,
            "Doute": e.doubt_note if e.doubt else "",
        }
        for e in snapshot.evaluations
        if e.candidate_id == candidate_id
        and e.stage == stage
        and e.status == "soumis"
        and e.criterion_id in crit_by_id
    ]
    frame = pd.DataFrame(rows, columns=["Critère", "Évaluateur·rice", "Note", "Preuve", "Doute"])
    spread = frame.groupby("Critère")["Note"].agg(
        lambda s: s.max() - s.min() if s.notna().any() else 0
    )
    frame["Désaccord"] = frame["Critère"].map(
        lambda label: "⚠️ désaccord fort" if spread.get(label, 0) >= DISAGREEMENT_SPREAD else ""
    )
    frame["Note"] = frame["Note"].map(
        lambda r: labels.RATING_ANCHORS[int(r)] if pd.notna(r) else labels.NOT_RATED
    )
    return frame.sort_values(["Critère", "Évaluateur·rice"]).reset_index(drop=True)


def criteria_for_stage(snapshot: RecruitmentSnapshot, stage: str) -> list[str]:
    return [c.id for c in snapshot.criteria if stage in c.stages]


def inputs_from_existing(
    criterion_ids: list[str], existing: Mapping[str, Evaluation]
) -> list[RatingInput]:
    return [
        RatingInput(
            criterion_id=cid,
            rating=existing[cid].rating if cid in existing else None,
            evidence=existing[cid].evidence if cid in existing else "",
            doubt=existing[cid].doubt if cid in existing else False,
            doubt_note=existing[cid].doubt_note if cid in existing else "",
        )
        for cid in criterion_ids
    ]


RATING_CHOICES = [labels.NOT_RATED, *labels.RATING_ANCHORS.values()]
_RATING_BY_CHOICE = {labels.NOT_RATED: None} | {v: k for k, v in labels.RATING_ANCHORS.items()}
GRID_COLUMNS = ["Critère", "Note", "Preuve", "Doute", "À vérifier"]


def rating_grid(
    snapshot: RecruitmentSnapshot, criterion_ids: list[str], existing: Mapping[str, Evaluation]
) -> pd.DataFrame:
    """One interviewer's stored ratings as the fast-entry grid (one row per criterion)."""
    crit_by_id = {c.id: c for c in snapshot.criteria}
    rows = []
    for item in inputs_from_existing(criterion_ids, existing):
        rows.append(
            {
                "Critère": crit_by_id[item.criterion_id].label,
                "Note": labels.NOT_RATED
                if item.rating is None
                else labels.RATING_ANCHORS[item.rating],
                "Preuve": item.evidence,
                "Doute": item.doubt,
                "À vérifier": item.doubt_note,
            }
        )
    return pd.DataFrame(rows, columns=GRID_COLUMNS, index=pd.Index(criterion_ids, name="id"))


def inputs_from_grid(grid: pd.DataFrame) -> list[RatingInput]:
    """The edited grid back into rating inputs; an unknown rating text is refused."""
    out = []
    for criterion_id, row in grid.iterrows():
        choice = row["Note"] if isinstance(row["Note"], str) else labels.NOT_RATED
        if choice not in _RATING_BY_CHOICE:
            raise ValidationError(f"Note inconnue pour « {row['Critère']} » : {choice}.")
        out.append(
            RatingInput(
                criterion_id=str(criterion_id),
                rating=_RATING_BY_CHOICE[choice],
                evidence=row["Preuve"] if isinstance(row["Preuve"], str) else "",
                doubt=bool(row["Doute"]),
                doubt_note=row["À vérifier"] if isinstance(row["À vérifier"], str) else "",
            )
        )
    return out


def culture_notes_visible(
    snapshot: RecruitmentSnapshot, candidate_id: str, viewer: str
) -> list | None:
    """The culture-fit notes about a candidate, or None while the viewer has not written their
    own (the same « pas de débrief à chaud » rule as ratings)."""
    notes = [n for n in snapshot.culture_notes if n.candidate_id == candidate_id]
    if not any(n.author == viewer for n in notes):
        return None
    return notes


# --------------------------------------------------------------------------- for the screen


def stages_to_rate(view, candidate_id: str) -> list[str]:
    """The stages a person can be rated at on the Évaluations page: every stage up to the one
    reached (one definition: the process state of the view), except the reference stage, whose
    ratings are recorded with the call (page Références)."""
    reached = view.stage_index(candidate_id)
    return [s.code for s in STAGES[: reached + 1] if s.code != REFERENCES] or [STAGES[0].code]


def severity_label(code: str) -> str:
    return SEVERITY_LABELS.get(code, code)


def owed_to_me(view) -> list[str]:
    """What the viewer owes (from the stage plan and everyone's submissions): « Name (stage) »,
    those whose interview already took place first."""
    mine = [o for o in view.owed if o.member_key == view.actor.key]
    mine.sort(key=lambda o: (not o.due, o.candidate_name, STAGE_BY_CODE[o.stage].order))
    return [
        f"{o.candidate_name} ({STAGE_BY_CODE[o.stage].label}"
        + ("" if o.due else ", entretien à venir")
        + ")"
        for o in mine
    ]
