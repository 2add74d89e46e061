"""Interviewer calibration (deviation from the rest of the panel) and agreement per criterion."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest

from selection.analysis.calibration import (
    MIN_SHARED,
    NOT_ENOUGH_SHARED,
    agreement_table,
    calibration_table,
    criterion_agreement,
    rater_calibration,
)
from selection.analysis.evidence import build_evidence
from selection.domain.model import (
    Candidate,
    Criterion,
    Evaluation,
    Recruitment,
    RecruitmentSnapshot,
)
from selection.domain.stages import SCORED_STAGE_CODES


def _snap(rows, n_cand=4, n_crit=2):
    """rows: (candidate index, criterion index, stage, rater key, rating)."""
    rec = Recruitment(id="r", title="Test")
    crits = [
        Criterion(id=f"k{k}", recruitment_id="r", label=f"Critère {k}", weight=1.0, position=k)
        for k in range(n_crit)
    ]
    cands = [Candidate(id=f"c{i}", recruitment_id="r", name=f"P{i}") for i in range(n_cand)]
    evaluations = [
        Evaluation(
            id=f"e{n}",
            candidate_id=f"c{i}",
            stage=stage,
            criterion_id=f"k{k}",
            interviewer=who,
            rating=rating,
            evidence="preuve",
            interviewer_name=who.split("@")[0].title(),
        )
        for n, (i, k, stage, who, rating) in enumerate(rows)
    ]
    return RecruitmentSnapshot(rec, crits, cands, evaluations)


def test_an_interviewer_always_one_point_harsher_gets_exactly_minus_one():
    # Alice and Bruno agree; Chloé always gives one point less, on 8 shared interviews.
    rows = []
    for i in range(4):
        for k in range(2):
            x = 3 if (i + k) % 2 else 2
            stage = "intra" if i < 2 else "mise_en_situation"
            rows += [
                (i, k, stage, "alice@x.fr", x),
                (i, k, stage, "bruno@x.fr", x),
                (i, k, stage, "chloe@x.fr", x - 1),
            ]
    # Denis rated alone (nobody else at that stage): not a shared rating.
    rows.append((0, 0, "references", "denis@x.fr", 3))
    found = {c.name: c for c in rater_calibration(_snap(rows))}
    assert found["Chloe"].deviation == -1.0
    assert found["Chloe"].shared == 8
    # Alice: x minus the mean of Bruno (x) and Chloé (x − 1) = +0.5; the same for Bruno.
    assert found["Alice"].deviation == 0.5 and found["Bruno"].deviation == 0.5
    assert found["Denis"].deviation is None and found["Denis"].shared == 0
    assert "plus sévère que le reste du panel de 1,0 point en moyenne" in found["Chloe"].reading
    assert "plus indulgent·e que le reste du panel de 0,5 point" in found["Alice"].reading
    assert NOT_ENOUGH_SHARED in found["Denis"].reading
    table = calibration_table(list(found.values()))
    assert "chloe@x.fr" not in table.to_string()  # shown by name, grouped by key


def test_below_the_minimum_of_shared_ratings_no_figure_is_given():
    rows = [(i, 0, "intra", who, 2) for i in range(MIN_SHARED - 1) for who in ("a@x", "b@x")]
    found = rater_calibration(_snap(rows, n_cand=MIN_SHARED))
    assert [c.shared for c in found] == [MIN_SHARED - 1] * 2
    assert all(c.deviation is None for c in found)
    rows += [(MIN_SHARED - 1, 0, "intra", who, 2) for who in ("a@x", "b@x")]
    assert all(c.deviation == 0.0 for c in rater_calibration(_snap(rows, n_cand=MIN_SHARED)))


def _random_panel(rng, n_cand=6, n_crit=3):
    raters = ["a@x.fr", "b@x.fr", "c@x.fr", "d@x.fr"]
    rows = []
    for i in range(n_cand):
        for k in range(n_crit):
            for stage in SCORED_STAGE_CODES:
                for who in raters:
                    if rng.random() < 0.45:
                        rows.append((i, k, stage, who, int(rng.integers(1, 4))))
    return _snap(rows, n_cand, n_crit), rows, raters


@pytest.mark.parametrize("seed", range(6))
def test_alpha_equals_a_direct_krippendorff_call_on_the_expected_matrix(seed):
    rng = np.random.default_rng(seed)
    snap, rows, raters = _random_panel(rng)
    agreements = criterion_agreement(snap)
    for k, found in enumerate(agreements):
        units = sorted({(i, s) for i, kk, s, _, _ in rows if kk == k})
        matrix = np.full((len(raters), len(units)), np.nan)
        for i, kk, s, who, rating in rows:
            if kk == k:
                matrix[raters.index(who), units.index((i, s))] = rating
        pairable = (~np.isnan(matrix)).sum(axis=0) >= 2
        assert found.units == int(pairable.sum())
        if not pairable.any():
            assert found.alpha is None
            continue
        expected = krippendorff.alpha(
            reliability_data=matrix, level_of_measurement="ordinal", value_domain=[1, 2, 3]
        )
        assert found.alpha == pytest.approx(expected, abs=1e-12)


def test_agreement_readings_follow_the_bands_and_say_when_it_cannot_be_computed():
    # Criterion 0: two raters always agree, with varied ratings → alpha 1, « excellent ».
    rows = [(i, 0, "intra", who, 1 + i % 3) for i in range(6) for who in ("a@x", "b@x")]
    # Criterion 1: rated by one person per interview only → not computable.
    rows += [(i, 1, "intra", "a@x", 2) for i in range(6)]
    snap = _snap(rows, n_cand=6)
    first, second = criterion_agreement(snap)
    assert first.alpha == 1.0 and first.band == "excellent"
    assert "accord excellent" in first.reading
    assert second.alpha is None and "non calculable" in second.reading
    table = agreement_table([first, second])
    assert list(table["Alpha de Krippendorff"]) == ["1,00", "—"]
    # The same evidence object can be passed in.
    assert criterion_agreement(build_evidence(snap))[0].alpha == 1.0


def test_identical_ratings_say_no_disagreement_rather_than_not_computable():
    # Two interviews rated by two people who gave the same 2 everywhere: alpha is undefined
    # (no variation), but the reading must not contradict « 2 interviews rated by several ».
    rows = [(i, 0, "intra", who, 2) for i in range(2) for who in ("a@x", "b@x")]
    (found,) = criterion_agreement(_snap(rows, n_cand=2, n_crit=1))
    assert found.alpha is None and found.units == 2
    assert found.reading.startswith("les mêmes notes sur 2 entretiens notés à plusieurs")
    assert "non calculable" not in found.reading
    (one,) = criterion_agreement(_snap(rows[:2], n_cand=2, n_crit=1))
    assert one.reading.startswith("les mêmes notes sur 1 entretien noté à plusieurs")


def test_the_calibration_chart_builds_with_its_values_in_words():
    from selection.analysis.calibration import calibration_frame
    from selection.charts.comparison import calibration_chart

    rows = [
        (i, 0, "intra", who, r)
        for i in range(6)
        for who, r in (("alice@x.fr", 3), ("bruno@x.fr", 2))
    ]
    frame = calibration_frame(rater_calibration(_snap(rows, n_cand=6)))
    assert sorted(frame["ecart"]) == [-1.0, 1.0]
    spec = calibration_chart(frame).to_dict()
    assert "description" in spec
