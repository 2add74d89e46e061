"""DSFR colours (PRODUCT.md §9) shared by every chart, so the app looks like one product.

Two ways to build a chart: Altair objects finished by ``styled`` (the process charts), and plain
Vega-Lite dicts finished by ``vega_spec`` (the decision meeting: a template built once, data sent
under fixed dataset names, so a slider move swaps data and never rebuilds the chart in the
browser). Both get the same look from ``CHART_CONFIG``. Altair is imported only by ``styled`` and
``fr_axis``: the meeting's charts never load it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    import altair as alt

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
    import altair as alt

    return alt.Axis(title=title, labelExpr=fr_format_expr("datum.value", fmt), **kwargs)


# --- plain Vega-Lite -------------------------------------------------------------------------

CHART_CONFIG: dict[str, Any] = {
    "font": FONT,
    "background": "white",
    "axis": {
        "labelColor": GREY_SECONDARY,
        "titleColor": GREY_TEXT,
        "gridColor": GREY_BORDER,
        "domainColor": GREY_MUTED,
        "labelFontSize": 12,
        "titleFontSize": 12,
    },
    "legend": {"labelColor": GREY_SECONDARY, "titleColor": GREY_TEXT, "labelFontSize": 12},
    "title": {"color": GREY_TEXT, "fontSize": 14, "anchor": "start"},
    "range": {"category": PALETTE},
    "view": {"stroke": None},
}
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"


def vega_spec(body: dict[str, Any], description: str, *, canvas: bool = True) -> dict[str, Any]:
    """A top-level Vega-Lite spec with the DSFR look and an accessible name.

    ``canvas`` draws on a canvas rather than SVG: a data change repaints it in one pass instead
    of rebuilding hundreds of SVG nodes. The chart's accessible name stays (Vega puts the
    description on the canvas' container) and every chart of the meeting has its figures in a
    table beside it, which is what assistive technologies read."""
    spec: dict[str, Any] = {"$schema": SCHEMA, "description": description, **body}
    # Width fills the container; height is the chart's own (a step per row, or fixed).
    spec.setdefault("autosize", {"type": "fit-x", "contains": "padding"})
    spec["config"] = CHART_CONFIG
    if canvas:
        spec["usermeta"] = {"embedOptions": {"renderer": "canvas"}}
        # A canvas exposes no mark, axis or legend to assistive technologies: the per-mark
        # descriptions Vega-Lite would compute on every data change are work for nobody.
        spec["config"] = {**CHART_CONFIG, "aria": False}
    return spec


def fr_axis_dict(title: str, fmt: str, **kwargs: Any) -> dict[str, Any]:
    """The Vega-Lite axis of ``fr_axis``, as a dict."""
    return {"title": title, "labelExpr": fr_format_expr("datum.value", fmt), **kwargs}


def with_data(template: dict[str, Any], **datasets: list[dict[str, Any]]) -> dict[str, Any]:
    """The template with its named datasets filled in (a new top-level dict: the template,
    built once and shared, is never changed)."""
    return {**template, "datasets": datasets}
