"""Readable reports: the candidate report (WTTJ page, right of access) and the decision record.

Each report is built once as a ``Document`` (``documents/document.py``: headings, paragraphs,
lists, tables, …) and rendered by the shared renderers to Markdown or to a printable HTML page,
so both formats always say the same thing. User text is escaped there, once per format: a note
can neither break the layout nor become a link, an image or HTML. The document model's names
are re-exported here for the callers that imported them from this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

import pandas as pd

from selection.analysis.meeting import weighted_sections_note
from selection.analysis.progress import candidate_status
from selection.analysis.scoring import Comparison, ranking_order, tie_key, view_leaders
from selection.documents.document import (
    Block,
    BulletList,
    Document,
    Heading,
    Inline,
    Paragraph,
    Span,
    Table,
    bold,
    clean_text,
    escape_markdown,
    inline,
    markdown_to_html_document,
    one_line,
    parse_markdown,
    render_html,
    render_markdown,
    table,
)
from selection.domain.labels import (
    CANDIDATE_STATUS,
    DECISIONS,
    MUST_HAVE_STATUS,
    NOT_RATED,
    RATING_ANCHORS,
    SCORE_VIEWS,
    WEIGHT_LEVELS,
)
from selection.domain.model import (
    Candidate,
    Criterion,
    Evaluation,
    RecruitmentSnapshot,
    StageDecision,
    ValidationError,
)
from selection.domain.stages import CULTURE, STAGE_BY_CODE, STAGES

# The document model lives in ``document.py``; these names stay importable from here.
__all__ = [
    "Block",
    "BulletList",
    "Document",
    "Heading",
    "Inline",
    "Paragraph",
    "Span",
    "Table",
    "bold",
    "candidate_report",
    "candidate_report_html",
    "candidate_report_markdown",
    "clean_text",
    "decision_record",
    "decision_record_html",
    "decision_record_markdown",
    "escape_markdown",
    "french_date",
    "french_number",
    "inline",
    "markdown_to_html_document",
    "one_line",
    "parse_markdown",
    "rating_label",
    "render_html",
    "render_markdown",
    "table",
]

# --- French formatting ---------------------------------------------------------------------

_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def french_date(value: date | datetime | None) -> str:
    if value is None or pd.isna(value):
        return "date non renseignée"
    day = value.date() if isinstance(value, datetime) else value
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {_MONTHS[day.month - 1]} {day.year}"


def french_number(value: object, decimals: int = 1, suffix: str = "") -> str:
    if value is None or pd.isna(value):
        return "—"
    text = f"{float(value):.{decimals}f}".replace(".", ",").replace("-", "−")
    return text + suffix


def rating_label(rating: int | None) -> str:
    return RATING_ANCHORS.get(rating, NOT_RATED) if rating is not None else NOT_RATED


def _when(obj: Evaluation) -> datetime | None:
    return obj.created_at or obj.updated_at


def _sort_time(value: datetime | None) -> tuple[bool, datetime]:
    return (value is None, value or datetime.min)


def _day(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _join_dates(values: Iterable[datetime | date | None]) -> str:
    days = sorted({_day(v) for v in values if v is not None})
    return ", ".join(french_date(d) for d in days) or "date non renseignée"


# --- Candidate report ----------------------------------------------------------------------


def _candidate(snapshot: RecruitmentSnapshot, candidate_id: str) -> Candidate:
    for cand in snapshot.candidates:
        if cand.id == candidate_id:
            return cand
    raise ValidationError("Cette candidature est introuvable dans ce recrutement.")


def _criterion_order(criteria: Sequence[Criterion]) -> dict[str, tuple[int, int]]:
    return {c.id: (c.position, i) for i, c in enumerate(criteria)}


def _evaluation_item(evaluation: Evaluation, criteria: dict[str, Criterion]) -> Inline:
    crit = criteria.get(evaluation.criterion_id)
    label = crit.label if crit else "Critère retiré du cadrage"
    evidence = clean_text(evaluation.evidence)
    parts: list[str | Span] = [
        bold(label),
        f" — {rating_label(evaluation.rating)} ({one_line(evaluation.rater)}, "
        f"{french_date(_when(evaluation))})",
        "\n",
        bold("Preuves :"),
        " " + (evidence or "aucune preuve écrite"),
    ]
    if evaluation.doubt or clean_text(evaluation.doubt_note):
        parts += ["\n", bold("Doute à lever :"), " ", clean_text(evaluation.doubt_note) or "oui"]
    return inline(*parts)


def _decision_item(decision: StageDecision) -> Inline:
    parts: list[str | Span] = [
        bold(DECISIONS.get(decision.decision, decision.decision)),
        f" — par {one_line(decision.decided_by)}, le {french_date(decision.decided_at)}",
    ]
    reason = clean_text(decision.reason)
    if reason:
        parts += ["\n", bold("Motif :"), " ", reason]
    return inline(*parts)


def candidate_report(
    snapshot: RecruitmentSnapshot,
    candidate_id: str,
    *,
    include_contact: bool = False,
    on: date | None = None,
) -> Document:
    """Everything the team wrote about one candidate, stage by stage in process order.

    Only submitted evaluations are included: a draft is an interviewer's unfinished note, not
    something the team has said. « Non évalué » entries are listed (their notes are personal
    data the candidate may ask to see) but carry no rating. ``include_contact`` adds the
    contact details, for the right of access.
    """
    cand = _candidate(snapshot, candidate_id)
    rec = snapshot.recruitment
    criteria = {c.id: c for c in snapshot.criteria}
    order = _criterion_order(snapshot.criteria)
    submitted = [
        e for e in snapshot.evaluations if e.candidate_id == candidate_id and e.status == "soumis"
    ]
    decisions = [d for d in snapshot.decisions if d.candidate_id == candidate_id]
    # The culture-fit interview happened once someone wrote an observation (it has no ratings).
    culture_dates = [n.created_at for n in snapshot.culture_notes if n.candidate_id == candidate_id]
    observed = {CULTURE} if culture_dates else set()

    context = ", ".join(p for p in (one_line(rec.role), one_line(rec.team)) if p)
    blocks: list[Block] = [
        Paragraph(inline(bold("Recrutement :"), " " + one_line(rec.title))),
    ]
    if context:
        blocks.append(Paragraph(inline(bold("Mission :"), " " + context)))
    status = candidate_status(snapshot)
    row = status[status["candidate_id"] == candidate_id]
    if not row.empty:
        stage_label = STAGE_BY_CODE[row.iloc[0]["etape"]].label
        state = CANDIDATE_STATUS.get(row.iloc[0]["statut"], row.iloc[0]["statut"])
        blocks.append(
            Paragraph(inline(bold("Situation :"), f" {state}, étape atteinte : {stage_label}"))
        )
    blocks.append(
        Paragraph(inline(bold("Document établi le :"), " " + french_date(on or date.today())))
    )
    if include_contact:
        contact = [
            inline(bold(label), " " + one_line(value))
            for label, value in (
                ("Adresse électronique :", cand.email),
                ("Téléphone :", cand.phone),
                ("Source de la candidature :", cand.source),
            )
            if one_line(value)
        ]
        if contact:
            blocks += [Heading(2, "Coordonnées"), BulletList(tuple(contact))]
    blocks.append(
        Paragraph(
            inline(
                "Ce compte rendu reprend, étape par étape, les évaluations soumises par les "
                "personnes qui ont mené les entretiens et les décisions prises. Une note va de 1 "
                "(non démontré) à 3 (démontré par des preuves concrètes) ; « Non évalué » "
                "signifie que le sujet n'a pas été abordé. Les brouillons non soumis n'y figurent "
                "pas."
            )
        )
    )

    for st in STAGES:
        evals = sorted(
            (e for e in submitted if e.stage == st.code),
            key=lambda e: (
                order.get(e.criterion_id, (10**9, 10**9)),
                one_line(e.rater).casefold(),
                _sort_time(_when(e)),
            ),
        )
        decs = sorted(
            (d for d in decisions if d.stage == st.code), key=lambda d: _sort_time(d.decided_at)
        )
        blocks.append(Heading(2, f"{st.order}. {st.label}"))
        if not evals and not decs and st.code not in observed:
            blocks.append(Paragraph(inline("N'a pas encore eu lieu.")))
            continue
        if not st.scored:
            blocks.append(
                Paragraph(inline("Étape consultative : ce qui s'y dit ne compte dans aucun score."))
            )
        dates = [_when(e) for e in evals] + [d.decided_at for d in decs]
        if st.code in observed:
            dates += culture_dates
        label = "Dates :" if len({_day(d) for d in dates if d is not None}) > 1 else "Date :"
        blocks.append(Paragraph(inline(bold(label), " " + _join_dates(dates))))
        if evals:
            interviewers = sorted({one_line(e.rater) for e in evals}, key=str.casefold)
            blocks.append(
                Paragraph(inline(bold("Entretien mené par :"), " " + ", ".join(interviewers)))
            )
            blocks.append(Heading(3, "Évaluations"))
            blocks.append(BulletList(tuple(_evaluation_item(e, criteria) for e in evals)))
        blocks.append(Heading(3, "Décision"))
        if decs:
            blocks.append(BulletList(tuple(_decision_item(d) for d in decs)))
        else:
            blocks.append(Paragraph(inline("Aucune décision enregistrée pour cette étape.")))
    return Document(f"Compte rendu de candidature — {one_line(cand.name)}", tuple(blocks))


def candidate_report_markdown(
    snapshot: RecruitmentSnapshot,
    candidate_id: str,
    *,
    include_contact: bool = False,
    on: date | None = None,
) -> str:
    """The candidate report as Markdown, to paste into the candidate's WTTJ page or send on a
    right-of-access request. Submitted ratings only: drafts are never included."""
    return render_markdown(
        candidate_report(snapshot, candidate_id, include_contact=include_contact, on=on)
    )


def candidate_report_html(
    snapshot: RecruitmentSnapshot,
    candidate_id: str,
    *,
    include_contact: bool = False,
    on: date | None = None,
) -> str:
    """The same report as a printable HTML page (drafts are never included)."""
    return render_html(
        candidate_report(snapshot, candidate_id, include_contact=include_contact, on=on)
    )


# --- Decision record -----------------------------------------------------------------------


def _rank_strings(values: pd.Series) -> list[str]:
    """Ranks of one view's column with the one tie rule (scoring.tie_key): equal scores share a
    rank. The column is brought to the 0–1 scale by its own largest value when it exceeds 1
    (matrice, points), which leaves equal values equal."""
    v = values.astype(float)
    top = float(v.abs().max()) if v.notna().any() else 1.0
    _, ranks = ranking_order(tie_key(v, top if top > 1 else 1.0), [""] * len(v))
    return ["—" if r == 0 else str(int(r)) for r in ranks]


def _with_interval(value: float, low: float, high: float) -> str:
    """A Matrice value, with the range the missing ratings allow when there is one."""
    if pd.isna(value) or abs(high - low) < 1e-9:
        return french_number(value, 2)
    return f"{french_number(value, 2)} (de {french_number(low, 2)} à {french_number(high, 2)})"


_VIEW_OF_COLUMN = {"score": "moyenne", "matrice": "matrice", "points_valides": "valides"}


def _leaders(table: pd.DataFrame, column: str) -> list[str]:
    """Names first in a view (sharing rank 1 on a tie, one tie rule), among candidates with at
    least one rating, listed by name — as the meeting screen ranks them."""
    return [one_line(n) for n in view_leaders(table, _VIEW_OF_COLUMN[column])]


def _leaders_sentence(table: pd.DataFrame) -> tuple[str, bool]:
    """Who leads in the three views, and whether that sentence already says they disagree."""
    views = {view: _leaders(table, column) for column, view in _VIEW_OF_COLUMN.items()}
    if not any(views.values()):
        return "Aucune note soumise : le classement n'est pas encore possible.", False
    if all(v == views["moyenne"] for v in views.values()):
        names = views["moyenne"]
        if len(names) > 1:
            return f"Les trois vues placent à égalité en tête : {', '.join(names)}.", False
        return f"Les trois vues placent en tête : {', '.join(names)}.", False
    details = " ; ".join(
        f"{SCORE_VIEWS[k]} : {', '.join(v) or 'aucune note'}" for k, v in views.items()
    )
    return f"Les vues ne placent pas la même candidature en tête ({details}).", True


def _constraints(snapshot: RecruitmentSnapshot) -> list[Inline]:
    rec = snapshot.recruitment
    items = [
        ("Date de début :", french_date(rec.start_date) if rec.start_date else ""),
        ("Jours par semaine :", french_number(rec.days_per_week, 1) if rec.days_per_week else ""),
        ("Télétravail :", one_line(rec.remote_policy)),
        ("TJM maximum :", f"{rec.max_daily_rate} €" if rec.max_daily_rate else ""),
        ("Prise de références :", "demandée" if rec.references_required else "facultative"),
    ]
    return [inline(bold(label), " " + value) for label, value in items if value]


def _weights_used(snapshot: RecruitmentSnapshot, comparison: Comparison) -> list[float]:
    used = list(comparison.weights.astype(float))
    if len(used) == len(snapshot.criteria):
        return used
    by_label = comparison.weights.to_dict()
    return [float(by_label.get(c.label, c.weight)) for c in snapshot.criteria]


def decision_record(
    snapshot: RecruitmentSnapshot,
    comparison: Comparison,
    *,
    robustness: str = "",
    open_gaps: Sequence[str] = (),
    prepared_by: str = "",
    prepared_on: date | datetime | None = None,
    decided_by: str = "",
    decided_on: date | datetime | None = None,
    view: str | None = None,
    probabilities: pd.DataFrame | None = None,
    stability: str = "",
    missing_help: str = "",
    views_warning: str | None = None,
    calibration: tuple[pd.DataFrame, pd.DataFrame] | None = None,
    calibration_help: str = "",
    closed: Sequence[str] = (),
    figure_help: Mapping[str, str] | None = None,
) -> Document:
    """The record kept with the procurement file: brief, weights used, ranking in the three
    views, how sure the ranking is, what is still unknown, and the decisions taken.

    ``robustness`` (the sentence shown for the chosen ``view``) and ``open_gaps`` come from the
    robustness and gap analyses. From the meeting screen also: ``probabilities`` (the table of
    the probability of leading under both uncertainties), ``stability`` (the lead's verdict) and
    ``missing_help`` (how the second figure is drawn); ``views_warning`` when the three views do
    not name the same leader; ``calibration`` (interviewers' deviation table, agreement per
    criterion) with ``calibration_help``; ``closed`` (one line per stage still closed to
    discussion); ``figure_help`` (one sentence per figure). Each section appears when given.
    « Décision prise par » names whoever recorded the latest final choice (« retenu·e ») and
    its date, read from the decisions; before any final choice the record says that none is
    recorded yet. ``prepared_by`` / ``prepared_on`` (default: today) only fill the line
    « Document établi le … par … ». ``decided_by`` / ``decided_on`` are their former names,
    kept for callers that pass the person downloading the file: they never name the decider.
    """
    rec = snapshot.recruitment
    finals = sorted(
        (d for d in snapshot.decisions if d.decision == "retenu"),
        key=lambda d: _sort_time(d.decided_at),
    )
    final = finals[-1] if finals else None
    names = {c.id: one_line(c.name) for c in snapshot.candidates}
    author = one_line(prepared_by) or one_line(decided_by)
    made_on = prepared_on or decided_on or date.today()

    blocks: list[Block] = [Paragraph(inline(bold("Recrutement :"), " " + one_line(rec.title)))]
    context = ", ".join(p for p in (one_line(rec.role), one_line(rec.team)) if p)
    if context:
        blocks.append(Paragraph(inline(bold("Mission :"), " " + context)))
    if final is not None:
        blocks += [
            Paragraph(
                inline(
                    bold("Choix final :"),
                    " " + names.get(final.candidate_id, "candidature supprimée") + " retenu·e",
                )
            ),
            Paragraph(
                inline(
                    bold("Décision prise par :"),
                    f" {one_line(final.decided_by) or 'non renseigné'}, "
                    f"le {french_date(final.decided_at)}",
                )
            ),
        ]
    else:
        blocks.append(
            Paragraph(
                inline(
                    bold("Décision prise par :"),
                    " aucune décision finale n'est encore enregistrée : personne n'a été "
                    "retenu·e à ce jour.",
                )
            )
        )
    blocks.append(
        Paragraph(
            inline(
                bold("Document établi le :"),
                " " + french_date(made_on) + (f" par {author}" if author else ""),
            )
        )
    )

    blocks.append(Heading(2, "Cadrage et pondérations utilisées"))
    constraints = _constraints(snapshot)
    if constraints:
        blocks += [Heading(3, "Contraintes de la mission"), BulletList(tuple(constraints))]
    used = _weights_used(snapshot, comparison)
    blocks.append(
        table(
            (
                "Critère",
                "Niveau",
                "Pondération du cadrage",
                "Pondération utilisée",
                "Obligatoire",
                "Étapes",
            ),
            (
                (
                    c.label,
                    WEIGHT_LEVELS.get(c.weight_level, str(c.weight_level)),
                    french_number(c.weight, 1),
                    french_number(w, 1),
                    "oui" if c.must_have else "non",
                    ", ".join(STAGE_BY_CODE[s].label for s in c.stages if s in STAGE_BY_CODE)
                    or "—",
                )
                for c, w in zip(snapshot.criteria, used, strict=True)
            ),
        )
    )
    changed = [
        c.label for c, w in zip(snapshot.criteria, used, strict=True) if abs(c.weight - w) > 1e-9
    ]
    blocks.append(
        Paragraph(
            inline(
                "Pondérations modifiées en réunion par rapport au cadrage enregistré : "
                + ", ".join(changed)
                + "."
                if changed
                else "Les pondérations utilisées sont celles du cadrage enregistré."
            )
        )
    )

    ranking = comparison.table.reset_index(drop=True)
    # Without any rating a person has no score, rank or must-have state in any view (as on
    # screen: « — »), not zero points.
    rated = ranking["nb_notes"] > 0
    blocks.append(Heading(2, "Classement"))
    blocks.append(
        BulletList(
            (
                inline(
                    bold(SCORE_VIEWS["moyenne"] + " :"),
                    " notes rapportées de 1 → 0 % à "
                    "3 → 100 %, sans compter les notes manquantes ; l'intervalle va du pire "
                    "au meilleur cas si les notes manquantes étaient 1 ou 3.",
                ),
                inline(bold(SCORE_VIEWS["matrice"] + " :"), " somme des pondérations × notes."),
                inline(
                    bold(SCORE_VIEWS["valides"] + " :"),
                    " un critère dont la note moyenne "
                    "atteint 2,5 rapporte son niveau (3, 2 ou 1), sinon 0.",
                ),
            )
        )
    )
    blocks.append(
        table(
            (
                "Candidat·e",
                "Rang (moyenne)",
                "Moyenne pondérée",
                "Intervalle",
                "Couverture",
                "Rang (matrice)",
                "Matrice",
                "Rang (validés)",
                "Points validés",
                "Critères obligatoires",
            ),
            zip(
                ranking["candidat"],
                _rank_strings(ranking["score"]),
                (french_number(v * 100, 1, " %") for v in ranking["score"]),
                (
                    f"{french_number(lo * 100, 1)} – {french_number(hi * 100, 1)} %"
                    for lo, hi in zip(ranking["score_min"], ranking["score_max"], strict=True)
                ),
                (french_number(v * 100, 0, " %") for v in ranking["couverture"]),
                _rank_strings(ranking["matrice"].where(rated)),
                (
                    _with_interval(v, lo, hi)
                    for v, lo, hi in zip(
                        ranking["matrice"],
                        ranking["matrice_min"],
                        ranking["matrice_max"],
                        strict=True,
                    )
                ),
                _rank_strings(ranking["points_valides"].where(rated)),
                (
                    f"{french_number(p, 0)} / {french_number(t, 0)}" if r else "—"
                    for p, t, r in zip(
                        ranking["points_valides"], ranking["points_total"], rated, strict=True
                    )
                ),
                (
                    MUST_HAVE_STATUS.get(s, s) if r else "—"
                    for s, r in zip(ranking["obligatoires"], rated, strict=True)
                ),
                strict=True,
            ),
        )
    )
    leaders, disagreement_said = _leaders_sentence(ranking)
    blocks.append(Paragraph(inline(leaders)))
    if view in SCORE_VIEWS:
        blocks.append(
            Paragraph(inline(bold("Vue retenue en réunion :"), " " + SCORE_VIEWS[view] + "."))
        )
    if views_warning and not disagreement_said:  # the sentence above already names each leader
        blocks.append(Paragraph(inline(clean_text(views_warning))))

    blocks.append(Heading(2, "Robustesse du classement"))
    weighted_note = weighted_sections_note(view or "")
    if weighted_note:
        blocks.append(Paragraph(inline(weighted_note)))
    blocks.append(Paragraph(inline(clean_text(robustness) or "Analyse de robustesse non jointe.")))
    if stability:
        blocks.append(Paragraph(inline(bold("Solidité de la tête :"), " " + clean_text(stability))))
    if probabilities is not None and len(probabilities):
        blocks.append(
            table(
                tuple(str(c) for c in probabilities.columns),
                (tuple(str(v) for v in row) for row in probabilities.itertuples(index=False)),
            )
        )
    if missing_help:
        blocks.append(Paragraph(inline(clean_text(missing_help))))

    if closed:
        blocks.append(Heading(2, "Étapes encore fermées à la discussion"))
        blocks.append(
            Paragraph(
                inline(
                    "Pas de débrief à chaud : les notes de ces étapes ne sont pas dans ce "
                    "relevé, une personne désignée n'ayant pas encore soumis son évaluation."
                )
            )
        )
        blocks.append(BulletList(tuple(inline(clean_text(c)) for c in closed)))

    blocks.append(Heading(2, "Points encore ouverts"))
    gaps = [clean_text(g) for g in open_gaps if clean_text(g)]
    blocks.append(
        BulletList(tuple(inline(g) for g in gaps))
        if gaps
        else Paragraph(inline("Aucun point ouvert signalé."))
    )

    if calibration is not None:
        raters, agreement = calibration
        blocks.append(Heading(2, "Calibration du panel"))
        if calibration_help:
            blocks.append(Paragraph(inline(clean_text(calibration_help))))
        for heading, frame, empty in (
            ("Écart de chaque personne au reste du panel", raters, "Aucune note soumise."),
            ("Accord entre les personnes, critère par critère", agreement, "Aucun critère."),
        ):
            blocks.append(Heading(3, heading))
            blocks.append(
                table(
                    tuple(str(c) for c in frame.columns),
                    (tuple(str(v) for v in row) for row in frame.itertuples(index=False)),
                )
                if len(frame)
                else Paragraph(inline(empty))
            )

    if figure_help:
        blocks.append(Heading(2, "Comment lire ces chiffres"))
        blocks.append(BulletList(tuple(inline(clean_text(t)) for t in figure_help.values())))

    blocks.append(Heading(2, "Décisions"))
    decisions = sorted(snapshot.decisions, key=lambda d: _sort_time(d.decided_at))
    if decisions:
        blocks.append(
            table(
                ("Candidat·e", "Étape", "Décision", "Motif", "Par", "Le"),
                (
                    (
                        names.get(d.candidate_id, "Candidature supprimée"),
                        STAGE_BY_CODE[d.stage].label if d.stage in STAGE_BY_CODE else d.stage,
                        DECISIONS.get(d.decision, d.decision),
                        d.reason or "—",
                        d.decided_by,
                        french_date(d.decided_at),
                    )
                    for d in decisions
                ),
            )
        )
    else:
        blocks.append(Paragraph(inline("Aucune décision enregistrée.")))
    return Document(f"Relevé de décision — {one_line(rec.title)}", tuple(blocks))


def decision_record_markdown(
    snapshot: RecruitmentSnapshot,
    comparison: Comparison,
    *,
    robustness: str = "",
    open_gaps: Sequence[str] = (),
    prepared_by: str = "",
    prepared_on: date | datetime | None = None,
    decided_by: str = "",
    decided_on: date | datetime | None = None,
) -> str:
    """The decision record as Markdown (see ``decision_record``)."""
    return render_markdown(
        decision_record(
            snapshot,
            comparison,
            robustness=robustness,
            open_gaps=open_gaps,
            prepared_by=prepared_by,
            prepared_on=prepared_on,
            decided_by=decided_by,
            decided_on=decided_on,
        )
    )


def decision_record_html(
    snapshot: RecruitmentSnapshot,
    comparison: Comparison,
    *,
    robustness: str = "",
    open_gaps: Sequence[str] = (),
    prepared_by: str = "",
    prepared_on: date | datetime | None = None,
    decided_by: str = "",
    decided_on: date | datetime | None = None,
) -> str:
    """The decision record as a printable standalone HTML page (see ``decision_record``)."""
    return render_html(
        decision_record(
            snapshot,
            comparison,
            robustness=robustness,
            open_gaps=open_gaps,
            prepared_by=prepared_by,
            prepared_on=prepared_on,
            decided_by=decided_by,
            decided_on=decided_on,
        )
    )
