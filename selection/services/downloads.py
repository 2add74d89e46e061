"""File names of everything a person downloads: what, for which recruitment, and when."""

from __future__ import annotations

from datetime import date

from selection.domain.formatting import export_filename
from selection.services.reading import RecruitmentView


def file_name(view: RecruitmentView, what: str, ext: str, on: date, variant: str = "") -> str:
    return export_filename(view.recruitment.title, what, ext, on, variant=variant)
