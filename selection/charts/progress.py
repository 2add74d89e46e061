"""Charts of the process: the funnel and the per-candidate timeline."""

from __future__ import annotations

import altair as alt
import pandas as pd

from selection.charts.theme import GREY_TEXT, PALETTE, styled
from selection.domain.stages import STAGES


def funnel_chart(funnel: pd.DataFrame) -> alt.TopLevelMixin:
    """Candidates who reached each stage, the count written at the end of every bar."""
    order = [s.label for s in STAGES]
    base = alt.Chart(funnel).encode(
        y=alt.Y("Étape:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
        x=alt.X(
            "Atteinte:Q", title="Personnes ayant atteint l'étape", axis=alt.Axis(tickMinStep=1)
        ),
        tooltip=[
            alt.Tooltip("Étape:N"),
            alt.Tooltip("Atteinte:Q", title="Ont atteint l'étape"),
            alt.Tooltip("Arrêtées à cette étape:Q"),
            alt.Tooltip("En cours à cette étape:Q"),
        ],
    )
    bars = base.mark_bar(color=PALETTE[0])
    text = base.mark_text(align="left", dx=4, color=GREY_TEXT).encode(text="Atteinte:Q")
    return styled(
        (bars + text).properties(height=alt.Step(34)),
        "Nombre de personnes ayant atteint chaque étape du processus.",
    )


def timeline_chart(timeline: pd.DataFrame, today: pd.Timestamp) -> alt.TopLevelMixin:
    """One row per candidate, one bar per stage from its start to its decision (open stages run
    to today), with the stage's short name written on the bar."""
    short = {s.code: s.short_label for s in STAGES}
    data = timeline.assign(
        fin_affichee=timeline["fin"].fillna(today),
        etape_court=timeline["etape"].map(short),
        etat=timeline["en_cours"].map({True: "en cours", False: "terminée"}),
    )
    order = list(dict.fromkeys(data["candidat"]))
    base = alt.Chart(data).encode(
        y=alt.Y("candidat:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
        x=alt.X("debut:T", title="Date", axis=alt.Axis(format="%d/%m")),
        x2="fin_affichee:T",
    )
    bars = base.mark_bar(cornerRadius=2, stroke="white", strokeWidth=1).encode(
        color=alt.Color(
            "etape_court:N",
            title="Étape",
            sort=[s.short_label for s in STAGES],
            scale=alt.Scale(range=PALETTE),
        ),
        opacity=alt.condition("datum.en_cours", alt.value(0.55), alt.value(1.0)),
        tooltip=[
            alt.Tooltip("candidat:N", title="Candidat·e"),
            alt.Tooltip("etape_label:N", title="Étape"),
            alt.Tooltip("debut:T", title="Début", format="%d/%m/%Y"),
            alt.Tooltip("fin:T", title="Décision", format="%d/%m/%Y"),
            alt.Tooltip("decision:N", title="Décision"),
            alt.Tooltip("etat:N", title="État"),
        ],
    )
    labels = base.mark_text(align="left", dx=3, fontSize=10, color=GREY_TEXT).encode(
        text="etape_court:N"
    )
    return styled(
        (bars + labels).properties(height=alt.Step(30)),
        "Parcours de chaque personne : dates de début et de décision de chaque étape.",
    )
