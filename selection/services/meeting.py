"""The decision meeting, read from one viewer-scoped view: the weighted comparison in three views,
robustness, gaps, evolution by stage, calibration, and the files the team keeps (CSV, decision
record).

Everything here is computed from ``RecruitmentView.snapshot``: what the viewer may not see is not
in it, so no table, chart or file of the meeting can show it. On top of that, a candidate's stage
stays out of the meeting until every interviewer assigned to it has submitted (« pas de débrief à
chaud »), unless the person responsible opened it early: ``Meeting.snapshot`` leaves those
ratings out for everyone, and ``closed`` lists them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from selection.analysis import calibration
from selection.analysis import meeting as tables
from selection.analysis import robustness as robustness_module
from selection.analysis.evidence import Evidence, build_evidence
from selection.analysis.gaps import shortlist_gaps
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
from selection.domain.formatting import export_filename
from selection.domain.model import RecruitmentSnapshot
from selection.domain.stages import CULTURE, STAGE_BY_CODE
from selection.services.reading import RecruitmentView

weights_changed = tables.weights_changed
display_table = tables.display_table
contribution_table = tables.contribution_table
probability_table = tables.probability_table
flips_table = tables.flips_table
evolution_table = tables.evolution_table
gap_table = tables.gap_table
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

    @property
    def closed(self) -> list[tuple[str, str]]:
        """(candidate name, stage label) still closed to discussion, for the candidates shown."""
        shown = set(self.shown_ids)
        return [
            (self.view.candidate_by_id[cid].name, STAGE_BY_CODE[stage].label)
            for cid, stage in sorted(self.view.sealed)
            if cid in shown and cid in self.view.candidate_by_id
        ]


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
        evidence = build_evidence(snapshot)
    else:
        snapshot, evidence = view.snapshot, view.evidence
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


def summary(comparison: Comparison, view: str, result: RobustnessResult | None) -> str:
    """The sentence above the ranking, for the view on screen (see analysis.meeting)."""
    return tables.view_summary(comparison, view, result)


def views_warning(comparison: Comparison) -> str | None:
    """A warning naming who leads in each view when the three views disagree."""
    return tables.views_disagreement(comparison)


WEIGHTS_DO_NOT_APPLY = tables.WEIGHTS_DO_NOT_APPLY
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


def csv_files(
    meeting: Meeting,
    comparison: Comparison,
    extra: Mapping[str, Mapping[str, object]] | None,
    on: date,
    *,
    score_view: str = "moyenne",
) -> list[tuple[str, str, bytes, str]]:
    """(dialect label, help, bytes, file name) of the comparison CSV in each dialect: the view
    chosen, the weights used (saved brief or a what-if), the signals and the date go with it."""
    frame = comparison_frame(
        comparison,
        meeting.view.status,
        extra,
        score_view=score_view,
        exported_on=on,
        snapshot=meeting.snapshot,
    )
    title = meeting.view.recruitment.title
    return [
        (spec.label, spec.help, to_csv(frame, code), csv_filename(title, "comparaison", code, on))
        for code, spec in CSV_DIALECTS.items()
    ]


def decision_record_files(
    meeting: Meeting,
    comparison: Comparison,
    robustness_text: str,
    open_gaps: Sequence[str],
    on: date,
) -> list[tuple[str, str, str, str]]:
    """(label, content, file name, mime) of the decision record, Markdown and printable HTML."""
    record = decision_record(
        meeting.snapshot,
        comparison,
        robustness=robustness_text,
        open_gaps=open_gaps,
        prepared_by=meeting.view.actor.label,
        prepared_on=on,
    )
    title = meeting.view.recruitment.title
    return [
        (
            "Télécharger le relevé de décision (Markdown)",
            render_markdown(record),
            export_filename(title, "releve-de-decision", "md", on),
            "text/markdown",
        ),
        (
            "Télécharger le relevé de décision à imprimer (HTML)",
            render_html(record),
            export_filename(title, "releve-de-decision", "html", on),
            "text/html",
        ),
    ]
