"""Where everyone stands, read from one viewer-scoped view (the Progression page)."""

from __future__ import annotations

import pandas as pd

from selection.analysis import progress
from selection.domain.ids import now
from selection.services.reading import RecruitmentView


def today():
    return now()


def waiting(view: RecruitmentView) -> pd.DataFrame:
    return progress.waiting_for_answer(view.snapshot, now())


def funnel(view: RecruitmentView) -> pd.DataFrame:
    return progress.funnel(view.snapshot)


def timeline(view: RecruitmentView) -> pd.DataFrame:
    return progress.timeline(view.snapshot)


def timeline_table(frame: pd.DataFrame) -> pd.DataFrame:
    return progress.timeline_table(frame)


def owed(view: RecruitmentView) -> pd.DataFrame:
    """Every evaluation owed, by person (read from everyone's submissions: names only)."""
    return progress.owed_frame(view.owed)


def stage_lengths(view: RecruitmentView) -> pd.DataFrame:
    return progress.stage_lengths(view.snapshot)
