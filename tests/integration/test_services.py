"""The one door: every action through the services, on SQLite and PostgreSQL.

- every role × every action of the permission table, allowed or refused, with the database
  unchanged after a refusal (login on);
- rules checked inside the write transaction (rated criteria kept, brief whole, final choice);
- lost updates refused with a French message naming who changed what, nothing lost.
"""

from __future__ import annotations

import multiprocessing as mp
from dataclasses import dataclass, replace

import pandas as pd
import pytest
import sqlalchemy as sa

from selection.domain.ids import new_id
from selection.domain.model import (
    Candidate,
    Criterion,
    Recruitment,
    RecruitmentSnapshot,
    StageDecision,
    ValidationError,
)
from selection.domain.permissions import PERMISSIONS, UNSCOPED, Action, Role
from selection.services import brief, candidates, data, ratings, reading, recruitments
from selection.services.access import Actor, Config, Conflict, Refused
from selection.services.app import App
from selection.services.evaluation import RatingInput
from selection.storage.schema import metadata
from selection.storage.store import Store

OWNER = "camille@beta.gouv.fr"
MEMBER = "karim@beta.gouv.fr"
OUTSIDER = "intrus@example.org"
ADMIN = "admin@beta.gouv.fr"


@dataclass
class World:
    app: App
    rid: str
    cand: str  # at intra, agreed to references, no rating: may be retained, rated, erased
    other: str  # second candidate, at prequalification
    crit: str


def build(store: Store, *, login: bool = True) -> World:
    rec = Recruitment(id=new_id(), title="Designer", owner="Camille Martin")
    crit = Criterion(
        id=new_id(), recruitment_id=rec.id, label="Recherche", stages=("intra", "references")
    )
    crit2 = Criterion(id=new_id(), recruitment_id=rec.id, label="Ateliers", stages=("intra",))
    ana = Candidate(id=new_id(), recruitment_id=rec.id, name="Ana Lopez", references_agreed=True)
    bob = Candidate(id=new_id(), recruitment_id=rec.id, name="Bob Martin")
    go = StageDecision(new_id(), ana.id, "prequalification", "continuer", "Camille Martin", "ok")
    store.save_snapshot(
        RecruitmentSnapshot(rec, [crit, crit2], [ana, bob], decisions=[go]), owner_email=OWNER
    )
    store.add_member(rec.id, MEMBER, "membre", OWNER)
    app = App(store, Config(login=login, admins=frozenset({ADMIN})))
    return World(app, rec.id, ana.id, bob.id, crit.id)


ACTORS = {
    Role.RESPONSIBLE: ("Camille Martin", OWNER),
    Role.MEMBER: ("Karim Benali", MEMBER),
    Role.OUTSIDER: ("Intrus", OUTSIDER),
    Role.ADMIN: ("Ada Admin", ADMIN),
}


def actor_for(world: World, role: Role) -> Actor:
    name, email = ACTORS[role]
    return world.app.actor(name, email)


def _criteria(world: World) -> list[Criterion]:
    return world.app.store.list_criteria(world.rid)


# Each call performs the action in a way that is valid when the table allows it.
CALLS = {
    Action.READ: lambda w, a: reading.view(w.app, a, w.rid),
    Action.CREATE: lambda w, a: recruitments.create(
        w.app, a, title="Nouveau", team="", owner="", preset="designer"
    ),
    Action.EDIT_BRIEF: lambda w, a: brief.save_weights(
        w.app, a, w.rid, _criteria(w), {w.crit: 1.5}
    ),
    Action.MANAGE_MEMBERS: lambda w, a: recruitments.add_member(
        w.app, a, w.rid, "nouvelle@beta.gouv.fr", "membre"
    ),
    Action.ASSIGN_PANEL: lambda w, a: ratings.assign(
        w.app, a, w.cand, "intra", member_key=MEMBER, member_name="Karim Benali"
    ),
    Action.CLOSE_REOPEN: lambda w, a: recruitments.set_closed(
        w.app, a, w.rid, base_version=w.app.store.recruitment(w.rid).version, closed=True
    ),
    Action.EDIT_CANDIDATES: lambda w, a: candidates.add(w.app, a, w.rid, name="Chloé Nguyen"),
    Action.RATE: lambda w, a: ratings.save_ratings(
        w.app, a, w.cand, "intra", [RatingInput(w.crit, 3, "A mené 12 entretiens.")], submit=True
    ),
    Action.STAGE_DECISION: lambda w, a: candidates.decide(
        w.app,
        a,
        w.other,
        stage="prequalification",
        decision="arreter",
        reason="Disponibilité",
        base_decision_id=None,
    ),
    Action.FINAL_CHOICE: lambda w, a: candidates.decide(
        w.app,
        a,
        w.cand,
        stage="intra",
        decision="retenu",
        reason="Meilleur dossier",
        base_decision_id=None,
    ),
    Action.OPEN_DEBRIEF: lambda w, a: ratings.open_debrief(
        w.app, a, w.cand, "intra", "Réunion avancée"
    ),
    Action.ERASE: lambda w, a: candidates.erase(
        w.app, a, w.other, typed_name="Bob Martin", reason="demande"
    ),
    Action.SETTINGS: lambda w, a: data.save_retention_settings(
        w.app, a, replace(data.retention_settings(w.app), unsuccessful_months=2)
    ),
}
# Actions whose service is checked in their own test files (files and purge need more setup).
COVERED_ELSEWHERE = {
    Action.ACCESS_EXPORT,
    Action.PURGE,
    Action.BACKUP,
    Action.RESTORE,
    Action.READ_AUDIT,
}


def test_every_action_of_the_table_has_a_case() -> None:
    assert set(CALLS) | COVERED_ELSEWHERE == set(Action)


def dump(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table, to prove a refusal changed nothing."""
    with store.read() as conn:
        return {
            t.name: sorted(
                (tuple(map(str, r)) for r in conn.execute(sa.select(t))), key=lambda r: r
            )
            for t in metadata.sorted_tables
        }


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("action", sorted(CALLS, key=str), ids=lambda a: a.value)
def test_every_role_and_action_follows_the_table(store: Store, role: Role, action: Action) -> None:
    world = build(store)
    actor = actor_for(world, role)
    expected = action in UNSCOPED or role in PERMISSIONS[action]
    before = dump(store)
    if expected:
        CALLS[action](world, actor)
        if action is not Action.READ:
            assert dump(store) != before, "an allowed action is written"
    else:
        with pytest.raises(Refused) as refused:
            CALLS[action](world, actor)
        assert "Rien n'a été modifié" in str(refused.value) or action is Action.READ
        assert dump(store) == before, "a refusal changes nothing"


def test_without_login_everything_is_open_but_the_final_choice_stays_with_the_owner(
    store: Store,
) -> None:
    world = build(store, login=False)
    karim = world.app.actor("Karim Benali")
    brief.save_weights(world.app, karim, world.rid, _criteria(world), {world.crit: 1.5})
    with pytest.raises(Refused, match="Seule la personne responsable"):
        CALLS[Action.FINAL_CHOICE](world, karim)
    CALLS[Action.FINAL_CHOICE](world, world.app.actor("camille martin"))


def test_an_unsigned_write_is_refused_without_login(store: Store) -> None:
    world = build(store, login=False)
    before = dump(store)
    with pytest.raises(Refused, match="Indiquez votre nom"):
        CALLS[Action.EDIT_CANDIDATES](world, world.app.actor(""))
    assert dump(store) == before


def test_a_signature_longer_than_the_columns_is_refused(store: Store) -> None:
    world = build(store, login=False)
    before = dump(store)
    with pytest.raises(Refused, match="trop long"):
        CALLS[Action.EDIT_CANDIDATES](world, world.app.actor("N" * 201))
    assert dump(store) == before


def test_a_restore_or_creation_never_plants_a_recruitment_in_someone_elses_sidebar(
    store: Store,
) -> None:
    world = build(store)
    intruder = actor_for(world, Role.OUTSIDER)
    rid = CALLS[Action.CREATE](world, intruder)
    assert [m["email"] for m in store.list_members(rid)] == [OUTSIDER]
    karim = actor_for(world, Role.MEMBER)
    assert rid not in {r.id for r in reading.recruitments_for(world.app, karim)}


def test_the_journal_is_read_by_identity_not_by_display_name(store: Store) -> None:
    world = build(store)
    owner = actor_for(world, Role.RESPONSIBLE)
    CALLS[Action.STAGE_DECISION](world, owner)
    namesake = world.app.actor("Camille Martin", "camille.homonyme@example.org")
    assert data.journal(world.app, namesake) == []
    assert any(e.action == "Décision d'étape" for e in data.journal(world.app, owner))


# --------------------------------------------------------------------------- rules in the door


def test_a_rated_criterion_cannot_be_deleted_and_nothing_changes(store: Store) -> None:
    world = build(store)
    owner = actor_for(world, Role.RESPONSIBLE)
    CALLS[Action.RATE](world, owner)
    base = _criteria(world)
    grid = brief.criteria_grid([c for c in base if c.id != world.crit]).reset_index()
    before = dump(store)
    with pytest.raises(ValidationError, match="déjà évalué"):
        brief.save_grid(world.app, owner, world.rid, base, grid)
    assert dump(store) == before


@pytest.mark.parametrize(
    "weights, message",
    [({"Recherche": 0.0, "Ateliers": 0.0}, "nulles"), ({"Recherche": 4.0}, "entre 0 et 3")],
)
def test_a_brief_that_would_be_invalid_is_refused_whole(store: Store, weights, message) -> None:
    world = build(store)
    owner = actor_for(world, Role.RESPONSIBLE)
    base = _criteria(world)
    ids = {c.label: c.id for c in base}
    before = dump(store)
    with pytest.raises(ValidationError, match=message):
        brief.save_weights(
            world.app, owner, world.rid, base, {ids[k]: v for k, v in weights.items()}
        )
    assert dump(store) == before


def test_duplicate_labels_are_refused(store: Store) -> None:
    world = build(store)
    owner = actor_for(world, Role.RESPONSIBLE)
    base = _criteria(world)
    grid = brief.criteria_grid(base).reset_index()
    grid.loc[grid["Intitulé"] == "Ateliers", "Intitulé"] = "recherche"
    with pytest.raises(ValidationError, match="double"):
        brief.save_grid(world.app, owner, world.rid, base, grid)


def test_the_final_choice_is_audited_by_id_in_the_same_transaction(store: Store) -> None:
    world = build(store)
    CALLS[Action.FINAL_CHOICE](world, actor_for(world, Role.RESPONSIBLE))
    (entry,) = [a for a in store.list_audit() if a["action"] == "choix_final"]
    assert entry["subject"] == f"personne {world.cand}" and "Ana" not in entry["subject"]


def test_a_second_person_cannot_be_retained(store: Store) -> None:
    world = build(store)
    owner = actor_for(world, Role.RESPONSIBLE)
    CALLS[Action.FINAL_CHOICE](world, owner)
    with pytest.raises(Refused, match="déjà enregistré pour Ana Lopez"):
        candidates.decide(
            world.app,
            owner,
            world.other,
            stage="prequalification",
            decision="retenu",
            reason="Finalement",
            base_decision_id=None,
        )


def test_closing_and_its_journal_entry_land_together(store: Store) -> None:
    world = build(store)
    CALLS[Action.CLOSE_REOPEN](world, actor_for(world, Role.RESPONSIBLE))
    rec = store.recruitment(world.rid)
    assert rec.status == "clos" and rec.closed_at is not None
    assert [a["action"] for a in store.list_audit()].count("cloture") == 1


# --------------------------------------------------------------------------- lost updates


def test_a_stale_grid_saves_only_its_own_change_and_keeps_the_new_criterion(store: Store) -> None:
    """B adds a criterion and saves; A changes one weight in the grid opened before and saves:
    B's criterion stays, A's change lands."""
    world = build(store)
    owner = actor_for(world, Role.RESPONSIBLE)
    a_base = _criteria(world)
    b_grid = brief.criteria_grid(a_base).reset_index()
    added = {**dict.fromkeys(b_grid.columns, False), "id": None, "Poids": None}
    added |= {"Intitulé": "Accessibilité", "Énoncé": "", "Catégorie": "", "Niveau": None}
    b_grid = pd.concat([b_grid, pd.DataFrame([added])], ignore_index=True)
    brief.save_grid(world.app, owner, world.rid, a_base, b_grid)
    a_grid = brief.criteria_grid(a_base).reset_index()
    a_grid.loc[a_grid["Intitulé"] == "Ateliers", "Poids"] = 0.5
    change = brief.save_grid(world.app, owner, world.rid, a_base, a_grid)
    assert change.changed == ("Ateliers",) and not change.removed
    saved = {c.label: c.weight for c in _criteria(world)}
    assert saved == {"Recherche": 2.0, "Ateliers": 0.5, "Accessibilité": 2.0}


def test_a_stale_grid_changing_the_same_row_is_refused_naming_who(store: Store) -> None:
    world = build(store)
    owner = actor_for(world, Role.RESPONSIBLE)
    other = world.app.actor("Sophie Leroy", OWNER)
    base = _criteria(world)
    first = brief.criteria_grid(base).reset_index()
    row = first["Intitulé"] == "Recherche"
    first.loc[row, "Énoncé"] = "La personne est capable de mener des entretiens usagers"
    brief.save_grid(world.app, other, world.rid, base, first)
    second = brief.criteria_grid(base).reset_index()
    second.loc[second["Intitulé"] == "Recherche", "Intitulé"] = "Recherche usager"
    before = dump(store)
    with pytest.raises(Conflict, match=r"Recherche.*Sophie Leroy"):
        brief.save_grid(world.app, owner, world.rid, base, second)
    assert dump(store) == before


def test_meeting_weights_saved_after_another_saved_one_weight_do_not_overwrite_it(
    store: Store,
) -> None:
    """A saves the slider weights after B saved one weight: only what A moved is written."""
    world = build(store)
    owner = actor_for(world, Role.RESPONSIBLE)
    base = _criteria(world)
    ids = {c.label: c.id for c in base}
    brief.save_weights(world.app, owner, world.rid, base, {ids["Recherche"]: 2.9})  # B
    brief.save_weights(
        world.app, owner, world.rid, base, {ids["Recherche"]: 2.0, ids["Ateliers"]: 1.1}
    )  # A moved only « Ateliers »; « Recherche » is still at the value A started from
    assert {c.label: c.weight for c in _criteria(world)} == {"Recherche": 2.9, "Ateliers": 1.1}
    with pytest.raises(Conflict, match="Recherche"):
        brief.save_weights(world.app, owner, world.rid, base, {ids["Recherche"]: 0.4})
    assert {c.label: c.weight for c in _criteria(world)} == {"Recherche": 2.9, "Ateliers": 1.1}


def test_a_candidate_record_saved_from_a_stale_version_is_refused(store: Store) -> None:
    world = build(store)
    owner = actor_for(world, Role.RESPONSIBLE)
    base = store.candidate(world.cand)
    candidates.update(world.app, world.app.actor("Karim Benali", MEMBER), base, phone="0102030405")
    with pytest.raises(Conflict, match=r"Ana Lopez.*Karim Benali"):
        candidates.update(world.app, owner, base, source="Cooptation")
    assert store.candidate(world.cand).phone == "0102030405"


def test_a_stage_decision_from_a_stale_screen_is_refused(store: Store) -> None:
    world = build(store)
    owner = actor_for(world, Role.RESPONSIBLE)
    CALLS[Action.STAGE_DECISION](world, owner)
    with pytest.raises(Conflict, match="Préqualification"):
        candidates.decide(
            world.app,
            owner,
            world.other,
            stage="prequalification",
            decision="continuer",
            reason="",
            base_decision_id=None,
        )


# --------------------------------------------------------------------------- final choice race


def _retain(url: str, candidate_id: str, barrier, results) -> None:
    store = Store.open(url)
    app = App(store, Config(login=True))
    actor = app.actor("Camille Martin", OWNER)
    barrier.wait()
    try:
        candidates.decide(
            app,
            actor,
            candidate_id,
            stage="prequalification",
            decision="retenu",
            reason="Choix",
            base_decision_id=None,
        )
        results.put("retenu")
    except ValidationError as err:
        results.put(f"refus : {err}")
    finally:
        store.engine.dispose()


@pytest.mark.slow
def test_two_final_choices_at_the_same_moment_retain_exactly_one_person(db_url: str) -> None:
    store = Store.open(db_url)
    world = build(store)
    # both candidates are eligible: Bob too reached pre-qualification
    ctx = mp.get_context("spawn")
    for _round in range(3):
        barrier = ctx.Barrier(2)
        results = ctx.Queue()
        workers = [
            ctx.Process(target=_retain, args=(db_url, cid, barrier, results))
            for cid in (world.cand, world.other)
        ]
        for w in workers:
            w.start()
        for w in workers:
            w.join(60)
        outcome = sorted(results.get(timeout=5) for _ in workers)
        assert outcome[0].startswith("refus") and outcome[1] == "retenu", outcome
        retained = [d for d in store.snapshot(world.rid).decisions if d.decision == "retenu"]
        assert len(retained) == 1
        with store.transaction() as tx:  # start the next round from no choice
            tx.conn.execute(sa.text("DELETE FROM stage_decisions WHERE decision = 'retenu'"))


def test_the_view_of_a_non_member_is_refused(store: Store) -> None:
    world = build(store)
    with pytest.raises(Refused):
        reading.view(world.app, actor_for(world, Role.OUTSIDER), world.rid)


def test_retention_settings_saved_from_an_old_page_keep_the_legal_maxima(store: Store) -> None:
    world = build(store)
    admin = actor_for(world, Role.ADMIN)
    with pytest.raises(ValidationError, match="au plus 3 mois"):
        data.save_retention_settings(
            world.app, admin, replace(data.retention_settings(world.app), unsuccessful_months=9)
        )


def test_a_must_have_still_to_confirm_blocks_the_final_choice(store: Store) -> None:
    world = build(store)
    owner = actor_for(world, Role.RESPONSIBLE)
    base = _criteria(world)
    grid = brief.criteria_grid(base).reset_index()
    grid.loc[grid["Intitulé"] == "Recherche", "Obligatoire"] = True
    brief.save_grid(world.app, owner, world.rid, base, grid)
    before = dump(store)
    with pytest.raises(Refused, match="reste à confirmer"):
        CALLS[Action.FINAL_CHOICE](world, owner)
    assert dump(store) == before
    CALLS[Action.RATE](world, owner)  # « Recherche » rated 3 at intra: validated
    CALLS[Action.FINAL_CHOICE](world, owner)


def test_a_kept_view_is_reused_until_the_next_write_then_read_again(store: Store) -> None:
    world = build(store)
    owner = actor_for(world, Role.RESPONSIBLE)
    first = reading.view(world.app, owner, world.rid)
    assert reading.view(world.app, owner, world.rid) is first, "same revision: kept"
    candidates.add(world.app, owner, world.rid, name="Chloé Nguyen")
    after = reading.view(world.app, owner, world.rid)
    assert after is not first and "Chloé Nguyen" in {c.name for c in after.snapshot.candidates}
    # another server writing to the same database bumps the same revision
    other_server = App(Store(store.engine), world.app.config)
    candidates.add(other_server, owner, world.rid, name="David Petit")
    assert "David Petit" in {
        c.name for c in reading.view(world.app, owner, world.rid).snapshot.candidates
    }
    member = actor_for(world, Role.MEMBER)
    assert reading.view(world.app, member, world.rid) is not reading.view(
        world.app, owner, world.rid
    )
