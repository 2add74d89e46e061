"""The evidence read once per snapshot: means, within-stage disagreement, doubts, subsets."""

from __future__ import annotations

import math
import random
from collections import defaultdict

import numpy as np
import pytest

from selection.analysis.evidence import DISAGREEMENT_SPREAD, build_evidence
from selection.analysis.gaps import find_gaps
from selection.analysis.scoring import compare
from selection.charts.comparison import spread_frame
from selection.domain.model import (
    Candidate,
    Criterion,
    Evaluation,
    Recruitment,
    RecruitmentSnapshot,
)
from selection.domain.stages import SCORED_STAGE_CODES, STAGE_CODES


def _eval(cand, crit, stage, who, rating, status="soumis", doubt=False, note=""):
    return Evaluation(
        id=f"{cand}-{crit}-{stage}-{who}",
        candidate_id=cand,
        stage=stage,
        criterion_id=crit,
        interviewer=who,
        rating=rating,
        evidence="preuve",
        doubt=doubt,
        doubt_note=note,
        status=status,
        interviewer_name=who.split("@")[0].title(),
    )


def _snap(evaluations, n_crit=2, names=("Ana", "Ben")):
    rec = Recruitment(id="r", title="Test")
    crits = [
        Criterion(id=f"k{k}", recruitment_id="r", label=f"C{k}", weight=1.0, position=k)
        for k in range(n_crit)
    ]
    cands = [Candidate(id=f"c{i}", recruitment_id="r", name=n) for i, n in enumerate(names)]
    return RecruitmentSnapshot(rec, crits, cands, list(evaluations))


def test_a_1_against_a_3_at_one_stage_is_a_strong_disagreement_even_if_averages_agree():
    # Alice: 1 at intra, 3 at the work sample; Bruno: 3 at intra, 1 at the work sample. Their own
    # averages are both 2 (the old spread between raters' averages said 0), but at each stage
    # they saw the same interview and disagreed by 2 points.
    snap = _snap(
        [
            _eval("c0", "k0", "intra", "alice@x.fr", 1),
            _eval("c0", "k0", "intra", "bruno@x.fr", 3),
            _eval("c0", "k0", "mise_en_situation", "alice@x.fr", 3),
            _eval("c0", "k0", "mise_en_situation", "bruno@x.fr", 1),
            # Ben: 1 at intra by Alice, 3 at the work sample by Bruno: different interviews,
            # no two raters at one stage — not a disagreement.
            _eval("c1", "k0", "intra", "alice@x.fr", 1),
            _eval("c1", "k0", "mise_en_situation", "bruno@x.fr", 3),
        ]
    )
    ev = build_evidence(snap)
    assert ev.spread[0, 0] == DISAGREEMENT_SPREAD
    assert SCORED_STAGE_CODES[ev.spread_stage[0, 0]] == "intra"
    assert math.isnan(ev.spread[1, 0]) and ev.spread_stage[1, 0] == -1
    comp = compare(snap)
    frame = spread_frame(comp)
    shown = frame.set_index(["candidat", "critere"])
    assert shown.loc[("Ana", "C0"), "ecart"] == 2.0
    assert ("Ben", "C0") not in shown.index
    gaps = {(g.candidate_name, g.criterion_label): g for g in find_gaps(snap)}
    assert "desaccord" in gaps[("Ana", "C0")].kinds
    assert "à l'étape « Entretien intra / métier »" in gaps[("Ana", "C0")].reason
    assert gaps[("Ben", "C0")].kinds == ("partiel",)


def test_missing_is_never_zero_and_drafts_culture_and_unrated_do_not_count():
    snap = _snap(
        [
            _eval("c0", "k0", "intra", "alice@x.fr", 3),
            _eval("c0", "k0", "intra", "bruno@x.fr", None),  # non évalué
            _eval("c0", "k0", "mise_en_situation", "bruno@x.fr", 1, status="brouillon"),
            _eval("c0", "k1", "adequation", "alice@x.fr", 1),  # culture: never scored
        ]
    )
    ev = build_evidence(snap)
    assert ev.means[0, 0] == 3.0 and ev.counts[0, 0] == 1
    assert math.isnan(ev.means[0, 1]) and ev.counts[0, 1] == 0
    assert np.isnan(ev.means[1]).all()
    assert ev.n_ratings.tolist() == [1, 0]


def test_a_doubt_note_typed_without_ticking_the_box_is_a_doubt():
    snap = _snap(
        [
            _eval("c0", "k0", "intra", "alice@x.fr", 2, note="Exemple flou"),
            _eval("c0", "k1", "intra", "alice@x.fr", 2, doubt=True, note="À creuser"),
            _eval("c1", "k0", "intra", "alice@x.fr", 2, note="   "),  # blank: not a doubt
            _eval("c1", "k1", "intra", "bruno@x.fr", 2, status="brouillon", note="brouillon"),
        ]
    )
    ev = build_evidence(snap)
    assert ev.doubt_counts.tolist() == [[1, 1], [0, 0]]
    doubt = ev.doubts[("c0", "k0")][0]
    assert (doubt.note, doubt.label, doubt.interviewer) == ("Exemple flou", "Alice", "alice@x.fr")
    gaps = {(g.candidate_name, g.criterion_label): g for g in find_gaps(snap)}
    assert "doute" in gaps[("Ana", "C0")].kinds


def _random_snapshot(rng: random.Random, n_cand=6, n_crit=4):
    raters = ["alice@x.fr", "bruno@x.fr", "chloe@x.fr"]
    evaluations = []
    for i in range(n_cand):
        for k in range(n_crit):
            for stage in STAGE_CODES:
                for who in raters:
                    if rng.random() < 0.35:
                        evaluations.append(
                            _eval(
                                f"c{i}",
                                f"k{k}",
                                stage,
                                who,
                                rng.choice([None, 1, 2, 3, 3]),
                                status=rng.choice(["soumis", "soumis", "brouillon"]),
                                doubt=rng.random() < 0.1,
                            )
                        )
    names = tuple(f"P{i}" for i in range(n_cand))
    return _snap(evaluations, n_crit, names)


@pytest.mark.parametrize("seed", range(5))
def test_evidence_agrees_with_a_direct_computation(seed):
    snap = _random_snapshot(random.Random(seed))
    ev = build_evidence(snap)
    ratings = defaultdict(list)
    by_stage = defaultdict(list)
    for e in snap.evaluations:
        if e.status == "soumis" and e.rating is not None and e.stage in SCORED_STAGE_CODES:
            ratings[(e.candidate_id, e.criterion_id)].append(e.rating)
            by_stage[(e.candidate_id, e.criterion_id, e.stage)].append(e.rating)
    for i, cid in enumerate(ev.candidate_ids):
        for k, kid in enumerate(ev.criterion_ids):
            got = ratings.get((cid, kid))
            if got:
                assert ev.means[i, k] == pytest.approx(sum(got) / len(got))
            else:
                assert math.isnan(ev.means[i, k])
            spreads = [
                max(v) - min(v)
                for (c, q, _), v in by_stage.items()
                if (c, q) == (cid, kid) and len(v) >= 2
            ]
            if spreads:
                assert ev.spread[i, k] == max(spreads)
            else:
                assert math.isnan(ev.spread[i, k])


@pytest.mark.parametrize("seed", range(3))
def test_a_subset_is_the_evidence_of_those_candidates_alone(seed):
    rng = random.Random(seed)
    snap = _random_snapshot(rng)
    ev = build_evidence(snap)
    keep = [cid for cid in ev.candidate_ids if rng.random() < 0.5] or [ev.candidate_ids[0]]
    sub = ev.subset(keep)
    alone = build_evidence(
        RecruitmentSnapshot(
            snap.recruitment,
            snap.criteria,
            [c for c in snap.candidates if c.id in keep],
            snap.evaluations,
        )
    )
    assert sub.candidate_ids == alone.candidate_ids
    np.testing.assert_array_equal(sub.means, alone.means)
    np.testing.assert_array_equal(sub.spread, alone.spread)
    np.testing.assert_array_equal(sub.stage_means, alone.stage_means)
    np.testing.assert_array_equal(sub.doubt_counts, alone.doubt_counts)
    assert sorted(
        zip(sub.rating_candidate.tolist(), sub.rating_value.tolist(), strict=True)
    ) == sorted(zip(alone.rating_candidate.tolist(), alone.rating_value.tolist(), strict=True))
    # compare() from a snapshot with candidate_ids, or from the evidence, gives the same table
    direct = compare(snap, candidate_ids=keep).table
    via = compare(ev, candidate_ids=keep).table
    assert direct.equals(via)
