"""The shipped demo (data/demo.json): one developer recruitment with six fictional candidates.

Dates in the file are relative ("days_ago") so the demo always looks current; ids are fresh on
every load so the demo can be loaded again beside an earlier copy.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from selection.domain.model import (
    Candidate,
    Criterion,
    CultureNote,
    Evaluation,
    Recruitment,
    RecruitmentSnapshot,
    StageDecision,
)
from selection.storage.store import Store, new_id, now

DEMO_PATH = Path(__file__).resolve().parents[2] / "data" / "demo.json"


def demo_snapshot(path: Path = DEMO_PATH, today: datetime | None = None) -> RecruitmentSnapshot:
    data = json.loads(path.read_text(encoding="utf-8"))
    today = today or now()

    def ago(days: int) -> datetime:
        return today - timedelta(days=days)

    rec_data = data["recruitment"]
    start_in = rec_data.get("start_date_in_days")
    recruitment = Recruitment(
        id=new_id(),
        title=rec_data["title"],
        role=rec_data.get("role", ""),
        team=rec_data.get("team", ""),
        owner=rec_data.get("owner", ""),
        created_at=ago(rec_data.get("days_ago", 0)),
        start_date=(today.date() + timedelta(days=start_in)) if start_in is not None else None,
        days_per_week=rec_data.get("days_per_week"),
        remote_policy=rec_data.get("remote_policy", ""),
        max_daily_rate=rec_data.get("max_daily_rate"),
        references_required=rec_data.get("references_required", True),
    )
    crit_ids = {c["key"]: new_id() for c in data["criteria"]}
    criteria = [
        Criterion(
            id=crit_ids[c["key"]],
            recruitment_id=recruitment.id,
            label=c["label"],
            statement=c["statement"],
            category=c.get("category", ""),
            weight_level=c["weight_level"],
            weight=c["weight"],
            must_have=c["must_have"],
            stages=tuple(c["stages"]),
            position=i,
            questions=tuple(c.get("questions", ())),
        )
        for i, c in enumerate(data["criteria"])
    ]
    cand_ids = {c["key"]: new_id() for c in data["candidates"]}
    candidates = [
        Candidate(
            id=cand_ids[c["key"]],
            recruitment_id=recruitment.id,
            name=c["name"],
            email=c.get("email", ""),
            source=c.get("source", ""),
            created_at=ago(c.get("days_ago", 0)),
            references_agreed=c.get("references_agreed"),
            talent_pool_consent=c.get("talent_pool_consent", False),
            available_from=(
                today.date() + timedelta(days=c["available_in_days"])
                if "available_in_days" in c
                else None
            ),
            days_per_week=c.get("days_per_week"),
            remote_ok=c.get("remote_ok"),
            other_processes=c.get("other_processes", ""),
            expected_daily_rate=c.get("expected_daily_rate"),
        )
        for c in data["candidates"]
    ]
    culture_notes = [
        CultureNote(
            id=new_id(),
            candidate_id=cand_ids[n["candidate"]],
            author=n["author"],
            note=n["note"],
            warning=n["warning"],
            severity=n["severity"],
            created_at=ago(n["days_ago"]),
        )
        for n in data.get("culture_notes", [])
    ]
    evaluations = [
        Evaluation(
            id=new_id(),
            candidate_id=cand_ids[e["candidate"]],
            stage=e["stage"],
            criterion_id=crit_ids[e["criterion"]],
            interviewer=e["interviewer"],
            rating=e["rating"],
            evidence=e["evidence"],
            doubt=e.get("doubt", False),
            doubt_note=e.get("doubt_note", ""),
            status="soumis",
            created_at=ago(e["days_ago"]),
            updated_at=ago(e["days_ago"]),
        )
        for e in data["evaluations"]
    ]
    decisions = [
        StageDecision(
            id=new_id(),
            candidate_id=cand_ids[d["candidate"]],
            stage=d["stage"],
            decision=d["decision"],
            decided_by=d["by"],
            reason=d.get("reason", ""),
            decided_at=ago(d["days_ago"]),
        )
        for d in data["decisions"]
    ]
    return RecruitmentSnapshot(
        recruitment, criteria, candidates, evaluations, decisions, culture_notes=culture_notes
    )


def load_demo(store: Store, today: datetime | None = None, owner_email: str | None = None) -> str:
    """Write the demo in one transaction; returns the new recruitment's id."""
    snap = demo_snapshot(today=today)
    store.save_snapshot(snap, owner_email=owner_email)
    return snap.recruitment.id
