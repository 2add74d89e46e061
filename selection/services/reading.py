"""Reads: the recruitments a person may open, and one recruitment as that person may see it.

``view`` is the one way a page reads a recruitment. It checks the right to read, reads everything
in one transaction, and scopes it to the viewer (``blind.scope``): drafts of others and, while the
viewer has not submitted where they are on a panel, everything others wrote about that candidate
are absent from ``RecruitmentView.snapshot``. Scores, gaps, signals, charts, reports and exports
are computed from that snapshot only. The process state (stage reached, status) is computed once
from the decisions and from which stages have submitted ratings, so every viewer and every screen
see the same stage reached.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from functools import cached_property

import pandas as pd

from selection.analysis.evidence import Evidence, build_evidence
from selection.analysis.people import distinct_names
from selection.analysis.progress import (
    candidate_status,
    owed_list,
    rated_stage_reached,
    sealed_debriefs,
)
from selection.domain.model import Recruitment, RecruitmentSnapshot
from selection.domain.permissions import Action, Role
from selection.services import blind
from selection.services.access import Actor, Config, permits, require, roles
from selection.services.app import App


@dataclass
class RecruitmentView:
    """One recruitment as one person may see it (see the module docstring)."""

    recruitment: Recruitment
    actor: Actor
    config: Config
    roles: frozenset[Role]
    snapshot: RecruitmentSnapshot
    blinded: frozenset[str]
    status: pd.DataFrame
    members: list[dict] = field(default_factory=list)
    # (candidate, stage) whose meeting view stays closed: an assigned interviewer has not
    # submitted and the owner did not open it early (« pas de débrief à chaud »), from all data.
    sealed: frozenset[tuple[str, str]] = frozenset()
    # What each person owes, from the stage plan and everyone's submissions (names only).
    owed: tuple = ()

    @cached_property
    def evidence(self) -> Evidence:
        """Means, spreads, coverage and doubts: computed once per view, shared by every table,
        chart, sentence and file of the page."""
        return build_evidence(self.snapshot)

    @property
    def id(self) -> str:
        return self.recruitment.id

    @property
    def revision(self) -> int:
        return self.recruitment.revision

    def can(self, action: Action) -> bool:
        return permits(self.config, self.actor, self.roles, action, self.recruitment)

    @cached_property
    def candidate_by_id(self) -> dict:
        return {c.id: c for c in self.snapshot.candidates}

    @cached_property
    def shown_names(self) -> dict[str, str]:
        """Each person's name as choosers show it: namesakes told apart (« Kévin Martin (2) »)."""
        return {c.id: c.name for c in distinct_names(self.snapshot.candidates)}

    @cached_property
    def criterion_by_id(self) -> dict:
        return {c.id: c for c in self.snapshot.criteria}

    @cached_property
    def status_by_id(self) -> pd.DataFrame:
        return self.status.set_index("candidate_id")

    def stage_index(self, candidate_id: str) -> int:
        return int(self.status_by_id.loc[candidate_id, "etape_index"])

    def is_blinded(self, candidate_id: str) -> bool:
        return candidate_id in self.blinded


def recruitments_for(app: App, actor: Actor) -> list[Recruitment]:
    """What appears in the person's sidebar: every recruitment when the app runs open; with
    login, those they are a member of (all of them for an administrator)."""
    with app.store.reading() as tx:
        if not app.config.login or actor.admin:
            return tx.recruitments()
        if not actor.email:
            return []
        return tx.recruitments(member_email=actor.email)


def revision(app: App, recruitment_id: str) -> int | None:
    """The recruitment's revision: it changes with every write about it (for caches)."""
    with app.store.reading() as tx:
        return tx.revision(recruitment_id)


def view(app: App, actor: Actor, recruitment_id: str) -> RecruitmentView:
    """The recruitment as ``actor`` may see it; refused to a non-member when login is on.

    Views are kept per (recruitment, revision, person): every write about a recruitment bumps
    its revision in the database, so one cheap query tells whether a kept view is still the
    truth — on this server or after a write on another one. A kept view is never modified."""
    with app.store.reading() as tx:
        recruitment = tx.require_recruitment(recruitment_id)
        held = require(tx, app.config, actor, Action.READ, recruitment, write=False)
        key = (id(app), recruitment_id, recruitment.revision, actor, held)
        kept = _VIEWS.get(key)
        if kept is not None:
            return kept
        full = tx.snapshot(recruitment_id)
        members = tx.members(recruitment_id)
    built = scoped_view(full, actor, app.config, held, members)
    _VIEWS.put(key, built)
    return built


class _Kept:
    """A small thread-safe LRU of views (sessions run in threads of one server process)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
            return found

    def put(self, key, value) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


_VIEWS = _Kept(size=32)


def scoped_view(
    full: RecruitmentSnapshot,
    actor: Actor,
    config: Config,
    held: frozenset[Role],
    members: list[dict] | None = None,
) -> RecruitmentView:
    """The view of an already read snapshot (used by ``view`` and by tests)."""
    scoped, blinded = blind.scope(full, actor.key)
    scoped = replace(scoped, rated_reached=rated_stage_reached(full.evaluations))
    return RecruitmentView(
        recruitment=full.recruitment,
        actor=actor,
        config=config,
        roles=held,
        snapshot=scoped,
        blinded=blinded,
        status=candidate_status(scoped),
        members=members or [],
        sealed=frozenset(sealed_debriefs(full)),
        owed=tuple(owed_list(full)),
    )


def process_state(full: RecruitmentSnapshot) -> pd.DataFrame:
    """Stage reached and status of every candidate, from the decisions and the stages that have
    submitted ratings: the same for every viewer (no rating content is used)."""
    return candidate_status(full)


def roles_on(app: App, actor: Actor, recruitment_id: str | None) -> frozenset[Role]:
    with app.store.reading() as tx:
        return roles(tx, app.config, actor, recruitment_id)
