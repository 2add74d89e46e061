"""DSFR colours (PRODUCT.md §9) shared by every chart, so the app looks like one product."""

from __future__ import annotations

import altair as alt

from selection.domain.colours import (  # noqa: F401  (re-exported for the charts)
    BLEU_FRANCE,
    ERROR,
    FONT,
    GREY_BACKGROUND,
    GREY_BORDER,
    GREY_MUTED,
    GREY_SECONDARY,
    GREY_TEXT,
    INFO,
    PALETTE,
    RATING_SCALE,
    ROUGE_MARIANNE,
    SUCCESS,
    WARNING,
)


def styled(chart: alt.TopLevelMixin, description: str) -> alt.TopLevelMixin:
    """Apply the DSFR look to a finished chart (fonts, greys, palette) and give it a text
    description, which Vega renders as the chart's accessible name (the table beside it still
    carries the figures). One ``configure`` call: each Altair call deep-copies the whole chart,
    which is most of the cost of drawing it on every slider move."""
    chart.description = description
    return chart.configure(
        font=FONT,
        background="white",
        axis=alt.AxisConfig(
            labelColor=GREY_SECONDARY,
            titleColor=GREY_TEXT,
            gridColor=GREY_BORDER,
            domainColor=GREY_MUTED,
            labelFontSize=12,
            titleFontSize=12,
        ),
        legend=alt.LegendConfig(labelColor=GREY_SECONDARY, titleColor=GREY_TEXT, labelFontSize=12),
        title=alt.TitleConfig(color=GREY_TEXT, fontSize=14, anchor="start"),
        range=alt.RangeConfig(category=PALETTE),
        view=alt.ViewConfig(stroke=None),
    )


def fr_format_expr(field: str, fmt: str) -> str:
    """A Vega expression formatting a number the French way (decimal comma, « 30 % »)."""
    text = f"replace(format({field}, '{fmt}'), '.', ',')"
    if fmt.endswith("%"):
        text = f"replace({text}, '%', '\u202f%')"
    return text


def fr_axis(title: str, fmt: str, **kwargs: object) -> alt.Axis:
    """An axis whose labels read the French way."""
    return alt.Axis(title=title, labelExpr=fr_format_expr("datum.value", fmt), **kwargs)
