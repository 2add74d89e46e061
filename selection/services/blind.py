"""The blind rule as a property of the data a viewer receives (PRODUCT.md §10).

A person is on the panel of a candidate at a stage when assigned to it, or when they have started
rating it (an evaluation, even a draft; at the culture stage, an observation). Until they have
submitted their own evaluation there, nothing others wrote about that candidate — ratings,
evidence, doubts, drafts, culture notes, reference calls — reaches them: it is removed from the
snapshot before any score, gap, signal, chart, report, export or backup is computed from it, so
no screen or file can leak it. Drafts are seen by their author only, whoever the viewer is.

Reference-call ratings are signed « <who called> (réf. <referee>) »: they belong to whoever called.
"""

from __future__ import annotations

from dataclasses import replace

from selection.domain.model import RecruitmentSnapshot
from selection.domain.stages import CULTURE

REFERENCE_MARK = " (réf. "


def reference_rater_key(caller_key: str, referee: str) -> str:
    """The identity key reference-call ratings are stored under (one per call and referee)."""
    return f"{caller_key}{REFERENCE_MARK}{' '.join(referee.split())})"


def owner_of(rater_key: str) -> str:
    """Whose rating this is: the rater, or the person who made the reference call."""
    head, mark, _ = rater_key.partition(REFERENCE_MARK)
    return head if mark else rater_key


def is_own(rater_key: str, viewer_key: str) -> bool:
    return bool(viewer_key) and owner_of(rater_key) == viewer_key


def panel_pairs(snapshot: RecruitmentSnapshot, viewer_key: str) -> set[tuple[str, str]]:
    """(candidate, stage) pairs where the viewer is on the panel."""
    pairs = {(a.candidate_id, a.stage) for a in snapshot.panel if a.member_key == viewer_key}
    pairs |= {
        (e.candidate_id, e.stage) for e in snapshot.evaluations if is_own(e.interviewer, viewer_key)
    }
    pairs |= {(n.candidate_id, CULTURE) for n in snapshot.culture_notes if n.author == viewer_key}
    return pairs


def submitted_pairs(snapshot: RecruitmentSnapshot, viewer_key: str) -> set[tuple[str, str]]:
    """(candidate, stage) pairs where the viewer has submitted their own evaluation."""
    done = {
        (e.candidate_id, e.stage)
        for e in snapshot.evaluations
        if e.status == "soumis" and is_own(e.interviewer, viewer_key)
    }
    done |= {(n.candidate_id, CULTURE) for n in snapshot.culture_notes if n.author == viewer_key}
    return done


def blinded_candidates(snapshot: RecruitmentSnapshot, viewer_key: str) -> frozenset[str]:
    """Candidates about whom the viewer must not see what others wrote yet."""
    waiting = panel_pairs(snapshot, viewer_key) - submitted_pairs(snapshot, viewer_key)
    return frozenset(cid for cid, _stage in waiting)


def scope(
    snapshot: RecruitmentSnapshot, viewer_key: str
) -> tuple[RecruitmentSnapshot, frozenset[str]]:
    """The snapshot as this viewer may see it, and the candidates blinded for them."""
    blinded = blinded_candidates(snapshot, viewer_key)

    def visible_rating(e) -> bool:
        if is_own(e.interviewer, viewer_key):
            return True
        return e.status == "soumis" and e.candidate_id not in blinded

    scoped = replace(
        snapshot,
        evaluations=[e for e in snapshot.evaluations if visible_rating(e)],
        culture_notes=[
            n
            for n in snapshot.culture_notes
            if n.author == viewer_key or n.candidate_id not in blinded
        ],
        reference_calls=[
            c
            for c in snapshot.reference_calls
            if (c.recorded_by_key or c.recorded_by) == viewer_key or c.candidate_id not in blinded
        ],
    )
    return scoped, blinded
