"""Stage progress on designed data: funnel counts, waiting list, owed evaluations."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from selection.analysis.progress import (
    candidate_status,
    funnel,
    owed_evaluations,
    waiting_for_answer,
)
from selection.domain.model import Candidate, Evaluation, StageDecision
from selection.storage.store import new_id
from tests.factories import snapshot

TODAY = datetime(2026, 11, 28, 12, 0)


def designed():
    """Ana: continued to intra then stopped there; Ben: continued twice (now at work sample);
    Cé: new, nothing yet."""
    snap = snapshot({"Code": 1.0}, {"Ana": {"Code": 2}, "Ben": {"Code": 3}})
    ana, ben = snap.candidates
    snap.decisions.append(
        StageDecision(new_id(), ana.id, "intra", "arreter", "Lead", "Trop junior")
    )
    snap.decisions.append(StageDecision(new_id(), ben.id, "intra", "continuer", "Lead", "ok"))
    ce = Candidate(new_id(), snap.recruitment.id, "Cé", created_at=TODAY - timedelta(days=9))
    snap.candidates.append(ce)
    return snap, ana, ben, ce


def test_status_and_stage_reached() -> None:
    snap, ana, ben, ce = designed()
    status = candidate_status(snap).set_index("candidat")
    assert (status.loc["Ana", "etape"], status.loc["Ana", "statut"]) == ("intra", "arrete")
    assert (status.loc["Ben", "etape"], status.loc["Ben", "statut"]) == (
        "mise_en_situation",
        "actif",
    )
    assert (status.loc["Cé", "etape"], status.loc["Cé", "statut"]) == ("prequalification", "actif")


def test_funnel_counts() -> None:
    snap, *_ = designed()
    f = funnel(snap).set_index("etape")
    assert f.loc["prequalification", "Atteinte"] == 3
    assert f.loc["intra", "Atteinte"] == 2
    assert f.loc["mise_en_situation", "Atteinte"] == 1
    assert f.loc["adequation", "Atteinte"] == 0
    assert f.loc["intra", "Arrêtées à cette étape"] == 1
    assert f.loc["prequalification", "En cours à cette étape"] == 1


def test_waiting_list_has_every_active_person_without_a_decision_at_their_stage() -> None:
    snap, ana, ben, ce = designed()
    waiting = waiting_for_answer(snap, TODAY)
    assert set(waiting["Candidat·e"]) == {"Ben", "Cé"}
    assert waiting.set_index("Candidat·e").loc["Cé", "Jours sans nouvelles"] == 9


def test_owed_evaluations_lists_drafts_and_unrated_stages() -> None:
    snap, ana, ben, ce = designed()
    crit = snap.criteria[0].id
    snap.evaluations.append(
        Evaluation(
            new_id(), ben.id, "mise_en_situation", crit, "Sophie", 2, "x", status="brouillon"
        )
    )
    owed = owed_evaluations(snap)
    rows = set(zip(owed["Évaluateur·rice"], owed["Candidat·e"], owed["Motif"], strict=True))
    assert ("Sophie", "Ben", "brouillon non soumis") in rows
    # Ben went through préqualification without any rating there (factory rates at intra)
    assert ("à attribuer", "Ben", "étape passée sans évaluation") in rows
    assert not any(name == "Ana" for _, name, _ in rows), "a stopped person owes nothing"


def test_a_stage_without_criteria_owes_no_evaluation() -> None:
    snap, ana, ben, ce = designed()
    snap.criteria = [replace(c, stages=("intra",)) for c in snap.criteria]
    owed = owed_evaluations(snap)
    assert not any(owed["Motif"] == "étape passée sans évaluation")
