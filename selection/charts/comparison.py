"""Charts of the decision meeting. Each one is read together with a table (see pages)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from selection.analysis.scoring import DISAGREEMENT_SPREAD, VIEW_COLUMNS, Comparison
from selection.charts.theme import (
    GREY_SECONDARY,
    GREY_TEXT,
    PALETTE,
    RATING_SCALE,
    fr_axis,
    fr_format_expr,
    styled,
)
from selection.domain.stages import STAGE_BY_CODE, STAGES

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
            x=alt.X("sum(contribution):Q", axis=fr_axis(title, fmt)),
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
    whiskers_data = pd.DataFrame(
        {
            "candidat": table["candidat"],
            "score": table[score_col],
            "bas": table[low_col],
            "haut": table[high_col],
        }
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
    return styled(
        (bars + whiskers + ticks).properties(height=alt.Step(34)),
        f"Classement des candidatures ({title}), apport de chaque critère et intervalle pire – "
        "meilleur cas ; les valeurs sont dans le tableau sous le graphique.",
    )


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
    return styled(
        (rated + missing + text).properties(height=alt.Step(36)),
        "Grille des notes moyennes par candidature et par critère ; « n.é. » signifie non évalué.",
    )


def probability_chart(frame: pd.DataFrame) -> alt.TopLevelMixin:
    """Probability of ranking first (SMAA), as bars labelled with the percentage."""
    data = frame[["candidat", "probabilite_premier"]].sort_values(
        "probabilite_premier", ascending=False
    )
    y = alt.Y("candidat:N", sort=list(data["candidat"]), title=None, axis=alt.Axis(labelLimit=220))
    bars = (
        alt.Chart(data)
        .mark_bar(color=PALETTE[2])
        .encode(
            y=y,
            x=alt.X(
                "probabilite_premier:Q",
                axis=fr_axis("Probabilité d'être en tête", ".0%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            tooltip=[
                alt.Tooltip("candidat:N", title="Candidat·e"),
                alt.Tooltip("probabilite_premier:Q", title="Probabilité", format=".0%"),
            ],
        )
    )
    text = (
        bars.mark_text(align="left", dx=4, color=GREY_TEXT)
        .transform_calculate(etiquette=fr_format_expr("datum.probabilite_premier", ".0%"))
        .encode(text="etiquette:N")
    )
    return styled(
        (bars + text).properties(height=alt.Step(30)),
        "Probabilité pour chaque candidature d'arriver en tête quand les poids varient.",
    )


def stage_evolution_chart(frame: pd.DataFrame) -> alt.TopLevelMixin:
    """Score after each scored stage, one line per candidate, with a different point shape per
    candidate so the lines can be told apart without colour."""
    order = [s.code for s in STAGES if s.scored]
    labels = {s.code: s.short_label for s in STAGES}
    data = frame.assign(etape_label=frame["etape"].map(labels))
    sort = [labels[c] for c in order]
    base = alt.Chart(data).encode(
        x=alt.X("etape_label:N", sort=sort, title="Étape", axis=alt.Axis(labelAngle=0)),
        y=alt.Y(
            "score:Q",
            axis=fr_axis("Score de l'étape", ".0%"),
            scale=alt.Scale(domain=[0, 1]),
        ),
        color=alt.Color("candidat:N", title="Candidat·e"),
        tooltip=[
            alt.Tooltip("candidat:N", title="Candidat·e"),
            alt.Tooltip("etape_label:N", title="Étape"),
            alt.Tooltip("score:Q", title="Score", format=".0%"),
            alt.Tooltip("couverture:Q", title="Couverture", format=".0%"),
        ],
    )
    lines = base.mark_line()
    points = base.mark_point(size=70, filled=True).encode(
        shape=alt.Shape("candidat:N", title="Candidat·e")
    )
    return styled(
        (lines + points).properties(height=260),
        "Score de chaque candidature à chaque étape notée.",
    )


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


def spread_chart(comparison: Comparison) -> alt.TopLevelMixin:
    """Disagreement between interviewers of the same stage (max − min of their ratings there)
    per criterion and candidate; a dashed rule marks the strong-disagreement threshold."""
    data = spread_frame(comparison)
    points = (
        alt.Chart(data)
        .mark_circle(size=90, color=PALETTE[0], opacity=0.8)
        .encode(
            x=alt.X(
                "ecart:Q",
                title="Écart entre évaluateurs d'une même étape (max − min)",
                scale=alt.Scale(domain=[0, 2]),
            ),
            y=alt.Y(
                "critere:N",
                title=None,
                sort=list(comparison.means.columns),
                axis=alt.Axis(labelLimit=220),
            ),
            tooltip=[
                alt.Tooltip("candidat:N", title="Candidat·e"),
                alt.Tooltip("critere:N", title="Critère"),
                alt.Tooltip("ecart:Q", title="Écart", format=".1f"),
                alt.Tooltip("etape:N", title="À l'étape"),
            ],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"seuil": [DISAGREEMENT_SPREAD]}))
        .mark_rule(color=GREY_SECONDARY, strokeDash=[4, 4])
        .encode(x="seuil:Q")
    )
    return styled(
        (points + rule).properties(height=alt.Step(26)),
        "Écart entre les notes des évaluateurs d'une même étape, par critère et par "
        "candidature ; le tableau sous le graphique donne chaque valeur et l'étape.",
    )


def calibration_chart(frame: pd.DataFrame) -> alt.TopLevelMixin:
    """Mean deviation of each interviewer from the rest of the panel (``calibration_frame``):
    bars left of zero = harsher, right = more lenient, each labelled with its value so colour
    never carries the meaning alone."""
    order = list(frame.sort_values("ecart")["personne"])
    y = alt.Y("personne:N", sort=order, title=None, axis=alt.Axis(labelLimit=220))
    bars = (
        alt.Chart(frame)
        .mark_bar(color=PALETTE[0])
        .encode(
            y=y,
            x=alt.X(
                "ecart:Q",
                title="Écart moyen au reste du panel (points ; négatif = plus sévère)",
                scale=alt.Scale(domain=[-2, 2]),
            ),
            tooltip=[
                alt.Tooltip("personne:N", title="Personne"),
                alt.Tooltip("ecart:Q", title="Écart moyen", format="+.2f"),
                alt.Tooltip("notes_partagees:Q", title="Notes partagées"),
            ],
        )
    )
    text = (
        bars.mark_text(align="left", dx=4, color=GREY_TEXT)
        .transform_calculate(etiquette=fr_format_expr("datum.ecart", "+.1f"))
        .encode(text="etiquette:N", x=alt.value(0))
    )
    rule = (
        alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color=GREY_SECONDARY).encode(x="zero:Q")
    )
    return styled(
        (bars + rule + text).properties(height=alt.Step(28)),
        "Écart moyen de chaque personne au reste du panel sur les mêmes entretiens ; le tableau "
        "sous le graphique donne chaque valeur et sa lecture.",
    )
