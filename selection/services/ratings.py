"""Rating: each person's evaluations with evidence, culture-fit observations, reference calls,
the stage plan (who interviews whom) and opening a debrief early.

Every call signs with the actor's identity (``Actor.key``) and checks, on the recruitment re-read
inside the write transaction, the right to rate, the stage the person reached, and the rules of
evidence (``services.evaluation``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from selection.domain.ids import new_id, now
from selection.domain.model import (
    CultureNote,
    DebriefOpening,
    Evaluation,
    PanelAssignment,
    ReferenceCall,
    ValidationError,
)
from selection.domain.permissions import Action
from selection.domain.stages import CULTURE, REFERENCES, STAGE_BY_CODE, stage_index
from selection.services import blind
from selection.services.access import Actor, Refused
from selection.services.app import App
from selection.services.common import NOTHING_CHANGED, audit, begin_for_candidate
from selection.services.evaluation import RatingInput, build_evaluations
from selection.services.reading import process_state


def _with_doubts(inputs: list[RatingInput]) -> list[RatingInput]:
    """A doubt written down is a doubt, whether or not the box was ticked."""
    return [replace(i, doubt=True) if i.doubt_note.strip() and not i.doubt else i for i in inputs]


def _reached(full, candidate_id: str) -> int:
    status = process_state(full).set_index("candidate_id")
    return int(status.loc[candidate_id, "etape_index"])


def save_ratings(
    app: App,
    actor: Actor,
    candidate_id: str,
    stage: str,
    inputs: list[RatingInput],
    *,
    submit: bool,
) -> list[Evaluation]:
    """Save one person's ratings of a candidate at a stage, as a draft or submitted."""
    if stage == REFERENCES:
        raise ValidationError(
            "Les notes de la prise de références s'enregistrent avec l'appel, page « Références ». "
            + NOTHING_CHANGED
        )
    with app.store.transaction() as tx:
        rid, _ = begin_for_candidate(tx, app, actor, Action.RATE, candidate_id)
        full = tx.snapshot(rid)
        items = build_evaluations(
            full, candidate_id, stage, actor.key, _with_doubts(inputs), submit=submit
        )
        items = [replace(e, interviewer_name=actor.label) for e in items]
        tx.upsert_evaluations(items, actor.label, now())
    return items


def add_culture_note(
    app: App, actor: Actor, candidate_id: str, *, note: str, warning: bool, severity: str
) -> CultureNote:
    """An advisory observation from the culture-fit meeting (never a score, never a yes/no)."""
    with app.store.transaction() as tx:
        rid, _ = begin_for_candidate(tx, app, actor, Action.RATE, candidate_id)
        full = tx.snapshot(rid)
        _require_reached(full, candidate_id, CULTURE)
        record = CultureNote(
            id=new_id(),
            candidate_id=candidate_id,
            author=actor.key,
            author_name=actor.label,
            note=note,
            warning=warning,
            severity=severity if warning else "faible",
        ).validated()
        tx.insert_culture_note(record)
    return record


def record_reference_call(
    app: App,
    actor: Actor,
    candidate_id: str,
    *,
    referee_name: str,
    relation: str,
    organisation: str,
    called_on: date,
    recommendation: str | None,
    notes: str,
    inputs: list[RatingInput],
) -> ReferenceCall:
    """A reference call and its ratings, together or not at all. Refused without the person's
    agreement or before they reached the reference stage (both re-read in the transaction)."""
    if not recommendation:
        raise ValidationError(
            "Choisissez la recommandation de la personne référente (oui, avec réserves ou non). "
            + NOTHING_CHANGED
        )
    with app.store.transaction() as tx:
        rid, _ = begin_for_candidate(tx, app, actor, Action.RATE, candidate_id)
        full = tx.snapshot(rid)
        candidate = next(c for c in full.candidates if c.id == candidate_id)
        if candidate.references_agreed is not True:
            raise Refused(agreement_missing(candidate.name))
        _require_reached(full, candidate_id, REFERENCES)
        call = ReferenceCall(
            id=new_id(),
            candidate_id=candidate_id,
            referee_name=referee_name,
            relation=relation,
            organisation=organisation,
            called_on=called_on,
            recommendation=recommendation,
            recorded_by=actor.label,
            recorded_by_key=actor.key,
            notes=notes,
        ).validated()
        rater = blind.reference_rater_key(actor.key, call.referee_name)
        ratings = build_evaluations(
            full,
            candidate_id,
            REFERENCES,
            rater,
            _with_doubts(inputs),
            submit=True,
            require_rating=False,  # a call may bring only a recommendation
        )
        shown = f"{actor.label} (réf. {call.referee_name})"
        ratings = [replace(e, interviewer_name=shown) for e in ratings]
        tx.insert_reference_call(call)
        tx.upsert_evaluations(ratings, actor.label, now())
    return call


def agreement_missing(name: str) -> str:
    return (
        f"{name} n'a pas donné son accord pour la prise de références : enregistrez d'abord son "
        "accord dans « Candidatures », onglet « Fiche et logistique », champ « Accord pour la "
        f"prise de références ». {NOTHING_CHANGED}"
    )


def _require_reached(full, candidate_id: str, stage: str) -> None:
    if _reached(full, candidate_id) < stage_index(stage):
        raise Refused(
            f"La personne n'a pas atteint l'étape « {STAGE_BY_CODE[stage].label} » : enregistrez "
            f"d'abord la décision de poursuivre (Candidatures). {NOTHING_CHANGED}"
        )


def assign(
    app: App, actor: Actor, candidate_id: str, stage: str, *, member_key: str, member_name: str
) -> None:
    """Put a person on the panel of a candidate at a stage: they will owe an evaluation, and
    until they submit it nothing the others wrote about that candidate reaches them."""
    with app.store.transaction() as tx:
        rid, _ = begin_for_candidate(tx, app, actor, Action.ASSIGN_PANEL, candidate_id)
        key = (member_key or "").strip()
        if app.config.login:
            key = key.lower()
            if tx.member_role(rid, key) is None:
                raise ValidationError(
                    f"{key} n'est pas membre du recrutement : ajoutez-le d'abord (Cadrage, "
                    f"onglet « Recrutement »). {NOTHING_CHANGED}"
                )
        assignment = PanelAssignment(
            id=new_id(),
            candidate_id=candidate_id,
            stage=stage,
            member_key=key,
            member_name=member_name or key,
            assigned_by=actor.label,
        ).validated()
        if not tx.assign(assignment):
            raise ValidationError(
                f"{assignment.member_label} fait déjà partie de ce panel. {NOTHING_CHANGED}"
            )
        audit(tx, actor, "affectation", rid, f"personne {candidate_id}", f"{stage} : {key}")


def unassign(app: App, actor: Actor, candidate_id: str, stage: str, member_key: str) -> None:
    with app.store.transaction() as tx:
        rid, _ = begin_for_candidate(tx, app, actor, Action.ASSIGN_PANEL, candidate_id)
        if not tx.unassign(candidate_id, stage, member_key):
            raise ValidationError(f"Cette personne n'est pas dans ce panel. {NOTHING_CHANGED}")
        audit(
            tx, actor, "desaffectation", rid, f"personne {candidate_id}", f"{stage} : {member_key}"
        )


def open_debrief(app: App, actor: Actor, candidate_id: str, stage: str, reason: str) -> None:
    """Open a stage's discussion before every assigned interviewer submitted (audited)."""
    with app.store.transaction() as tx:
        rid, _ = begin_for_candidate(tx, app, actor, Action.OPEN_DEBRIEF, candidate_id)
        opening = DebriefOpening(
            id=new_id(),
            candidate_id=candidate_id,
            stage=stage,
            opened_by=actor.label,
            reason=reason,
        ).validated()
        tx.insert_opening(opening)
        audit(
            tx,
            actor,
            "ouverture_debrief",
            rid,
            f"personne {candidate_id}",
            f"{stage} : {opening.reason}",
        )
