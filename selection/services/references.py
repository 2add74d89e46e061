"""Reference checks, read side: what is still unknown about a person, the call guide built from
it, and the calls already recorded. Recording a call is ``services.ratings.record_reference_call``."""

from __future__ import annotations

from selection.analysis.gaps import gaps_for_candidate
from selection.analysis.meeting import gap_table as gap_table
from selection.documents.reference_guide import (
    guide_filename,
    guide_html,
    guide_markdown,
    reference_guide,
)
from selection.domain import labels
from selection.domain.formatting import de
from selection.domain.model import ValidationError
from selection.domain.stages import REFERENCES, STAGE_BY_CODE, stage_index
from selection.services.ratings import agreement_missing
from selection.services.reading import RecruitmentView

RECOMMENDATION_LABELS = labels.RECOMMENDATIONS


def candidates_to_call(view: RecruitmentView) -> list:
    """People still in the process (everyone if nobody is)."""
    stopped = set(view.status.loc[view.status["statut"] == "arrete", "candidate_id"])
    active = [c for c in view.snapshot.candidates if c.id not in stopped]
    return active or list(view.snapshot.candidates)


def gaps(view: RecruitmentView, candidate_id: str) -> list:
    return gaps_for_candidate(view.snapshot, candidate_id)


def reached_references(view: RecruitmentView, candidate_id: str) -> bool:
    return view.stage_index(candidate_id) >= stage_index(REFERENCES)


def why_no_call(view: RecruitmentView, candidate_id: str) -> str | None:
    """Why a call cannot be prepared or recorded yet for this person (None when it can)."""
    person = view.candidate_by_id[candidate_id]
    if person.references_agreed is not True:
        if person.references_agreed is None:
            return (
                f"L'accord {de(person.name)} pour la prise de références n'est pas "
                "enregistré : recueillez-le (préqualification) puis notez-le dans "
                "« Candidatures », onglet « Fiche et logistique »."
            )
        return agreement_missing(person.name).removesuffix(" Rien n'a été modifié.")
    if not reached_references(view, candidate_id):
        return (
            f"{person.name} n'a pas atteint l'étape « {STAGE_BY_CODE[REFERENCES].label} » : "
            "enregistrez d'abord la décision de poursuivre (« Candidatures », onglet « Décision "
            "d'étape »)."
        )
    return None


def guide(view: RecruitmentView, candidate_id: str, found_gaps: list, referee: str | None):
    """The call guide for one person, asking about exactly their open gaps."""
    reason = why_no_call(view, candidate_id)
    if reason:
        raise ValidationError(reason)
    person = view.candidate_by_id[candidate_id]
    return reference_guide(
        view.snapshot, candidate_id, found_gaps, referee, references_agreed=person.references_agreed
    )


def guide_files(found) -> list[tuple[str, str, str, str]]:
    return [
        (
            "Télécharger le guide (Markdown)",
            guide_markdown(found),
            guide_filename(found, "md"),
            "text/markdown",
        ),
        (
            "Télécharger le guide à imprimer (HTML)",
            guide_html(found),
            guide_filename(found, "html"),
            "text/html",
        ),
    ]


def guide_text(found) -> str:
    return guide_markdown(found)


def probed_criteria(view: RecruitmentView, found_gaps: list) -> list:
    """The criteria the call form asks about: the open gaps first, then those the brief probes at
    the reference stage."""
    ids = list(dict.fromkeys(g.criterion_id for g in found_gaps))
    ids += [c.id for c in view.snapshot.criteria if REFERENCES in c.stages and c.id not in ids]
    return [view.criterion_by_id[cid] for cid in ids if cid in view.criterion_by_id]


def calls(view: RecruitmentView, candidate_id: str) -> list:
    return [r for r in view.snapshot.reference_calls if r.candidate_id == candidate_id]
