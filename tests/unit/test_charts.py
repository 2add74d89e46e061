"""Chart builders produce valid Vega-Lite for every view, with words where colour is not enough."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from selection.analysis.progress import funnel, timeline
from selection.analysis.robustness import analyse
from selection.analysis.scoring import compare, stage_scores
from selection.charts.comparison import (
    heatmap_chart,
    heatmap_frame,
    probability_chart,
    ranking_chart,
    spread_chart,
    stage_evolution_chart,
)
from selection.charts.progress import funnel_chart, timeline_chart
from selection.services.demo import demo_snapshot


@pytest.fixture(scope="module")
def demo():
    snap = demo_snapshot()
    return snap, compare(snap)


@pytest.mark.parametrize("view", ["moyenne", "matrice", "valides"])
def test_ranking_chart_for_every_view(demo, view: str) -> None:
    _, comparison = demo
    spec = ranking_chart(comparison, view).to_dict()
    assert spec["layer"], "bars, interval whiskers and score ticks"
    assert spec["description"].startswith("Classement"), "an accessible name for the chart"
    assert "labelExpr" in json.dumps(spec), "axis labels are formatted the French way"


def test_heatmap_writes_the_rating_and_marks_missing_in_words(demo) -> None:
    _, comparison = demo
    frame = heatmap_frame(comparison)
    farid = frame[frame["candidat"] == "Farid Haddad"]
    assert set(farid["etiquette"]) == {"n.é."}
    assert "2,5" in set(frame["etiquette"]) or "1,5" in set(frame["etiquette"])
    spec = json.dumps(heatmap_chart(comparison).to_dict())
    assert "etiquette" in spec


def test_other_charts_build(demo) -> None:
    snap, comparison = demo
    for chart in (
        probability_chart(analyse(snap).to_frame()),
        stage_evolution_chart(stage_scores(snap)),
        spread_chart(comparison),
        funnel_chart(funnel(snap)),
        timeline_chart(timeline(snap), pd.Timestamp.now()),
    ):
        assert chart.to_dict()
