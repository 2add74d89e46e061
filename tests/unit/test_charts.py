"""Chart builders: valid Vega-Lite, words where colour is not enough, and — for the meeting's
charts — a spec that stays byte for byte the same when only the weights change, so the browser
swaps data in the chart it has instead of drawing a new one."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import pytest
from altair.utils.schemapi import validate_jsonschema

from selection.analysis.calibration import calibration_frame, rater_calibration
from selection.analysis.meeting import contribution_table
from selection.analysis.progress import funnel, timeline
from selection.analysis.robustness import analyse
from selection.analysis.scoring import compare, stage_scores
from selection.charts.comparison import (
    PALETTE,
    PROBABILITY_SERIES,
    calibration_chart,
    heatmap_chart,
    heatmap_frame,
    ink_for,
    palette_for,
    probability_chart,
    spread_chart,
    stage_evolution_chart,
)
from selection.charts.progress import funnel_chart, timeline_chart
from selection.services.demo import demo_snapshot

SCHEMA = alt.vegalite.v6.schema.core.load_schema()


@pytest.fixture(scope="module")
def demo():
    snap = demo_snapshot()
    return snap, compare(snap)


def valid(spec: dict) -> dict:
    """The spec as Streamlit sends it (JSON), checked against the Vega-Lite schema."""
    as_json = json.loads(json.dumps(spec))
    validate_jsonschema(as_json, SCHEMA)
    return as_json


def template(spec: dict) -> str:
    """What Streamlit compares to decide whether to build a new chart: the spec without data."""
    return json.dumps({k: v for k, v in spec.items() if k != "datasets"}, sort_keys=True)


def meeting_charts(snap, weights):
    comparison = compare(snap, weights)
    result = analyse(comparison)
    evolution = stage_scores(snap, weights)
    return {
        "probabilite": probability_chart(result.to_frame()),
        "evolution": stage_evolution_chart(evolution, comparison.ranked_names),
    }


def test_weight_changes_swap_data_never_the_chart(demo) -> None:
    snap, _ = demo
    saved = {c.id: c.weight for c in snap.criteria}
    moved = {**saved, snap.criteria[0].id: 0.0, snap.criteria[1].id: 3.0}
    before, after = meeting_charts(snap, saved), meeting_charts(snap, moved)
    for name in before:
        assert template(before[name]) == template(after[name]), name
    assert before["probabilite"]["datasets"] != after["probabilite"]["datasets"], "data moved"
    names = [c.name for c in snap.candidates]
    for spec in before.values():
        assert not any(n in template(spec) for n in names), "no name list in the spec"


def test_every_meeting_chart_is_valid_with_a_description_and_a_canvas(demo) -> None:
    snap, comparison = demo
    raters = calibration_frame(rater_calibration(snap))
    charts = [
        *meeting_charts(snap, None).values(),
        heatmap_chart(comparison),
        spread_chart(comparison),
        calibration_chart(raters),
    ]
    for spec in charts:
        checked = valid(spec)
        assert checked["description"], "an accessible name for the chart"
        assert checked["usermeta"]["embedOptions"]["renderer"] == "canvas"
        assert checked["config"]["font"], "the DSFR look"


def test_the_two_probabilities_are_told_apart_without_colour(demo) -> None:
    snap, comparison = demo
    spec = probability_chart(analyse(comparison).to_frame())
    rows = spec["datasets"]["probabilites"]
    assert {r["serie"] for r in rows} == set(PROBABILITY_SERIES)
    assert all(r["etiquette"].endswith("%") for r in rows), "each bar carries its value"
    fill = spec["layer"][0]["encoding"]["fill"]["scale"]["range"]
    assert fill[1] == "white", "the second figure is a hollow bar, not another colour"
    leaders = {r["candidat"] for r in rows}
    assert leaders, "only people who lead in some draw are drawn"


def test_the_rating_grid_writes_every_value_and_n_e(demo) -> None:
    _, comparison = demo
    frame = heatmap_frame(comparison)
    farid = frame[frame["candidat"] == "Farid Haddad"]
    assert set(farid["etiquette"]) == {"n.é."}
    grid = heatmap_chart(comparison)["datasets"]["grille"]
    assert {r["numero"] for r in grid} == {str(i + 1) for i in range(len(comparison.weights))}
    assert all(r["etiquette"] for r in grid), "every cell is written, missing ones « n.é. »"
    text_layer = heatmap_chart(comparison)["layer"][2]
    assert text_layer["encoding"]["text"]["field"] == "etiquette"


def test_the_evolution_tells_lines_apart_by_shape_and_keeps_to_the_first_eight(demo) -> None:
    snap, comparison = demo
    spec = stage_evolution_chart(stage_scores(snap), comparison.ranked_names)
    rows = spec["datasets"]["evolution"]
    assert {r["candidat"] for r in rows} <= set(comparison.ranked_names[:8])
    points = spec["layer"][1]["encoding"]
    assert points["shape"]["field"] == points["color"]["field"] == "candidat"


def test_more_criteria_than_colours_are_numbered(demo) -> None:
    """Ten criteria, eight DSFR colours: the ninth shares the first colour, so the number (legend,
    segments, grid) is what tells them apart; text on a fill stays readable."""
    colours = palette_for(10)
    assert colours[8] == colours[0] == PALETTE[0]
    _, comparison = demo
    table = contribution_table(comparison, "moyenne")
    assert [c.split(" · ")[0] for c in table.columns[2:]] == [
        str(i + 1) for i in range(len(comparison.weights))
    ]
    assert ink_for("#000091") == "white" and ink_for("#81EEF5") != "white"


def test_the_contribution_table_never_reads_a_missing_rating_as_zero(demo) -> None:
    """Farid has no rating: every criterion reads « n.é. », never « 0 % »."""
    _, comparison = demo
    table = contribution_table(comparison, "moyenne").set_index("Candidat·e")
    assert set(table.loc["Farid Haddad"].drop("Couverture")) == {"n.é."}
    rated = table.drop(index="Farid Haddad").drop(columns="Couverture")
    assert not rated.isin(["0 %", "0\u202f%"]).all(axis=None)


def test_process_charts_still_build(demo) -> None:
    snap, _ = demo
    for chart in (funnel_chart(funnel(snap)), timeline_chart(timeline(snap), pd.Timestamp.now())):
        assert chart.to_dict()
