"""DSFR colours (PRODUCT.md §9) shared by every chart, so the app looks like one product."""

from __future__ import annotations

import altair as alt

BLEU_FRANCE = "#000091"
ROUGE_MARIANNE = "#E1000F"
GREY_TEXT = "#161616"
GREY_SECONDARY = "#3A3A3A"
GREY_MUTED = "#666666"
GREY_BORDER = "#DDDDDD"
GREY_BACKGROUND = "#F6F6F6"
INFO = "#0063CB"
SUCCESS = "#18753C"
WARNING = "#B34000"
ERROR = "#CE0500"
PALETTE = ["#5C68E5", "#82B5F2", "#29598F", "#31A7AE", "#81EEF5", "#B478F1", "#CFB1F5", "#CECECE"]
# Sequential scale for ratings 1 → 3 (light to Bleu France): read with the number in the cell.
RATING_SCALE = ["#E3E3FD", "#8585F6", BLEU_FRANCE]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"


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
