"""Gaps to probe in reference calls and their decision relevance (the guide built from them:
test_reference_guide.py)."""

from __future__ import annotations

import random

import pytest

from selection.analysis.gaps import (
    DISAGREEMENT_SPREAD,
    find_gaps,
    gaps_for_candidate,
    gaps_frame,
    shortlist_gaps,
)
from selection.analysis.scoring import compare
from selection.domain.model import (
    Candidate,
    Criterion,
    Evaluation,
    Recruitment,
    RecruitmentSnapshot,
    StageDecision,
)

# (candidate, criterion, interviewer, rating) or with keyword extras in a dict
Rating = tuple


def make_snapshot(
    criteria: list[dict], names: list[str], ratings: list[Rating]
) -> RecruitmentSnapshot:
    """criteria: dicts of Criterion fields (id and label at least); names: candidates c0, c1, … in
    order; ratings: (candidate index, criterion id, interviewer, rating, extras dict) — at the
    intra stage and submitted unless the extras say otherwise."""
    crits = [
        Criterion(recruitment_id="r", position=i, **{"weight": 1.0, **c})
        for i, c in enumerate(criteria)
    ]
    cands = [Candidate(id=f"c{i}", recruitment_id="r", name=n) for i, n in enumerate(names)]
    evaluations = []
    for n, (cand, crit, who, rating, *extra) in enumerate(ratings):
        fields = {"stage": "intra", "evidence": "Exemple concret.", **(extra[0] if extra else {})}
        evaluations.append(
            Evaluation(
                id=f"e{n}",
                candidate_id=f"c{cand}",
                criterion_id=crit,
                interviewer=who,
                rating=rating,
                **fields,
            )
        )
    return RecruitmentSnapshot(Recruitment(id="r", title="Designer"), crits, cands, evaluations)


def by_criterion(gaps) -> dict[str, tuple[str, ...]]:
    return {g.criterion_id: g.kinds for g in gaps}


# --- detection -----------------------------------------------------------------------------


def detection_snapshot() -> RecruitmentSnapshot:
    criteria = [
        {"id": "missing", "label": "Recherche utilisateur"},
        {"id": "partial", "label": "Ergonomie"},
        {"id": "split", "label": "Conception de parcours"},
        {"id": "doubt", "label": "Accessibilité"},
        {"id": "solid", "label": "Animation d'ateliers"},
        {"id": "weak", "label": "Conception visuelle"},
        {"id": "close", "label": "Contenu"},
        {"id": "unused", "label": "Hors cadrage", "weight": 0.0},
    ]
    return make_snapshot(
        criteria,
        ["Alice Moreau"],
        [
            # Not evidence: the culture stage never counts, a draft is not submitted.
            (0, "missing", "Claire", 3, {"stage": "adequation"}),
            (0, "missing", "Claire", 3, {"status": "brouillon"}),
            (0, "partial", "Claire", 2),
            (0, "partial", "Karim", 2),
            (0, "split", "Claire", 1),
            (0, "split", "Karim", 3),
            (0, "doubt", "Claire", 3, {"doubt": True, "doubt_note": "Exemple très général"}),
            (0, "doubt", "Karim", 3, {"doubt": True, "status": "brouillon"}),
            (0, "solid", "Claire", 3),
            (0, "solid", "Karim", 3, {"stage": "mise_en_situation"}),
            (0, "weak", "Claire", 1),
            (0, "close", "Claire", 2),
            (0, "close", "Karim", 3),
        ],
    )


def test_each_kind_of_gap_is_detected_on_designed_data():
    gaps = find_gaps(detection_snapshot())
    assert by_criterion(gaps) == {
        "missing": ("sans_preuve",),
        "partial": ("partiel",),
        "split": ("partiel", "desaccord"),
        "doubt": ("doute",),
    }


def test_what_is_not_a_gap():
    kinds = by_criterion(find_gaps(detection_snapshot()))
    assert "solid" not in kinds  # demonstrated at two stages
    assert "weak" not in kinds  # rated 1: not demonstrated is evidence, not a gap
    assert "close" not in kinds  # 2 and 3: mean 2.5 is validated, a 1-point spread is no dispute
    assert "unused" not in kinds  # weighted 0: cannot change the decision
    assert DISAGREEMENT_SPREAD > 1


def test_a_doubt_keeps_its_note_and_only_submitted_ones_count():
    gap = next(g for g in find_gaps(detection_snapshot()) if g.criterion_id == "doubt")
    assert [(d.interviewer, d.note) for d in gap.doubts] == [("Claire", "Exemple très général")]
    assert "Exemple très général" in gap.reason


def test_a_candidate_without_any_rating_has_no_gap_list_yet():
    snapshot = make_snapshot(
        [{"id": "k", "label": "Ergonomie"}], ["Alice Moreau", "Bastien Roux"], [(0, "k", "C", 3)]
    )
    assert {g.candidate_id for g in find_gaps(snapshot)} == set()


# --- decision relevance --------------------------------------------------------------------
# Weights: k1 = 3, k2 = 1, k3 = 3. Normalised ratings 1 → 0, 2 → 0.5, 3 → 1.
#   Alice   k1 3, k2 2 (partial), k3 3         → 6.5/7 ≈ 0.93; with k2 = 1: 6/7 ≈ 0.86
#   Bastien k1 2 (partial), k2 3, k3 3 (doubt) → 5.5/7 ≈ 0.79; with k1 = 3: 7/7 = 1 > Alice
#   Chloé   k1 missing, k2 3 (doubt), k3 1     → 1/4 = 0.25;  with k1 = 3: 4/7 ≈ 0.57
# Three candidates, shortlist of three: only the lead can change, and only Bastien's k1 can.


def relevance_snapshot() -> RecruitmentSnapshot:
    # Listed in the brief as k3, k2, k1, so the ranking cannot come from the brief's order.
    criteria = [
        {"id": "k3", "label": "Conception de parcours", "weight": 3.0},
        {"id": "k2", "label": "Ergonomie", "weight": 1.0},
        {
            "id": "k1",
            "label": "Recherche utilisateur",
            "weight": 3.0,
            "statement": (
                "La personne est capable de mener des entretiens utilisateurs "
                "et d'en tirer des enseignements pour le produit."
            ),
        },
    ]
    return make_snapshot(
        criteria,
        ["Alice Moreau", "Bastien Roux", "Chloé Petit"],
        [
            (0, "k1", "Claire", 3),
            (0, "k2", "Claire", 2),
            (0, "k3", "Claire", 3),
            (1, "k1", "Claire", 2),
            (1, "k1", "Karim", 2),
            (1, "k2", "Claire", 3),
            (1, "k3", "Claire", 3, {"doubt": True, "doubt_note": "Parcours présenté très guidé"}),
            (2, "k2", "Claire", 3, {"doubt": True}),
            (2, "k3", "Claire", 1),
        ],
    )


def test_only_the_gap_that_can_change_the_winner_is_decisive():
    gaps = find_gaps(relevance_snapshot())
    decisive = [(g.candidate_name, g.criterion_id) for g in gaps if g.relevant]
    assert decisive == [("Bastien Roux", "k1")]
    winner_gap = next(g for g in gaps if g.relevant)
    assert winner_gap.effects == ("prend_la_tete",)
    assert "une note de 3 ferait passer Bastien Roux devant Alice Moreau" in winner_gap.reason
    assert winner_gap.score_if_best > winner_gap.score_if_worst


def test_gaps_are_ranked_decisive_first_then_by_weight():
    gaps = find_gaps(relevance_snapshot())
    assert [g.candidate_name for g in gaps] == [
        "Alice Moreau",
        "Bastien Roux",
        "Bastien Roux",
        "Chloé Petit",
        "Chloé Petit",
    ]
    bastien = [g.criterion_id for g in gaps if g.candidate_id == "c1"]
    assert bastien == ["k1", "k3"]  # same weight: the decisive one first
    chloe = [g.criterion_id for g in gaps if g.candidate_id == "c2"]
    assert chloe == ["k1", "k2"]  # neither decisive: heavier first
    assert [g.priority for g in gaps if g.candidate_id == "c2"] == [1, 2]
    alice = next(g for g in gaps if g.candidate_id == "c0")
    assert "Alice Moreau resterait en tête" in alice.reason


def test_entering_and_leaving_the_shortlist_are_decisive():
    # Weights 1 and 1, shortlist of two. Alice 3/3 = 1; Bastien 3/2 = 0.75 (k2 partial);
    # Chloé 3/1.5 = 0.625 (k2 partial). Bastien with k2 = 1 falls to 0.5, behind Chloé;
    # Chloé with k2 = 3 reaches 1, level with Alice: equal scores share the first place (the one
    # tie rule), so for both of them a 3 would mean sharing the lead.
    snapshot = make_snapshot(
        [{"id": "k1", "label": "Recherche"}, {"id": "k2", "label": "Ergonomie"}],
        ["Alice Moreau", "Bastien Roux", "Chloé Petit"],
        [
            (0, "k1", "Claire", 3),
            (0, "k2", "Claire", 3),
            (1, "k1", "Claire", 3),
            (1, "k2", "Claire", 2),
            (2, "k1", "Claire", 3),
            (2, "k2", "Claire", 2),
            (2, "k2", "Karim", 1),
        ],
    )
    gaps = {g.candidate_id: g for g in find_gaps(snapshot, shortlist_size=2)}
    assert gaps["c1"].effects == ("prend_la_tete", "sort")
    assert "une note de 1 ferait sortir Bastien Roux des 2 premières places" in gaps["c1"].reason
    assert "une note de 3 mettrait Bastien Roux à égalité en tête avec Alice Moreau" in (
        gaps["c1"].reason
    )
    assert gaps["c2"].effects == ("prend_la_tete",)
    assert "mettrait Chloé Petit à égalité en tête avec Alice Moreau" in gaps["c2"].reason
    assert [g.candidate_id for g in shortlist_gaps(snapshot, shortlist_size=2)] == ["c1"]


def test_a_must_have_gap_of_a_shortlisted_candidate_is_decisive():
    snapshot = make_snapshot(
        [{"id": "k1", "label": "Recherche", "must_have": True}, {"id": "k2", "label": "Ergonomie"}],
        ["Alice Moreau", "Bastien Roux"],
        [(0, "k2", "Claire", 3), (1, "k1", "Claire", 1), (1, "k2", "Claire", 1)],
    )
    gap = gaps_for_candidate(snapshot, "c0")[0]
    assert gap.criterion_id == "k1"
    assert "obligatoire" in gap.effects
    assert "ne pourrait pas être retenu·e" in gap.reason


def test_stopped_candidates_are_left_out_of_the_ranking_unless_asked_for():
    snapshot = relevance_snapshot()
    snapshot.decisions.append(
        StageDecision("d1", "c1", "intra", "arreter", "Claire", reason="Profil trop junior")
    )
    gaps = find_gaps(snapshot)
    assert "c1" not in {g.candidate_id for g in gaps}
    assert gaps_for_candidate(snapshot, "c1")[0].criterion_id == "k1"


def test_gaps_table_is_in_french_and_keeps_every_gap():
    frame = gaps_frame(find_gaps(detection_snapshot()))
    assert len(frame) == 4
    split = frame.set_index("criterion_id").loc["split"]
    assert split["types"] == "Preuve partielle, Désaccord entre les personnes"
    assert split["ecart"] == 2.0


@pytest.mark.parametrize("seed", range(3))
def test_decision_relevance_agrees_with_re_ranking_through_compare(seed):
    """Resolve each gap for real (one rating of 1, or of 3, replaces the evidence on that
    criterion) and re-rank with the scoring engine: the effects announced must match."""
    rnd = random.Random(seed)
    criteria = [
        {"id": f"k{k}", "label": f"Critère {k}", "weight": rnd.choice([1.0, 2.0, 3.0])}
        for k in range(4)
    ]
    names = ["Alice", "Bastien", "Chloé", "David", "Emma", "Farid"]
    ratings = [
        (c, f"k{k}", who, rnd.choice([1, 2, 3]))
        for c in range(len(names))
        for k in range(4)
        for who in ("Claire", "Karim")
        if rnd.random() < 0.6
    ]
    snapshot = make_snapshot(criteria, names, ratings)
    n = 2

    def place_with(gap, value: int) -> int:
        kept = [
            r for r in ratings if not (f"c{r[0]}" == gap.candidate_id and r[1] == gap.criterion_id)
        ]
        cand = int(gap.candidate_id[1:])
        trial = make_snapshot(criteria, names, [*kept, (cand, gap.criterion_id, "Claire", value)])
        # The place the team sees: the shared rank of the one tie rule.
        return int(compare(trial).table.set_index("candidate_id").loc[gap.candidate_id, "rang"])

    gaps = find_gaps(snapshot, shortlist_size=n)
    assert any(g.effects for g in gaps) and any(not g.effects for g in gaps)
    for gap in gaps:
        now, best, worst = gap.position, place_with(gap, 3), place_with(gap, 1)
        assert ("prend_la_tete" in gap.effects) == (now != 1 and best == 1)
        assert ("entre" in gap.effects) == (now > n and best <= n and best != 1)
        assert ("sort" in gap.effects) == (now <= n and worst > n)
        assert ("perd_la_tete" in gap.effects) == (now == 1 and 1 < worst <= n)


def test_a_listed_gap_is_a_plain_frozen_value_whose_sentences_do_not_change():
    from dataclasses import FrozenInstanceError, replace

    gaps = find_gaps(detection_snapshot())
    gap = gaps[0]
    with pytest.raises(FrozenInstanceError):
        gap.weight = 3.0
    copy = replace(gap)
    assert copy == gap and hash(copy) == hash(gap)
    assert copy.reason == gap.reason and copy.guide_reason == gap.guide_reason
    assert gap.reason.startswith(gap.guide_reason.split(" : ")[0])
