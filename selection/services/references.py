"""Recording a reference call: the referee, the recommendation and, per probed criterion, a
rating with evidence. Its ratings are evaluations of the « références » stage, so they count
in the comparison like any other stage's."""

from __future__ import annotations

from datetime import date

from selection.domain import labels
from selection.domain.model import Evaluation, RecruitmentSnapshot, ReferenceCall, ValidationError
from selection.domain.stages import REFERENCES
from selection.services.evaluation import RatingInput, build_evaluations
from selection.storage.store import new_id

RECOMMENDATION_LABELS = labels.RECOMMENDATIONS


def reference_rater(recorded_by: str, referee_name: str) -> str:
    """Who the ratings are signed by: the person who made the call, on the referee's word."""
    return f"{recorded_by.strip()} (réf. {referee_name.strip()})"


def build_reference_call(
    snapshot: RecruitmentSnapshot,
    candidate_id: str,
    *,
    recorded_by: str,
    referee_name: str,
    relation: str,
    organisation: str,
    called_on: date,
    recommendation: str,
    notes: str,
    inputs: list[RatingInput],
) -> tuple[ReferenceCall, list[Evaluation]]:
    """Check everything, then return the call and its ratings to store in one transaction."""
    candidate = next((c for c in snapshot.candidates if c.id == candidate_id), None)
    if candidate is None:
        raise ValidationError("Personne candidate introuvable.")
    if candidate.references_agreed is not True:
        raise ValidationError(
            f"{candidate.name} n'a pas donné son accord pour la prise de références : "
            "enregistrez d'abord son accord (Candidatures, fiche et logistique)."
        )
    call = ReferenceCall(
        id=new_id(),
        candidate_id=candidate_id,
        referee_name=referee_name,
        relation=relation,
        organisation=organisation,
        called_on=called_on,
        recommendation=recommendation,
        recorded_by=recorded_by,
        notes=notes,
    ).validated()
    ratings = build_evaluations(
        snapshot,
        candidate_id,
        REFERENCES,
        reference_rater(call.recorded_by, call.referee_name),
        inputs,
        submit=True,
        require_rating=False,  # a call may bring only a recommendation
    )
    return call, ratings
