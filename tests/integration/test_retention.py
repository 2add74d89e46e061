"""Retention (PRODUCT.md §8): who is due for deletion and why, computed by a fixed number of
queries over the viewer's recruitments only; the purge; the right of access."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from selection.domain.model import (
    Candidate,
    Criterion,
    CultureNote,
    Evaluation,
    Recruitment,
    RecruitmentSnapshot,
    ReferenceCall,
    StageDecision,
    ValidationError,
)
from selection.services import data as data_service
from selection.services.access import Config
from selection.services.app import App
from selection.services.retention import (
    RetentionSettings,
    add_months,
    due_in,
    last_contact,
    load_settings,
    save_settings,
    to_purge,
)
from selection.storage import store as storage
from selection.storage.store import Store, new_id

TODAY = date(2026, 6, 15)


def at(day: str) -> datetime:
    return datetime.fromisoformat(day + "T10:00:00")


def recruitment(store: Store, title: str, closed: str | None, people: list[dict]) -> dict[str, str]:
    """A recruitment and its people; each person: name, created, consent, decision, and optional
    evaluation/note/call dates. Returns name → candidate id."""
    rec = Recruitment(
        id=new_id(),
        title=title,
        status="clos" if closed else "ouvert",
        created_at=at("2020-01-01"),
        closed_at=at(closed) if closed else None,
    )
    crit = Criterion(id=new_id(), recruitment_id=rec.id, label="Sécurité", stages=("intra",))
    snap = RecruitmentSnapshot(rec, [crit])
    ids = {}
    for p in people:
        cand = Candidate(
            id=new_id(),
            recruitment_id=rec.id,
            name=p["name"],
            created_at=at(p["created"]),
            talent_pool_consent=p.get("consent", False),
        )
        ids[p["name"]] = cand.id
        snap.candidates.append(cand)
        if "decision" in p:
            decision, when = p["decision"]
            snap.decisions.append(
                StageDecision(new_id(), cand.id, "intra", decision, "Alix", "Motif écrit", at(when))
            )
        if "evaluated" in p:
            snap.evaluations.append(
                Evaluation(
                    new_id(),
                    cand.id,
                    "intra",
                    crit.id,
                    "Alix",
                    2,
                    "Preuve",
                    created_at=at(p["created"]),
                    updated_at=at(p["evaluated"]),
                )
            )
        if "noted" in p:
            snap.culture_notes.append(
                CultureNote(new_id(), cand.id, "Dana", "Observation", created_at=at(p["noted"]))
            )
        if "called" in p:
            snap.reference_calls.append(
                ReferenceCall(
                    new_id(),
                    cand.id,
                    "Eve",
                    "Manager",
                    "DINUM",
                    date.fromisoformat(p["called"]),
                    "oui",
                    "Alix",
                    created_at=at(p["called"]),
                )
            )
    store.save_snapshot(snap)
    return ids


def everywhere(store: Store) -> list[str]:
    return [r.id for r in store.list_recruitments()]


def due(store: Store, today: date = TODAY, **kw) -> list:
    return to_purge(store, today, recruitment_ids=everywhere(store), **kw)


def save(store: Store, settings: RetentionSettings) -> RetentionSettings:
    return save_settings(store, settings, actor_name="Alix", actor_key="alix@beta.gouv.fr")


@pytest.fixture
def people(store: Store) -> dict[str, str]:
    ids = {}
    ids |= recruitment(
        store,
        "Clos le 15 mars 2026",
        "2026-03-15",
        [
            {
                "name": "Arrêtée au jour près",
                "created": "2026-01-10",
                "decision": ("arreter", "2026-02-01"),
            },
            {"name": "Retenue", "created": "2026-01-10", "decision": ("retenu", "2026-03-10")},
            {"name": "Sans décision", "created": "2026-01-12"},
            {
                "name": "Vivier récent",
                "created": "2026-01-10",
                "consent": True,
                "evaluated": "2026-02-10",
            },
        ],
    )
    ids |= recruitment(
        store,
        "Clos le 1er avril 2026",
        "2026-04-01",
        [
            {
                "name": "Clôture récente",
                "created": "2026-02-01",
                "decision": ("arreter", "2026-03-01"),
            }
        ],
    )
    ids |= recruitment(
        store,
        "Clos en décembre 2023",
        "2023-12-01",
        [
            {
                "name": "Vivier ancien",
                "created": "2023-09-01",
                "consent": True,
                "decision": ("en_attente", "2024-05-20"),
            },
            {
                "name": "Vivier appelé",
                "created": "2023-09-01",
                "consent": True,
                "called": "2025-01-02",
            },
            {
                "name": "Vivier observé",
                "created": "2023-09-01",
                "consent": True,
                "noted": "2024-07-01",
            },
        ],
    )
    ids |= recruitment(
        store,
        "Toujours ouvert",
        None,
        [
            {"name": "Ouvert sans consentement", "created": "2020-01-01"},
            {"name": "Ouvert avec consentement", "created": "2020-01-01", "consent": True},
        ],
    )
    return ids


def test_the_default_rules_list_the_right_people_with_the_right_reasons(
    store: Store, people: dict[str, str]
) -> None:
    items = {i.candidate_name: i for i in due(store)}
    assert set(items) == {
        "Arrêtée au jour près",
        "Sans décision",
        "Vivier ancien",
        "Ouvert avec consentement",
    }
    assert items["Arrêtée au jour près"].due == TODAY
    assert items["Arrêtée au jour près"].reason.startswith(
        "Candidature non retenue : recrutement clos le 15 mars 2026"
    )
    assert "3 mois" in items["Sans décision"].reason
    assert items["Vivier ancien"].due == date(2026, 5, 20)
    assert items["Vivier ancien"].reason.startswith(
        "Vivier (consentement recueilli) : dernier contact le 20 mai 2024"
    )
    assert "24 mois" in items["Vivier ancien"].reason
    assert items["Ouvert avec consentement"].due == date(2022, 1, 1)
    assert all(i.candidate_id == people[name] for name, i in items.items())


def test_the_day_before_the_due_date_nobody_closed_on_15_march_is_listed(
    store: Store, people: dict[str, str]
) -> None:
    names = {i.candidate_name for i in due(store, date(2026, 6, 14))}
    assert "Arrêtée au jour près" not in names
    assert "Vivier ancien" in names


def test_shorter_stored_settings_list_more_people_and_legal_maxima_are_enforced(
    store: Store, people: dict[str, str]
) -> None:
    save(store, RetentionSettings(unsuccessful_months=1, talent_pool_months=12))
    assert load_settings(store) == RetentionSettings(1, 12)
    names = {i.candidate_name for i in due(store)}
    assert {"Clôture récente", "Vivier observé", "Vivier appelé"} <= names
    assert "Retenue" not in names and "Vivier récent" not in names
    entry = store.list_audit()[0]
    assert (entry["action"], entry["actor"], entry["actor_key"]) == (
        "reglage_conservation",
        "Alix",
        "alix@beta.gouv.fr",
    )
    with pytest.raises(ValidationError, match="au plus 3 mois"):
        save(store, RetentionSettings(unsuccessful_months=4))
    with pytest.raises(ValidationError, match="jusqu'à 24 mois"):
        save(store, RetentionSettings(talent_pool_months=36))
    assert load_settings(store) == RetentionSettings(1, 12)
    save(store, RetentionSettings(2, 12))
    with store.reading() as tx:
        assert tx.setting("retention.unsuccessful_months")["version"] == 2
        assert tx.setting("retention.unsuccessful_months")["updated_by"] == "Alix"


def test_add_months_keeps_the_day_or_takes_the_last_day_of_a_short_month() -> None:
    assert add_months(date(2026, 3, 15), 3) == date(2026, 6, 15)
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert add_months(date(2024, 2, 29), 24) == date(2026, 2, 28)


def _rows_about(store: Store, candidate_ids: list[str]) -> int:
    with store.read() as conn:
        total = 0
        for table in (
            storage.evaluations,
            storage.stage_decisions,
            storage.culture_notes,
            storage.reference_calls,
        ):
            total += conn.execute(
                sa.select(sa.func.count())
                .select_from(table)
                .where(table.c.candidate_id.in_(candidate_ids))
            ).scalar_one()
        total += conn.execute(
            sa.select(sa.func.count())
            .select_from(storage.candidates)
            .where(storage.candidates.c.id.in_(candidate_ids))
        ).scalar_one()
    return total


def test_purge_removes_the_listed_people_and_everything_about_them_and_logs_each(
    store: Store, people: dict[str, str]
) -> None:
    app = App(store, Config())
    actor = app.actor("Alix")
    items = data_service.due_for_purge(app, actor, TODAY)
    assert items == due(store)
    gone = [i.candidate_id for i in items]
    kept = [cid for cid in people.values() if cid not in gone]
    assert _rows_about(store, gone) > len(gone)
    kept_before = _rows_about(store, kept)

    assert data_service.purge(app, actor, items, TODAY) == len(items)

    assert _rows_about(store, gone) == 0
    assert _rows_about(store, kept) == kept_before
    assert due(store) == []
    entries = [a for a in store.list_audit() if a["action"] == "purge"]
    assert sorted(a["subject"] for a in entries) == sorted(f"personne {cid}" for cid in gone)
    assert all(a["actor"] == "Alix" for a in entries)
    names = {i.candidate_name for i in items}
    assert not any(name in a["subject"] + a["details"] for a in entries for name in names)
    assert data_service.purge(app, actor, items, TODAY) == 0


def test_the_purge_rechecks_under_the_lock_and_spares_who_is_no_longer_due(
    store: Store, people: dict[str, str]
) -> None:
    app = App(store, Config())
    actor = app.actor("Alix")
    items = data_service.due_for_purge(app, actor, TODAY)
    reopened = next(i for i in items if i.candidate_name == "Arrêtée au jour près")
    with store.transaction() as tx:  # reopened meanwhile: the delay no longer runs
        rec = tx.require_recruitment(reopened.recruitment_id)
        tx.touch(rec.id)
        tx.update_recruitment(
            rec.__class__(**{**rec.__dict__, "status": "ouvert", "closed_at": None}),
            expected_version=None,
            by="Bao",
        )
    assert data_service.purge(app, actor, items, TODAY) == len(items) - 2
    with store.reading() as tx:
        assert tx.candidate(reopened.candidate_id) is not None
        assert due_in(tx, reopened.recruitment_id, TODAY, store) == []


def test_purge_deletes_the_evaluation_history_too(store: Store) -> None:
    ids = recruitment(
        store,
        "Clos",
        "2025-01-01",
        [{"name": "Modifiée", "created": "2024-10-01", "evaluated": "2024-11-01"}],
    )
    [ev] = store.list_evaluations(store.candidate(ids["Modifiée"]).recruitment_id)
    store.save_evaluations(
        [Evaluation(new_id(), ev.candidate_id, "intra", ev.criterion_id, "Alix", 3, "Revue")]
    )
    assert store.count_rows()["evaluation_history"] == 1
    app = App(store, Config())
    data_service.purge(app, app.actor("Alix"), due(store), TODAY)
    assert store.count_rows()["evaluation_history"] == 0


def test_access_export_holds_everything_about_the_person_and_nothing_about_another(
    store: Store,
) -> None:
    rec = store.save_recruitment(
        Recruitment(id=new_id(), title="Développeur·se", team="Équipe Alpha")
    )
    crits = store.save_criteria(
        rec.id,
        [
            Criterion(
                id=new_id(),
                recruitment_id=rec.id,
                label="Sécurité applicative",
                stages=("intra",),
                position=0,
            ),
            Criterion(
                id=new_id(),
                recruitment_id=rec.id,
                label="Tests automatisés",
                stages=("intra",),
                position=1,
            ),
        ],
    )
    me = store.save_candidate(
        Candidate(
            new_id(),
            rec.id,
            "Camille Durand",
            "camille@example.org",
            "0600000000",
            "Cooptation",
            references_agreed=True,
            talent_pool_consent=True,
            days_per_week=4.0,
            other_processes="Deux autres processus",
            expected_daily_rate=610,
        )
    )
    other = store.save_candidate(
        Candidate(new_id(), rec.id, "Dominique Autre", "dominique@example.org")
    )
    store.save_evaluations(
        [
            Evaluation(
                new_id(), me.id, "intra", crits[0].id, "Alix", 2, "Camille explique le chiffrement"
            ),
            Evaluation(
                new_id(),
                me.id,
                "intra",
                crits[1].id,
                "Bao",
                None,
                "Note en cours de Bao",
                status="brouillon",
            ),
            Evaluation(
                new_id(),
                other.id,
                "intra",
                crits[0].id,
                "Alix",
                1,
                "Dominique hésite sur les jetons",
            ),
        ]
    )
    store.save_evaluations(
        [
            Evaluation(
                new_id(),
                me.id,
                "intra",
                crits[0].id,
                "Alix",
                3,
                "Camille détaille une faille corrigée",
            )
        ],
        changed_by="Alix",
    )
    store.record_decision(
        StageDecision(new_id(), me.id, "intra", "continuer", "Alix", "Preuves solides pour Camille")
    )
    store.record_decision(
        StageDecision(new_id(), other.id, "intra", "arreter", "Alix", "Motif propre à Dominique")
    )
    with store.transaction() as tx:
        tx.insert_culture_note(
            CultureNote(
                new_id(), me.id, "Dana", "Camille aime le travail en binôme", True, "faible"
            ).validated()
        )
        tx.insert_culture_note(
            CultureNote(new_id(), other.id, "Dana", "Observation sur Dominique").validated()
        )
        tx.insert_reference_call(
            ReferenceCall(
                new_id(),
                me.id,
                "Eve Martin",
                "Ancienne manager",
                "DINUM",
                date(2026, 5, 2),
                "oui",
                "Alix",
                "Recommande Camille",
            ).validated()
        )
        tx.upsert_evaluations(
            [
                Evaluation(
                    new_id(),
                    me.id,
                    "references",
                    crits[0].id,
                    "Alix",
                    3,
                    "Eve confirme la rigueur",
                ).validated()
            ],
            "Alix",
            datetime(2026, 5, 2, 10, 0),
        )

    # Word joiners (U+2060) keep e-mail addresses from becoming links; they are invisible.
    app = App(store, Config())
    text = data_service.access_export(app, app.actor("Alix"), me.id, on=date(2026, 6, 1))
    text = text.replace("\u2060", "")

    for expected in (
        "Camille Durand",
        "camille@example.org",
        "0600000000",
        "Cooptation",
        "Camille détaille une faille corrigée",
        "3 — démontré par des preuves concrètes",
        "Camille explique le chiffrement",
        "2 — partiellement démontré",
        "Preuves solides pour Camille",
        "Camille aime le travail en binôme",
        "Eve Martin",
        "Recommande Camille",
        "Eve confirme la rigueur",
        "Deux autres processus",
        "610 €",
        "Accord pour rester dans le vivier :** oui",
    ):
        assert expected in text, expected
    for foreign in ("Dominique", "dominique@example.org", "jetons"):
        assert foreign not in text, foreign
    # A draft is its author's unfinished note: nobody else's export carries it.
    assert "Note en cours de Bao" not in text
    entry = store.list_audit()[0]
    assert (entry["action"], entry["actor"], entry["subject"]) == (
        "export_acces",
        "Alix",
        f"personne {me.id}",
    )


# ----------------------------------------------------------------------------- at scale


def _count_queries(store: Store):
    executed: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        executed.append(statement)

    sa.event.listen(store.engine, "before_cursor_execute", count)
    return executed, lambda: sa.event.remove(store.engine, "before_cursor_execute", count)


def _crowd(store: Store, title: str, people: int, closed: str | None = "2025-01-01") -> str:
    """A recruitment with ``people`` candidates, each with a rating, a decision and a note."""
    return next(
        iter(
            recruitment(
                store,
                title,
                closed,
                [
                    {
                        "name": f"{title} {n}",
                        "created": "2024-09-01",
                        "decision": ("arreter", "2024-10-01"),
                        "evaluated": "2024-10-02",
                        "noted": "2024-10-03",
                        "called": "2024-10-04",
                    }
                    for n in range(people)
                ],
            ).values()
        )
    )


def test_the_number_of_queries_does_not_grow_with_the_number_of_people(store: Store) -> None:
    _crowd(store, "Petit", 3)
    _crowd(store, "Grand", 120)
    ids = {r.title: r.id for r in store.list_recruitments()}
    counts = {}
    for title in ("Petit", "Grand"):
        executed, stop = _count_queries(store)
        items = to_purge(store, TODAY, recruitment_ids=[ids[title]])
        stop()
        counts[title] = len(executed)
        assert {i.recruitment_title for i in items} == {title}
    assert counts["Petit"] == counts["Grand"] <= 12


def test_only_the_given_recruitments_are_read(store: Store, people: dict[str, str]) -> None:
    mine = next(r.id for r in store.list_recruitments() if r.title == "Clos en décembre 2023")
    executed, stop = _count_queries(store)
    items = to_purge(store, TODAY, recruitment_ids=[mine])
    stop()
    assert {i.candidate_name for i in items} == {"Vivier ancien"}
    assert to_purge(store, TODAY, recruitment_ids=[]) == []
    # A hidden (staged) person of that recruitment is never listed.
    with store.transaction() as tx:
        tx.insert_candidates(
            [
                Candidate(
                    new_id(), mine, "En cours d'import", created_at=at("2020-01-01")
                ).validated()
            ],
            by="import",
            import_id=storage.new_import_id(),
        )
    assert {i.candidate_name for i in to_purge(store, TODAY, recruitment_ids=[mine])} == {
        "Vivier ancien"
    }


def test_the_last_contact_from_the_database_is_the_one_of_the_snapshot(
    store: Store, people: dict[str, str]
) -> None:
    save(store, RetentionSettings(0, 0))  # everyone with a date is due
    items = due(store, date(2030, 1, 1))
    assert len(items) >= 8
    for item in items:
        snap = store.snapshot(item.recruitment_id)
        expected = last_contact(snap, item.candidate_id)
        assert item.last_contact == (expected.date() if expected else None), item.candidate_name
    with store.reading() as tx:
        for rid in {i.recruitment_id for i in items}:
            inside = due_in(tx, rid, date(2030, 1, 1), store)
            assert inside == [i for i in items if i.recruitment_id == rid]
