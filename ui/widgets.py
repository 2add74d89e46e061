"""Streamlit pieces shared by several pages (one place, not copied between pages)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from selection.exports import CSV_DIALECTS, comparison_frame, csv_filename, to_csv
from selection.scoring import Comparison


def csv_downloads(
    comparison: Comparison, status: pd.DataFrame, title: str, extra: pd.DataFrame | None = None
) -> None:
    """The two CSV dialects of the comparison, side by side."""
    frame = comparison_frame(comparison, status, extra)
    cols = st.columns(len(CSV_DIALECTS))
    for col, (code, spec) in zip(cols, CSV_DIALECTS.items(), strict=True):
        col.download_button(
            f"Télécharger le CSV — {spec.label}",
            data=to_csv(frame, code),
            file_name=csv_filename(title, "comparaison", code, date.today()),
            mime="text/csv",
            help=spec.help,
            key=f"csv_{code}",
        )
