"""Stage progress on designed data: funnel counts, waiting list, owed evaluations."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from selection.analysis.progress import (
    UNASSIGNED,
    candidate_status,
    funnel,
    is_debrief_sealed,
    owed_by,
    owed_evaluations,
    owed_list,
    rateable_stages,
    sealed_debriefs,
    waiting_for_answer,
)
from selection.domain.model import (
    Candidate,
    CultureNote,
    DebriefOpening,
    Evaluation,
    PanelAssignment,
    StageDecision,
    ValidationError,
)
from selection.domain.stages import STAGE_CODES
from selection.services import evaluation as evaluation_service
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


# --- one « stage reached » for Progression and Évaluations --------------------------------


def _stage_shown(snap, cand) -> str:
    return candidate_status(snap).set_index("candidate_id").loc[cand.id, "etape"]


def test_a_continue_later_replaced_by_stop_does_not_open_the_next_stage_anywhere() -> None:
    snap, ana, ben, ce = designed()
    ben_id = ben.id
    snap.decisions = [
        d for d in snap.decisions if not (d.candidate_id == ben_id and d.stage == "intra")
    ]
    snap.decisions += [
        StageDecision(
            new_id(), ben_id, "intra", "continuer", "Lead", "ok", TODAY - timedelta(days=3)
        ),
        StageDecision(new_id(), ben_id, "intra", "arreter", "Lead", "Finalement non", TODAY),
    ]
    assert _stage_shown(snap, ben) == "intra"
    offered = rateable_stages(snap, ben.id)
    assert offered == evaluation_service.rateable_stages(snap, ben.id)
    assert offered[-1] == "intra" and "mise_en_situation" not in offered
    with pytest.raises(ValidationError, match="n'a pas atteint"):
        evaluation_service.build_evaluations(
            snap,
            ben.id,
            "mise_en_situation",
            "Sophie",
            [evaluation_service.RatingInput(snap.criteria[0].id, 3, "Cas traité")],
            submit=True,
        )


def test_a_stage_rated_by_someone_is_reached_for_everyone() -> None:
    # A merged process: the work sample was rated without a decision at the intra stage.
    snap, ana, ben, ce = designed()
    snap.evaluations.append(
        Evaluation(new_id(), ce.id, "mise_en_situation", snap.criteria[0].id, "Sophie", 2, "x")
    )
    assert _stage_shown(snap, ce) == "mise_en_situation"
    assert evaluation_service.rateable_stages(snap, ce.id)[-1] == "mise_en_situation"
    made = evaluation_service.build_evaluations(
        snap,
        ce.id,
        "mise_en_situation",
        "Karim",
        [evaluation_service.RatingInput(snap.criteria[0].id, 3, "Cas traité")],
        submit=True,
    )
    assert made[0].stage == "mise_en_situation"


def test_stage_shown_and_stages_offered_agree_on_random_histories() -> None:
    rng = random.Random(5)
    for _ in range(60):
        snap, ana, ben, ce = designed()
        for cand in (ana, ben, ce):
            for _ in range(rng.randint(0, 4)):
                stage = rng.choice(STAGE_CODES)
                decision = rng.choice(("continuer", "arreter", "en_attente"))
                when = TODAY - timedelta(hours=rng.randint(0, 100))
                snap.decisions.append(
                    StageDecision(new_id(), cand.id, stage, decision, "Lead", "motif", when)
                )
        for cand in (ana, ben, ce):
            shown = _stage_shown(snap, cand)
            offered = evaluation_service.rateable_stages(snap, cand.id)
            assert offered[-1] == shown
            assert offered == list(STAGE_CODES[: STAGE_CODES.index(shown) + 1])


# --- what each person owes, and the debrief seal -------------------------------------------


def _assign(snap, cand, stage, key, name=""):
    snap.panel.append(PanelAssignment(new_id(), cand.id, stage, key, name or key))


def _rate(snap, cand, stage, key, status="soumis", rating=2):
    snap.evaluations.append(
        Evaluation(
            new_id(),
            cand.id,
            stage,
            snap.criteria[0].id,
            key,
            rating,
            "preuve",
            status=status,
            interviewer_name=key.split("@")[0].title(),
        )
    )


def test_each_person_owes_what_they_were_assigned_and_did_not_submit() -> None:
    snap, ana, ben, ce = designed()
    # Ben is at the work sample: Sophie and Karim are assigned there, Sophie submitted.
    _assign(snap, ben, "mise_en_situation", "sophie@x.fr", "Sophie")
    _assign(snap, ben, "mise_en_situation", "karim@x.fr", "Karim")
    _rate(snap, ben, "mise_en_situation", "sophie@x.fr")
    # Léa started a draft for Ben at the work sample without being assigned: still owed.
    _rate(snap, ben, "mise_en_situation", "lea@x.fr", status="brouillon")
    # Karim is also assigned to Ben's references, not reached yet: listed, not due.
    _assign(snap, ben, "references", "karim@x.fr", "Karim")
    # Ana was stopped at intra: the work sample Karim was assigned to will not take place.
    _assign(snap, ana, "mise_en_situation", "karim@x.fr", "Karim")

    karim = owed_by(snap, "karim@x.fr")
    assert [(o.candidate_name, o.stage, o.due, o.reason) for o in karim] == [
        ("Ben", "mise_en_situation", True, "a_rendre"),
        ("Ben", "references", False, "a_venir"),
    ]
    assert owed_by(snap, "sophie@x.fr") == []
    lea = owed_by(snap, "lea@x.fr")
    assert [(o.candidate_name, o.reason_label) for o in lea] == [("Ben", "brouillon non soumis")]
    assert lea[0].member_name == "Lea"  # shown by name, grouped by key
    table = owed_evaluations(snap)
    assert "Karim" in set(table["Évaluateur·rice"]) and "karim@x.fr" not in set(
        table["Évaluateur·rice"]
    )


def test_a_passed_stage_with_nobody_assigned_or_rating_is_to_assign() -> None:
    snap, ana, ben, ce = designed()
    to_assign = [o for o in owed_list(snap) if o.member_key == UNASSIGNED]
    # Ben passed préqualification (nobody rated there) and intra (rated by the factory).
    assert [(o.candidate_name, o.stage) for o in to_assign] == [("Ben", "prequalification")]
    _assign(snap, ben, "prequalification", "karim@x.fr", "Karim")
    assert not [o for o in owed_list(snap) if o.member_key == UNASSIGNED]
    assert [o.stage for o in owed_by(snap, "karim@x.fr")] == ["prequalification"]


def test_the_debrief_stays_sealed_until_every_assigned_person_submitted_or_it_is_opened() -> None:
    snap, ana, ben, ce = designed()
    _assign(snap, ben, "mise_en_situation", "sophie@x.fr")
    _assign(snap, ben, "mise_en_situation", "karim@x.fr")
    _rate(snap, ben, "mise_en_situation", "sophie@x.fr")
    _rate(snap, ben, "mise_en_situation", "karim@x.fr", status="brouillon")
    assert sealed_debriefs(snap) == {(ben.id, "mise_en_situation")}
    assert is_debrief_sealed(snap, ben.id, "mise_en_situation")
    _rate(snap, ben, "mise_en_situation", "karim@x.fr")
    assert sealed_debriefs(snap) == set()
    # Culture stage: writing a note is submitting; the owner may open it early, for the file.
    _assign(snap, ben, "adequation", "sophie@x.fr")
    assert sealed_debriefs(snap) == {(ben.id, "adequation")}
    snap.openings.append(DebriefOpening(new_id(), ben.id, "adequation", "Lead", "Départ en congé"))
    assert sealed_debriefs(snap) == set()
    snap.openings.clear()
    snap.culture_notes.append(CultureNote(new_id(), ben.id, "sophie@x.fr", "Échange ouvert"))
    assert sealed_debriefs(snap) == set()


def test_stage_lengths_say_not_yet_in_words_never_none() -> None:
    from selection.analysis.progress import NOT_YET, stage_lengths

    table = stage_lengths(designed()[0])
    shown = table[["Délai médian (jours)", "Délai maximum (jours)"]].to_numpy().ravel().tolist()
    assert all(isinstance(v, str) and v and v != "None" for v in shown)
    unfinished = table.loc[table["Étapes terminées"] == 0]
    assert not unfinished.empty
    assert set(unfinished["Délai médian (jours)"]) == {NOT_YET}


def test_the_timeline_keeps_namesakes_on_their_own_rows() -> None:
    from selection.analysis.progress import timeline

    snap, _ana, _ben, ce = designed()
    snap.candidates.append(Candidate(new_id(), snap.recruitment.id, ce.name, created_at=TODAY))
    frame = timeline(snap)
    names = dict(zip(frame["candidate_id"], frame["candidat"], strict=True))
    assert len({names[c.id] for c in snap.candidates if c.name == ce.name}) == 2
