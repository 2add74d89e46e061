"""The decision meeting, read from one viewer-scoped view: the weighted comparison in three views,
robustness, gaps, evolution by stage, and the files the team keeps (CSV, decision record).

Everything here is computed from ``RecruitmentView.snapshot``: what the viewer may not see is not
in it, so no table, chart or file of the meeting can show it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from selection.analysis import meeting as tables
from selection.analysis.gaps import shortlist_gaps
from selection.analysis.robustness import RobustnessResult
from selection.analysis.scoring import Comparison, StageMeans, compare, stage_means
from selection.analysis.signals import candidate_signals
from selection.documents.exports import CSV_DIALECTS, comparison_frame, csv_filename, to_csv
from selection.documents.reports import decision_record, render_html, render_markdown
from selection.domain.formatting import export_filename
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
    base: Comparison
    per_stage: StageMeans

    @property
    def saved_weights(self) -> dict[str, float]:
        return {c.id: c.weight for c in self.view.snapshot.criteria}


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
    return Meeting(
        view=view,
        shown_ids=shown,
        base=compare(view.snapshot, candidate_ids=shown),
        per_stage=stage_means(view.snapshot),
    )


def weigh(meeting: Meeting, weights: Mapping[str, float]) -> Comparison:
    return compare(meeting.view.snapshot, weights, candidate_ids=meeting.shown_ids)


def robustness(meeting: Meeting, comparison: Comparison, weights) -> RobustnessResult:
    return tables.analyse_robustness(meeting.view.snapshot, comparison, weights, meeting.shown_ids)


def signals(meeting: Meeting, comparison: Comparison | None = None) -> dict[str, list[str]]:
    return candidate_signals(meeting.view.snapshot, comparison)


def gaps(meeting: Meeting, weights: Mapping[str, float]) -> list:
    return shortlist_gaps(meeting.view.snapshot, weights, candidate_ids=meeting.shown_ids)


def evolution(meeting: Meeting, comparison: Comparison, weights) -> pd.DataFrame:
    from selection.analysis.scoring import stage_scores_from

    frame = stage_scores_from(meeting.per_stage, weights, meeting.saved_weights)
    return frame[frame["candidat"].isin(comparison.ranked_names)]


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
        snapshot=meeting.view.snapshot,
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
        meeting.view.snapshot,
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
