"""Charts of the decision meeting. Each one is read together with a table (see pages)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from selection.charts.theme import GREY_SECONDARY, GREY_TEXT, RATING_SCALE, styled
from selection.scoring import VIEW_COLUMNS, Comparison

VIEW_AXIS: dict[str, tuple[str, str]] = {
    # view → (axis title, d3 format)
    "moyenne": ("Score pondéré (%)", ".0%"),
    "matrice": ("Σ poids × note", ".1f"),
    "valides": ("Points des critères validés", ".0f"),
}


def ranking_chart(comparison: Comparison, view: str = "moyenne") -> alt.TopLevelMixin:
    """Ranked horizontal bars, stacked by criterion contribution, with the [worst, best] interval
    that the missing evidence allows drawn as a whisker."""
    title, fmt = VIEW_AXIS[view]
    score_col, low_col, high_col = VIEW_COLUMNS[view]
    table = comparison.ranked(view)
    order = list(table["candidat"])
    parts = comparison.contributions(view)
    parts = parts[parts["candidat"].isin(order)]
    y = alt.Y("candidat:N", sort=order, title=None, axis=alt.Axis(labelLimit=220))
    bars = (
        alt.Chart(parts)
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("sum(contribution):Q", title=title, axis=alt.Axis(format=fmt)),
            color=alt.Color(
                "critere:N",
                title="Critère",
                sort=list(comparison.weights.index),
                legend=alt.Legend(labelLimit=260, orient="bottom", columns=3),
            ),
            order=alt.Order("critere:N"),
            tooltip=[
                alt.Tooltip("candidat:N", title="Candidat·e"),
                alt.Tooltip("critere:N", title="Critère"),
                alt.Tooltip("contribution:Q", title="Apport", format=fmt),
            ],
        )
    )
    whiskers_data = table[["candidat", score_col, low_col, high_col]].rename(
        columns={score_col: "score", low_col: "bas", high_col: "haut"}
    )
    whiskers = (
        alt.Chart(whiskers_data)
        .mark_rule(color=GREY_TEXT, strokeWidth=2)
        .encode(
            y=y,
            x=alt.X("bas:Q"),
            x2="haut:Q",
            tooltip=[
                alt.Tooltip("candidat:N", title="Candidat·e"),
                alt.Tooltip("bas:Q", title="Pire cas", format=fmt),
                alt.Tooltip("haut:Q", title="Meilleur cas", format=fmt),
            ],
        )
    )
    ticks = (
        alt.Chart(whiskers_data)
        .mark_tick(color=GREY_TEXT, thickness=2, size=14)
        .encode(y=y, x="score:Q")
    )
    return styled((bars + whiskers + ticks).properties(height=alt.Step(34)))


def heatmap_frame(comparison: Comparison, order: list[str] | None = None) -> pd.DataFrame:
    """Long table of mean ratings; missing cells carry the label « n.é. » (non évalué)."""
    means = comparison.means
    if order is not None:
        means = means.reindex(order)
    frame = means.copy()
    frame.index.name = "candidat"
    long = frame.reset_index().melt(id_vars="candidat", var_name="critere", value_name="note")
    long["etiquette"] = [
        "n.é." if np.isnan(v) else f"{v:.1f}".replace(".", ",").replace(",0", "")
        for v in long["note"]
    ]
    return long


def heatmap_chart(comparison: Comparison, order: list[str] | None = None) -> alt.TopLevelMixin:
    """Candidate × criterion grid with the mean rating written in every cell (missing: « n.é. »
    on a white, dashed-border cell), so colour never carries the meaning alone."""
    data = heatmap_frame(comparison, order)
    rows = order or list(comparison.means.index)
    cols = list(comparison.means.columns)
    base = alt.Chart(data).encode(
        x=alt.X(
            "critere:N",
            sort=cols,
            title=None,
            axis=alt.Axis(labelAngle=-30, labelLimit=200, labelOverlap=False, orient="top"),
        ),
        y=alt.Y("candidat:N", sort=rows, title=None, axis=alt.Axis(labelLimit=220)),
    )
    rated = (
        base.transform_filter("isValid(datum.note)")
        .mark_rect(stroke="white")
        .encode(
            color=alt.Color(
                "note:Q",
                title="Note moyenne",
                scale=alt.Scale(domain=[1, 2, 3], range=RATING_SCALE),
                legend=alt.Legend(values=[1, 2, 3]),
            ),
            tooltip=[
                alt.Tooltip("candidat:N", title="Candidat·e"),
                alt.Tooltip("critere:N", title="Critère"),
                alt.Tooltip("note:Q", title="Note moyenne", format=".2f"),
            ],
        )
    )
    missing = (
        base.transform_filter("!isValid(datum.note)")
        .mark_rect(fill="white", stroke=GREY_SECONDARY, strokeDash=[3, 3])
        .encode(tooltip=[alt.Tooltip("critere:N", title="Non évalué")])
    )
    text = base.mark_text(fontSize=12).encode(
        text="etiquette:N",
        color=alt.condition("datum.note >= 2.2", alt.value("white"), alt.value(GREY_TEXT)),
    )
    return styled((rated + missing + text).properties(height=alt.Step(36)))
