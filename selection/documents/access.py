"""The right-of-access export (RGPD article 15, PRODUCT.md §8): everything kept about one person.

Pure document building: the service (``selection.services.data.access_export``) reads the
store — the recruitment seen through this person only, the history of changed ratings, the
deletion date under the current retention rules — and passes it in. The document is the
candidate report with contact details, followed by what the report leaves out: consents and
logistics, unsubmitted drafts, the history of changes, culture-fit observations, reference
calls, and when the data will be deleted. People who wrote about the candidate are named by
their display name, never by their login identity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from selection.analysis.culture import SEVERITY_LABELS
from selection.documents.document import (
    Block,
    BulletList,
    Document,
    Heading,
    Paragraph,
    bold,
    clean_text,
    inline,
    one_line,
    render_html,
    render_markdown,
    table,
)
from selection.documents.reports import candidate_report, french_date, rating_label
from selection.domain import labels
from selection.domain.model import RecruitmentSnapshot, ValidationError
from selection.domain.stages import STAGE_BY_CODE

INTRO = (
    "Ce document rassemble toutes les données enregistrées à votre sujet dans l'outil de "
    "sélection, au titre de votre droit d'accès (RGPD, article 15). Vous pouvez en demander "
    "la rectification ou l'effacement."
)
REMOVED_CRITERION = "Critère retiré du cadrage"


@dataclass(frozen=True)
class RatingChange:
    """One change of a submitted evaluation (a row of the evaluation history)."""

    criterion_id: str
    stage: str
    changed_at: datetime | None
    changed_by: str
    old_rating: int | None
    new_rating: int | None
    old_evidence: str = ""
    new_evidence: str = ""

    @classmethod
    def from_row(cls, row: Mapping[str, object]) -> RatingChange:
        return cls(**{name: row.get(name) for name in cls.__dataclass_fields__})


def _yes_no(value: bool | None) -> str:
    return "non renseigné" if value is None else ("oui" if value else "non")


def _number(value: float | int | None, suffix: str = "") -> str:
    if value is None:
        return "non renseigné"
    return f"{value:g}".replace(".", ",") + suffix


def _stage(code: str) -> str:
    return STAGE_BY_CODE[code].label if code in STAGE_BY_CODE else one_line(code)


def _only(snapshot: RecruitmentSnapshot, candidate_id: str) -> RecruitmentSnapshot:
    """The recruitment seen through one person: nobody else's rows can reach the document."""
    return replace(
        snapshot,
        candidates=[c for c in snapshot.candidates if c.id == candidate_id],
        evaluations=[e for e in snapshot.evaluations if e.candidate_id == candidate_id],
        decisions=[d for d in snapshot.decisions if d.candidate_id == candidate_id],
        culture_notes=[n for n in snapshot.culture_notes if n.candidate_id == candidate_id],
        reference_calls=[c for c in snapshot.reference_calls if c.candidate_id == candidate_id],
    )


def _display_names(snapshot: RecruitmentSnapshot) -> dict[str, str]:
    """Identity key → display name of everyone who wrote in this file."""
    names: dict[str, str] = {}
    for e in snapshot.evaluations:
        names.setdefault(e.interviewer, one_line(e.rater))
    for n in snapshot.culture_notes:
        names.setdefault(n.author, one_line(n.author_label))
    for c in snapshot.reference_calls:
        names.setdefault(c.recorded_by_key or c.recorded_by, one_line(c.recorded_by))
    return names


def access_document(
    snapshot: RecruitmentSnapshot,
    candidate_id: str,
    *,
    history: Sequence[RatingChange | Mapping[str, object]] = (),
    deletion_due: date | None = None,
    on: date | None = None,
) -> Document:
    """Everything stored about one person, as a Document (see the module doc).

    ``history`` holds the changes of this person's submitted evaluations, oldest first;
    ``deletion_due`` the date the retention rules give (None: no date yet, or the person was
    chosen). Rows about anyone else in ``snapshot`` are ignored.
    """
    snap = _only(snapshot, candidate_id)
    if not snap.candidates:
        raise ValidationError("Cette candidature est introuvable dans ce recrutement.")
    cand = snap.candidates[0]
    report = candidate_report(snap, candidate_id, include_contact=True, on=on)
    criteria = {c.id: c.label for c in snap.criteria}
    names = _display_names(snap)

    blocks: list[Block] = [
        Paragraph(inline(INTRO)),
        *report.blocks,
        Heading(2, "Consentements et informations pratiques"),
        BulletList(
            tuple(
                inline(bold(label), " " + value)
                for label, value in (
                    ("Nom :", one_line(cand.name)),
                    ("Candidature enregistrée le :", french_date(cand.created_at)),
                    ("Accord pour la prise de références :", _yes_no(cand.references_agreed)),
                    ("Accord pour rester dans le vivier :", _yes_no(cand.talent_pool_consent)),
                    (
                        "Disponible à partir du :",
                        french_date(cand.available_from)
                        if cand.available_from
                        else "non renseigné",
                    ),
                    ("Jours par semaine :", _number(cand.days_per_week)),
                    ("Télétravail accepté :", _yes_no(cand.remote_ok)),
                    (
                        "Autres processus en cours :",
                        one_line(cand.other_processes) or "non renseigné",
                    ),
                    ("TJM demandé :", _number(cand.expected_daily_rate, " €")),
                )
            )
        ),
    ]

    drafts = [e for e in snap.evaluations if e.status == "brouillon"]
    blocks.append(Heading(2, "Brouillons d'évaluation (non soumis)"))
    if drafts:
        blocks.append(
            BulletList(
                tuple(
                    inline(
                        bold(criteria.get(e.criterion_id, REMOVED_CRITERION)),
                        f" — {_stage(e.stage)}, {one_line(e.rater)} : {rating_label(e.rating)}",
                        "\n",
                        bold("Notes :"),
                        " " + (clean_text(e.evidence) or "aucune"),
                        *(
                            ["\n", bold("Doute :"), " " + clean_text(e.doubt_note)]
                            if clean_text(e.doubt_note)
                            else []
                        ),
                    )
                    for e in drafts
                )
            )
        )
    else:
        blocks.append(Paragraph(inline("Aucun brouillon.")))

    changes = [h if isinstance(h, RatingChange) else RatingChange.from_row(h) for h in history]
    blocks.append(Heading(2, "Historique des modifications d'évaluations"))
    if changes:
        blocks.append(
            BulletList(
                tuple(
                    inline(
                        bold(criteria.get(h.criterion_id, REMOVED_CRITERION)),
                        f" — {_stage(h.stage)}, modifié le {french_date(h.changed_at)} par "
                        f"{names.get(h.changed_by, one_line(h.changed_by))} : "
                        f"{rating_label(h.old_rating)} → {rating_label(h.new_rating)}",
                        "\n",
                        bold("Preuves avant :"),
                        " " + (clean_text(h.old_evidence) or "aucune"),
                        "\n",
                        bold("Preuves après :"),
                        " " + (clean_text(h.new_evidence) or "aucune"),
                    )
                    for h in changes
                )
            )
        )
    else:
        blocks.append(Paragraph(inline("Aucune note n'a été modifiée après avoir été soumise.")))

    blocks.append(Heading(2, "Observations de l'entretien d'adéquation"))
    if snap.culture_notes:
        blocks.append(
            BulletList(
                tuple(
                    inline(
                        bold(one_line(n.author_label)),
                        f", le {french_date(n.created_at)}"
                        + (
                            f" — signal d'alerte ({SEVERITY_LABELS.get(n.severity, n.severity)})"
                            if n.warning
                            else ""
                        ),
                        "\n",
                        clean_text(n.note),
                    )
                    for n in snap.culture_notes
                )
            )
        )
    else:
        blocks.append(Paragraph(inline("Aucune observation.")))

    blocks.append(Heading(2, "Prises de références"))
    if snap.reference_calls:
        blocks.append(
            table(
                (
                    "Date",
                    "Personne référente",
                    "Relation",
                    "Organisation",
                    "Recommandation",
                    "Appel mené par",
                    "Notes",
                ),
                (
                    (
                        french_date(c.called_on),
                        c.referee_name,
                        c.relation,
                        c.organisation,
                        labels.RECOMMENDATIONS.get(c.recommendation, c.recommendation),
                        c.recorded_by,
                        c.notes,
                    )
                    for c in snap.reference_calls
                ),
            )
        )
    else:
        blocks.append(Paragraph(inline("Aucune prise de références.")))

    blocks.append(Heading(2, "Conservation des données"))
    if deletion_due is None:
        text = (
            "Aucune date de suppression n'est fixée pour l'instant : le recrutement est en cours, "
            "ou la candidature a été retenue."
        )
    else:
        text = f"Ces données seront supprimées au plus tard le {french_date(deletion_due)}."
    blocks.append(Paragraph(inline(text)))
    return Document(f"Données enregistrées — {one_line(cand.name)}", tuple(blocks))


def access_markdown(
    snapshot: RecruitmentSnapshot,
    candidate_id: str,
    *,
    history: Sequence[RatingChange | Mapping[str, object]] = (),
    deletion_due: date | None = None,
    on: date | None = None,
) -> str:
    """The access export as Markdown (see ``access_document``)."""
    return render_markdown(
        access_document(snapshot, candidate_id, history=history, deletion_due=deletion_due, on=on)
    )


def access_html(
    snapshot: RecruitmentSnapshot,
    candidate_id: str,
    *,
    history: Sequence[RatingChange | Mapping[str, object]] = (),
    deletion_due: date | None = None,
    on: date | None = None,
) -> str:
    """The access export as a printable standalone HTML page (see ``access_document``)."""
    return render_html(
        access_document(snapshot, candidate_id, history=history, deletion_due=deletion_due, on=on)
    )
