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


MAX_DATE_TICKS = 8
# Text on a bar: dark on the light colours of the palette, white on the dark ones (contrast
# of at least 4.5:1 either way).
_WHITE_TEXT_ON = {"#29598F"}
# A bar shorter than this share of the axis shows no number (it would spill over its
# neighbours); its stage stays in the colour, the tooltip and the table.
_LABEL_MIN_SHARE = 1 / 40
# Bars shorter than this share of the axis are drawn that long, so a stage opened and decided
# the same day stays visible (the tooltip and the table give the real dates).
_BAR_MIN_SHARE = 1 / 120


def timeline_frame(timeline: pd.DataFrame, today: pd.Timestamp) -> tuple[pd.DataFrame, tuple]:
    """What the timeline draws: one row per candidate and stage, with the bar's drawn end, its
    middle, the stage's number and legend label, the text colour; and the axis's whole days."""
    number = {s.code: i + 1 for i, s in enumerate(STAGES)}
    legend = {s.code: f"{i + 1} · {s.short_label}" for i, s in enumerate(STAGES)}
    colour = {s.code: PALETTE[i % len(PALETTE)] for i, s in enumerate(STAGES)}
    data = timeline.assign(fin_affichee=timeline["fin"].fillna(today))
    if data.empty:
        first = last = today.normalize()
    else:
        first = data["debut"].min().normalize()
        last = data["fin_affichee"].max()
    # Whole days, two at least: the axis never splits one day into hours.
    end = max(last.normalize() + pd.Timedelta(days=1), first + pd.Timedelta(days=2))
    span = end - first
    drawn_end = data["fin_affichee"].where(
        data["fin_affichee"] - data["debut"] >= span * _BAR_MIN_SHARE,
        data["debut"] + span * _BAR_MIN_SHARE,
    )
    long_enough = drawn_end - data["debut"] >= span * _LABEL_MIN_SHARE
    data = data.assign(
        fin_affichee=drawn_end,
        milieu=data["debut"] + (drawn_end - data["debut"]) / 2,
        numero=data["etape"].map(number).astype(str).where(long_enough, ""),
        etape_legende=data["etape"].map(legend),
        couleur_texte=[
            "white" if colour[code] in _WHITE_TEXT_ON and not current else GREY_TEXT
            for code, current in zip(data["etape"], data["en_cours"], strict=True)
        ],
        etat=data["en_cours"].map({True: "en cours", False: "terminée"}),
    )
    return data, (first, end)


def day_step(first: pd.Timestamp, end: pd.Timestamp) -> int:
    """Days between two date ticks: 1 for a short process, more as it lasts."""
    days = max((end - first).days, 1)
    return max(1, -(-days // MAX_DATE_TICKS))


def _datetime(moment: pd.Timestamp) -> alt.DateTime:
    return alt.DateTime(year=moment.year, month=moment.month, date=moment.day)


def timeline_chart(timeline: pd.DataFrame, today: pd.Timestamp) -> alt.TopLevelMixin:
    """One row per candidate, one bar per stage from its start to its decision (open stages run
    to today, pale), the stage's number written on the bar when it fits. The date axis counts
    whole days (never the same day twice), the legend says which number is which stage."""
    data, (first, end) = timeline_frame(timeline, today)
    order = list(dict.fromkeys(data["candidat"]))
    base = alt.Chart(data).encode(
        y=alt.Y("candidat:N", sort=order, title=None, axis=alt.Axis(labelLimit=130)),
        x=alt.X(
            "debut:T",
            title=None,
            scale=alt.Scale(domain=[_datetime(first), _datetime(end)]),
            # Ticks on whole days, at most MAX_DATE_TICKS of them; labels that would touch are
            # dropped (narrow screens) rather than drawn over each other.
            axis=alt.Axis(
                format="%d/%m",
                tickCount={"interval": "day", "step": day_step(first, end)},
                labelOverlap="greedy",
            ),
        ),
        x2="fin_affichee:T",
    )
    bars = base.mark_bar(cornerRadius=2, stroke="white", strokeWidth=1).encode(
        color=alt.Color(
            "etape_legende:N",
            title="Étape",
            sort=[f"{i + 1} · {s.short_label}" for i, s in enumerate(STAGES)],
            scale=alt.Scale(range=PALETTE),
            legend=alt.Legend(orient="bottom", direction="horizontal", columns=2, labelLimit=120),
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
    numbers = (
        alt.Chart(data)
        .mark_text(align="center", baseline="middle", fontSize=11, fontWeight="bold")
        .encode(
            y=alt.Y("candidat:N", sort=order),
            x=alt.X("milieu:T"),
            text="numero:N",
            color=alt.Color("couleur_texte:N", scale=None, legend=None),
        )
    )
    return styled(
        (bars + numbers).properties(height=alt.Step(30)),
        "Parcours de chaque personne : dates de début et de décision de chaque étape, numérotées "
        "de 1 (préqualification) à 5 (prise de références).",
    )
