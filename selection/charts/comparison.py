"""Charts of the decision meeting, as plain Vega-Lite. Each one is read together with a table.

The ranking itself is drawn by the weight board in the browser (ui/meeting_board.js), which
reads its colours and label threshold from here (``palette_for``, ``ink_for``, ``LABEL_SHARE``).
Every other chart is a **template** built once (cached by what shapes it: the view, the criteria) and
**named datasets** filled on each run (``theme.with_data``). Candidates are ordered by a field of
the data (``tri``), never by a list of names in the spec, and every conditional part of a chart
is decided in the data: when the weights move, the spec Streamlit sends is byte for byte the same
and the browser only swaps the data of a chart it keeps (no new chart, no new SVG), drawn on a
canvas. Altair is not used here (building an Altair chart deep-copies it at every call).

Colour is never the only carrier: criteria are numbered (« 3 · Qualité du code ») in legends,
on the bar segments wide enough to hold the number, and on the rating grid; the two
probabilities are a filled and a hollow bar, each labelled with its value; missing ratings read
« n.é. ».
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from selection.analysis.meeting import numbered_labels, probability_text
from selection.analysis.scoring import DISAGREEMENT_SPREAD, Comparison
from selection.charts.theme import (
    GREY_MUTED,
    GREY_SECONDARY,
    GREY_TEXT,
    PALETTE,
    RATING_SCALE,
    fr_axis_dict,
    fr_format_expr,
    vega_spec,
    with_data,
)
from selection.domain.stages import STAGE_BY_CODE, STAGES

VIEW_AXIS: dict[str, tuple[str, str]] = {
    # view → (axis title, d3 format)
    "moyenne": ("Score pondéré (%)", ".0%"),
    "matrice": ("Σ poids × note", ".1f"),
    "valides": ("Points des critères validés", ".0f"),
}
# A segment is labelled with its criterion's number when it spans at least this share of the
# axis (about 18 px on a phone, 40 px at 1280 px).
LABEL_SHARE = 0.07
NAME_LIMIT = 150  # px: candidate names on the y axes (long names end with « … »)
EVOLUTION_SHOWN = 8
PROBABILITY_SERIES = (
    "Pondérations variées",
    "Pondérations et preuves manquantes tirées",
)


class Spec(dict):
    """A Vega-Lite spec. ``to_dict`` is kept for callers written for Altair charts."""

    def to_dict(self, validate: bool = False) -> dict[str, Any]:
        return dict(self)


def ink_for(colour: str) -> str:
    """Text colour readable on a fill: white on dark fills, the DSFR text grey on light ones."""
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    lum = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    luminance = 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2]
    return "white" if luminance < 0.3 else GREY_TEXT


# Text drawn on a fill: white when the data says the fill is dark (field « encre »). A value
# condition, not a scale: a second colour scale in the layer would merge with the fill's.
INK = {"condition": {"test": "datum.encre === 'white'", "value": "white"}, "value": GREY_TEXT}


def palette_for(count: int) -> list[str]:
    """One palette colour per criterion, cycling when there are more criteria than colours
    (the number on each segment and in the legend tells them apart)."""
    return [PALETTE[i % len(PALETTE)] for i in range(count)]


def _names_axis() -> dict[str, Any]:
    return {"labelLimit": NAME_LIMIT}


def _y_by_rank(title: str | None = None) -> dict[str, Any]:
    return {
        "field": "candidat",
        "type": "nominal",
        "title": title,
        "sort": {"field": "tri", "op": "min", "order": "ascending"},
        "axis": _names_axis(),
    }


def _column(values: Sequence[Any] | np.ndarray) -> list[Any]:
    """One column as JSON-ready Python values (NaN → None)."""
    if isinstance(values, np.ndarray):
        if values.dtype.kind == "f":
            out = values.astype(object)
            out[np.isnan(values)] = None
            return out.tolist()
        return values.tolist()
    return list(values)


def _rows(columns: dict[str, Sequence[Any] | np.ndarray]) -> list[dict[str, Any]]:
    """Columns → JSON-ready records (NaN → None): what Streamlit sends as a named dataset."""
    names = list(columns)
    return [
        dict(zip(names, row, strict=True))
        for row in zip(*map(_column, columns.values()), strict=True)
    ]


# --- ranking ---------------------------------------------------------------------------------


# --- probability of leading ------------------------------------------------------------------


@lru_cache(maxsize=4)
def probability_template() -> Spec:
    """Probability of ranking first under the two uncertainties: a filled bar (weights varied)
    and a hollow one (weights varied and missing ratings drawn), each labelled with its value."""
    y = _y_by_rank()
    offset = {"field": "serie", "type": "nominal", "sort": list(PROBABILITY_SERIES)}
    x = {
        "field": "probabilite",
        "type": "quantitative",
        "scale": {"domain": [0, 1]},
        "axis": fr_axis_dict("Probabilité d'être en tête", ".0%"),
    }
    tooltip = [
        {"field": "candidat", "type": "nominal", "title": "Candidat·e"},
        {"field": "serie", "type": "nominal", "title": "Tirages"},
        {"field": "etiquette", "type": "nominal", "title": "Probabilité"},
    ]
    body = {
        "data": {"name": "probabilites"},
        "height": {"step": 40},
        "encoding": {"y": y, "yOffset": offset, "x": x, "tooltip": tooltip},
        "layer": [
            {
                "mark": {"type": "bar", "stroke": PALETTE[2], "strokeWidth": 1.5},
                "encoding": {
                    "fill": {
                        "field": "serie",
                        "type": "nominal",
                        "scale": {
                            "domain": list(PROBABILITY_SERIES),
                            "range": [PALETTE[2], "white"],
                        },
                        "legend": {
                            "title": "Tirages",
                            "orient": "bottom",
                            "direction": "vertical",
                            "labelLimit": 300,
                            "symbolType": "square",
                            "symbolStrokeColor": PALETTE[2],
                        },
                    }
                },
            },
            {
                "mark": {
                    "type": "text",
                    "align": "left",
                    "baseline": "middle",
                    "dx": 4,
                    "color": GREY_TEXT,
                    "fontSize": 11,
                },
                "encoding": {"text": {"field": "etiquette", "type": "nominal"}},
            },
        ],
    }
    return Spec(
        vega_spec(
            body,
            "Probabilité pour chaque candidature d'arriver en tête : barre pleine quand seules "
            "les pondérations varient, barre creuse quand les notes manquantes sont aussi tirées "
            "au hasard ; chaque barre porte sa valeur.",
        )
    )


def probability_data(frame: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """Candidates who lead in at least one draw, in the ranking's order (``frame``: the
    robustness table, leader first)."""
    first = frame["probabilite_premier"].to_numpy(dtype=float)
    second = frame["probabilite_premier_avec_manquantes"].to_numpy(dtype=float)
    keep = np.flatnonzero((first > 0) | (second > 0))
    names, series, values, ranks = [], [], [], []
    shown = list(frame["candidat"])
    for pos, i in enumerate(keep.tolist()):
        for label, value in zip(PROBABILITY_SERIES, (first[i], second[i]), strict=True):
            names.append(shown[i])
            series.append(label)
            values.append(value)
            ranks.append(pos)
    return {
        "probabilites": _rows(
            {
                "candidat": names,
                "serie": series,
                "probabilite": values,
                "etiquette": [probability_text(v) for v in values],
                "tri": ranks,
            }
        )
    }


def probability_chart(frame: pd.DataFrame) -> Spec:
    return Spec(with_data(probability_template(), **probability_data(frame)))


# --- evolution by stage ----------------------------------------------------------------------


@lru_cache(maxsize=4)
def evolution_template() -> Spec:
    """Score after each scored stage, one line per candidate and a different point shape per
    candidate (colour is not the only cue; the table beside has every figure)."""
    order = [s.short_label for s in STAGES if s.scored]
    x = {
        "field": "etape",
        "type": "nominal",
        "sort": order,
        "scale": {"domain": order},
        "title": "Étape",
        "axis": {"labelAngle": 0, "labelOverlap": False, "labelFontSize": 11},
    }
    y = {
        "field": "score",
        "type": "quantitative",
        "scale": {"domain": [0, 1]},
        "axis": fr_axis_dict("Score de l'étape", ".0%"),
    }
    colour = {"field": "candidat", "type": "nominal", "sort": {"field": "tri", "op": "min"}}
    tooltip = [
        {"field": "candidat", "type": "nominal", "title": "Candidat·e"},
        {"field": "etape", "type": "nominal", "title": "Étape"},
        {"field": "texte_score", "type": "nominal", "title": "Score"},
        {"field": "texte_couverture", "type": "nominal", "title": "Couverture"},
    ]
    legend = {"title": "Candidat·e", "orient": "bottom", "columns": 2, "labelLimit": NAME_LIMIT}
    body = {
        "data": {"name": "evolution"},
        "height": 260,
        "encoding": {"x": x, "y": y},
        "layer": [
            {
                "mark": {"type": "line"},
                "encoding": {
                    "color": {**colour, "legend": legend},
                    "detail": {"field": "candidat", "type": "nominal"},
                },
            },
            {
                "mark": {"type": "point", "size": 70, "filled": True},
                "encoding": {
                    "color": {**colour, "legend": legend},
                    "shape": {**colour, "legend": legend},
                    "tooltip": tooltip,
                },
            },
        ],
    }
    return Spec(
        vega_spec(
            body,
            "Score de chaque candidature à chaque étape notée (les premières du classement), "
            "une ligne et une forme de point par personne ; le tableau donne chaque valeur.",
        )
    )


def evolution_data(frame: pd.DataFrame, ranked_names: Sequence[str]) -> dict[str, list[dict]]:
    """The first ``EVOLUTION_SHOWN`` people of the ranking (the table has everybody)."""
    from selection.domain.formatting import fr_percent

    labels = {s.code: s.short_label for s in STAGES}
    tri = {name: i for i, name in enumerate(ranked_names[:EVOLUTION_SHOWN])}
    shown = frame[frame["candidat"].isin(tri)]
    return {
        "evolution": _rows(
            {
                "candidat": list(shown["candidat"]),
                "tri": [tri[n] for n in shown["candidat"]],
                "etape": [labels[c] for c in shown["etape"]],
                "score": shown["score"].to_numpy(dtype=float),
                "texte_score": [fr_percent(v) for v in shown["score"]],
                "texte_couverture": [fr_percent(v) for v in shown["couverture"]],
            }
        )
    }


def stage_evolution_chart(frame: pd.DataFrame, ranked_names: Sequence[str] | None = None) -> Spec:
    names = (
        list(ranked_names) if ranked_names is not None else list(dict.fromkeys(frame["candidat"]))
    )
    return Spec(with_data(evolution_template(), **evolution_data(frame, names)))


# --- rating grid -----------------------------------------------------------------------------


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


@lru_cache(maxsize=16)
def heatmap_template(criteria: int) -> Spec:
    """Candidate × criterion grid, criteria by number (their names are listed beside), the mean
    rating written in every cell; a missing cell is white with a dashed border and « n.é. »."""
    numbers = [str(i + 1) for i in range(criteria)]
    base_x = {
        "field": "numero",
        "type": "ordinal",
        "sort": numbers,
        "title": "Critère (numéro)",
        "axis": {"orient": "top", "labelAngle": 0},
    }
    y = _y_by_rank()
    tooltip = [
        {"field": "candidat", "type": "nominal", "title": "Candidat·e"},
        {"field": "critere", "type": "nominal", "title": "Critère"},
        {"field": "etiquette", "type": "nominal", "title": "Note moyenne"},
    ]
    body = {
        "data": {"name": "grille"},
        "height": {"step": 30},
        "encoding": {"x": base_x, "y": y, "tooltip": tooltip},
        "layer": [
            {
                "transform": [{"filter": "isValid(datum.note)"}],
                "mark": {"type": "rect", "stroke": "white"},
                "encoding": {
                    "color": {
                        "field": "note",
                        "type": "quantitative",
                        "title": "Note moyenne",
                        "scale": {"domain": [1, 2, 3], "range": RATING_SCALE},
                        "legend": {
                            "values": [1, 2, 3],
                            "orient": "bottom",
                            "direction": "horizontal",
                        },
                    }
                },
            },
            {
                "transform": [{"filter": "!isValid(datum.note)"}],
                "mark": {
                    "type": "rect",
                    "fill": "white",
                    "stroke": GREY_MUTED,
                    "strokeDash": [3, 3],
                },
            },
            {
                # smaller figures when the cells are narrow (a phone): « n.é. » stays inside
                "mark": {
                    "type": "text",
                    "fontSize": {"expr": f"width / {max(criteria, 1)} < 40 ? 9 : 12"},
                },
                "encoding": {
                    "text": {"field": "etiquette", "type": "nominal"},
                    "color": INK,
                },
            },
        ],
    }
    return Spec(
        vega_spec(
            body,
            "Grille des notes moyennes par candidature et par critère (numéroté) ; « n.é. » "
            "signifie non évalué. Le tableau sous la grille donne les mêmes valeurs.",
        )
    )


def heatmap_chart(comparison: Comparison, order: list[str] | None = None) -> Spec:
    frame = heatmap_frame(comparison, order)
    crit = list(comparison.means.columns)
    numbers = {label: str(i + 1) for i, label in enumerate(crit)}
    numbered = dict(zip(crit, numbered_labels(crit), strict=True))
    rows = order or list(comparison.means.index)
    tri = {name: i for i, name in enumerate(rows)}
    notes = frame["note"].to_numpy(dtype=float)
    data = _rows(
        {
            "candidat": list(frame["candidat"]),
            "tri": [tri.get(n, len(tri)) for n in frame["candidat"]],
            "numero": [numbers[c] for c in frame["critere"]],
            "critere": [numbered[c] for c in frame["critere"]],
            "note": notes,
            "etiquette": list(frame["etiquette"]),
            "encre": ["white" if v >= 2.2 else GREY_TEXT for v in np.nan_to_num(notes, nan=0)],
        }
    )
    return Spec(with_data(heatmap_template(len(crit)), grille=data))


# --- disagreements ---------------------------------------------------------------------------


def spread_frame(comparison: Comparison) -> pd.DataFrame:
    """Long table of disagreements: per candidate and criterion, the largest spread between the
    interviewers of ONE stage (max − min of their ratings there), the stage where it was seen,
    and whether it is a strong disagreement (≥ DISAGREEMENT_SPREAD). Pairs where no stage had
    two ratings are left out."""
    frame = comparison.spread.copy()
    frame.index.name = "candidat"
    long = frame.reset_index().melt(id_vars="candidat", var_name="critere", value_name="ecart")
    if comparison.spread_stage is not None:
        stages = comparison.spread_stage.copy()
        stages.index.name = "candidat"
        codes = stages.reset_index().melt(id_vars="candidat", var_name="critere", value_name="e")
        long["etape"] = [STAGE_BY_CODE[c].label if isinstance(c, str) else None for c in codes["e"]]
    else:
        long["etape"] = None
    long = long.dropna(subset=["ecart"]).reset_index(drop=True)
    long["desaccord_fort"] = long["ecart"] >= DISAGREEMENT_SPREAD
    return long


@lru_cache(maxsize=16)
def spread_template(criteria: tuple[str, ...]) -> Spec:
    """Each disagreement as a dot on its criterion's row (criteria by number: their names are
    listed beside, and the chart keeps its width on a phone)."""
    numbers = [str(i + 1) for i in range(len(criteria))]
    body = {
        "height": {"step": 26},
        "layer": [
            {
                "data": {"name": "ecarts"},
                "mark": {"type": "circle", "size": 90, "color": PALETTE[0], "opacity": 0.8},
                "encoding": {
                    "x": {
                        "field": "ecart",
                        "type": "quantitative",
                        "title": "Écart (points)",
                        "scale": {"domain": [0, 2]},
                        "axis": {"labelExpr": fr_format_expr("datum.value", ".1f")},
                    },
                    "y": {
                        "field": "numero",
                        "type": "ordinal",
                        "title": "Critère (numéro)",
                        "sort": numbers,
                        "scale": {"domain": numbers},
                    },
                    "tooltip": [
                        {"field": "candidat", "type": "nominal", "title": "Candidat·e"},
                        {"field": "critere", "type": "nominal", "title": "Critère"},
                        {"field": "texte", "type": "nominal", "title": "Écart"},
                        {"field": "etape", "type": "nominal", "title": "À l'étape"},
                    ],
                },
            },
            {
                "mark": {"type": "rule", "color": GREY_SECONDARY, "strokeDash": [4, 4]},
                "encoding": {"x": {"datum": DISAGREEMENT_SPREAD, "type": "quantitative"}},
            },
        ],
    }
    return Spec(
        vega_spec(
            body,
            "Écart entre les notes des évaluateurs d'une même étape, par critère et par "
            "candidature ; le tableau sous le graphique donne chaque valeur et l'étape.",
        )
    )


def spread_chart(comparison: Comparison) -> Spec:
    """Disagreement between interviewers of the same stage (max − min of their ratings there)
    per criterion and candidate; a dashed rule marks the strong-disagreement threshold."""
    crit = list(comparison.means.columns)
    numbered = dict(zip(crit, numbered_labels(crit), strict=True))
    frame = spread_frame(comparison)
    data = _rows(
        {
            "candidat": list(frame["candidat"]),
            "critere": [numbered[c] for c in frame["critere"]],
            "numero": [numbered[c].split(" · ")[0] for c in frame["critere"]],
            "ecart": frame["ecart"].to_numpy(dtype=float),
            "texte": [f"{v:.1f}".replace(".", ",") for v in frame["ecart"]],
            "etape": [e or "—" for e in frame["etape"]],
        }
    )
    return Spec(with_data(spread_template(tuple(numbered_labels(crit))), ecarts=data))


# --- calibration -----------------------------------------------------------------------------


@lru_cache(maxsize=2)
def calibration_template() -> Spec:
    y = {
        "field": "personne",
        "type": "nominal",
        "title": None,
        "sort": {"field": "tri", "op": "min"},
        "axis": _names_axis(),
    }
    body = {
        "height": {"step": 28},
        "layer": [
            {
                "data": {"name": "calibration"},
                "mark": {"type": "bar", "color": PALETTE[0]},
                "encoding": {
                    "y": y,
                    "x": {
                        "field": "ecart",
                        "type": "quantitative",
                        "title": "Écart moyen au reste du panel (points ; négatif = plus sévère)",
                        "scale": {"domain": [-2, 2]},
                        "axis": {"labelExpr": fr_format_expr("datum.value", "+.1f")},
                    },
                    "tooltip": [
                        {"field": "personne", "type": "nominal", "title": "Personne"},
                        {"field": "etiquette", "type": "nominal", "title": "Écart moyen"},
                        {
                            "field": "notes_partagees",
                            "type": "quantitative",
                            "title": "Notes partagées",
                        },
                    ],
                },
            },
            {
                "mark": {"type": "rule", "color": GREY_SECONDARY},
                "encoding": {"x": {"datum": 0, "type": "quantitative"}},
            },
            {
                "data": {"name": "calibration"},
                "mark": {"type": "text", "align": "left", "dx": 4, "color": GREY_TEXT},
                "encoding": {
                    "y": y,
                    "x": {"datum": 0, "type": "quantitative"},
                    "text": {"field": "etiquette", "type": "nominal"},
                },
            },
        ],
    }
    return Spec(
        vega_spec(
            body,
            "Écart moyen de chaque personne au reste du panel sur les mêmes entretiens ; le "
            "tableau sous le graphique donne chaque valeur et sa lecture.",
        )
    )


def calibration_chart(frame: pd.DataFrame) -> Spec:
    """Mean deviation of each interviewer from the rest of the panel (``calibration_frame``):
    bars left of zero = harsher, right = more lenient, each labelled with its value so colour
    never carries the meaning alone."""
    ordered = frame.sort_values("ecart")
    values = ordered["ecart"].to_numpy(dtype=float)
    data = _rows(
        {
            "personne": list(ordered["personne"]),
            "tri": list(range(len(ordered))),
            "ecart": values,
            "notes_partagees": [int(n) for n in ordered["notes_partagees"]],
            "etiquette": [f"{v:+.1f}".replace(".", ",").replace("-", "−") for v in values],
        }
    )
    return Spec(with_data(calibration_template(), calibration=data))
