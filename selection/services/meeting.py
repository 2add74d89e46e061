"""The decision meeting, read from one viewer-scoped view: the weighted comparison in three views,
robustness, gaps, evolution by stage, calibration, and the files the team keeps (CSV, decision
record).

Everything here is computed from ``RecruitmentView.snapshot``: what the viewer may not see is not
in it, so no table, chart or file of the meeting can show it. On top of that, a candidate's stage
stays out of the meeting until every interviewer assigned to it has submitted (« pas de débrief à
chaud »), unless the person responsible opened it early: ``Meeting.snapshot`` leaves those
ratings out for everyone, and ``closed_debriefs`` lists them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd

from selection.analysis import calibration
from selection.analysis import meeting as tables
from selection.analysis import robustness as robustness_module
from selection.analysis.evidence import Evidence, build_evidence
from selection.analysis.gaps import shortlist_gaps
from selection.analysis.people import distinct_names
from selection.analysis.robustness import RobustnessResult
from selection.analysis.scoring import (
    Comparison,
    StageMeans,
    compare,
    stage_means,
    stage_scores_from,
)
from selection.analysis.signals import candidate_signals
from selection.documents.exports import CSV_DIALECTS, comparison_frame, csv_filename, to_csv
from selection.documents.reports import decision_record, render_html, render_markdown
from selection.domain import labels
from selection.domain.formatting import de, export_filename
from selection.domain.model import RecruitmentSnapshot
from selection.domain.permissions import Action
from selection.domain.stages import CULTURE, STAGE_BY_CODE
from selection.services.reading import RecruitmentView

weights_changed = tables.weights_changed
display_table = tables.display_table
contribution_table = tables.contribution_table
probability_table = tables.probability_table
flips_table = tables.flips_table
evolution_table = tables.evolution_table
gap_table = tables.gap_table
gaps_by_person = tables.gaps_by_person
numbered_labels = tables.numbered_labels
spread_table = tables.spread_table
MUST_HAVE_SHORT = tables.MUST_HAVE_SHORT
PROBABILITY_COLUMNS = tables.PROBABILITY_COLUMNS
FIGURE_HELP = tables.FIGURE_HELP
DIALECTS = CSV_DIALECTS


@dataclass
class Meeting:
    """What the meeting screen computes once per full run (weights do not change it)."""

    view: RecruitmentView
    shown_ids: list[str]
    snapshot: RecruitmentSnapshot  # the view without the stages still closed to discussion
    evidence: Evidence  # computed once from ``snapshot``
    base: Comparison
    per_stage: StageMeans

    @property
    def saved_weights(self) -> dict[str, float]:
        return {c.id: c.weight for c in self.view.snapshot.criteria}


@dataclass(frozen=True)
class ClosedDebrief:
    """One candidate's stage still closed to discussion, and who it waits for (names)."""

    candidate_id: str
    candidate_name: str
    stage: str
    stage_label: str
    waiting_for: tuple[str, ...]

    @property
    def sentence(self) -> str:
        """« Alice Moreau — Entretien intra / métier : en attente de Zoé Test. »"""
        who = tables.names_list(self.waiting_for) or "une personne du panel"
        return f"{self.candidate_name} — {self.stage_label} : en attente {de(who)}."


CLOSED_HELP = (
    "Pas de débrief à chaud : les notes d'une étape restent hors de la réunion tant que chaque "
    "personne désignée pour cet entretien n'a pas soumis la sienne, pour que personne ne soit "
    "influencé. La personne responsable peut ouvrir la discussion plus tôt en donnant une "
    "raison (inscrite au journal)."
)


def closed_debriefs(meeting: Meeting) -> list[ClosedDebrief]:
    """Stages of the candidates shown that stay closed, each with the people it waits for."""
    shown = set(meeting.shown_ids)
    view = meeting.view
    waiting: dict[tuple[str, str], list[str]] = {}
    for owed in view.owed:
        waiting.setdefault((owed.candidate_id, owed.stage), []).append(owed.member_name)
    out = []
    for cid, stage in sorted(view.sealed):
        if cid not in shown or cid not in view.candidate_by_id:
            continue
        out.append(
            ClosedDebrief(
                candidate_id=cid,
                candidate_name=view.shown_names[cid],  # namesakes told apart
                stage=stage,
                stage_label=STAGE_BY_CODE[stage].label,
                waiting_for=tuple(sorted(set(waiting.get((cid, stage), [])))),
            )
        )
    return sorted(out, key=lambda c: (c.candidate_name, STAGE_BY_CODE[c.stage].order))


def can_open_debriefs(view: RecruitmentView) -> bool:
    return view.can(Action.OPEN_DEBRIEF)


def board_data(
    meeting: Meeting,
    score_view: str,
    weights: Mapping[str, float],
    *,
    key: str,
    can_save: bool,
    ack: int = 0,
    announce_drawn: bool = False,
) -> dict:
    """What the meeting's weight board draws and recomputes in the browser (ui/meeting_board.js):
    per person the mean rating of every criterion (None where nothing was rated) and what the
    weights do not change (must-have state, signals, stage, status, validated points, place
    when listed by name); per criterion its number, colour, saved weight and level; the view,
    and the weights to start from. ``shape`` changes whenever the board must start again from
    the server's weights (other data, view, saved weights)."""
    import hashlib
    import json

    from selection.analysis.evidence import VALIDATION_THRESHOLD
    from selection.charts.comparison import LABEL_SHARE, VIEW_AXIS, ink_for, palette_for
    from selection.domain.labels import SCORE_VIEWS, WEIGHT_LEVELS

    base = meeting.base
    ids = tables.row_ids(base)
    names = tables.unique_names(base)
    means = base.means.to_numpy(dtype=float)
    table = base.table.set_index("candidate_id")
    status = meeting.view.status.set_index("candidate_id")
    signs = signals(meeting, base)
    must_badges = set(tables.MUST_HAVE_BADGES.values())
    criteria = {c.id: c for c in meeting.view.snapshot.criteria}
    crit_ids = list(meeting.evidence.criterion_ids)
    colours = palette_for(len(crit_ids))
    numbered = tables.numbered_labels([criteria[c].label for c in crit_ids])
    candidates = []
    for i, cid in enumerate(ids):
        row = table.loc[cid]
        rated = int(row["nb_notes"]) > 0
        state = row["obligatoires"]
        candidates.append(
            {
                "id": cid,
                "name": names[i],
                "nameOrder": int(row["ordre_nom"]),
                "means": [None if np.isnan(m) else float(m) for m in means[i]],
                "rated": rated,
                "mustHave": state,
                "mustHaveLabel": tables.MUST_HAVE_SHORT.get(state, state) if rated else "—",
                "blocked": state == "bloquant",
                "signals": " · ".join(b for b in signs.get(cid, []) if b not in must_badges),
                "stage": STAGE_BY_CODE[status.loc[cid, "etape"]].label,
                "status": labels.CANDIDATE_STATUS[status.loc[cid, "statut"]],
                "points": float(row["points_valides"]),
                "pointsMax": float(row["points_valides_max"]),
            }
        )
    crit = [
        {
            "id": cid,
            "n": k + 1,
            "numbered": numbered[k],
            "colour": colours[k],
            "ink": ink_for(colours[k]),
            "saved": float(criteria[cid].weight),
            "level": int(criteria[cid].weight_level),
            "levelLabel": WEIGHT_LEVELS.get(criteria[cid].weight_level, ""),
        }
        for k, cid in enumerate(crit_ids)
    ]
    title, _ = VIEW_AXIS[score_view]
    data = {
        "key": key,
        "view": score_view,
        "axisTitle": title,
        "criteria": crit,
        "candidates": candidates,
        "pointsTotal": float(base.levels.sum()),
        "validation": VALIDATION_THRESHOLD,
        "labelShare": LABEL_SHARE,
        "canSave": can_save,
        "headers": {"score": "Score" if score_view == "moyenne" else SCORE_VIEWS[score_view]},
        "help": FIGURE_HELP,
        "sliderHelp": (
            WEIGHTS_DO_NOT_APPLY
            if score_view == "valides"
            else "Déplacez les curseurs : le classement et son tableau suivent aussitôt ; la "
            "phrase, la solidité, les points à vérifier et les fichiers suivent quand vous "
            "lâchez le curseur. Le cadrage ne change que si vous enregistrez."
        ),
        "chartHelp": (
            "Barres : apport de chaque critère, numéroté comme dans la légende (⛔ critère "
            "obligatoire non validé, ❓ à confirmer). Trait noir : intervalle entre le pire et le "
            "meilleur cas si les critères non évalués étaient notés 1 ou 3 ; repère vertical : "
            "score actuel. Survolez un segment pour lire le critère et sa valeur."
        ),
        "description": (
            f"Classement des candidatures ({title}) : une barre par personne, découpée par "
            "critère numéroté, avec l'intervalle pire – meilleur cas ; les valeurs sont dans le "
            "tableau sous le graphique."
        ),
    }
    data["shape"] = hashlib.sha1(
        json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()[:16]
    data["weights"] = {cid: float(weights.get(cid, criteria[cid].weight)) for cid in crit_ids}
    data["ack"] = ack  # the number of the board's weights these were computed from
    data["announceDrawn"] = announce_drawn  # say when the board is drawn (first screen)
    return data


def board_ack(value: object) -> int:
    """The number the board gave the weights it sent (0 when there is none)."""
    if isinstance(value, Mapping):
        try:
            return max(0, int(value.get("__seq", 0)))
        except (TypeError, ValueError):
            return 0
    return 0


def weights_from_board(value: object, criteria: Sequence) -> dict[str, float] | None:
    """The weights the board sent, checked: one number per criterion of the brief, between 0
    and 3, to one decimal (anything else is ignored). None when nothing usable was sent."""
    if not isinstance(value, Mapping):
        return None
    out: dict[str, float] = {}
    for crit in criteria:
        raw = value.get(crit.id, crit.weight)
        try:
            number = float(raw)
        except (TypeError, ValueError):
            number = float(crit.weight)
        if not np.isfinite(number):
            number = float(crit.weight)
        out[crit.id] = round(min(max(number, 0.0), 3.0), 1)
    return out


def blinded_names(view: RecruitmentView) -> list[str]:
    """People shown without the others' ratings, because the viewer has not submitted yet."""
    return [
        view.candidate_by_id[cid].name
        for cid in sorted(view.blinded)
        if cid in view.candidate_by_id
    ]


def prepare(view: RecruitmentView, *, active_only: bool, min_stage: str) -> Meeting | None:
    """The candidates to compare (None when the filters leave nobody) and their comparison with
    the saved weights."""
    shown = tables.filter_candidates(view.status, active_only=active_only, min_stage=min_stage)
    if not shown:
        return None
    if view.sealed:
        snapshot = replace(
            view.snapshot,
            evaluations=[
                e for e in view.snapshot.evaluations if (e.candidate_id, e.stage) not in view.sealed
            ],
            culture_notes=[
                n
                for n in view.snapshot.culture_notes
                if (n.candidate_id, CULTURE) not in view.sealed
            ],
        )
    else:
        snapshot = view.snapshot
    named = distinct_names(snapshot.candidates)  # namesakes told apart on every chart and file
    if named is not snapshot.candidates:
        snapshot = replace(snapshot, candidates=list(named))
    evidence = view.evidence if snapshot is view.snapshot else build_evidence(snapshot)
    return Meeting(
        view=view,
        shown_ids=shown,
        snapshot=snapshot,
        evidence=evidence,
        base=compare(evidence, candidate_ids=shown),
        per_stage=stage_means(evidence),
    )


def weigh(meeting: Meeting, weights: Mapping[str, float]) -> Comparison:
    return compare(meeting.evidence, weights, candidate_ids=meeting.shown_ids)


def robustness(meeting: Meeting, comparison: Comparison, weights) -> RobustnessResult:
    return tables.analyse_robustness(meeting.evidence, comparison, weights, meeting.shown_ids)


def signals(meeting: Meeting, comparison: Comparison | None = None) -> dict[str, list[str]]:
    return candidate_signals(meeting.evidence, comparison)


def gaps(meeting: Meeting, weights: Mapping[str, float]) -> list:
    return shortlist_gaps(meeting.evidence, weights, candidate_ids=meeting.shown_ids)


def evolution(meeting: Meeting, comparison: Comparison, weights) -> pd.DataFrame:
    frame = stage_scores_from(meeting.per_stage, weights, meeting.saved_weights)
    return frame[frame["candidat"].isin(comparison.ranked_names)]


def summary(
    comparison: Comparison,
    view: str,
    result: RobustnessResult | None,
    *,
    hidden: Sequence[str] = (),
) -> str:
    """The sentence above the ranking, for the view on screen (see analysis.meeting).

    ``hidden``: names of people with ratings whom the filters leave out. When the screen then
    compares fewer than two people with ratings, the sentence says so instead of « une seule
    candidature a des notes »: the others have notes, they are only out of the scope."""
    return tables.view_summary(comparison, view, result, hidden=hidden)


def hidden_rated(meeting: Meeting) -> list[str]:
    """People with at least one rating that the filters (status, stage reached) leave out."""
    ev = meeting.evidence
    shown = set(meeting.shown_ids)
    return [
        name
        for cid, name, n in zip(ev.candidate_ids, ev.names, ev.n_ratings.tolist(), strict=True)
        if n > 0 and cid not in shown
    ]


def scope_caption(meeting: Meeting, active_only: bool) -> str:
    """What the filters show, in words: how many people are compared out of how many."""
    total = len(meeting.view.snapshot.candidates)
    shown = len(meeting.shown_ids)
    hidden = hidden_rated(meeting)
    text = f"{shown} candidature{'s' if shown > 1 else ''} comparée{'s' if shown > 1 else ''} sur {total}"
    if hidden:
        why = (
            "arrêtées ou pas encore à l'étape choisie"
            if active_only
            else "pas encore à l'étape choisie"
        )
        text += (
            f" ; {len(hidden)} autre{'s' if len(hidden) > 1 else ''} avec des notes "
            f"({why}) n'{'apparaissent' if len(hidden) > 1 else 'apparaît'} pas ici"
        )
    return text + "."


def views_warning(comparison: Comparison) -> str | None:
    """A warning naming who leads in each view when the three views disagree."""
    return tables.views_disagreement(comparison)


WEIGHTS_DO_NOT_APPLY = tables.WEIGHTS_DO_NOT_APPLY
WEIGHTED_SECTIONS_NOTE = tables.WEIGHTED_SECTIONS_NOTE


def weighted_sections_note(score_view: str) -> str | None:
    """What the robustness and the gaps say in a view that uses no weights (else None)."""
    return tables.weighted_sections_note(score_view)


MISSING_PRIOR_HELP = robustness_module.MISSING_PRIOR_HELP
CALIBRATION_HELP = calibration.CALIBRATION_HELP


def calibration_tables(meeting: Meeting) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(interviewers' deviation table, its chart data, agreement per criterion)."""
    raters = calibration.rater_calibration(meeting.evidence)
    return (
        calibration.calibration_table(raters),
        calibration.calibration_frame(raters),
        calibration.agreement_table(calibration.criterion_agreement(meeting.evidence)),
    )


def _current(meeting: Meeting, weights: Mapping[str, float]) -> tuple[Comparison, RobustnessResult]:
    comparison = weigh(meeting, weights)
    return comparison, robustness(meeting, comparison, weights)


def probability_columns(result: RobustnessResult) -> dict[str, dict[str, float]]:
    """The two probabilities of leading, as extra CSV columns (percent, one decimal)."""
    return {
        "Probabilité d'être en tête (%)": {
            k: round(v * 100, 1) for k, v in result.probability_by_id().items()
        },
        "Probabilité d'être en tête, preuves manquantes tirées (%)": {
            k: round(v * 100, 1) for k, v in result.probability_with_missing_by_id().items()
        },
    }


@dataclass(frozen=True)
class Download:
    """One file of the meeting, built when the button is clicked (``build`` returns its bytes
    and writes the download to the journal)."""

    label: str
    help: str
    file_name: str
    mime: str
    build: Callable[[], bytes]


def downloads(
    meeting: Meeting,
    current_weights: Callable[[], Mapping[str, float]],
    score_view: str,
    on: date,
    record: Callable[[str, str], None] | None = None,
) -> list[Download]:
    """The CSV in both dialects and the decision record (Markdown, printable HTML), each built
    on click from the weights on screen at that moment (``current_weights``): nothing is
    computed while the sliders move. ``record(what, file_name)`` journals the download."""
    title = meeting.view.recruitment.title

    def csv_builder(code: str, name: str) -> Callable[[], bytes]:
        def build() -> bytes:
            weights = current_weights()
            comparison, result = _current(meeting, weights)
            frame = comparison_frame(
                comparison,
                meeting.view.status,
                probability_columns(result),
                score_view=score_view,
                exported_on=on,
                snapshot=meeting.snapshot,
            )
            payload = to_csv(frame, code)
            if record is not None:
                record("CSV de la comparaison", name)
            return payload

        return build

    def record_builder(fmt: str, name: str) -> Callable[[], bytes]:
        def build() -> bytes:
            document = decision_record_document(meeting, current_weights(), score_view, on)
            text = render_markdown(document) if fmt == "md" else render_html(document)
            if record is not None:
                record("relevé de décision", name)
            return text.encode("utf-8")

        return build

    out = []
    for code, spec in CSV_DIALECTS.items():
        name = csv_filename(title, "comparaison", code, on)
        out.append(
            Download(
                f"Télécharger le CSV — {spec.label}",
                spec.help,
                name,
                "text/csv",
                csv_builder(code, name),
            )
        )
    for fmt, label, mime in (
        ("md", "Télécharger le relevé de décision (Markdown)", "text/markdown"),
        ("html", "Télécharger le relevé de décision à imprimer (HTML)", "text/html"),
    ):
        name = export_filename(title, "releve-de-decision", fmt, on)
        out.append(
            Download(
                label,
                "Brief, pondérations utilisées, classement dans les trois vues, solidité, "
                "points ouverts, calibration et décisions.",
                name,
                mime,
                record_builder(fmt, name),
            )
        )
    return out


def decision_record_document(
    meeting: Meeting, weights: Mapping[str, float], score_view: str, on: date
):
    """The decision record for the weights on screen and the view chosen."""
    comparison, result = _current(meeting, weights)
    open_gaps = [
        f"{g.candidate_name} — {g.criterion_label} : {g.reason}" for g in gaps(meeting, weights)
    ]
    raters, _, agreement = calibration_tables(meeting)
    return decision_record(
        meeting.snapshot,
        comparison,
        robustness=summary(comparison, score_view, result, hidden=hidden_rated(meeting)),
        open_gaps=open_gaps,
        prepared_by=meeting.view.actor.label,
        prepared_on=on,
        view=score_view,
        probabilities=tables.probability_table(result.to_frame()),
        stability=result.stability.label if result.stability is not None else "",
        missing_help=MISSING_PRIOR_HELP,
        views_warning=views_warning(comparison),
        calibration=(raters, agreement),
        calibration_help=CALIBRATION_HELP,
        closed=[c.sentence for c in closed_debriefs(meeting)],
        figure_help=FIGURE_HELP,
    )
