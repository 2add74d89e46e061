"""The reference-call guide: one candidate's gaps turned into a call of under 15 minutes.

Built from the ``Gap`` objects of :mod:`selection.analysis.gaps` (what is still unknown or
doubtful, ranked by whether it could change the decision), the guide asks one question per gap
criterion, by the candidate's first name, in the format of the beta.gouv.fr guide: introduce the
call, the role held, the competencies observed, the recommendation. It is refused unless the
candidate agreed to reference checks (PRODUCT.md §2 and §8).

The guide is data (``ReferenceGuide``) turned into one ``Document`` (``guide_document``) and
rendered by the shared renderers of ``documents/document.py`` (``guide_markdown``,
``guide_html``), so both downloads and the screen say the same thing with the same escaping.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from selection.analysis.gaps import GUIDE_COMFORTABLE_QUESTIONS, Gap
from selection.documents.document import (
    Block,
    Box,
    BulletList,
    Checklist,
    Document,
    Heading,
    NotesArea,
    NumberedList,
    Paragraph,
    Quote,
    Span,
    bold,
    inline,
    render_html,
    render_markdown,
)
from selection.domain.formatting import de, que, slugify
from selection.domain.model import RecruitmentSnapshot, ValidationError
from selection.domain.stages import REFERENCES, STAGE_BY_CODE


@dataclass(frozen=True)
class AgendaItem:
    label: str
    minutes: str


@dataclass(frozen=True)
class GuideQuestion:
    criterion_id: str
    criterion_label: str
    question: str
    follow_up: str
    why: str


@dataclass(frozen=True)
class ReferenceGuide:
    """A reference call built from one candidate's gaps: what to ask, in what order, and why."""

    candidate_id: str
    candidate_name: str
    first_name: str
    recruitment_title: str
    referee_name: str | None
    duration: str
    agenda: tuple[AgendaItem, ...]
    before_call: tuple[str, ...]
    opening: str
    role_question: str
    role_tip: str
    questions: tuple[GuideQuestion, ...]
    questions_note: str
    recommendation_question: str
    recommendation_options: tuple[str, ...]
    recommendation_follow_up: str
    closing: str


_CAPABLE = re.compile(r"^la personne est capable (?:de\s+|d['’]\s*)", re.IGNORECASE)
# « … et de conduire » / « et d'en tirer » → « et conduire » / « et en tirer » after « Avez-vous vu
# Alice … » (only before what looks like an infinitive, so « et de la donnée » is kept).
_AND_OF_VERB = re.compile(
    r"\bet d(?:e |['’])(?=(?:en |y |se |s['’]|l['’]|le |la |les )?\w+(?:er|ir|re)\b)"
)


def first_name(full_name: str) -> str:
    """The first word of the name: the guide speaks of the candidate as « Alice »."""
    words = full_name.split()
    return words[0] if words else full_name


def _question(first: str, label: str, statement: str) -> str:
    """« Avez-vous vu Alice [verbe + objet + contexte] ? » from a criterion phrased as the brief
    asks (« La personne est capable de … »); otherwise asks about the label itself."""
    text = " ".join((statement or "").split()).rstrip(" .")
    match = _CAPABLE.match(text)
    if match and text[match.end() :]:
        action = _AND_OF_VERB.sub("et ", text[match.end() :])
        return f"Avez-vous vu {first} {action} ? Qu'avez-vous observé, concrètement ?"
    return (
        f"Avez-vous vu {first} à l'œuvre sur ce point : « {label} » ? "
        "Qu'avez-vous observé, concrètement ?"
    )


def _follow_up(gap: Gap, first: str) -> str:
    if "doute" in gap.kinds:
        notes = [d.note for d in gap.doubts if d.note]
        said = " ; ".join(f"« {n} »" for n in notes) if notes else "sans précision"
        return (
            f"Doute noté pendant le processus ({said}) : "
            "cherchez un fait qui le confirme ou le lève."
        )
    if "desaccord" in gap.kinds:
        return (
            "Les personnes qui ont mené les entretiens ne sont pas d'accord : demandez dans quel "
            "contexte c'était le plus réussi, et le moins."
        )
    if "partiel" in gap.kinds:
        return (
            "Les preuves sont partielles : demandez jusqu'où allait son autonomie sur ce point, "
            "avec un exemple."
        )
    return (
        f"Aucune preuve pour l'instant : demandez un exemple précis — la situation, ce {que(first)} "
        "a fait, le résultat."
    )


def _minutes(low: int, high: int) -> str:
    return f"{low} min" if low == high else f"{low}–{high} min"


def reference_guide(
    snapshot: RecruitmentSnapshot,
    candidate_id: str,
    gaps: Sequence[Gap],
    referee_name: str | None = None,
    *,
    references_agreed: bool | None,
) -> ReferenceGuide:
    """The reference-call guide for one candidate, asking about exactly the given gaps' criteria
    (in the given order, one question per criterion).

    Refused unless the candidate agreed to reference checks (PRODUCT.md §2 and §8): ``False`` is a
    refusal, ``None`` means the agreement was never recorded.
    """
    candidate = next((c for c in snapshot.candidates if c.id == candidate_id), None)
    if candidate is None:
        raise ValidationError("Cette candidature est introuvable dans le recrutement.")
    name = candidate.name
    if references_agreed is None:
        raise ValidationError(
            f"L'accord {de(name)} pour la prise de références n'est pas enregistré : notez-le lors "
            "de la préqualification avant de préparer l'appel."
        )
    if not references_agreed:
        raise ValidationError(
            f"{name} n'a pas donné son accord pour la prise de références : "
            "aucun appel ne peut être préparé."
        )
    first = first_name(name)
    referee = (referee_name or "").strip() or None
    stage = STAGE_BY_CODE[REFERENCES]
    phases = stage.phases
    low = sum(p.minutes_min for p in phases)
    high = sum(p.minutes_max for p in phases)
    agenda = tuple(AgendaItem(p.label, _minutes(p.minutes_min, p.minutes_max)) for p in phases)

    criteria = {c.id: c for c in snapshot.criteria}
    seen: set[str] = set()
    questions = []
    for gap in gaps:
        if gap.candidate_id != candidate_id or gap.criterion_id in seen:
            continue
        seen.add(gap.criterion_id)
        crit = criteria.get(gap.criterion_id)
        statement = crit.statement if crit else gap.statement
        questions.append(
            GuideQuestion(
                criterion_id=gap.criterion_id,
                criterion_label=gap.criterion_label,
                question=_question(first, gap.criterion_label, statement),
                follow_up=_follow_up(gap, first),
                why=gap.guide_reason or gap.reason,
            )
        )
    if not questions:
        questions_note = (
            "Aucun point incertain dans le dossier : consacrez l'échange au poste occupé et à la "
            "recommandation."
        )
    elif len(questions) > GUIDE_COMFORTABLE_QUESTIONS:
        questions_note = (
            f"{len(questions)} points à vérifier, classés par priorité : si le temps manque, "
            "gardez les premiers."
        )
    else:
        questions_note = "Posez une question par point, dans l'ordre : le plus décisif d'abord."
    who = referee or "la personne référente"
    return ReferenceGuide(
        candidate_id=candidate_id,
        candidate_name=name,
        first_name=first,
        recruitment_title=snapshot.recruitment.title,
        referee_name=referee,
        duration=f"moins de {stage.max_minutes} minutes ({low} à {high} min prévues)",
        agenda=agenda,
        before_call=(
            f"{name} a donné son accord pour cette prise de références et a choisi {who}.",
            "Les questions ne portent que sur ce qui reste incertain dans le dossier : "
            "ne revenez pas sur ce qui est déjà établi.",
            "Notez les faits rapportés, sans en débattre à chaud, puis saisissez vos notes à "
            f"l'étape « {stage.label} ».",
        ),
        opening=(
            "Présentez-vous en une minute : qui vous êtes, le recrutement "
            f"« {snapshot.recruitment.title} » et le but de l'appel, "
            f"recueillir l'avis {de(who)} sur le travail {de(first)}. "
            f"Annoncez un échange de moins de {stage.max_minutes} minutes."
        ),
        role_question=(
            f"Pouvez-vous résumer en quelques mots le poste qu'occupait {name} chez vous "
            "et ses principales missions ?"
        ),
        role_tip="Vous pouvez aussi demander pourquoi la collaboration s'est terminée.",
        questions=tuple(questions),
        questions_note=questions_note,
        recommendation_question=(
            f"Recommanderiez-vous {first} pour une mission de ce type dans un service public "
            "numérique ?"
        ),
        recommendation_options=("Oui", "Oui, avec des réserves (lesquelles ?)", "Non"),
        recommendation_follow_up="Quels écueils verriez-vous pour cette mission ?",
        closing=(
            f"Remerciez {who} pour son temps. Saisissez ensuite vos notes, critère par critère, "
            f"à l'étape « {stage.label} »."
        ),
    )


def guide_document(guide: ReferenceGuide) -> Document:
    """The guide as one Document: the same blocks for the screen, Markdown and print."""
    g = guide
    meta: list[str | Span] = [bold("Recrutement :"), " " + g.recruitment_title]
    if g.referee_name:
        meta += ["\n", bold("Personne référente :"), " " + g.referee_name]
    meta += ["\n", bold("Durée :"), " " + g.duration]
    blocks: list[Block] = [
        Paragraph(inline(*meta)),
        Heading(2, "Avant l'appel"),
        Box((BulletList(tuple(inline(item) for item in g.before_call)),), kind="callout"),
        Heading(2, "Déroulé"),
        NumberedList(tuple(inline(f"{a.label} — {a.minutes}") for a in g.agenda)),
        Heading(2, f"1. Présentation ({g.agenda[0].minutes})"),
        Paragraph(inline(g.opening)),
        Heading(2, f"2. Poste et missions tenues ({g.agenda[1].minutes})"),
        Quote(inline(g.role_question)),
        Paragraph(inline(g.role_tip)),
        NotesArea("Notes :", lines=3),
        Heading(2, f"3. Compétences observées ({g.agenda[2].minutes})"),
        Paragraph(inline(g.questions_note)),
    ]
    for i, q in enumerate(g.questions, start=1):
        blocks.append(
            Box(
                (
                    Heading(3, f"3.{i}. {q.criterion_label}"),
                    Quote(inline(q.question)),
                    Paragraph(inline(bold("Relance :"), " " + q.follow_up)),
                    Paragraph(inline(bold("Pourquoi cette question :"), " " + q.why)),
                    NotesArea("Notes :", lines=4),
                ),
                kind="card",
            )
        )
    blocks += [
        Heading(2, f"4. Recommandation ({g.agenda[3].minutes})"),
        Quote(inline(g.recommendation_question)),
        Checklist(tuple(inline(o) for o in g.recommendation_options), horizontal=True),
        Paragraph(inline(g.recommendation_follow_up)),
        NotesArea("Notes :", lines=3),
        Heading(2, "Clôture"),
        Paragraph(inline(g.closing)),
    ]
    return Document(f"Prise de références — {g.candidate_name}", tuple(blocks))


def guide_markdown(guide: ReferenceGuide) -> str:
    """The guide as Markdown, to download or paste into the candidate's page."""
    return render_markdown(guide_document(guide))


def guide_html(guide: ReferenceGuide) -> str:
    """The guide as a standalone printable HTML page (inline CSS, DSFR colours, text escaped)."""
    return render_html(guide_document(guide))


def guide_filename(guide: ReferenceGuide, extension: str = "md") -> str:
    """« guide-references-alice-moreau.md »: ASCII only, safe on every file system."""
    if extension not in ("md", "html"):
        raise ValidationError("Format de guide inconnu : choisissez Markdown ou HTML.")
    return f"guide-references-{slugify(guide.candidate_name, 'candidature')}.{extension}"
